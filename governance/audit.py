"""The append-only audit log: every state change is an event whose hash chains to the one before."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload
from sqlalchemy.types import JSON

from governance.extensions import db
from governance.types import UTCDateTime, utcnow

GENESIS = "0" * 64
# Any fixed 64-bit number; it names the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK_KEY = 0x526F756E64746162
_HEAD_PATTERN = re.compile(r"(?P<seq>[0-9]{1,18}):(?P<hash>[0-9a-fA-F]{64})", re.ASCII)

# Called with each event once it is appended, in the same transaction (notifications listen here, so
# no service needs to know who is told about it). A listener that raises rolls the change back with it.
listeners: list[Callable[[AuditEvent], None]] = []

audit_event_networks = Table(
    "audit_event_networks",
    db.metadata,
    Column("event_id", ForeignKey("audit_events.id", ondelete="RESTRICT"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


# The events that change who may cast a co-op's ballot (governance.service's actions), which a vote's page
# lists since the vote opened: an index of their own times, a few rows among the ballots' hundreds of
# thousands (the planner, reading them by time from all events, went through every event since the open).
DELEGATE_CHANGE_ACTIONS = ("coop.role_changed", "coop.member_added", "invitation.accepted")
_DELEGATE_CHANGES = text("action IN ({})".format(", ".join(f"'{a}'" for a in DELEGATE_CHANGE_ACTIONS)))


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index(
            "ix_audit_events_delegate_changes_at",
            "at",
            postgresql_where=_DELEGATE_CHANGES,
            sqlite_where=_DELEGATE_CHANGES,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")

    actor = relationship("Person")
    networks = relationship("Network", secondary=audit_event_networks, order_by="Network.id")

    @property
    def network_ids(self) -> list[int]:
        return sorted(n.id for n in self.networks)

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, as sorted, compact JSON."""
        return canonical_event(self.fields(), self.network_ids)

    def fields(self) -> dict[str, Any]:
        """The stored columns the hash covers (the networks aside), as a bulk insert writes them."""
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def __repr__(self) -> str:
        return f"<AuditEvent #{self.seq} {self.action}>"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "subject_type", "subject_id", "data", "summary",
    "prev_hash",
)  # fmt: skip


def canonical_event(fields: dict[str, Any], network_ids: Iterable[int]) -> bytes:
    """An event's hashed bytes from its columns (`HASHED_FIELDS`) and its networks' ids: what
    `AuditEvent.canonical` covers, also for rows written in bulk without the ORM (governance.scale)."""
    return canonical_json(
        {
            "seq": fields["seq"],
            "at": fields["at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor_id": fields["actor_id"],
            "actor": fields["actor_label"],
            "action": fields["action"],
            "subject": [fields["subject_type"], fields["subject_id"]],
            "networks": sorted(network_ids),
            "data": fields["data"],
            "summary": fields["summary"],
            "prev": fields["prev_hash"],
        }
    )


def _lock_head() -> None:
    """Serialise appends until the transaction ends; SQLite serialises writers itself."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})


def last_event() -> AuditEvent | None:
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def head() -> tuple[int, str]:
    """The log's end as (sequence number, hash): (0, GENESIS) while it is empty. A copy kept outside the
    database (printed by `audit head`, embedded in issued agreements) lets `verify(expect=...)` catch a
    deleted tail or a rewritten log later."""
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    )
    return tuple(last.one_or_none() or (0, GENESIS))


def format_head(seq: int, hash_: str) -> str:
    return f"{seq}:{hash_}"


def parse_head(value: str) -> tuple[int, str]:
    """`SEQ:HASH` as `audit head` prints it; a ValueError says what is wrong."""
    match = _HEAD_PATTERN.fullmatch(value.strip())
    if match is None:
        raise ValueError(
            f"{value!r} is not a head: give SEQ:HASH, a sequence number and a 64-character hex SHA-256, "
            "as `audit head` prints it"
        )
    seq, hash_ = int(match["seq"]), match["hash"].lower()
    if seq == 0 and hash_ != GENESIS:
        raise ValueError(f"the empty log's head is 0:{GENESIS}")
    return seq, hash_


def record(
    action: str,
    *,
    actor,
    subject=None,
    subject_type: str | None = None,
    data: dict[str, Any] | None = None,
    networks: Iterable = (),
    summary: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """Append an event in the current transaction, chained to the head of the log."""
    db.session.flush()
    _lock_head()
    last_seq, last_hash = head()  # two columns of the last event, not the whole of it
    event = AuditEvent(
        seq=last_seq + 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label
        or (f"{actor.name} <{actor.email}>" if actor is not None else "Roundtable (system)"),
        action=str(action),
        subject_type=subject_type or (subject.__tablename__ if subject is not None else "instance"),
        subject_id=getattr(subject, "id", None),
        data=json.loads(canonical_json(data or {})),
        prev_hash=last_hash,
        summary=summary,
    )
    event.networks = sorted({n.id: n for n in networks}.values(), key=lambda n: n.id)
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    for listener in listeners:
        listener(event)
    return event


@dataclass(frozen=True)
class Verification:
    is_intact: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.is_intact:
            return f"ok {self.count} events"
        return f"bad event {self.bad_seq}: {self.reason}"


def verify_events(events: Iterable[AuditEvent], expect: tuple[int, str] | None = None) -> Verification:
    """Walk the chain in sequence order and name the first event that does not hold; with `expect`
    (a head kept elsewhere), the chain must also still hold that event, with that hash."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            missing = "missing or reordered" if event.seq > expected_seq else "repeated or reordered"
            return Verification(False, count, event.seq, f"expected event {expected_seq} here ({missing})")
        if event.prev_hash != prev_hash:
            return Verification(False, count, event.seq, "does not chain to the event before it")
        if event.compute_hash() != event.hash:
            return Verification(False, count, event.seq, "its content does not match its hash")
        if expect is not None and event.seq == expect[0] and event.hash != expect[1]:
            reason = (
                f"its hash is {event.hash}, not the expected {expect[1]}: the log was rewritten "
                "at or before this event"
            )
            return Verification(False, count, event.seq, reason)
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    if expect is not None and expect[0] > count:
        ends = f"the log ends at event {count}" if count else "the log is empty"
        reason = f"{ends}, but event {expect[0]} with hash {expect[1]} was expected: its tail was deleted"
        return Verification(False, count, expect[0], reason)
    return Verification(True, count)


def verify(expect: tuple[int, str] | None = None) -> Verification:
    """Verify the whole log, streaming it in batches so a long log needs little memory; `expect` is a
    head (seq, hash) kept outside the database, which the chain must still hold."""
    query = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.networks))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=1000)
    )
    events = db.session.scalars(query)
    try:
        return verify_events(events, expect)
    finally:
        events.close()
