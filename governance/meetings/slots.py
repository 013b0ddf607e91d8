"""The plain rules of a meeting across time zones: local hours, working hours, suggested and best slots.

No Flask, no database: a co-op is its zone and its working hours, a slot is a UTC instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_date

from governance.texts import N_, _, current_locale

DEFAULT_START_HOUR = 8
DEFAULT_END_HOUR = 20


class Answer(StrEnum):
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"

    @property
    def label(self) -> str:
        return _(ANSWER_LABELS[self.value])


ANSWER_LABELS = {"yes": N_("Yes"), "if_need_be": N_("If need be"), "no": N_("No")}


@dataclass(frozen=True)
class WorkingHours:
    """A co-op's working day in its own zone: from start_hour to end_hour, Monday to Friday."""

    start_hour: int = DEFAULT_START_HOUR
    end_hour: int = DEFAULT_END_HOUR

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError("working hours run from a start hour to a later end hour, within 0-24")

    def __str__(self) -> str:
        return f"{self.start_hour:02d}:00-{self.end_hour:02d}:00"


@dataclass(frozen=True)
class Place:
    """Where a co-op is: a name, its IANA zone and its working hours."""

    name: str
    zone: str
    hours: WorkingHours = WorkingHours()


@dataclass(frozen=True)
class LocalTime:
    """A slot as one co-op sees it."""

    place: Place
    starts: datetime  # aware, in the place's zone
    ends: datetime
    is_working_time: bool

    @property
    def clock(self) -> str:
        """'Tue 18:30 BST' ('mar 18:30 BST' in Spanish), said to end the next day when it does."""
        locale = current_locale()
        english = locale.startswith("en")
        weekday = f"{self.starts:%a}" if english else format_date(self.starts.date(), "EEE", locale=locale)
        clock = f"{weekday} {self.starts:%H:%M} {self.starts.tzname()}"
        if self.starts.date() == self.ends.date():
            return clock
        return _("%(clock)s (ends the next day)", clock=clock)


def local(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a slot is an aware UTC time")
    return moment.astimezone(ZoneInfo(zone))


def is_working_time(starts: datetime, minutes: int, place: Place) -> bool:
    """Whether the whole meeting falls within the place's working hours on one of its weekdays."""
    begin = local(starts, place.zone)
    end = local(starts + timedelta(minutes=minutes), place.zone)
    if begin.weekday() >= 5:
        return False
    day_start = begin.replace(hour=place.hours.start_hour, minute=0, second=0, microsecond=0)
    if place.hours.end_hour == 24:
        day_end = datetime.combine(begin.date() + timedelta(days=1), time(), tzinfo=begin.tzinfo)
    else:
        day_end = begin.replace(hour=place.hours.end_hour, minute=0, second=0, microsecond=0)
    # Compare as instants: the wall clock may jump in between on a day the clocks change.
    return day_start <= begin and end <= day_end


def local_times(starts: datetime, minutes: int, places: Iterable[Place]) -> list[LocalTime]:
    """The slot in every place's own zone, earliest local clock first, with its working-hours mark."""
    rows = [
        LocalTime(
            p,
            local(starts, p.zone),
            local(starts + timedelta(minutes=minutes), p.zone),
            is_working_time(starts, minutes, p),
        )
        for p in places
    ]
    return sorted(rows, key=lambda r: (r.starts.replace(tzinfo=None), r.place.name))


@dataclass(frozen=True)
class Suggestion:
    starts: datetime  # UTC
    suits: tuple[str, ...]  # the places whose working hours it falls within
    total: int

    @property
    def count(self) -> int:
        return len(self.suits)


def suggest(
    week_of: date,
    reader_zone: str,
    places: Sequence[Place],
    *,
    minutes: int = 60,
    step_minutes: int = 30,
    limit: int = 10,
) -> list[Suggestion]:
    """The starting times of a week (Monday to Sunday in the reader's zone, every step) ranked by how many
    places they suit, then earliest first; times that suit nobody are left out."""
    tz = ZoneInfo(reader_zone)
    monday = week_of - timedelta(days=week_of.weekday())
    start = datetime.combine(monday, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(), tzinfo=tz).astimezone(UTC)
    found = []
    moment = start
    while moment < end:
        suits = tuple(p.name for p in places if is_working_time(moment, minutes, p))
        if suits:
            found.append(Suggestion(moment, suits, len(places)))
        moment += timedelta(minutes=step_minutes)
    found.sort(key=lambda s: (-s.count, s.starts))
    return found[:limit]


@dataclass(frozen=True)
class SlotTally:
    slot_id: int
    starts: datetime
    yes: tuple[str, ...]
    if_need_be: tuple[str, ...]
    no: tuple[str, ...]
    waiting: tuple[str, ...]

    @property
    def can_come(self) -> int:
        return len(self.yes) + len(self.if_need_be)


def tally(
    slots: Mapping[int, datetime], answers: Mapping[tuple[int, str], Answer], addressed: Sequence[str]
) -> list[SlotTally]:
    """Each slot's co-ops by answer, from (slot id, co-op name) -> answer."""
    rows = []
    for slot_id, starts in slots.items():
        by: dict[Answer | None, list[str]] = {a: [] for a in Answer} | {None: []}
        for name in addressed:
            by[answers.get((slot_id, name))].append(name)
        rows.append(
            SlotTally(
                slot_id,
                starts,
                tuple(by[Answer.YES]),
                tuple(by[Answer.IF_NEED_BE]),
                tuple(by[Answer.NO]),
                tuple(by[None]),
            )
        )
    return rows


def best(tallies: Iterable[SlotTally]) -> list[SlotTally]:
    """The slots most co-ops can come to (yes or if need be), more yeses first, then earliest; a slot
    nobody can come to is not among the best."""
    ranked = sorted(tallies, key=lambda t: (-t.can_come, -len(t.yes), t.starts))
    if not ranked or ranked[0].can_come == 0:
        return []
    top = ranked[0]
    return [t for t in ranked if (t.can_come, len(t.yes)) == (top.can_come, len(top.yes))]
