"""One database per run (migrated with Alembic), and a rolled-back transaction per test.

On SQLite by default; on PostgreSQL when DATABASE_URL points at a server, in a fresh database
created for the run and dropped after it.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import g, request_started
from flask_migrate import upgrade
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from governance import create_app, security
from governance import outbox as outbox_rows
from governance.extensions import HandsOnAfterCommit, db
from governance.models import Coop, Network, Person
from tests import factories

# Property tests check properties, not speed: on a loaded machine (CI shares its cores) neither a per-example
# deadline nor the slow-generation health check may fail a run. Speed is measured under bench/.
hypothesis_settings.register_profile(
    "roundtable", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis_settings.load_profile("roundtable")

# Argon2 at its lowest cost: thousands of sign-ins and made-up accounts are not what most tests are about, and
# at the production cost (64 MiB, 3 passes) they took a third of the suite. The hashes are still argon2, made
# and checked by the same code; tests/governance/test_sign_in.py, which is about the hashing, wraps this one.
security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SIGN_IN_LIMIT": "1000 per minute",
    "SIGN_IN_ADDRESS_LIMIT": "1000 per minute",
    "COMMENT_LIMIT": "1000 per minute",
    "SERVER_NAME": None,
    "BASE_URL": "http://localhost",
}


def _postgres_url(base: str) -> str:
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base)
    return base


@contextlib.contextmanager
def fresh_database(directory: Path, hint: str = "test"):
    """A new, empty database: an SQLite file, or on PostgreSQL (DATABASE_URL) a database made and dropped here."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{directory / f'{hint}.db'}"
        return
    url = sa.make_url(_postgres_url(base))
    name = f"roundtable_{hint}_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, empty database for this run."""
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    outbox = tmp_path_factory.mktemp("outbox")
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX": str(outbox)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    # Tests hold an app context open while the client makes requests, and Flask then reuses it,
    # so forget who was signed in at each request's start, as a fresh context would.
    request_started.connect(_forget_user, app)
    yield app
    _let_go_of_world()
    with app.app_context():
        db.engine.dispose()


def _forget_user(sender, **extra) -> None:
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)  # the locale Flask-Babel chose for the request before
    g.pop("waiting_total", None)  # the navigation's count of what waited, at the request before


@pytest.fixture
def is_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


class TestSession(HandsOnAfterCommit, Session):
    """The app's session behaviour (the outbox is handed on after each commit) on the test's connection."""


def _bound_session(connection: sa.Connection) -> scoped_session:
    return scoped_session(
        sessionmaker(class_=TestSession, bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=db.session.registry.scopefunc,
    )


@dataclass
class HeldWorld:
    """`factories.small_world()`, built once and kept in an open transaction on its own connection, for
    the tests that ask for `world` one after another: each runs in a savepoint of it, rolled back after,
    so each starts from the world just as it was built, for a few reads rather than about a hundred
    writes. It is let go (rolled back) before any test that does not ask for it, which then finds the
    database as empty as ever (no other writer waits on it, on SQLite or PostgreSQL)."""

    connection: sa.Connection
    outer: sa.Transaction
    ids: dict[str, Any]

    @classmethod
    def build(cls, app) -> HeldWorld:
        connection = db.engine.connect()
        outer = connection.begin()
        original, db.session = db.session, _bound_session(connection)
        try:
            with app.test_request_context():
                made = factories.small_world()
                ids = {
                    name: [x.id for x in value] if isinstance(value, list) else value.id
                    for name, value in vars(made).items()
                }
        except BaseException:
            outer.rollback()
            connection.close()
            raise
        finally:
            db.session.remove()
            db.session = original
        return cls(connection, outer, ids)

    def load(self) -> factories.World:
        """The world's rows as the test's session's objects: three queries."""
        ids = self.ids
        people = [ids["admin"], ids["steward"], *ids["delegates"], *ids["members"], ids["outsider"]]
        found = {
            Person: {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(people)))},
            Network: {
                n.id: n
                for n in db.session.scalars(
                    sa.select(Network).where(Network.id.in_([ids["network"], ids["other_network"]]))
                )
            },
            Coop: {c.id: c for c in db.session.scalars(sa.select(Coop).where(Coop.id.in_(ids["coops"])))},
        }
        person, network = found[Person].__getitem__, found[Network].__getitem__
        return factories.World(
            admin=person(ids["admin"]),
            steward=person(ids["steward"]),
            network=network(ids["network"]),
            other_network=network(ids["other_network"]),
            coops=[found[Coop][i] for i in ids["coops"]],
            delegates=[person(i) for i in ids["delegates"]],
            members=[person(i) for i in ids["members"]],
            outsider=person(ids["outsider"]),
        )


