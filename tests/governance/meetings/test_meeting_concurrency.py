"""Races on a meeting (PostgreSQL, threads): an answer racing the confirmation lands before it or is refused;
two confirmations of different times confirm one."""

from __future__ import annotations

import pytest

from governance.errors import Conflict
from governance.extensions import db
from governance.meetings import service
from governance.meetings.models import Meeting, MeetingState
from governance.models import Coop, Person
from tests.concurrency import run_together, scratch_app

pytestmark = pytest.mark.postgres


def _setup(app, count: int = 1) -> list[dict]:
    from tests import factories
    from tests.governance.meetings.factories import propose

    with app.test_request_context():
        world = factories.small_world()
        found = []
        for _ in range(count):
            meeting = propose(world)
            found.append(
                {
                    "meeting": meeting.id,
                    "slots": [s.id for s in meeting.slots],
                    "steward": world.steward.id,
                    "delegate": world.delegates[1].id,
                    "coop": world.coops[1].id,
                }
            )
        db.session.remove()
    return found


def _confirm(ids, slot_index):
    def job():
        meeting = db.session.get(Meeting, ids["meeting"])
        slot = next(s for s in meeting.slots if s.id == ids["slots"][slot_index])
        return service.confirm_meeting(meeting, actor=db.session.get(Person, ids["steward"]), slot=slot).id

    return job


def test_an_answer_racing_the_confirmation_lands_before_it_or_is_refused(database_url):
    with scratch_app(database_url, threads=2) as app:
        for ids in _setup(app, 4):

            def answer(ids=ids):
                meeting = db.session.get(Meeting, ids["meeting"])
                return service.answer_slots(
                    meeting,
                    actor=db.session.get(Person, ids["delegate"]),
                    coop=db.session.get(Coop, ids["coop"]),
                    answers={ids["slots"][0]: "yes"},
                )

            answered, confirmed = run_together(app, [answer, _confirm(ids, 0)])
            assert confirmed == ids["meeting"]
            with app.app_context():
                meeting = db.session.get(Meeting, ids["meeting"])
                stored = [a for s in meeting.slots for a in s.coop_answers]
                if isinstance(answered, Conflict):
                    assert "answers are closed" in answered.message and stored == []
                else:
                    assert answered == 1 and len(stored) == 1
                db.session.remove()


def test_two_confirmations_confirm_one_time(database_url):
    with scratch_app(database_url, threads=2) as app:
        [ids] = _setup(app)
        outcomes = run_together(app, [_confirm(ids, 0), _confirm(ids, 1)])
        assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"]
        with app.app_context():
            meeting = db.session.get(Meeting, ids["meeting"])
            assert meeting.state == MeetingState.CONFIRMED
            assert sum(s.is_confirmed for s in meeting.slots) == 1
            db.session.remove()
