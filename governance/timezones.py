"""Time zones: validation, and showing a UTC time in the viewer's own zone with the zone named."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime

from governance.texts import current_locale

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


def format_in_zone(
    moment: datetime | None, zone: str | None, style: str = "datetime", locale: str | None = None
) -> str:
    """'25 Nov 2026, 14:40 GMT (Europe/London)'; style 'time' gives '14:40 GMT', 'date' gives the date.

    In the reader's locale (by default whoever is being answered): '25 nov 2026, 14:40 -03
    (America/Argentina/Buenos_Aires)' in Spanish. The day comes first and the clock is 24-hour in every
    locale, as people across time zones read times they compare."""
    if moment is None:
        return ""
    local = to_zone(moment, zone)
    name = zone if is_valid_zone(zone) else DEFAULT_ZONE
    locale = locale or current_locale()
    english = locale.startswith("en")
    if style == "time":
        return f"{local:%H:%M} {local.tzname()}"
    if style == "date":
        return f"{local.day} {local:%b %Y}" if english else format_datetime(local, "d MMM y", locale=locale)
    abbreviation = local.tzname()
    suffix = f" {abbreviation} ({name})" if abbreviation != name else f" {name}"
    if english:
        return f"{local.day} {local:%b %Y, %H:%M}{suffix}"
    return format_datetime(local, "d MMM y, HH:mm", locale=locale) + suffix
