"""Calendar files with the icalendar library: one event ("add to calendar") or a person's whole feed.

Every event has a UID that never changes (its kind and id at this instance's host) and a SEQUENCE that
grows with each change, so a calendar that already holds it moves it instead of adding another
(RFC 5545, 3.8.4.7 and 3.8.7.4). Times are written in the reader's zone with its VTIMEZONE, which names
the same instant as the UTC time stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event

from governance.texts import _
from governance.timezones import DEFAULT_ZONE, is_valid_zone
from governance.types import utcnow

PRODID = "-//Roundtable//Roundtable calendar//EN"


@dataclass(frozen=True)
class Entry:
    kind: str  # "meeting", "vote-close", "pledge-deadline", ...
    id: int
    summary: str
    starts_at: datetime  # UTC
    ends_at: datetime
    url: str = ""
    description: str = ""
    location: str = ""
    sequence: int = 0
    is_cancelled: bool = False


# Each feature adds a function (person) -> entries for the person's feed.
providers: list[Callable[..., list[Entry]]] = []


def uid(kind: str, ident: int) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "roundtable"
    return f"{kind}-{ident}@{host}"


def _event(entry: Entry, zone: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid(entry.kind, entry.id))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", entry.summary)
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.is_cancelled else "CONFIRMED")
    if entry.description:
        event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    if entry.location:
        event.add("location", entry.location)
    return event


def calendar(entries: Iterable[Entry], *, zone: str, name: str = "Roundtable") -> bytes:
    tz = ZoneInfo(zone if is_valid_zone(zone) else DEFAULT_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    stamp = utcnow().replace(microsecond=0)
    for entry in sorted(entries, key=lambda e: (e.starts_at, e.kind, e.id)):
        cal.add_component(_event(entry, tz, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_for(person) -> bytes:
    """The person's whole feed, in their zone and their language (a calendar app has no session)."""
    from governance import i18n

    with i18n.speaking(person):
        entries = [entry for provider in providers for entry in provider(person)]
        return calendar(entries, zone=person.time_zone, name=_("Roundtable: %(name)s", name=person.name))


def moment(starts_at: datetime, minutes: int = 15) -> tuple[datetime, datetime]:
    """A deadline as a short event that starts when it falls due."""
    return starts_at, starts_at + timedelta(minutes=minutes)
