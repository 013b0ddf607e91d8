"""Times are stored in UTC and shown in the viewer's zone, naming the zone."""

from datetime import UTC, datetime

import pytest

from governance.timezones import format_in_zone, is_valid_zone

MOMENT = datetime(2026, 7, 1, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/London", "1 Jul 2026, 17:30 BST (Europe/London)"),
        ("America/New_York", "1 Jul 2026, 12:30 EDT (America/New_York)"),
        ("America/Argentina/Buenos_Aires", "1 Jul 2026, 13:30 -03 (America/Argentina/Buenos_Aires)"),
        ("UTC", "1 Jul 2026, 16:30 UTC"),
    ],
)
def test_a_utc_moment_is_shown_in_the_viewers_zone_with_the_zone_named(zone, expected):
    assert format_in_zone(MOMENT, zone) == expected


def test_winter_time_in_london_is_gmt():
    assert format_in_zone(datetime(2026, 11, 25, 17, 30, tzinfo=UTC), "Europe/London") == (
        "25 Nov 2026, 17:30 GMT (Europe/London)"
    )


def test_a_broken_zone_falls_back_to_utc_rather_than_failing():
    assert format_in_zone(MOMENT, "Not/AZone") == "1 Jul 2026, 16:30 UTC"


@pytest.mark.parametrize(
    ("zone", "valid"),
    [
        ("Europe/London", True),
        ("europe/london", False),
        ("", False),
        ("../etc/passwd", False),
        ("Mars/Olympus", False),
    ],
)
def test_only_iana_zone_names_are_valid(zone, valid):
    assert is_valid_zone(zone) is valid


def test_localtime_filter_marks_up_the_utc_instant(app, world, client):
    from tests.factories import sign_in

    sign_in(client, world.delegates[1])  # America/New_York
    page = client.get(f"/coops/{world.coops[0].slug}").get_data(as_text=True)
    assert "Europe/London" in page


def test_storing_a_naive_datetime_is_refused():
    from governance.types import UTCDateTime

    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)


def test_the_settings_page_asks_the_browser_for_a_zone_through_the_static_script(client, world):
    from lxml import html

    from tests.factories import sign_in

    sign_in(client, world.members[0])
    page = html.fromstring(client.get("/settings").get_data(as_text=True))
    [field] = page.xpath("//input[@name='time_zone']")
    assert field.get("value") == world.members[0].time_zone and field.get("list") == "zones"
    [note] = page.xpath(f"//*[@id='{field.get('data-suggest-zone')}']")
    assert note.get("data-differs") == "Your browser's time zone is {zone}."
    assert note.get("data-use") == "Use {zone}" and note.get("role") == "status"
    assert "/static/timezone.js" in page.xpath("//script/@src")
    assert not [s for s in page.xpath("//script") if (s.text or "").strip()]  # no inline code (CSP)
