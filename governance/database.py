"""Engine settings that make SQLite behave as a real transactional database."""

from flask import Flask
from sqlalchemy import Select, event, func, select
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from governance.extensions import db
from governance.paging import ListPage

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another's turn before giving up


def configure_engines(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, open transactions, so SAVEPOINTs and rollbacks work,
    and have SQLite enforce foreign keys. The recipe is SQLAlchemy's own (pysqlite dialect docs).

    Concurrent writers: WAL lets readers go on beside the writer, and every transaction takes the write
    lock at its start (BEGIN IMMEDIATE), so a second writer waits its turn (up to the busy timeout)
    instead of failing at once with "database is locked", which a deferred BEGIN does when its first
    write comes after a read. It also makes SQLite's transactions as serial as the proposal lock wants.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id fits the database's integer column, or the URL does not match (404)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def count_rows(query: Select) -> int:
    """How many rows a query would give, counted by the database (its ordering dropped), not by loading them."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def first_rows(query: Select, limit: int | None, *, scalars: bool = False) -> tuple[list, int]:
    """The first `limit` rows of a query (every row when None; none when 0) and how many it has in all,
    counted by the database rather than by loading them; `scalars` gives each row's one object."""
    if limit is not None:
        total = count_rows(query)
        if not (limit and total):
            return [], total
        query = query.limit(limit)
    result = db.session.execute(query)
    rows = list(result.scalars() if scalars else result)
    return rows, (total if limit is not None else len(rows))


def page_of(query: Select, page: int, per_page: int, total: int, *, scalars: bool = False) -> ListPage:
    """One page of a query's rows by limit and offset, given how many rows it has in all (a page past the
    end is the last one): `ListPage.of` for a list too long to read whole."""
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    return ListPage(list(result.scalars() if scalars else result), page, pages)


def holds_text(column, text: str):
    """`column` contains `text`, whatever the case of either (lowered as the database lowers; LIKE's
    wildcards in `text` taken as typed): for finding a co-op by part of its name."""
    return func.lower(column).contains(text.lower(), autoescape=True)
