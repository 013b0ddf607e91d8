"""The navigation's count of what waits for a person, kept in their browser's session for a few seconds."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from governance import templating
from governance.extensions import db
from tests.factories import sign_in
from tests.voting.factories import open_vote


def _count(client, url: str = "/networks") -> tuple[int, int]:
    """The count the navigation shows on a page, and how many SQL statements the page ran."""
    seen: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", counted := lambda *args: seen.append(args[2]))
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    assert response.status_code == 200
    shown = re.search(r'aria-label="(\d+) waiting"', response.get_data(as_text=True))
    return (int(shown.group(1)) if shown else 0), len(seen)


@pytest.fixture
def kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "WAITING_COUNT_SECONDS", 30)
    clock = [1_000_000.0]
    monkeypatch.setattr(templating.time, "time", lambda: clock[0])
    return clock


def test_the_count_is_kept_until_the_person_changes_something_or_its_time_is_up(client, world, kept):
    delegate, thames = world.delegates[0], world.coops[0]
    first = open_vote(world)
    sign_in(client, delegate)
    shown, counting = _count(client)
    assert shown == 1  # the vote, for Thames Code
    open_vote(world)  # the steward opens another: others' changes wait for the kept count's time
    shown, kept_read = _count(client)
    assert shown == 1 and kept_read < counting  # kept: none of the five counting queries ran

    response = client.post(f"/votes/{first.id}/ballots", data={"coop": str(thames.id), "choice": "yes"})
    assert response.status_code == 302  # the person's own change drops what was kept
    assert _count(client)[0] == 1  # counted afresh: the second vote waits, the first is cast

    open_vote(world)
    assert _count(client)[0] == 1
    kept[0] += 31  # its time is up
    assert _count(client)[0] == 2


def test_the_home_page_counts_in_full_and_the_navigation_keeps_that(client, world, kept):
    sign_in(client, world.delegates[0])
    assert _count(client)[0] == 0
    open_vote(world)
    assert _count(client)[0] == 0  # kept
    assert _count(client, "/")[0] == 1  # the home page lists what waits, so its count is exact
    assert _count(client)[0] == 1  # and the other pages show it from then on


def test_a_count_kept_for_someone_else_is_not_shown(client, world, kept):
    open_vote(world)
    sign_in(client, world.delegates[0])
    assert _count(client)[0] == 1
    with client.session_transaction() as session:
        session[templating._KEPT][0] = world.delegates[1].id  # as if left by another account
        session[templating._KEPT][1] = 7
    assert _count(client)[0] == 1  # counted for this person, not taken from the session


def test_with_no_seconds_to_keep_it_every_page_counts(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "WAITING_COUNT_SECONDS", 0)
    sign_in(client, world.delegates[0])
    assert _count(client)[0] == 0
    open_vote(world)
    assert _count(client)[0] == 1
