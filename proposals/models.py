"""Proposals, their revisions, state changes, discussion and the co-ops' 'who is in' signals.

For the votes feature: `Proposal.state` (a `proposals.lifecycle.State`), `Proposal.is_text_frozen`,
`Proposal.current_revision` (the `Revision` a ballot is cast on), `Proposal.networks` (the addressed
networks) and `Proposal.addressed_coops` (every co-op of those networks: the electorate to freeze).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.types import JSON

from governance.extensions import db
from governance.markdown import render
from governance.models import Coop, Network, NetworkMembership, Person, enum_column
from governance.texts import N_, _
from governance.types import UTCDateTime, utcnow
from proposals.lifecycle import TEXT_FROZEN_STATES, State, Transition


class Kind(enum.StrEnum):
    SHARED_SERVICE = "shared_service"
    JOINT_VENTURE = "joint_venture"
    PARTNERSHIP = "partnership"
    LEARNING = "learning"
    POLICY = "policy"

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self])

    @property
    def has_facts(self) -> bool:
        """Shared services and joint ventures carry the money and capacity a co-op needs to decide."""
        return self in (Kind.SHARED_SERVICE, Kind.JOINT_VENTURE)


KIND_LABELS = {
    Kind.SHARED_SERVICE: N_("Shared service adoption"),
    Kind.JOINT_VENTURE: N_("Joint venture"),
    Kind.PARTNERSHIP: N_("Sub-contracting or referral partnership"),
    Kind.LEARNING: N_("Learning strand"),
    Kind.POLICY: N_("Policy"),
}


class Stance(enum.StrEnum):
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        """'not interested', in the reader's language."""
        return _(STANCE_LABELS[self])


STANCE_LABELS = {
    Stance.INTERESTED: N_("interested"),
    Stance.NOT_INTERESTED: N_("not interested"),
    Stance.UNDECIDED: N_("undecided"),
}


# The facts of a shared service or joint venture, in the order a page shows them.
FACT_FIELDS = (
    "monthly_revenue_minor",
    "monthly_costs_minor",
    "currency",
    "hours_per_month",
    "seats",
    "term_months",
)


def _html_column() -> Mapped[str]:
    """The sanitised HTML of the Markdown column beside it, rendered once when the text is written."""
    return mapped_column(Text, default="", server_default="")


def _rendered(model, key: str, value: str | None) -> str | None:
    setattr(model, f"{key}_html", str(render(value)))
    return value


proposal_networks = Table(
    "proposal_networks",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


def addressed_coop_ids(proposal_id):
    """The ids of every co-op of a proposal's addressed networks (`proposal_id`: a number or a column), for
    `Coop.id.in_(...)`: the same co-ops as `Proposal.addressed_coops`, without loading them."""
    return (
        select(NetworkMembership.coop_id)
        .join(proposal_networks, proposal_networks.c.network_id == NetworkMembership.network_id)
        .where(proposal_networks.c.proposal_id == proposal_id)
    )


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("monthly_revenue_minor >= 0", name="revenue_not_negative"),
        CheckConstraint("monthly_costs_minor >= 0", name="costs_not_negative"),
        CheckConstraint("hours_per_month >= 0", name="hours_not_negative"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("term_months >= 0", name="term_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[State] = mapped_column(
        enum_column(State, "proposal_state"), default=State.DRAFT, index=True
    )
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "proposal_kind"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = _html_column()
    body_html: Mapped[str] = _html_column()
    # Facts of a shared service or joint venture: money in integer minor units of `currency` (ISO 4217).
    monthly_revenue_minor: Mapped[int | None] = mapped_column(BigInteger)
    monthly_costs_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    hours_per_month: Mapped[int | None]
    seats: Mapped[int | None]
    term_months: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[Person | None] = relationship()
    networks: Mapped[list[Network]] = relationship(secondary=proposal_networks, order_by="Network.name")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="proposal", order_by="Revision.number", cascade="all, delete-orphan"
    )
    state_changes: Mapped[list[StateChange]] = relationship(
        back_populates="proposal", order_by="StateChange.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="proposal", order_by="Comment.id", cascade="all, delete-orphan"
    )
    interests: Mapped[list[Interest]] = relationship(back_populates="proposal", cascade="all, delete-orphan")

    @validates("summary", "body")
    def _render(self, key: str, value: str | None) -> str | None:
        return _rendered(self, key, value)

    @property
    def current_revision(self) -> Revision | None:
        """The revision the text now is: what a ballot is cast on."""
        return self.revisions[-1] if self.revisions else None

    @property
    def is_text_frozen(self) -> bool:
        return self.state in TEXT_FROZEN_STATES

    @property
    def facts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FACT_FIELDS}

    @property
    def addressed_coops(self) -> list[Coop]:
        """Every co-op of an addressed network, once each, by name."""
        found = {c.id: c for n in self.networks for c in n.coops}
        return sorted(found.values(), key=lambda c: c.name.casefold())

    def addressed_among(self, coop_ids) -> set[int]:
        """Which of these co-ops are among `addressed_coops`: one query, however many co-ops either has."""
        coop_ids = set(coop_ids)
        if not coop_ids:
            return set()
        query = addressed_coop_ids(self.id).where(NetworkMembership.coop_id.in_(coop_ids))
        return set(db.session.scalars(query))

    def addresses(self, coop: Coop) -> bool:
        """Is this co-op among `addressed_coops`? Asked of the database, without loading the others."""
        return bool(self.addressed_among([coop.id]))

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state}>"


class Revision(db.Model):
    """The text and facts of a proposal as one edit left them; never changed afterwards."""

    __tablename__ = "proposal_revisions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "proposal_kind"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = _html_column()
    body_html: Mapped[str] = _html_column()
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    change_note: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="revisions")
    author: Mapped[Person | None] = relationship()

    @validates("summary", "body")
    def _render(self, key: str, value: str | None) -> str | None:
        return _rendered(self, key, value)

    def __repr__(self) -> str:
        return f"<Revision {self.proposal_id}#{self.number}>"


class StateChange(db.Model):
    """One step of a proposal's lifecycle: its timeline. The audit log holds the same step, chained."""

    __tablename__ = "proposal_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    transition: Mapped[Transition] = mapped_column(enum_column(Transition, "proposal_transition"))
    from_state: Mapped[State] = mapped_column(enum_column(State, "proposal_state"))
    to_state: Mapped[State] = mapped_column(enum_column(State, "proposal_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")

    proposal: Mapped[Proposal] = relationship(back_populates="state_changes")
    actor: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<StateChange {self.proposal_id} {self.from_state}→{self.to_state}>"


class Comment(db.Model):
    """A comment in a proposal's discussion; a reply points at a top-level comment (one level deep)."""

    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = _html_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime
    )  # its author deleted it: shown as deleted

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.id")

    @validates("body")
    def _render(self, key: str, value: str | None) -> str | None:
        return _rendered(self, key, value)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.proposal_id}>"


class Interest(db.Model):
    """A co-op's 'who is in' signal before any vote; one per co-op and proposal, changed in place
    (each change is in the audit log)."""

    __tablename__ = "proposal_interests"
    __table_args__ = (UniqueConstraint("proposal_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), index=True)
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "interest_stance"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="interests")
    coop: Mapped[Coop] = relationship(lazy="joined")  # who is in: named on the page
    person: Mapped[Person | None] = relationship(lazy="joined")  # named beside each co-op's signal

    def __repr__(self) -> str:
        return f"<Interest {self.coop_id} {self.stance} on {self.proposal_id}>"
