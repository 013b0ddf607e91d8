"""The audit log's end is protected too: the database refuses to truncate it, and SQLite refuses to
change or delete its rows as PostgreSQL already does.

On PostgreSQL a statement trigger refuses TRUNCATE of the audit tables (the row trigger of the first
migration cannot see a TRUNCATE). When the `AUDIT_APP_ROLE` setting names the role the app runs as, that
role may only SELECT and INSERT on the audit tables (and use their id sequence): UPDATE, DELETE and
TRUNCATE are revoked, so even a bug or an injected statement in the app cannot reach past the triggers.
Run this migration as the tables' owner, not as that role. On SQLite, triggers refuse UPDATE and DELETE.

Revision ID: 673a3a6151c1
Revises: 20261202_outbox
Create Date: 2026-12-02 03:45:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '673a3a6151c1'
down_revision = '20261202_outbox'
branch_labels = None
depends_on = None

AUDIT_TABLES = ('audit_events', 'audit_event_networks')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in AUDIT_TABLES:
            # audit_append_only() (first migration) raises, naming TG_OP: here 'TRUNCATE'.
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
            )
        if role := _app_role():
            _restrict(role)
    else:
        for table in AUDIT_TABLES:
            for operation in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {operation} on {table} "
                    "is refused'); END"
                )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        if role := _app_role():
            quoted = _quoted_role(role)
            op.execute(f"REVOKE SELECT, INSERT ON {', '.join(AUDIT_TABLES)} FROM {quoted}")
            op.execute(f"REVOKE USAGE, SELECT ON SEQUENCE {_id_sequence()} FROM {quoted}")
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for table in AUDIT_TABLES:
            for operation in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


def _app_role() -> str | None:
    """The AUDIT_APP_ROLE setting (from the environment, through the app's config, as every setting
    reaches a migration run by `flask --app wsgi db upgrade`)."""
    return (current_app.config.get('AUDIT_APP_ROLE') or '').strip() or None


def _quoted_role(role: str) -> str:
    exists = op.get_bind().scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    if not exists:
        raise RuntimeError(f"AUDIT_APP_ROLE names {role!r}, but there is no such role: create it first")
    return op.get_bind().dialect.identifier_preparer.quote_identifier(role)


def _id_sequence() -> str:
    return op.get_bind().scalar(sa.text("SELECT pg_get_serial_sequence('audit_events', 'id')"))


def _restrict(role: str) -> None:
    quoted = _quoted_role(role)
    owner = op.get_bind().scalar(sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'"))
    if owner == role:
        raise RuntimeError(
            f"AUDIT_APP_ROLE is {role!r}, which owns the audit tables and so may always change them: "
            "run the app as another role, and this migration as the owner"
        )
    tables = ', '.join(AUDIT_TABLES)
    op.execute(f"REVOKE ALL ON {tables} FROM {quoted}")
    op.execute(f"GRANT SELECT, INSERT ON {tables} TO {quoted}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {_id_sequence()} TO {quoted}")
