"""Faults: the database going away mid-run, Redis down while tasks are queued, an audit append that
fails, a rendering that fails."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from governance import audit, service
from governance.agreements import render
from governance.agreements.models import TaskState
from governance.extensions import db
from governance.models import Network
from tests import factories
from tests.agreements import factories as agreement_factories
from tests.conftest import TEST_SETTINGS, fresh_database
from tests.voting.factories import open_vote


class Proxy:
    """A TCP relay from a local port to PostgreSQL that can be cut (every connection dropped, new ones
    closed at once) and restored: the database "goes away" for this app only, not for anyone else's tests."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_up = True
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.is_up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.is_up = False
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.open.clear()

    def restore(self) -> None:
        self.is_up = True

    def close(self) -> None:
        self.listener.close()
        self.cut()


needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="a PostgreSQL server to relay to"
)


@needs_postgres
def test_while_postgresql_is_away_the_app_says_nothing_was_saved_and_then_recovers_by_itself(tmp_path: Path):
    from governance import create_app

    with fresh_database(tmp_path, "faults") as url:
        real = sa.make_url(url)
        proxy = Proxy((real.host or "127.0.0.1", real.port or 5432))
        relayed = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = {"SQLALCHEMY_DATABASE_URI": relayed, "MAIL_OUTBOX": str(tmp_path), "SCHEDULER_SECONDS": 0}
        app = create_app({**TEST_SETTINGS, **settings})
        try:
            with app.app_context():
                upgrade()
                admin = factories.person("Ada Admin", email="ada@example.org", superuser=True)
                token = factories.api_token(admin)
                db.session.remove()
            client = app.test_client()
            factories.sign_in(client, SimpleNamespace(email="ada@example.org"))
            for _ in range(3):  # a run of requests, on pooled connections
                assert client.get("/networks").status_code == 200
                assert client.get("/api/v1/networks", headers=token).status_code == 200

            proxy.cut()
            page = client.post("/networks/new", data={"name": "Downnet"})
            assert page.status_code == 503 and page.headers["Retry-After"] == "30"
            assert "nothing was saved" in page.get_data(as_text=True)
            answer = client.post("/api/v1/networks", json={"name": "Downnet"}, headers=token)
            assert answer.status_code == 503
            assert answer.json["code"] == 503 and "nothing was saved" in answer.json["message"]
            assert client.get("/networks").status_code == 503
            assert client.get("/readyz").status_code == 503
            assert client.get("/healthz").status_code == 200  # the app itself still answers

            proxy.restore()  # no restart of the app: the pool replaces its dead connections
            assert client.get("/networks").status_code == 200
            listed = client.get("/api/v1/networks", headers=token)
            assert listed.status_code == 200 and listed.json == []  # the refused creations stored nothing
            assert client.get("/readyz").status_code == 200
            made = client.post("/api/v1/networks", json={"name": "Upnet"}, headers=token)
            assert made.status_code == 201
        finally:
            with app.app_context():
                db.engine.dispose()
            proxy.close()


# Redis down while tasks are queued: nothing is lost, the outbox hands them on later, each once.


@pytest.mark.usefixtures("seal_dir")
def test_with_redis_down_the_queued_mail_and_jobs_wait_and_are_handed_on_later_once(
    world, outbox, monkeypatch, session
):
    from huey import RedisHuey

    from governance import outbox as queue
    from governance.outbox import OutboxItem

    dead = RedisHuey("roundtable-dead", url="redis://127.0.0.1:9/0", utc=True)  # nothing listens on port 9
    monkeypatch.setattr(queue, "run_task", dead.task(name="outbox.run")(queue.run))
    monkeypatch.setattr(render, "html_of", _quick_html)
    agreement = agreement_factories.agreement(world, parties=world.coops[:2])  # a render job and mail
    open_vote(world)  # its notifications' mail
    waiting = session.scalars(sa.select(OutboxItem).where(OutboxItem.done_at.is_(None))).all()
    assert {item.handler for item in waiting} >= {"job", "mail"}, [item.handler for item in waiting]
    assert not agreement.current.draft_pdf and not list(outbox.glob("*.eml"))

    assert queue.hand_on_due() == len(waiting)  # the periodic hand-on, Redis or not
    session.expire_all()
    assert all(item.done_at is not None for item in waiting)
    assert agreement.current.draft_state == TaskState.DONE and agreement.current.draft_pdf
    mails = len(list(outbox.glob("*.eml")))
    assert mails == sum(item.handler == "mail" for item in waiting)
    assert queue.hand_on_due() == 0 and len(list(outbox.glob("*.eml"))) == mails  # nothing twice


# Each state change and its audit event commit together or not at all.


class AuditDown(RuntimeError):
    pass


def _audit_fails(monkeypatch) -> None:
    real = audit.record

    def failing(action, **kwargs):
        real(action, **kwargs)  # the event is written in the transaction, and then appending it fails
        db.session.flush()
        raise AuditDown("the audit log cannot be appended to")

    monkeypatch.setattr(audit, "record", failing)


def _tables(session) -> dict[str, int]:
    found = {
        t.name: session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
    }
    found["audit head"] = audit.head()
    return found


def test_a_network_whose_audit_event_fails_is_not_created(client, world, monkeypatch, session):
    factories.sign_in(client, world.admin)
    before = _tables(session)
    _audit_fails(monkeypatch)
    with pytest.raises(AuditDown):
        client.post("/networks/new", data={"name": "Ghostnet"})
    session.rollback()  # as the request's end does (here the test's app context outlives the request)
    assert session.scalar(sa.select(Network).where(Network.name == "Ghostnet")) is None
    assert _tables(session) == before


def test_a_ballot_whose_audit_event_fails_is_not_cast(client, world, monkeypatch, session):
    vote = open_vote(world)
    headers = factories.api_token(world.delegates[0])
    before = _tables(session)
    _audit_fails(monkeypatch)
    with pytest.raises(AuditDown):
        client.post(
            f"/api/v1/votes/{vote.id}/ballots",
            json={"coop": world.coops[0].slug, "choice": "yes"},
            headers=headers,
        )
    session.rollback()
    assert _tables(session) == before


def test_a_service_change_and_its_event_roll_back_together(ctx, world, monkeypatch, session):
    before = _tables(session)
    _audit_fails(monkeypatch)
    with pytest.raises(AuditDown):
        service.create_coop(
            actor=world.admin, network=world.network, name="Ghost Co", country="GB", time_zone="Europe/London"
        )
    session.rollback()  # as the request's edge does on any exception
    assert _tables(session) == before


# A rendering that fails is kept, shown on the agreement's page, and retried from it.


def _quick_html(document) -> str:
    from tests.conftest import QUICK_HTML

    return QUICK_HTML.format(title="Agreement", what="terms")


@pytest.fixture
def seal_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_DIR", str(tmp_path / "seal"))


@pytest.mark.usefixtures("seal_dir")
def test_a_failed_rendering_is_shown_on_the_page_and_the_steward_retries_it(client, world, monkeypatch):
    def broken(document):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(render, "html_of", broken)
    agreement = agreement_factories.agreement(world, parties=world.coops[:2])
    factories.sign_in(client, world.steward)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "the printer is on fire" in page and "Try again now" in page

    monkeypatch.setattr(render, "html_of", _quick_html)
    retried = client.post(f"/agreements/{agreement.id}/retry")
    assert retried.status_code in (302, 303)
    db.session.expire_all()
    assert agreement.current.draft_state == TaskState.DONE and agreement.current.draft_pdf
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "the printer is on fire" not in page and "Try again now" not in page
