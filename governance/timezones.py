"""Time zones: validation, and showing a UTC time in the viewer's own zone with the zone named."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


@cache
def _known_zones() -> frozenset[str]:
    """The tz database's names, read once: available_timezones() walks the whole tzdata tree each call."""
    return frozenset(available_timezones())


def is_valid_zone(name: str | None) -> bool:
    if not name or name not in _known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_zone(moment: datetime, zone: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(zone if zone and is_valid_zone(zone) else DEFAULT_ZONE))


def format_in_zone(moment: datetime | None, zone: str | None, style: str = "datetime") -> str:
    """'25 Nov 2026, 14:40 GMT (Europe/London)'; style 'time' gives '14:40 GMT', 'date' gives the date."""
    if moment is None:
        return ""
    local = to_zone(moment, zone)
    name = zone if is_valid_zone(zone) else DEFAULT_ZONE
    if style == "time":
        return f"{local:%H:%M} {local.tzname()}"
    if style == "date":
        return f"{local.day} {local:%b %Y}"
    abbreviation = local.tzname()
    suffix = f" {abbreviation} ({name})" if abbreviation != name else f" {name}"
    return f"{local.day} {local:%b %Y, %H:%M}{suffix}"
