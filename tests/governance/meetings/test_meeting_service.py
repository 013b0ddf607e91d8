"""Proposing, answering, confirming and recording a meeting: who may, and what is refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from governance import audit
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from governance.extensions import db
from governance.meetings import permissions, service
from governance.meetings.models import MeetingState
from governance.meetings.slots import Answer
from governance.types import utcnow
from tests.governance.meetings.factories import future_slots, propose


def _last_action():
    return db.session.scalars(select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc())).first().action


def test_a_steward_proposes_a_meeting_to_a_network(world):
    meeting = propose(world)
    assert meeting.state == MeetingState.PROPOSED
    assert [c.name for c in meeting.addressed_coops] == ["Hudson Tech", "Río Software", "Thames Code"]
    assert _last_action() == "meeting.proposed"


def test_a_delegate_of_a_co_op_in_the_network_may_propose_one(world):
    meeting = propose(world, actor=world.delegates[0])
    assert meeting.proposed_by == world.delegates[0]


def test_a_member_may_not_propose_a_meeting(world):
    with pytest.raises(NotAllowed):
        propose(world, actor=world.members[0])


def test_a_slot_in_the_past_is_refused(world):
    with pytest.raises(InvalidInput, match="in the past"):
        propose(world, slots=[utcnow() - timedelta(hours=1)])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"video_url": "javascript:alert(1)"}, "https://"),
        ({"duration_minutes": 5}, "from 15 to 480"),
        ({"title": "  "}, "A title is required"),
        ({"topic": "parties"}, "topics"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(world, fields, message):
    with pytest.raises(InvalidInput, match=message):
        propose(world, **fields)


def test_a_delegate_answers_for_their_co_op_and_a_later_answer_replaces_it(world):
    meeting = propose(world)
    first, second = meeting.slots
    service.answer_slots(
        meeting, actor=world.delegates[0], coop=world.coops[0], answers={first.id: "yes", second.id: "no"}
    )
    service.answer_slots(
        meeting, actor=world.delegates[0], coop=world.coops[0], answers={second.id: "if_need_be"}
    )
    assert [a.answer for a in first.coop_answers] == [Answer.YES]
    assert [a.answer for a in second.coop_answers] == [Answer.IF_NEED_BE]


def test_a_member_answers_for_themselves_but_not_for_their_co_op(world):
    meeting = propose(world)
    slot = meeting.slots[0]
    service.answer_slots(meeting, actor=world.members[0], answers={slot.id: "yes"})
    assert [a.person for a in slot.person_answers] == [world.members[0]]
    with pytest.raises(NotAllowed):
        service.answer_slots(meeting, actor=world.members[0], coop=world.coops[0], answers={slot.id: "yes"})


def test_an_outsider_cannot_see_or_answer(world):
    meeting = propose(world)
    assert not permissions.can_see(world.outsider, meeting)
    with pytest.raises(NotFound):
        service.answer_slots(meeting, actor=world.outsider, answers={meeting.slots[0].id: "yes"})


def test_an_answer_to_a_confirmed_meeting_is_refused_and_changes_nothing(world):
    meeting = propose(world)
    slot = meeting.slots[0]
    service.confirm_meeting(meeting, actor=world.steward, slot=slot)
    db.session.commit()
    with pytest.raises(Conflict, match="confirmed"):
        service.answer_slots(meeting, actor=world.delegates[1], coop=world.coops[1], answers={slot.id: "yes"})
    db.session.rollback()
    assert slot.coop_answers == []


def test_an_answer_to_a_slot_that_has_passed_is_refused(world):
    meeting = propose(world)
    slot = meeting.slots[0]
    later = slot.starts_at + timedelta(minutes=1)
    with pytest.raises(InvalidInput, match="has passed"):
        service.answer_slots(meeting, actor=world.members[0], answers={slot.id: "yes"}, now=later)


def test_an_unknown_answer_is_refused(world):
    meeting = propose(world)
    with pytest.raises(InvalidInput, match="if need be"):
        service.answer_slots(meeting, actor=world.members[0], answers={meeting.slots[0].id: "maybe"})


def test_only_the_proposer_or_a_steward_confirms(world):
    meeting = propose(world, actor=world.delegates[0])
    with pytest.raises(NotAllowed):
        service.confirm_meeting(meeting, actor=world.delegates[1], slot=meeting.slots[0])
    service.confirm_meeting(meeting, actor=world.delegates[0], slot=meeting.slots[1])
    assert meeting.starts_at == meeting.slots[1].starts_at and meeting.sequence == 1
    assert _last_action() == "meeting.confirmed"


def test_notes_wait_until_the_meeting_has_started(world):
    meeting = propose(world)
    slot = meeting.slots[0]
    service.confirm_meeting(meeting, actor=world.steward, slot=slot)
    with pytest.raises(Conflict, match="not started"):
        service.record_notes(meeting, actor=world.steward, notes="Too early")
    service.record_notes(
        meeting,
        actor=world.steward,
        notes="We met.",
        decisions="- Go.",
        now=slot.starts_at + timedelta(hours=1),
    )
    assert meeting.notes == "We met." and meeting.notes_by == world.steward
    assert _last_action() == "meeting.notes_recorded"


def test_working_hours_are_set_by_the_co_ops_delegate(world):
    with pytest.raises(NotAllowed):
        service.set_working_hours(world.coops[0], actor=world.members[0], start_hour=9, end_hour=17)
    with pytest.raises(InvalidInput, match="ends after"):
        service.set_working_hours(world.coops[0], actor=world.delegates[0], start_hour=17, end_hour=9)
    row = service.set_working_hours(world.coops[0], actor=world.delegates[0], start_hour=9, end_hour=17)
    assert (row.start_hour, row.end_hour) == (9, 17)


def test_pending_answers_name_the_co_op_a_delegate_speaks_for(world):
    meeting = propose(world, slots=future_slots(1))
    assert service.pending_for(world.delegates[0]) == [(meeting, world.coops[0])]
    service.answer_slots(
        meeting, actor=world.delegates[0], coop=world.coops[0], answers={meeting.slots[0].id: "no"}
    )
    assert service.pending_for(world.delegates[0]) == []
    assert service.pending_for(world.members[1]) == [(meeting, None)]