_held: HeldWorld | None = None


def _let_go_of_world() -> None:
    global _held
    held, _held = _held, None
    if held is not None:
        with contextlib.suppress(Exception):  # a connection the server dropped has nothing to roll back
            held.outer.rollback()
        with contextlib.suppress(Exception):
            held.connection.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before any fixture of a test that does not ask for `world` (a module's own world, a scratch
    database, a live server) is set up, let the held world go."""
    if "world" not in getattr(item, "fixturenames", ()):
        _let_go_of_world()


@pytest.fixture
def session(app, request):
    """The app's session bound to one connection whose outer transaction is rolled back after the test:
    for a test that asks for `world`, a savepoint of the held world's transaction (`HeldWorld`)."""
    global _held
    with app.app_context():
        if "world" in request.fixturenames:
            if _held is None or not _held.outer.is_active or _held.connection.invalidated:
                _let_go_of_world()
                _held = HeldWorld.build(app)
            held = _held
            connection, outer = held.connection, held.connection.begin_nested()
        else:
            held = None
            connection = db.engine.connect()
            outer = connection.begin()
        original = db.session
        db.session = _bound_session(connection)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            if held is None:
                outer.rollback()
                connection.close()
            else:
                try:
                    if outer.is_active:
                        outer.rollback()
                except Exception:  # the connection broke (a server restarted): build the world again
                    _let_go_of_world()
                if _held is not None and not _held.outer.is_active:
                    _let_go_of_world()


@pytest.fixture
def ctx(app, session):
    """An app context with the per-test session, for calling services directly."""
    with app.test_request_context():
        yield


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def world(ctx):
    """`factories.small_world()`, as it was just built (the held one's rows, in this test's savepoint)."""
    assert _held is not None  # the session fixture holds it for a test that asks for it
    return _held.load()


@pytest.fixture(autouse=True)
def _mail_waits_unless_read(request, monkeypatch):
    """Mail is composed and queued in every test (its outbox row is written in the change's transaction,
    as ever) and handed on to the outbox folder only in a test that reads it: one that asks for `outbox`,
    or a browser test. For the rest it waits, as it would for a worker that has not run yet: handing a
    mail on (claiming its row, building the message, writing the file, two commits) was about a fifth of
    the suite's time, for mail nobody read."""
    if "outbox" in request.fixturenames or request.node.get_closest_marker("browser"):
        return
    queue = outbox_rows.put

    def put(name, payload, *, summary=""):
        item = queue(name, payload, summary=summary)
        if name == "mail":
            db.session().info[outbox_rows._NEW].remove(item)  # not handed on at the commit
        return item

    monkeypatch.setattr(outbox_rows, "put", put)


@pytest.fixture
def outbox(app) -> Path:
    path = Path(app.config["MAIL_OUTBOX"])
    for old in path.glob("*.eml"):
        old.unlink()
    return path


QUICK_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="dcterms.created" content="2026-11-30T12:00:00Z"><meta name="dcterms.modified" content="2026-11-30T12:00:00Z">
</head><body><h1>{title}</h1><p>{what}</p></body></html>"""


@pytest.fixture
def quick_render(monkeypatch):
    """Lay out a one-line page instead of the whole agreement, for tests about the workflow, not the PDF:
    the real WeasyPrint run, PDF/A-3 and agreement.json, only much less to lay out."""
    from governance.agreements import render

    def html_of(document):
        what = f"counterpart for {document.counterpart.name}" if document.counterpart else "agreement"
        return QUICK_HTML.format(title=f"Agreement {document.agreement_id} v{document.version}", what=what)

    monkeypatch.setattr(render, "html_of", html_of)
