"""Background jobs: Huey on Redis when REDIS_URL is set, in-process (immediate mode) when not.

Work leaves through the outbox (`governance.outbox`): a row written in the transaction of the change and
handed to Huey after the commit, so a rolled-back request never sends a mail or starts a job about
something that did not happen, and a dead Redis loses nothing.

Periodic work (closing due votes, handing on the outbox, ...) is registered with `@periodic("name")`: with
Redis, `huey_consumer worker.huey` runs it every minute; without it, the first request a web process
serves starts a daemon thread that runs it every SCHEDULER_SECONDS (0: never). Tests (`TESTING`) and
commands never serve a request, so they never start it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Flask, has_app_context
from huey import MemoryHuey, RedisHuey, crontab
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def _make_huey():
    if url := os.environ.get("REDIS_URL"):
        return RedisHuey("roundtable", url=url, utc=True)
    return MemoryHuey("roundtable", immediate=True, utc=True)


huey = _make_huey()


def after_commit(session: Session, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run the Huey task (or function) `fn(*args, **kwargs)` once the current transaction has committed.

    The call is an outbox row in the same transaction, so it is dropped with a rollback and kept, then
    retried, when Redis or the job fails; its arguments are JSON."""
    from governance import outbox

    outbox.put_job(fn, *args, **kwargs)


_consumer_app: list[Flask] = []  # the one app of a Huey consumer's process, made by its first task
_consumer_app_lock = threading.Lock()  # the consumer's worker threads start tasks at once


@contextlib.contextmanager
def app_context() -> Iterator[None]:
    """The current app's context, or, when a Huey consumer runs the task, its process's app.

    One app a process, made once: the API's blueprints live on a module-level flask-smorest object that
    refuses to register them with a second app (every task after the first failed), and an app a task
    would also mean an engine and its pool a task."""
    if has_app_context():
        yield
        return
    with _consumer_app_lock:
        if not _consumer_app:
            from governance import create_app

            _consumer_app.append(create_app())
    with _consumer_app[0].app_context():
        yield


# Periodic work

Row = TypeVar("Row")


def each_due(model: type[Row], ids: Iterable[int], step: Callable[[Row], bool]) -> list[Row]:
    """Run `step` on each row that is due, each in its own transaction, so one failure does not hold back
    the rest (it is logged and rolled back, and the next tick tries again). A row gone meanwhile is
    skipped; `step` returns whether it did what was due, and those rows are returned (whatever else it
    changed on the way, such as a vote closed before its campaign, is committed either way)."""
    from governance.extensions import db

    done = []
    for ident in ids:
        try:
            row = db.session.get(model, ident)
            if row is None:
                continue
            did = step(row)
            db.session.commit()  # also ends the step's locks before the next row
            if did:
                done.append(row)
        except Exception:
            db.session.rollback()
            log.exception("periodic work on %s %s failed", getattr(model, "__tablename__", model), ident)
    return done


_periodic: dict[str, Callable[[], Any]] = {}


def periodic(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register `fn()` to run every minute (the consumer) or every SCHEDULER_SECONDS (a web process)."""

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        _periodic[name] = fn

        @huey.periodic_task(crontab(minute="*"), name=name)
        def task() -> Any:
            with app_context():
                return _run_once(name, fn)

        return fn

    return register


def _run_once(name: str, fn: Callable[[], Any]) -> Any:
    from governance.extensions import db

    try:
        return fn()
    except Exception:
        db.session.rollback()
        log.exception("periodic work %s failed; it runs again at the next tick", name)
        return None
    finally:
        db.session.remove()


def run_periodic() -> None:
    """Run every piece of periodic work once (the scheduler thread's tick)."""
    for name, fn in list(_periodic.items()):
        _run_once(name, fn)


_started = threading.Event()
_starting = threading.Lock()


def start_scheduler_on_first_request(app: Flask) -> None:
    """In immediate mode, outside tests, a web process runs the periodic work in a daemon thread."""
    if app.testing or not huey.immediate or not app.config["SCHEDULER_SECONDS"]:
        return

    @app.before_request
    def _start_scheduler() -> None:
        if _started.is_set():
            return
        with _starting:
            if _started.is_set():
                return
            _started.set()
        threading.Thread(target=_run, args=(app,), name="roundtable-scheduler", daemon=True).start()


def _run(app: Flask) -> None:
    stop, every = threading.Event(), app.config["SCHEDULER_SECONDS"]
    while not stop.wait(every):
        with app.app_context():
            run_periodic()
