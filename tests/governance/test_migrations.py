"""The schema comes only from Alembic: the migrations must build exactly what the models describe."""

import uuid
import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from governance.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            # Alembic cannot compare expression indexes (lower(email)); it says so and skips them.
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            warnings.filterwarnings("ignore", message=".*functional index.*")
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    from governance import create_app
    from tests.conftest import TEST_SETTINGS

    scratch = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.db'}"})
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "audit_events" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.parametrize("table", ["audit_events", "audit_event_networks"])
def test_database_refuses_to_change_or_delete_audit_rows(app, session, world, table):
    """On both databases: a row trigger on PostgreSQL, BEFORE UPDATE / DELETE triggers on SQLite."""
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), session.begin_nested():
        session.execute(sa.text(f"DELETE FROM {table}"))
    column = "seq" if table == "audit_events" else "network_id"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), session.begin_nested():
        session.execute(sa.text(f"UPDATE {table} SET {column} = {column}"))


@pytest.mark.postgres
def test_postgres_refuses_to_truncate_the_audit_log(session, world, is_postgres):
    if not is_postgres:
        pytest.skip("TRUNCATE is PostgreSQL's")
    for table in ("audit_event_networks", "audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only: TRUNCATE"), session.begin_nested():
            session.execute(sa.text(f"TRUNCATE {table} CASCADE"))


@pytest.mark.postgres
def test_audit_app_role_may_only_read_and_append_the_audit_log(database_url, tmp_path):
    """As the README says: the owner migrates with AUDIT_APP_ROLE set, the app runs as that role."""
    if not database_url.startswith("postgresql"):
        pytest.skip("roles and grants are PostgreSQL's")
    from governance import audit, create_app
    from tests.conftest import TEST_SETTINGS, fresh_database

    role = f"roundtable_app_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        with fresh_database(tmp_path, "role") as url:
            scratch = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "AUDIT_APP_ROLE": role})
            with scratch.app_context():
                upgrade(revision="20261202_outbox")  # as the README's blanket grant on every table, before
                db.session.execute(
                    sa.text(
                        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'
                    )
                )
                db.session.commit()
                upgrade()
                _check_app_role(db.session, audit, role)
                db.session.remove()
                db.engine.dispose()
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        server.dispose()


def _check_app_role(session, audit, role: str) -> None:
    privileges = {
        (table, privilege): session.scalar(
            sa.text("SELECT has_table_privilege(:role, :table, :privilege)"),
            {"role": role, "table": table, "privilege": privilege},
        )
        for table in ("audit_events", "audit_event_networks", "networks")
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    }
    allowed = {key for key, has in privileges.items() if has}
    assert allowed == {
        ("audit_events", "SELECT"), ("audit_events", "INSERT"),
        ("audit_event_networks", "SELECT"), ("audit_event_networks", "INSERT"),
        ("networks", "SELECT"), ("networks", "INSERT"), ("networks", "UPDATE"), ("networks", "DELETE"),
    }  # fmt: skip
    session.execute(sa.text(f'SET LOCAL ROLE "{role}"'))
    event = audit.record("test.append", actor=None, subject_type="test")  # the app can still append
    assert audit.head() == (event.seq, event.hash)
    for statement in (
        "UPDATE audit_events SET summary = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), session.begin_nested():
            session.execute(sa.text(statement))
    session.rollback()


def test_the_index_of_delegate_changes_holds_the_events_the_vote_page_reads(app):
    """The partial index the migration wrote covers every kind of event the vote page asks for (its list in
    the code and the literal in the migration cannot drift apart unnoticed)."""
    from governance.audit import DELEGATE_CHANGE_ACTIONS

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            found = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        else:
            found = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        written = connection.execute(sa.text(found), {"name": "ix_audit_events_delegate_changes_at"}).scalar()
    assert written is not None
    assert all(f"'{action}'" in written for action in DELEGATE_CHANGE_ACTIONS), written
