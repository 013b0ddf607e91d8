"""What a meeting's page shows: every slot in each addressed co-op's zone, who is in, the best slots."""

from __future__ import annotations

from dataclasses import dataclass

from governance.meetings.models import Meeting, MeetingSlot, places_of
from governance.meetings.slots import Answer, LocalTime, SlotTally, best, local_times, tally


@dataclass(frozen=True)
class SlotRow:
    slot: MeetingSlot
    places: list[LocalTime]
    tally: SlotTally
    people: dict[Answer, list[str]]
    is_best: bool

    @property
    def outside_hours(self) -> list[str]:
        return [p.place.name for p in self.places if not p.is_working_time]


@dataclass(frozen=True)
class Board:
    rows: list[SlotRow]
    best: list[SlotRow]
    not_answered: list[str]


def board(meeting: Meeting) -> Board:
    coops = meeting.addressed_coops
    places = places_of(coops)
    names = [c.name for c in coops]
    answers = {(a.slot_id, a.coop.name): a.answer for s in meeting.slots for a in s.coop_answers}
    tallies = {t.slot_id: t for t in tally({s.id: s.starts_at for s in meeting.slots}, answers, names)}
    best_ids = {t.slot_id for t in best(tallies.values())}
    rows = []
    for slot in meeting.slots:
        people: dict[Answer, list[str]] = {a: [] for a in Answer}
        for answer in slot.person_answers:
            people[answer.answer].append(answer.person.name)
        rows.append(
            SlotRow(
                slot,
                local_times(slot.starts_at, meeting.duration_minutes, places),
                tallies[slot.id],
                people,
                slot.id in best_ids,
            )
        )
    answered = {name for (_, name) in answers}
    return Board(rows, [r for r in rows if r.is_best], [n for n in names if n not in answered])
