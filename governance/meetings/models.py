"""Round-table meetings: candidate slots, the co-ops' and people's answers, the confirmed slot, the notes;
and each co-op's working hours."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.extensions import db
from governance.meetings.slots import DEFAULT_END_HOUR, DEFAULT_START_HOUR, Answer, Place, WorkingHours
from governance.models import Coop, Network, Person, enum_column
from governance.texts import N_, _
from governance.types import UTCDateTime, utcnow


class Topic(enum.StrEnum):
    BUSINESS_DEVELOPMENT = "business_development"
    LEARNING = "learning"
    JOINT_VENTURES = "joint_ventures"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return _(TOPIC_LABELS[self])


TOPIC_LABELS = {
    Topic.BUSINESS_DEVELOPMENT: N_("Business development: sub-contracting and referrals"),
    Topic.LEARNING: N_("Learning"),
    Topic.JOINT_VENTURES: N_("Strategic joint ventures"),
    Topic.GENERAL: N_("All three: business development, learning and joint ventures"),
}


class MeetingState(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _(STATE_LABELS[self.value])


STATE_LABELS = {"proposed": N_("times proposed"), "confirmed": N_("confirmed"), "cancelled": N_("cancelled")}


meeting_networks = Table(
    "meeting_networks",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
meeting_agenda = Table(
    "meeting_agenda",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, index=True),
)
meeting_moved = Table(
    "meeting_moved",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[Topic] = mapped_column(enum_column(Topic, "meeting_topic"))
    agenda: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState, "meeting_state"), default=MeetingState.PROPOSED
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change a calendar should follow (RFC 5545 SEQUENCE), so an update moves the event.
    sequence: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    notes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    proposed_by: Mapped[Person | None] = relationship(foreign_keys=[proposed_by_id])
    notes_by: Mapped[Person | None] = relationship(foreign_keys=[notes_by_id])
    networks: Mapped[list[Network]] = relationship(secondary=meeting_networks, order_by="Network.name")
    agenda_proposals = relationship("Proposal", secondary=meeting_agenda, order_by="Proposal.id")
    moved_proposals = relationship("Proposal", secondary=meeting_moved, order_by="Proposal.id")
    slots: Mapped[list[MeetingSlot]] = relationship(
        back_populates="meeting", order_by="MeetingSlot.starts_at", cascade="all, delete-orphan"
    )

    @property
    def addressed_coops(self) -> list[Coop]:
        found = {c.id: c for n in self.networks for c in n.coops}
        return sorted(found.values(), key=lambda c: c.name.casefold())

    @property
    def confirmed_slot(self) -> MeetingSlot | None:
        return next((s for s in self.slots if s.is_confirmed), None)

    @property
    def starts_at(self) -> datetime | None:
        slot = self.confirmed_slot
        return slot.starts_at if slot else None

    @property
    def is_open_for_answers(self) -> bool:
        return self.state == MeetingState.PROPOSED

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r} {self.state}>"


class MeetingSlot(db.Model):
    __tablename__ = "meeting_slots"
    __table_args__ = (UniqueConstraint("meeting_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_confirmed: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="slots")
    coop_answers: Mapped[list[CoopAnswer]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="CoopAnswer.id"
    )
    person_answers: Mapped[list[PersonAnswer]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="PersonAnswer.id"
    )

    def __repr__(self) -> str:
        return f"<MeetingSlot {self.id} {self.starts_at:%Y-%m-%d %H:%M}Z>"


class CoopAnswer(db.Model):
    """A co-op's answer to a slot, given by one of its delegates; a later answer replaces it."""

    __tablename__ = "meeting_coop_answers"
    __table_args__ = (UniqueConstraint("slot_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "meeting_answer"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped[MeetingSlot] = relationship(back_populates="coop_answers")
    coop: Mapped[Coop] = relationship()
    answered_by: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<CoopAnswer {self.coop_id} {self.answer} to slot {self.slot_id}>"


class PersonAnswer(db.Model):
    """A person's own answer to a slot."""

    __tablename__ = "meeting_person_answers"
    __table_args__ = (UniqueConstraint("slot_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "meeting_answer"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped[MeetingSlot] = relationship(back_populates="person_answers")
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<PersonAnswer {self.person_id} {self.answer} to slot {self.slot_id}>"


class CoopHours(db.Model):
    """A co-op's working hours in its own zone, when they differ from 08:00-20:00."""

    __tablename__ = "coop_working_hours"
    __table_args__ = (
        CheckConstraint(
            "start_hour >= 0 AND start_hour < end_hour AND end_hour <= 24", name="hours_in_a_day"
        ),
    )

    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), primary_key=True)
    start_hour: Mapped[int] = mapped_column(default=DEFAULT_START_HOUR)
    end_hour: Mapped[int] = mapped_column(default=DEFAULT_END_HOUR)

    coop: Mapped[Coop] = relationship()

    def __repr__(self) -> str:
        return f"<CoopHours {self.coop_id} {self.start_hour}-{self.end_hour}>"


def working_hours(coop: Coop) -> WorkingHours:
    row = db.session.get(CoopHours, coop.id)
    return WorkingHours(row.start_hour, row.end_hour) if row else WorkingHours()


def places_of(coops: list[Coop]) -> list[Place]:
    """Each co-op's place, its working hours read in one query (not one a co-op)."""
    rows = db.session.scalars(select(CoopHours).where(CoopHours.coop_id.in_([c.id for c in coops])))
    hours = {row.coop_id: WorkingHours(row.start_hour, row.end_hour) for row in rows}
    return [Place(c.name, c.time_zone, hours.get(c.id, WorkingHours())) for c in coops]
