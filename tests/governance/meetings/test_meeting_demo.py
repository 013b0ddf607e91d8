"""The demo's meetings: the seed's round-table with its two 17:30 UTC April slots, and a past one with notes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from governance.extensions import db
from governance.meetings import demo
from governance.meetings.models import Meeting, MeetingState


def test_the_seed_slots_are_tuesday_4th_and_thursday_6th_april_at_1730_utc():
    tuesday, thursday = demo.seed_slots(datetime(2026, 12, 2, tzinfo=UTC))
    assert (tuesday, thursday) == (
        datetime(2028, 4, 4, 17, 30, tzinfo=UTC),
        datetime(2028, 4, 6, 17, 30, tzinfo=UTC),
    )
    assert tuesday.strftime("%A") == "Tuesday" and thursday.strftime("%A") == "Thursday"


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_the_demo_loads_both_meetings_once(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    seed = db.session.scalar(select(Meeting).where(Meeting.title == demo.SEED_TITLE))
    assert seed.state == MeetingState.PROPOSED
    assert {n.name for n in seed.networks} == {"CoTech", "US Worker Co-op Tech Network", "FACTTIC", "Patio"}
    assert [
        (s.starts_at.month, s.starts_at.day, s.starts_at.hour, s.starts_at.minute) for s in seed.slots
    ] == [
        (4, 4, 17, 30),
        (4, 6, 17, 30),
    ]
    assert len({a.coop_id for s in seed.slots for a in s.coop_answers}) == len(demo.SEED_ANSWERS)
    past = db.session.scalar(select(Meeting).where(Meeting.title == demo.PAST_TITLE))
    assert past.state == MeetingState.CONFIRMED and past.notes and past.decisions
    assert past.starts_at < datetime.now(UTC)
    assert db.session.query(Meeting).count() == 2
