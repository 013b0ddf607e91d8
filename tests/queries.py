"""Counting the SQL statements a request runs (for the tests that a page's queries do not grow with its rows)."""

from __future__ import annotations

import sqlalchemy as sa

from governance.extensions import db


def statements(client, url: str) -> int:
    """SQL statements one GET of the page runs, read afresh from the database."""
    db.session.expunge_all()  # the request loads everything itself, as a fresh worker would
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


def reads(client, url: str) -> tuple[int, int]:
    """SQL statements one GET of the page runs, and the rows it loads as objects (any mapped class's
    instances): a page that reads a whole electorate in one query loads a row per co-op all the same."""
    db.session.expunge_all()
    seen: list[str] = []
    loaded: list[object] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    def load(target, context):
        loaded.append(target)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    sa.event.listen(db.Model, "load", load, propagate=True)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
        sa.event.remove(db.Model, "load", load)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen), len(loaded)
