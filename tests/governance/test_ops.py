"""Running it for real: /healthz, /readyz, Prometheus metrics, JSON logs, the instance folder as a setting."""

from __future__ import annotations

import io
import json
import logging
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from governance import create_app
from governance.extensions import db
from governance.ops.logs import JsonFormatter
from governance.types import utcnow
from tests.conftest import TEST_SETTINGS
from tests.voting.factories import open_vote
from voting import service as voting_service


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def metrics_client(app, session, tmp_path):
    """A client of an app with METRICS_ENABLED, on the same database and the test's session."""
    metered = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "METRICS_ENABLED": True,
        }
    )
    return metered.test_client()


def _samples(response) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


# Health and readiness


def test_healthz_answers_without_touching_the_database(app, client):
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get("/healthz")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert statements == []


def test_readyz_is_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}


def test_a_database_that_does_not_answer_fails_readyz_with_the_reason_but_not_healthz(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # engine options follow it: this app is on SQLite
    down = create_app(
        {
            **TEST_SETTINGS,
            # a folder that does not exist: SQLite cannot open the file
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'roundtable.db'}",
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
        }
    )
    client = down.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"].startswith("the database does not answer: ")
    assert "unable to open database file" in response.json["checks"]["database"]


def test_redis_is_checked_only_when_configured_and_a_dead_one_fails_readyz(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_unused_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"].startswith("Redis does not answer: ")


# Metrics


def test_metrics_are_off_unless_enabled(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_give_latency_by_endpoint(metrics_client):
    assert metrics_client.get("/healthz").status_code == 200
    samples = _samples(metrics_client.get("/metrics"))
    labels = (("endpoint", "ops.healthz"), ("method", "GET"), ("status", "200"))
    assert samples[("roundtable_http_request_duration_seconds_count", labels)] == 1
    # the scrape itself is not counted
    assert not any(dict(key[1]).get("endpoint") == "metrics" for key in samples)


def test_metrics_count_ballots_cast_and_open_votes(world, metrics_client):
    now = utcnow()
    vote = open_vote(world, now=now - timedelta(hours=1))
    open_vote(world, now=now + timedelta(days=1))  # not open yet
    before = _samples(metrics_client.get("/metrics"))
    assert before[("roundtable_votes_open", ())] >= 1
    for i in range(2):
        voting_service.cast_ballot(vote, actor=world.delegates[i], coop=world.coops[i], choice="yes")
    voting_service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="no")  # a change
    db.session.commit()
    after = _samples(metrics_client.get("/metrics"))
    assert after[("roundtable_ballots_cast_total", ())] - before[("roundtable_ballots_cast_total", ())] == 3
    assert after[("roundtable_votes_open", ())] == before[("roundtable_votes_open", ())]
    vote.closed_at = now
    db.session.commit()
    closed = _samples(metrics_client.get("/metrics"))
    assert closed[("roundtable_votes_open", ())] == before[("roundtable_votes_open", ())] - 1


def test_metrics_show_the_outbox_backlog(session, metrics_client):
    outbox = sa.Table(
        "outbox",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handler", sa.String(200)),
        sa.Column("payload", sa.JSON),
        sa.Column("summary", sa.String(300)),
        sa.Column("created_at", sa.DateTime),
        sa.Column("attempts", sa.Integer),
        sa.Column("next_attempt_at", sa.DateTime),
        sa.Column("done_at", sa.DateTime),
        sa.Column("failed_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
    )
    if not sa.inspect(session.connection()).has_table("outbox"):
        outbox.create(session.connection())  # the outbox's own migration is landing; rolled back after
    before = _samples(metrics_client.get("/metrics")).get(("roundtable_outbox_backlog", ()), 0)
    now = utcnow().replace(tzinfo=None)
    row = {"handler": "mail", "payload": {}, "summary": "", "attempts": 0, "last_error": ""}
    row |= {"created_at": now, "next_attempt_at": now}
    session.execute(
        outbox.insert(),
        [
            {**row, "done_at": None, "failed_at": None},
            {**row, "done_at": None, "failed_at": None},
            {**row, "done_at": now, "failed_at": None},  # sent
            {**row, "done_at": None, "failed_at": now},  # given up on: shown to admins, not a backlog
        ],
    )
    after = _samples(metrics_client.get("/metrics"))[("roundtable_outbox_backlog", ())]
    assert after - before == 2


# Logs


def test_json_logs_are_one_object_a_line_with_the_request(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("governance.test_ops")
    logger.addHandler(handler)
    try:
        with app.test_request_context("/proposals/7", method="POST"):
            logger.warning("refused %s", "politely")
        try:
            raise ValueError("broken")
        except ValueError:
            logger.exception("it failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "refused politely"
    assert (first["level"], first["logger"]) == ("WARNING", "governance.test_ops")
    assert (first["method"], first["path"]) == ("POST", "/proposals/7")
    assert first["time"].endswith("+00:00")
    assert "method" not in second
    assert "ValueError: broken" in second["exception"]


def test_log_format_json_puts_a_json_handler_on_the_root_logger(app, tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        create_app({**TEST_SETTINGS, "LOG_FORMAT": "json", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        create_app({**TEST_SETTINGS, "LOG_FORMAT": "json", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1  # a second app does not write every line twice
        assert isinstance(added[0].formatter, JsonFormatter)
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)


# The instance folder


def test_instance_path_holds_the_secret_key_and_the_sqlite_file_and_the_outbox(tmp_path, monkeypatch):
    folder = tmp_path / "one"
    monkeypatch.setenv("INSTANCE_PATH", str(folder))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app()
    assert first.instance_path == str(folder)
    assert (folder / "secret_key").read_text().strip() == first.config["SECRET_KEY"]
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{folder / 'roundtable.db'}"
    assert first.config["MAIL_OUTBOX"] == str(folder / "outbox")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "two"))
    second = create_app()
    assert second.config["SECRET_KEY"] != first.config["SECRET_KEY"]  # two instances, two folders
    assert create_app().config["SECRET_KEY"] == second.config["SECRET_KEY"]  # kept, not made anew
