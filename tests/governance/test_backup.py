"""Backups: `backup FILE` from one database, `restore FILE` into an empty one, and the log still verifies."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from governance import create_app
from governance.extensions import db
from governance.types import utcnow
from tests import factories
from tests.conftest import TEST_SETTINGS, fresh_database
from tests.voting.factories import open_vote
from voting import service as voting_service


@contextlib.contextmanager
def scratch_app(tmp_path, hint):
    """An app on a database of its own (not the per-test transaction), migrated to the head."""
    with fresh_database(tmp_path, hint) as url:
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX": str(tmp_path / hint)})
        with app.app_context():
            upgrade()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


@pytest.fixture
def source(tmp_path):
    """A database with a world, a vote with ballots (one replaced), an API token, and their audit events."""
    with scratch_app(tmp_path, "source") as app:
        with app.test_request_context():
            world = factories.small_world()
            vote = open_vote(world, now=utcnow() - timedelta(hours=1))
            for i, choice in enumerate(["yes", "no", "yes"]):
                voting_service.cast_ballot(vote, actor=world.delegates[i], coop=world.coops[i], choice=choice)
            voting_service.cast_ballot(vote, actor=world.delegates[1], coop=world.coops[1], choice="yes")
            db.session.commit()
            app.config["test_headers"] = factories.api_token(world.admin)
        yield app


def test_a_restore_into_an_empty_database_gives_the_same_data_and_the_log_verifies(source, tmp_path):
    file = tmp_path / "roundtable-backup.json"
    made = _cli(source, "backup", str(file))
    assert made.exit_code == 0, made.output
    verified = _cli(source, "audit", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("ok ")
    headers = source.config["test_headers"]
    networks = source.test_client().get("/api/v1/networks", headers=headers)
    assert networks.status_code == 200

    with scratch_app(tmp_path, "target") as target:
        restored = _cli(target, "restore", str(file))
        assert restored.exit_code == 0, restored.output
        assert _counts(target) == _counts(source)
        assert _counts(target)["ballots"] == 4
        again = _cli(target, "audit", "verify")
        assert again.exit_code == 0 and again.output == verified.output  # the same 'ok N events'
        # the same answers, to the same token: sessions and tokens travel with the data
        assert target.test_client().get("/api/v1/networks", headers=headers).json == networks.json
        with target.test_request_context():  # new rows get new ids (PostgreSQL's sequences moved on)
            factories.person("After Restore", email="after@example.org")
            db.session.commit()


def test_restore_refuses_a_database_that_is_not_empty(source, tmp_path):
    file = tmp_path / "backup.json"
    _cli(source, "backup", str(file))
    before = _counts(source)
    refused = source.test_cli_runner().invoke(args=["restore", str(file)])
    assert refused.exit_code == 1
    assert "not restored: the database is not empty (rows in " in refused.output
    assert " networks," in refused.output
    assert _counts(source) == before


def test_restore_refuses_a_file_that_is_not_a_backup_or_of_another_schema(source, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    refused = source.test_cli_runner().invoke(args=["restore", str(other)])
    assert refused.exit_code == 1 and "this is not a Roundtable backup" in refused.output
    file = tmp_path / "backup.json"
    _cli(source, "backup", str(file))
    document = json.loads(file.read_text())
    document["revision"] = "0000_elsewhere"
    file.write_text(json.dumps(document))
    with scratch_app(tmp_path, "target") as target:
        refused = target.test_cli_runner().invoke(args=["restore", str(file)])
        assert refused.exit_code == 1
        assert "the backup is of schema 0000_elsewhere" in refused.output
        assert sum(_counts(target).values()) == 0
