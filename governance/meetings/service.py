"""Meetings' use cases: propose, answer, confirm, cancel, record the notes; set a co-op's working hours.

Each takes the actor as a keyword, authorises, changes state, appends an audit event and flushes; the
request commits. Answering and confirming lock the meeting row first and re-read its state, so an answer
cannot slip in after the confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import select

from governance import audit
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from governance.extensions import db
from governance.meetings import permissions
from governance.meetings.models import (
    CoopAnswer,
    CoopHours,
    Meeting,
    MeetingSlot,
    MeetingState,
    PersonAnswer,
    Topic,
)
from governance.meetings.slots import Answer
from governance.models import Coop, Network, Person
from governance.texts import _
from governance.timezones import format_in_zone
from governance.types import utcnow
from governance.validation import clean_text, invalid

TITLE_MAX = 200
AGENDA_MAX = 10_000
NOTES_MAX = 50_000
URL_MAX = 500
SLOTS_MAX = 12
HORIZON = timedelta(days=2 * 366)
DURATION_MIN, DURATION_MAX = 15, 480


class Action(StrEnum):
    PROPOSED = "meeting.proposed"
    ANSWERED = "meeting.answered"
    CONFIRMED = "meeting.confirmed"
    CANCELLED = "meeting.cancelled"
    NOTES_RECORDED = "meeting.notes_recorded"
    HOURS_SET = "coop.working_hours_set"


def get_visible(person: Person | None, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no meeting %(id)s that you can see.", id=meeting_id))
    permissions.require_see(person, meeting)
    return meeting


def visible_meetings(person: Person | None) -> list[Meeting]:
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.created_at.desc())).all()
    return [m for m in meetings if permissions.can_see(person, m)]


def _lock(meeting: Meeting) -> Meeting:
    """SELECT ... FOR UPDATE on PostgreSQL (SQLite serialises writers), and the state read afresh."""
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    db.session.refresh(meeting)
    return meeting


def _video_url(raw: str | None) -> str:
    url = clean_text(raw, "video_url", _("The video-call link"), URL_MAX, required=False)
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise invalid("video_url", _("The video-call link must be a web address starting with https://."))
    return url


def _duration(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not DURATION_MIN <= value <= DURATION_MAX:
        raise invalid(
            "duration_minutes",
            _("A meeting lasts from %(min)s to %(max)s minutes.", min=DURATION_MIN, max=DURATION_MAX),
        )
    return value


def _topic(value) -> Topic:
    try:
        return Topic(value)
    except ValueError:
        raise invalid("topic", _("Choose one of the round-table's topics.")) from None


def _slots(slots: Iterable[datetime], now: datetime) -> list[datetime]:
    chosen = sorted({s.replace(second=0, microsecond=0) for s in slots})
    if not chosen:
        raise invalid("slots", _("Give at least one candidate time."))
    if len(chosen) > SLOTS_MAX:
        raise invalid("slots", _("Give at most %(max)s candidate times.", max=SLOTS_MAX))
    for moment in chosen:
        if moment.tzinfo is None:
            raise invalid("slots", _("A candidate time must say its time zone."))
        if moment <= now:
            raise invalid(
                "slots",
                _(
                    "%(time)s is in the past: candidate times are to come.",
                    time=format_in_zone(moment, "UTC"),
                ),
            )
        if moment > now + HORIZON:
            raise invalid("slots", _("Candidate times are within the next two years."))
    return chosen


def _networks(actor: Person, networks: Iterable[Network]) -> list[Network]:
    chosen = sorted({n.id: n for n in networks}.values(), key=lambda n: n.name.casefold())
    if not chosen:
        raise invalid("networks", _("Choose at least one network to invite."))
    for network in chosen:
        if not permissions.can_propose_to(actor, network):
            raise NotAllowed(
                _(
                    "Only a steward of %(network)s, or a delegate of one of its co-ops, can propose a "
                    "meeting to it.",
                    network=network.name,
                )
            )
    return chosen


def _visible_proposals(actor: Person, proposals: Iterable) -> list:
    from proposals import permissions as proposal_permissions

    chosen = list({p.id: p for p in proposals}.values())
    for proposal in chosen:
        if not proposal_permissions.can_see(actor, proposal):
            raise invalid("proposals", _("There is no proposal %(id)s that you can see.", id=proposal.id))
    return chosen


def propose_meeting(
    *,
    actor: Person,
    networks: Iterable[Network],
    title: str,
    topic: Topic | str,
    slots: Iterable[datetime],
    agenda: str = "",
    video_url: str = "",
    duration_minutes: int = 60,
    proposals: Iterable = (),
    now: datetime | None = None,
) -> Meeting:
    now = now or utcnow()
    meeting = Meeting(
        title=clean_text(title, "title", _("A title"), TITLE_MAX),
        topic=_topic(topic),
        agenda=clean_text(agenda, "agenda", _("The agenda"), AGENDA_MAX, required=False),
        video_url=_video_url(video_url),
        duration_minutes=_duration(duration_minutes),
        proposed_by=actor,
        created_at=now,
        state=MeetingState.PROPOSED,
    )
    meeting.networks = _networks(actor, networks)
    meeting.agenda_proposals = _visible_proposals(actor, proposals)
    meeting.slots = [MeetingSlot(starts_at=s) for s in _slots(slots, now)]
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        Action.PROPOSED,
        actor=actor,
        subject=meeting,
        networks=meeting.networks,
        data={
            "title": meeting.title,
            "topic": meeting.topic.value,
            "slots": [s.starts_at.isoformat() for s in meeting.slots],
            "duration_minutes": meeting.duration_minutes,
            "agenda_proposals": [p.id for p in meeting.agenda_proposals],
        },
        summary=f"Proposed the meeting {meeting.title!r} with {len(meeting.slots)} candidate times",
    )
    return meeting


def _answer(value) -> Answer:
    try:
        return Answer(value)
    except ValueError:
        raise invalid("answers", _("Answer yes, if need be, or no.")) from None


def _require_open(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CONFIRMED:
        raise Conflict(_("The meeting is confirmed: answers are closed."))
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("The meeting was cancelled."))


def answer_slots(
    meeting: Meeting,
    *,
    actor: Person,
    answers: Mapping[int, Answer | str],
    coop: Coop | None = None,
    now: datetime | None = None,
) -> int:
    """Record a co-op's answers (coop given: through one of its delegates) or the actor's own; returns
    how many slots were answered."""
    now = now or utcnow()
    permissions.require_see(actor, meeting)
    if coop is not None and coop.id not in {c.id for c in permissions.answering_coops(actor, meeting)}:
        raise NotAllowed(
            _("Only a delegate of %(coop)s answers for it, and only if it is invited.", coop=coop.name)
        )
    _lock(meeting)
    _require_open(meeting)
    slots = {s.id: s for s in meeting.slots}
    cleaned = {}
    for slot_id, value in answers.items():
        slot = slots.get(slot_id)
        if slot is None:
            raise invalid("answers", _("The meeting has no candidate time %(id)s.", id=slot_id))
        if slot.starts_at <= now:
            raise invalid(
                "answers", _("%(time)s has passed.", time=format_in_zone(slot.starts_at, actor.time_zone))
            )
        cleaned[slot] = _answer(value)
    if not cleaned:
        raise invalid("answers", _("Answer at least one candidate time."))
    for slot, answer in cleaned.items():
        _store(slot, answer, actor=actor, coop=coop, now=now)
    db.session.flush()
    audit.record(
        Action.ANSWERED,
        actor=actor,
        subject=meeting,
        networks=meeting.networks,
        data={
            "coop": coop.slug if coop else None,
            "answers": {s.starts_at.isoformat(): a.value for s, a in sorted(cleaned.items(), key=_by_time)},
        },
        summary=f"{coop.name if coop else actor.name} answered the meeting {meeting.title!r}",
    )
    return len(cleaned)


def _by_time(item) -> datetime:
    return item[0].starts_at


def _store(slot: MeetingSlot, answer: Answer, *, actor: Person, coop: Coop | None, now: datetime) -> None:
    if coop is not None:
        row = next((a for a in slot.coop_answers if a.coop_id == coop.id), None)
        if row is None:
            slot.coop_answers.append(CoopAnswer(coop=coop, answer=answer, answered_by=actor, answered_at=now))
        else:
            row.answer, row.answered_by, row.answered_at = answer, actor, now
        return
    mine = next((a for a in slot.person_answers if a.person_id == actor.id), None)
    if mine is None:
        slot.person_answers.append(PersonAnswer(person=actor, answer=answer, answered_at=now))
    else:
        mine.answer, mine.answered_at = answer, now


def confirm_meeting(
    meeting: Meeting, *, actor: Person, slot: MeetingSlot, now: datetime | None = None
) -> Meeting:
    now = now or utcnow()
    permissions.require_run(actor, meeting)
    _lock(meeting)
    _require_open(meeting)
    if slot.meeting_id != meeting.id:
        raise invalid("slot", _("Choose one of the meeting's candidate times."))
    if slot.starts_at <= now:
        raise invalid("slot", _("That candidate time has passed: choose one still to come."))
    slot.is_confirmed = True
    meeting.state, meeting.confirmed_at = MeetingState.CONFIRMED, now
    meeting.sequence += 1
    db.session.flush()
    audit.record(
        Action.CONFIRMED,
        actor=actor,
        subject=meeting,
        networks=meeting.networks,
        data={"starts_at": slot.starts_at.isoformat(), "duration_minutes": meeting.duration_minutes},
        summary=f"Confirmed the meeting {meeting.title!r} for {format_in_zone(slot.starts_at, 'UTC')}",
    )
    return meeting


def cancel_meeting(meeting: Meeting, *, actor: Person, now: datetime | None = None) -> Meeting:
    now = now or utcnow()
    permissions.require_run(actor, meeting)
    _lock(meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("The meeting is already cancelled."))
    if meeting.starts_at is not None and meeting.starts_at <= now:
        raise Conflict(_("The meeting has taken place: record its notes instead."))
    meeting.state = MeetingState.CANCELLED
    meeting.sequence += 1
    db.session.flush()
    audit.record(
        Action.CANCELLED,
        actor=actor,
        subject=meeting,
        networks=meeting.networks,
        data={},
        summary=f"Cancelled the meeting {meeting.title!r}",
    )
    return meeting


def record_notes(
    meeting: Meeting,
    *,
    actor: Person,
    notes: str,
    decisions: str = "",
    moved: Iterable = (),
    now: datetime | None = None,
) -> Meeting:
    now = now or utcnow()
    permissions.require_run(actor, meeting)
    _lock(meeting)
    if meeting.state != MeetingState.CONFIRMED or meeting.starts_at is None:
        raise Conflict(_("Notes are recorded for a confirmed meeting."))
    if meeting.starts_at > now:
        raise Conflict(_("The meeting has not started yet: record its notes after it."))
    meeting.notes = clean_text(notes, "notes", _("The notes"), NOTES_MAX)
    meeting.decisions = clean_text(decisions, "decisions", _("The decisions"), NOTES_MAX, required=False)
    meeting.moved_proposals = _visible_proposals(actor, moved)
    meeting.notes_at, meeting.notes_by = now, actor
    meeting.sequence += 1
    db.session.flush()
    audit.record(
        Action.NOTES_RECORDED,
        actor=actor,
        subject=meeting,
        networks=meeting.networks,
        data={
            "moved_proposals": [p.id for p in meeting.moved_proposals],
            "has_decisions": bool(meeting.decisions),
        },
        summary=f"Recorded the notes of the meeting {meeting.title!r}",
    )
    return meeting


def set_working_hours(coop: Coop, *, actor: Person, start_hour: int, end_hour: int) -> CoopHours:
    if not permissions.can_set_hours(actor, coop):
        raise NotAllowed(
            _(
                "Only %(coop)s's delegates, or its networks' admins, set its working hours.",
                coop=coop.name,
            )
        )
    for name, value in (("start_hour", start_hour), ("end_hour", end_hour)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 24:
            raise invalid(name, _("Give an hour from 0 to 24."))
    if start_hour >= end_hour:
        raise InvalidInput(
            _("The working day ends after it starts."), errors={"end_hour": [_("End after the start.")]}
        )
    row = db.session.get(CoopHours, coop.id) or CoopHours(coop=coop)
    row.start_hour, row.end_hour = start_hour, end_hour
    db.session.add(row)
    db.session.flush()
    audit.record(
        Action.HOURS_SET,
        actor=actor,
        subject=coop,
        networks=coop.networks,
        data={"start_hour": start_hour, "end_hour": end_hour},
        summary=f"Set {coop.name}'s working hours to {start_hour:02d}:00-{end_hour:02d}:00",
    )
    return row


def pending_for(person: Person, *, now: datetime | None = None) -> list[tuple[Meeting, Coop | None]]:
    """Meetings still taking answers where this person, or a co-op they speak for, has a future slot
    unanswered: (meeting, co-op) pairs, co-op None for the person's own answers."""
    now = now or utcnow()
    rows = db.session.scalars(select(Meeting).where(Meeting.state == MeetingState.PROPOSED)).all()
    found = []
    for meeting in rows:
        if not permissions.can_see(person, meeting):
            continue
        future = [s for s in meeting.slots if s.starts_at > now]
        if not future:
            continue
        for coop in permissions.answering_coops(person, meeting):
            if any(all(a.coop_id != coop.id for a in s.coop_answers) for s in future):
                found.append((meeting, coop))
        if not permissions.answering_coops(person, meeting) and any(
            all(a.person_id != person.id for a in s.person_answers) for s in future
        ):
            found.append((meeting, None))
    return found
