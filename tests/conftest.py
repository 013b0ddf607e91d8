"""One database per run (migrated with Alembic), and a rolled-back transaction per test.

On SQLite by default; on PostgreSQL when DATABASE_URL points at a server, in a fresh database
created for the run and dropped after it.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import g, request_started
from flask_migrate import upgrade
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from governance import create_app, security
from governance.extensions import HandsOnAfterCommit, db
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


@pytest.fixture
def session(app):
    """The app's session bound to one connection whose outer transaction is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(class_=TestSession, bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=original.registry.scopefunc,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


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
    return factories.small_world()


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
