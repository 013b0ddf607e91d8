"""The meeting pages: proposing, the board in each reader's zone, answering, confirming, the .ics file."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from governance.extensions import db
from governance.meetings import service
from governance.meetings.models import Meeting
from governance.types import utcnow
from tests.factories import sign_in
from tests.governance.meetings.factories import propose


def _seed_like(world):
    """Two 17:30 UTC slots in April 2028 (the seed's dates), proposed now."""
    return propose(
        world,
        slots=[datetime(2028, 4, 4, 17, 30, tzinfo=UTC), datetime(2028, 4, 6, 17, 30, tzinfo=UTC)],
    )


def test_a_steward_proposes_a_meeting_in_their_own_zone(client, world):
    sign_in(client, world.steward)  # Europe/London
    page = client.get("/meetings/new")
    assert page.status_code == 200
    response = client.post(
        "/meetings/new",
        data={
            "title": "Round-table",
            "topic": "general",
            "networks": [world.network.id],
            "duration_minutes": "60",
            "slots": "2028-04-04 18:30\n2028-04-06 18:30",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.query(Meeting).one()
    assert [s.starts_at for s in meeting.slots] == [
        datetime(2028, 4, 4, 17, 30, tzinfo=UTC),
        datetime(2028, 4, 6, 17, 30, tzinfo=UTC),
    ]


def test_a_time_the_clocks_skip_is_refused_and_nothing_is_made(client, world):
    sign_in(client, world.steward)
    response = client.post(
        "/meetings/new",
        data={
            "title": "R",
            "topic": "general",
            "networks": [world.network.id],
            "duration_minutes": "60",
            "slots": "2028-03-26 01:30",
        },
    )
    assert response.status_code == 422
    assert "does not exist in Europe/London" in response.get_data(as_text=True)
    assert db.session.query(Meeting).count() == 0


def test_a_past_slot_from_the_form_is_refused(client, world):
    sign_in(client, world.steward)
    response = client.post(
        "/meetings/new",
        data={
            "title": "R",
            "topic": "general",
            "networks": [world.network.id],
            "duration_minutes": "60",
            "slots": "2020-01-07 10:00",
        },
    )
    assert response.status_code == 422 and "in the past" in response.get_data(as_text=True)


def test_the_board_shows_each_co_ops_local_hour_to_a_reader_in_new_york(client, world):
    meeting = _seed_like(world)
    sign_in(client, world.members[1])  # America/New_York
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "4 Apr 2028, 13:30 EDT (America/New_York)" in page
    assert "Tue 18:30 BST" in page and "Tue 14:30 -03" in page and "Tue 13:30 EDT" in page
    assert "Not answered yet: Hudson Tech, Río Software, Thames Code." in page


def test_a_delegate_answers_and_the_best_slot_shows(client, world):
    meeting = _seed_like(world)
    tuesday, thursday = meeting.slots
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/meetings/{meeting.id}/answers",
        data={"coop": world.coops[0].id, f"slot-{tuesday.id}": "yes", f"slot-{thursday.id}": "no"},
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "4 Apr 2028, 18:30 BST (Europe/London)</time> (1 co-op can come, 1 yes)" in page
    assert 'value="yes" selected' in page  # the form starts from the answer given


def test_answering_a_confirmed_meeting_is_refused_on_the_page(client, world):
    meeting = _seed_like(world)
    service.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    db.session.commit()
    sign_in(client, world.delegates[1])
    response = client.post(
        f"/meetings/{meeting.id}/answers",
        data={"coop": world.coops[1].id, f"slot-{meeting.slots[0].id}": "yes"},
    )
    assert response.status_code == 409
    assert "answers are closed" in response.get_data(as_text=True)


def test_the_steward_confirms_and_the_ics_carries_a_stable_uid(client, world):
    meeting = _seed_like(world)
    sign_in(client, world.steward)
    assert client.get(f"/meetings/{meeting.id}/calendar.ics").status_code == 404
    response = client.post(f"/meetings/{meeting.id}/confirm", data={"slot": meeting.slots[1].id})
    assert response.status_code == 302
    first = Calendar.from_ical(client.get(f"/meetings/{meeting.id}/calendar.ics").data)
    [event] = first.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2028, 4, 6, 17, 30, tzinfo=UTC)
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert event["sequence"] == 1
    service.cancel_meeting(meeting, actor=world.steward)
    db.session.commit()
    [again] = Calendar.from_ical(client.get(f"/meetings/{meeting.id}/calendar.ics").data).walk("VEVENT")
    assert again["uid"] == event["uid"] and again["sequence"] == 2 and again["status"] == "CANCELLED"


def test_members_get_no_confirm_button_and_cannot_confirm(client, world):
    meeting = _seed_like(world)
    sign_in(client, world.members[0])
    assert "Confirm this time" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert (
        client.post(f"/meetings/{meeting.id}/confirm", data={"slot": meeting.slots[0].id}).status_code == 403
    )


def test_an_outsider_is_told_the_meeting_does_not_exist(client, world):
    meeting = _seed_like(world)
    sign_in(client, world.outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_suggest_times_ranks_the_week_for_the_chosen_network(client, world):
    sign_in(client, world.steward)
    page = client.get(f"/meetings/suggest?network={world.network.slug}&week=2028-04-03&minutes=60")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "suits 3 of 3 co-ops" in text
    assert client.get(f"/meetings/suggest?network={world.network.slug}&week=soon").status_code == 400


def test_notes_are_recorded_after_the_meeting(client, world):
    start = utcnow() + timedelta(days=1)
    meeting = propose(world, slots=[start])
    service.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    service.record_notes(meeting, actor=world.steward, notes="We **met**.", now=start + timedelta(hours=2))
    db.session.commit()
    sign_in(client, world.members[2])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<strong>met</strong>" in page


def test_the_home_page_waits_for_a_delegates_answer(client, world):
    meeting = _seed_like(world)
    sign_in(client, world.delegates[0])
    page = client.get("/").get_data(as_text=True)
    assert f"Thames Code&#39;s answer to the meeting&#39;s times: {meeting.title}" in page


def test_working_hours_page_for_the_co_ops_delegate(client, world):
    sign_in(client, world.delegates[0])
    slug = world.coops[0].slug
    assert (
        client.post(f"/meetings/hours/{slug}", data={"start_hour": "9", "end_hour": "17"}).status_code == 302
    )
    assert (
        client.post(f"/meetings/hours/{slug}", data={"start_hour": "18", "end_hour": "9"}).status_code == 422
    )
    client.post("/sign-out")
    sign_in(client, world.members[0])
    assert client.get(f"/meetings/hours/{slug}").status_code == 403


def test_the_proposals_offered_for_the_agenda_are_those_the_proposer_can_see(client, world):
    from tests.proposals.factories import proposal

    proposal(world, title="A steward's draft")  # a draft: its network's delegates do not see it yet
    discussed = proposal(world, title="Share the referral desk", discuss=True)
    sign_in(client, world.delegates[0])
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Share the referral desk" in page
    assert "A steward" not in page  # the draft is not offered (its apostrophe may come escaped)
    response = client.post(
        "/meetings/new",
        data={
            "title": "Referral desk",
            "topic": "business_development",
            "networks": [world.network.id],
            "proposals": [discussed.id],
            "duration_minutes": "60",
            "slots": "2028-04-04 18:30",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [p.id for p in db.session.query(Meeting).one().agenda_proposals] == [discussed.id]
