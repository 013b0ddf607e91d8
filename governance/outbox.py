"""The outbox: mail and jobs are rows written in the transaction of the change, handed on after the commit.

- `put(handler, payload)` adds a row to the current transaction: if the transaction rolls back, the mail
  or job is gone with it; if it commits, the row stands, whatever happens to Redis or the mail server.
- Right after the commit (`OutboxSession.commit`), the new rows are handed on: to Huey on Redis when
  `REDIS_URL` is set (a dead Redis is logged, not raised: the row waits), or run in this process when not.
- `hand_on_due()`, a periodic task (the Huey consumer every minute, or the web process's scheduler thread
  without Redis), runs every row still waiting: ones Redis never got, and failed ones due for a retry.
- A run claims its row first (an UPDATE that only one runner can win), so a row is run once at a time,
  and marks it done in a transaction of its own. A failure is kept on the row with its error and retried
  later, up to MAX_ATTEMPTS; after that it stays visible to admins (`/admin/outbox`), who can retry it.

Handlers are plain functions of the payload, named when registered (`@outbox.handler("mail")`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, Text, event, inspect, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from governance.extensions import db
from governance.texts import _
from governance.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
OUTBOX_RETRIED = "outbox.retried"
CLAIM_FOR = timedelta(minutes=10)  # a runner that died holding a row gives it up after this long
_COMMITTED = "roundtable.outbox.committed"
_NEW = "roundtable.outbox.new"


class OutboxState(StrEnum):
    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"waiting": _("Waiting"), "done": _("Done"), "failed": _("Failed, not retried")}[self.value]


class OutboxItem(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    handler: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    @property
    def state(self) -> OutboxState:
        if self.done_at is not None:
            return OutboxState.DONE
        return OutboxState.FAILED if self.failed_at is not None else OutboxState.WAITING

    def __repr__(self) -> str:
        return f"<OutboxItem {self.id} {self.handler} {self.state}>"


_handlers: dict[str, Callable[[dict[str, Any]], None]] = {}


def handler(name: str) -> Callable[[Callable[[dict[str, Any]], None]], Callable[[dict[str, Any]], None]]:
    """Register `fn(payload)` as the handler of rows put under `name`."""

    def register(fn: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        _handlers[name] = fn
        return fn

    return register


def put(name: str, payload: dict[str, Any], *, summary: str = "") -> OutboxItem:
    """Add a row to the current transaction; it is handed on once the transaction commits."""
    if name not in _handlers:
        raise LookupError(f"no outbox handler is registered as {name!r}")
    item = OutboxItem(handler=name, payload=payload, summary=summary[:300])
    session = db.session()
    session.add(item)
    session.info.setdefault(_NEW, []).append(item)
    return item


# Rows are noted when their transaction commits, forgotten when it rolls back, and handed on by
# `extensions.HandsOnAfterCommit` once the commit has completed.


@event.listens_for(Session, "after_commit")
def _note_committed(session: Session) -> None:
    new = [inspect(i).identity for i in session.info.pop(_NEW, [])]  # the key, without loading the row
    session.info.setdefault(_COMMITTED, []).extend(key[0] for key in new if key)


@event.listens_for(Session, "after_soft_rollback")
def _forget_new(session: Session, previous_transaction) -> None:
    if not session.in_transaction():  # the whole transaction is gone, not only a SAVEPOINT
        session.info.pop(_NEW, None)


def hand_on_committed(session: Session) -> None:
    """Give Huey (or this process) the rows the last commit made permanent; never raises."""
    ids = session.info.pop(_COMMITTED, [])
    for item_id in ids:
        try:
            _hand_on(item_id)
        except Exception:  # the row is safe in the database; the periodic hand-on will run it
            log.exception("could not hand on outbox row %s now; it waits for the next periodic run", item_id)


def _hand_on(item_id: int) -> None:
    if run_task.huey.immediate:
        run(item_id)
    else:
        run_task(item_id)  # onto Redis; a consumer runs it


def run(item_id: int, *, now: datetime | None = None) -> bool:
    """Claim the row, run its handler, record the outcome; True when it ran and succeeded."""
    session = db.session
    now = now or utcnow()
    claimed = session.execute(
        update(OutboxItem)
        .where(
            OutboxItem.id == item_id,
            OutboxItem.done_at.is_(None),
            OutboxItem.failed_at.is_(None),
            or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_FOR, attempts=OutboxItem.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if not claimed:
        return False  # done, given up, or being run by someone else
    item = session.get(OutboxItem, item_id, populate_existing=True)
    try:
        _handlers[item.handler](item.payload)
    except Exception as error:
        session.rollback()
        _record_failure(session.get(OutboxItem, item_id, populate_existing=True), error, now)
        return False
    item.done_at, item.claimed_until, item.last_error = utcnow(), None, ""
    session.commit()
    return True


def _record_failure(item: OutboxItem, error: Exception, now: datetime) -> None:
    item.last_error = f"{type(error).__name__}: {error}"[:4000]
    item.claimed_until = None
    if item.attempts >= MAX_ATTEMPTS:
        item.failed_at = now
        log.error(
            "outbox row %s (%s) failed %s times, not retried: %s", item.id, item.summary, item.attempts, error
        )
    else:
        item.next_attempt_at = now + timedelta(minutes=2 ** (item.attempts - 1))
        log.warning("outbox row %s (%s) failed, retried later: %s", item.id, item.summary, error)
    db.session.commit()


def due_ids(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    now = now or utcnow()
    query = (
        select(OutboxItem.id)
        .where(
            OutboxItem.done_at.is_(None),
            OutboxItem.failed_at.is_(None),
            OutboxItem.next_attempt_at <= now,
            or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until < now),
        )
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def hand_on_due(now: datetime | None = None) -> int:
    """Run every row that is waiting and due (the periodic task); the number that succeeded."""
    ids = due_ids(now)
    db.session.commit()
    return sum(run(item_id, now=now) for item_id in ids)


def retry(item: OutboxItem, *, actor) -> OutboxItem:
    """An admin sends a failed (or waiting) row again now."""
    from governance import audit

    if item.done_at is not None:
        from governance.errors import Conflict

        raise Conflict(_("This was sent already; there is nothing to retry."))
    item.failed_at, item.attempts, item.next_attempt_at, item.claimed_until = None, 0, utcnow(), None
    audit.record(OUTBOX_RETRIED, actor=actor, subject=item, data={"summary": item.summary})
    db.session.info.setdefault(_NEW, []).append(item)
    return item


# Jobs: any Huey task or plain function, by its import path, with JSON arguments.


@handler("job")
def _run_job(payload: dict[str, Any]) -> None:
    module, _colon, name = payload["callable"].partition(":")
    target = getattr(importlib.import_module(module), name)
    run_local = getattr(target, "call_local", target)  # a Huey task runs here, inside the outbox's run
    run_local(*payload.get("args", []), **payload.get("kwargs", {}))


def put_job(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> OutboxItem:
    func = getattr(fn, "func", fn)  # a Huey TaskWrapper keeps the function it wraps
    path = f"{func.__module__}:{getattr(fn, '__name__', None) or func.__name__}"
    return put("job", {"callable": path, "args": list(args), "kwargs": kwargs}, summary=f"Job {path}")


def _make_task():
    from governance.jobs import app_context, huey

    @huey.task(name="outbox.run")
    def run_task(item_id: int) -> bool:
        with app_context():
            try:
                return run(item_id)
            finally:
                db.session.remove()

    return run_task


run_task = _make_task()


def _register_periodic() -> None:
    from governance.jobs import periodic

    periodic("hand_on_outbox")(hand_on_due)


_register_periodic()
