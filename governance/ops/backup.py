"""`flask --app wsgi backup FILE` and `restore FILE`: every row of every table, as one consistent JSON file.

The export reads all tables in one transaction (REPEATABLE READ on PostgreSQL, SQLite's own snapshot), so
the file is one moment of the database. Rows go out in primary-key order, tables parents first, and come
back the same way into an empty database migrated to the same revision; PostgreSQL's id sequences are then
moved past the restored ids. Issued documents stored in the database travel with their rows. Values keep
their types: datetimes, dates, decimals and bytes are tagged (`{"$datetime": ...}`); JSON columns are as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import IO, Any

import sqlalchemy as sa

from governance.extensions import db
from governance.types import utcnow

FORMAT = "roundtable-backup"
VERSION = 1


class BackupError(Exception):
    """A backup that cannot be restored here, with the reason."""


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _encode(value: Any, is_json: bool) -> Any:
    if value is None or is_json:
        return value
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any, is_json: bool) -> Any:
    if is_json or not isinstance(value, dict) or len(value) != 1:
        return value
    ((tag, text),) = value.items()
    decoders = {
        "$datetime": dt.datetime.fromisoformat,
        "$date": dt.date.fromisoformat,
        "$decimal": Decimal,
        "$bytes": base64.b64decode,
    }
    return decoders[tag](text) if tag in decoders else value


def _is_json(column: sa.Column) -> bool:
    return isinstance(column.type, sa.JSON) or isinstance(getattr(column.type, "impl", None), sa.JSON)


def _revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def dump(engine: sa.Engine, out: IO[str]) -> dict[str, int]:
    """Write the whole database to `out`; return the rows written per table."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    counts: dict[str, int] = {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        tables = {}
        for table in _tables():
            columns = list(table.columns)
            flags = [_is_json(column) for column in columns]
            order = list(table.primary_key.columns) or columns
            rows = connection.execute(sa.select(*columns).order_by(*order))
            tables[table.name] = {
                "columns": [column.name for column in columns],
                "rows": [[_encode(v, f) for v, f in zip(row, flags, strict=True)] for row in rows],
            }
            counts[table.name] = len(tables[table.name]["rows"])
        document = {
            "format": FORMAT,
            "version": VERSION,
            "revision": _revision(connection),
            "created_at": utcnow().isoformat(),
            "tables": tables,
        }
    json.dump(document, out, ensure_ascii=False)
    return counts


def restore(engine: sa.Engine, source: IO[str]) -> dict[str, int]:
    """Load a backup into an empty database at the same migration; return the rows restored per table."""
    try:
        document = json.load(source)
    except json.JSONDecodeError as error:
        raise BackupError(f"this is not a Roundtable backup (not JSON: {error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("this is not a Roundtable backup")
    if document.get("version") != VERSION:
        raise BackupError(f"this backup's format is version {document.get('version')}; this Roundtable reads {VERSION}")
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        revision = _revision(connection)
        if revision is None:
            raise BackupError("the database has no schema: run `flask --app wsgi db upgrade` first")
        if revision != document["revision"]:
            raise BackupError(
                f"the backup is of schema {document['revision']}, the database is at {revision}: "
                "restore with the Roundtable version that made it, or migrate the database to match"
            )
        tables = _tables()
        if nonempty := [t.name for t in tables if connection.scalar(sa.select(sa.func.count()).select_from(t))]:
            raise BackupError(f"the database is not empty (rows in {', '.join(nonempty)}): restore into an empty one")
        for table in tables:
            part = document["tables"].get(table.name, {"columns": [], "rows": []})
            columns = [table.c[name] for name in part["columns"]]
            flags = [_is_json(column) for column in columns]
            rows = [
                {c.name: _decode(v, f) for c, v, f in zip(columns, row, flags, strict=True)} for row in part["rows"]
            ]
            if rows:
                connection.execute(table.insert(), rows)
            counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql":
            _move_sequences(connection, tables)
    return counts


def _move_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Next ids come after the restored ones."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence:
                connection.execute(
                    sa.text(f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'),  # noqa: S608 - names from our metadata
                    {"sequence": sequence},
                )
