"""Background jobs: Huey on Redis when REDIS_URL is set, in-process (immediate mode) when not.

Work is queued only after the database commit succeeds (`after_commit`), so a rolled-back
request never sends a mail or starts a job about something that did not happen.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from flask import has_app_context
from huey import MemoryHuey, RedisHuey
from sqlalchemy import event
from sqlalchemy.orm import Session


def _make_huey():
    if url := os.environ.get("REDIS_URL"):
        return RedisHuey("roundtable", url=url, utc=True)
    return MemoryHuey("roundtable", immediate=True, utc=True)


huey = _make_huey()

_PENDING = "roundtable.after_commit"


def after_commit(session: Session, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run fn(*args, **kwargs) once the session's current transaction has committed."""
    session.connection()  # tie the work to a transaction that has begun, so a rollback drops it
    session.info.setdefault(_PENDING, []).append((fn, args, kwargs))


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for fn, args, kwargs in session.info.pop(_PENDING, []):
        fn(*args, **kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # Only when the whole transaction is gone: a rolled-back SAVEPOINT leaves the outer work standing.
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


@contextlib.contextmanager
def app_context() -> Iterator[None]:
    """The current app's context, or a fresh app's when a Huey consumer runs the task."""
    if has_app_context():
        yield
        return
    from governance import create_app

    with create_app().app_context():
        yield
