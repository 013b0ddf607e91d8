"""The plain rules of meetings across time zones, including the weeks the clocks change."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.meetings.slots import (
    Answer,
    Place,
    WorkingHours,
    best,
    is_working_time,
    local_times,
    suggest,
    tally,
)

LONDON = Place("Thames Code Co-op", "Europe/London")
NEW_YORK = Place("Hudson Tech Collective", "America/New_York")
OAKLAND = Place("Bay Commons Dev", "America/Los_Angeles")
BUENOS_AIRES = Place("Cooperativa Río Software", "America/Argentina/Buenos_Aires")
ALL = [LONDON, NEW_YORK, OAKLAND, BUENOS_AIRES]


def _clocks(moment):
    return {row.place.name: f"{row.starts:%H:%M %Z}" for row in local_times(moment, 60, ALL)}


def test_a_1730_utc_slot_in_april_lands_after_both_spring_changes():
    # The seed's "Tues 4th ... April @ 17.30 UTC": Europe moved on 26 March 2028, North America on 12 March.
    clocks = _clocks(datetime(2028, 4, 4, 17, 30, tzinfo=UTC))
    assert clocks == {
        "Thames Code Co-op": "18:30 BST",
        "Hudson Tech Collective": "13:30 EDT",
        "Bay Commons Dev": "10:30 PDT",
        "Cooperativa Río Software": "14:30 -03",
    }


def test_the_same_utc_slot_between_the_two_spring_changes():
    # 21 March 2028: North America is on summer time, Europe not yet.
    clocks = _clocks(datetime(2028, 3, 21, 17, 30, tzinfo=UTC))
    assert clocks["Thames Code Co-op"] == "17:30 GMT"
    assert clocks["Hudson Tech Collective"] == "13:30 EDT"
    assert clocks["Bay Commons Dev"] == "10:30 PDT"


def test_the_same_utc_slot_in_winter():
    clocks = _clocks(datetime(2028, 2, 1, 17, 30, tzinfo=UTC))
    assert clocks["Thames Code Co-op"] == "17:30 GMT"
    assert clocks["Hudson Tech Collective"] == "12:30 EST"
    assert clocks["Bay Commons Dev"] == "09:30 PST"


def test_local_times_are_listed_earliest_clock_first():
    rows = local_times(datetime(2028, 4, 4, 17, 30, tzinfo=UTC), 60, ALL)
    assert [r.place.name for r in rows] == [
        "Bay Commons Dev",
        "Hudson Tech Collective",
        "Cooperativa Río Software",
        "Thames Code Co-op",
    ]


def test_outside_working_hours_is_marked_by_each_co_ops_own_clock():
    # 19:30 UTC in April: 20:30 in London (outside 08-20), 12:30 in Oakland (inside).
    moment = datetime(2028, 4, 4, 19, 30, tzinfo=UTC)
    assert not is_working_time(moment, 60, LONDON)
    assert is_working_time(moment, 60, OAKLAND)
    # The meeting must end by the end of the day: 18:30-20:00 London fits 90 minutes, not 120.
    start = datetime(2028, 4, 4, 17, 30, tzinfo=UTC)
    assert is_working_time(start, 90, LONDON) and not is_working_time(start, 120, LONDON)


def test_a_co_ops_own_working_hours_change_the_mark():
    early = Place("Bay Commons Dev", "America/Los_Angeles", WorkingHours(11, 19))
    assert not is_working_time(datetime(2028, 4, 4, 17, 30, tzinfo=UTC), 60, early)


def test_weekends_are_outside_working_hours():
    assert not is_working_time(datetime(2028, 4, 8, 12, 0, tzinfo=UTC), 60, LONDON)  # a Saturday


def test_working_hours_must_be_a_day():
    with pytest.raises(ValueError):
        WorkingHours(20, 8)


def test_suggest_ranks_times_that_suit_every_co_op_first():
    found = suggest(date(2028, 4, 3), "Europe/London", ALL, minutes=60)
    assert found and found[0].count == 4
    for s in found:
        assert all(is_working_time(s.starts, 60, p) == (p.name in s.suits) for p in ALL)
    # 08:00-20:00 in London and Oakland overlap 16:00-19:00 London (08:00-11:00 Oakland); 1 hour meetings.
    first = found[0].starts.astimezone(UTC)
    assert (first.hour, first.minute) == (15, 0)  # 16:00 BST, 08:00 PDT: the earliest that suits all


def test_suggest_across_the_european_change_week_reads_the_readers_week():
    # The week of 27 March 2028 begins on Monday 00:00 in London, the day after the clocks went forward.
    found = suggest(date(2028, 3, 29), "Europe/London", [LONDON], minutes=60, limit=200)
    firsts = sorted(s.starts for s in found)
    assert firsts[0] == datetime(2028, 3, 27, 7, 0, tzinfo=UTC)  # 08:00 BST


def test_best_slots_are_those_most_co_ops_can_come_to():
    slots = {1: datetime(2028, 4, 4, 17, 30, tzinfo=UTC), 2: datetime(2028, 4, 6, 17, 30, tzinfo=UTC)}
    answers = {
        (1, "A"): Answer.YES,
        (1, "B"): Answer.NO,
        (2, "A"): Answer.YES,
        (2, "B"): Answer.IF_NEED_BE,
    }
    rows = tally(slots, answers, ["A", "B", "C"])
    assert rows[0].waiting == ("C",) and rows[1].if_need_be == ("B",)
    assert [r.slot_id for r in best(rows)] == [2]


def test_no_slot_is_best_when_nobody_can_come():
    slots = {1: datetime(2028, 4, 4, 17, 30, tzinfo=UTC)}
    assert best(tally(slots, {(1, "A"): Answer.NO}, ["A"])) == []


@given(st.lists(st.sampled_from([*Answer, None]), min_size=3, max_size=3), st.just(0))
def test_a_best_slot_is_never_beaten(choices, _):
    slots = {i: datetime(2028, 4, 4 + i, 17, 30, tzinfo=UTC) for i in range(3)}
    answers = {(i, "A"): a for i, a in enumerate(choices) if a is not None}
    rows = tally(slots, answers, ["A"])
    top = best(rows)
    for row in rows:
        for b in top:
            assert (row.can_come, len(row.yes)) <= (b.can_come, len(b.yes))
