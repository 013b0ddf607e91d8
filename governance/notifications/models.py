"""Notifications: what each person was told (once: a unique key per person), their choices per kind, the
digests sent, their secret calendar feeds, and the networks' chat connections with each delivery."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.extensions import db
from governance.models import Network, Person, enum_column
from governance.notifications.kinds import Delivery, Kind
from governance.texts import N_, _
from governance.types import UTCDateTime, utcnow


class Notification(db.Model):
    """One thing one person was told. `key` names what it is about ("event:42", "vote-closing:7:3"), and
    a person holds each key once, so a task that runs twice tells nobody twice."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "notification_kind"))
    key: Mapped[str] = mapped_column(String(120))
    headline: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    @property
    def is_waiting_for_digest(self) -> bool:
        return self.delivery == Delivery.DIGEST and self.emailed_at is None

    def __repr__(self) -> str:
        return f"<Notification {self.key} to {self.person_id}>"


class Preference(db.Model):
    """A person's choice for one kind; a kind without a row is emailed at once."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "notification_kind"))
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))

    def __repr__(self) -> str:
        return f"<Preference {self.person_id} {self.kind}={self.delivery}>"


class DigestSent(db.Model):
    """The digest of one person's local day: at most one."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("person_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DigestSent {self.person_id} {self.local_date}>"


class CalendarFeed(db.Model):
    """A person's secret calendar link; only its SHA-256 is kept. Revoked links answer 404."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} of {self.person_id}>"


class ChatConnection(db.Model):
    """A network's chat, reached through an Apprise URL kept encrypted (it holds the chat's secret)."""

    __tablename__ = "chat_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    url_encrypted: Mapped[str] = mapped_column(Text)
    url_hint: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")

    network: Mapped[Network] = relationship()
    created_by: Mapped[Person | None] = relationship()
    deliveries: Mapped[list[ChatDelivery]] = relationship(
        back_populates="connection", order_by="ChatDelivery.id.desc()", cascade="all, delete-orphan"
    )

    @property
    def is_failing(self) -> bool:
        return self.failing_since is not None

    def __repr__(self) -> str:
        return f"<ChatConnection {self.id} {self.url_hint}>"


class ChatStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self.value])


STATUS_LABELS = {"pending": N_("waiting to be sent"), "sent": N_("sent"), "failed": N_("failed")}


class ChatDelivery(db.Model):
    """One message to one chat: written in the transaction of the change, posted after the commit, retried."""

    __tablename__ = "chat_deliveries"
    __table_args__ = (UniqueConstraint("connection_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("chat_connections.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[ChatStatus] = mapped_column(
        enum_column(ChatStatus, "chat_status"), default=ChatStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    connection: Mapped[ChatConnection] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return f"<ChatDelivery {self.id} {self.status}>"
