"""Races on PostgreSQL: a scratch database per test, and jobs started at the same instant in threads.

Each job runs in its own app context and transaction (as a request would) and commits; its outcome is
what it returned, or the exception it raised, for the test to check. Keep threads away from the global
`db.session` of other tests: the per-test fixture replaces it.
"""

from __future__ import annotations

import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from governance.extensions import db


@contextmanager
def scratch_app(database_url: str, threads: int, *, sqlite_too: bool = False):
    """A migrated app on a database made for this test and dropped after it: PostgreSQL's when the run is
    on PostgreSQL; otherwise an SQLite file when `sqlite_too` (its writers take turns), else a skip."""
    if not database_url.startswith("postgresql") and not sqlite_too:
        pytest.skip("needs PostgreSQL")
    from flask_migrate import upgrade

    from governance import create_app
    from tests.conftest import TEST_SETTINGS, fresh_database

    with tempfile.TemporaryDirectory() as directory, fresh_database(Path(directory), "race") as url:
        pool = {"pool_size": threads, "max_overflow": 0} if url.startswith("postgresql") else {}
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": pool})
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def run_together(app, jobs) -> list[object]:
    """Start every job at the same instant, each in its own app context and transaction; return outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def work(i, job):
        with app.test_request_context():
            try:
                barrier.wait()
                outcomes[i] = job()
                db.session.commit()
            except BaseException as error:  # the outcome of the race, checked by the test
                db.session.rollback()
                outcomes[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
