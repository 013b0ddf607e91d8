"""The personal calendar feed: secret, revocable, with stable UIDs; and the meeting invitation's .ics."""

from datetime import UTC, datetime

from icalendar import Calendar

from governance.extensions import db
from governance.meetings import service as meetings
from governance.notifications import service
from tests.factories import sign_in
from tests.governance.meetings.factories import propose
from tests.governance.notifications.conftest import read_mails
from tests.voting.factories import open_vote

TUESDAY = datetime(2028, 4, 4, 17, 30, tzinfo=UTC)


def _events(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return {str(e["uid"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_the_feed_carries_vote_closes_and_confirmed_meetings_with_stable_uids(client, world):
    vote = open_vote(world)
    meeting = propose(world, slots=[TUESDAY])
    meetings.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    token = service.new_feed(actor=world.members[1])  # New York
    db.session.commit()
    path = f"/notifications/calendar/{token}.ics"
    events = _events(client, path)
    assert set(events) == {f"vote-close-{vote.id}@localhost", f"meeting-{meeting.id}@localhost"}
    event = events[f"meeting-{meeting.id}@localhost"]
    assert str(event["dtstart"].params["TZID"]) == "America/New_York"
    assert event.decoded("dtstart").astimezone(UTC) == TUESDAY
    meetings.cancel_meeting(meeting, actor=world.steward)
    db.session.commit()
    again = _events(client, path)[f"meeting-{meeting.id}@localhost"]
    assert again["status"] == "CANCELLED" and again["sequence"] > event["sequence"]


def test_a_revoked_or_replaced_feed_link_answers_not_found(client, world):
    first = service.new_feed(actor=world.members[0])
    db.session.commit()
    second = service.new_feed(actor=world.members[0])
    db.session.commit()
    assert client.get(f"/notifications/calendar/{first}.ics").status_code == 404
    assert client.get(f"/notifications/calendar/{second}.ics").status_code == 200
    service.revoke_feed(actor=world.members[0])
    db.session.commit()
    response = client.get(f"/notifications/calendar/{second}.ics")
    assert response.status_code == 404 and "revoked" in response.get_data(as_text=True)


def test_the_settings_page_makes_a_link_shown_once(client, world):
    sign_in(client, world.members[0])
    page = client.post("/notifications/calendar").get_data(as_text=True)
    assert "it will not be shown again" in page and "/notifications/calendar/" in page
    assert (
        "/notifications/calendar/"
        not in client.get("/settings").get_data(as_text=True).split("calendar link, made")[0][-200:]
    )


def test_the_confirmed_meetings_invitation_carries_a_calendar_file_in_the_readers_zone(world, outbox):
    meeting = propose(world, slots=[TUESDAY])
    for old in outbox.glob("*.eml"):
        old.unlink()
    meetings.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    db.session.commit()
    mails = {m["To"]: m for m in read_mails(outbox)}
    invitation = mails[world.members[2].email]  # Buenos Aires
    assert invitation["Subject"] == f"[Roundtable] Invitation: {meeting.title}"
    assert (
        "4 Apr 2028, 14:30 -03 (America/Argentina/Buenos_Aires)"
        in invitation.get_body(("plain",)).get_content()
    )
    [attachment] = list(invitation.iter_attachments())
    assert attachment.get_filename() == f"meeting-{meeting.id}.ics"
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["dtstart"].params["TZID"]) == "America/Argentina/Buenos_Aires"
    assert event.decoded("dtstart").astimezone(UTC) == TUESDAY


def test_the_feed_carries_pledge_deadlines_moved_not_added_by_an_extension(client, world):
    import re
    from datetime import timedelta

    from proposals.pledging import service as pledging
    from tests.proposals.pledging.factories import open_campaign

    campaign = open_campaign(world)
    deadline = campaign.deadline_at
    sign_in(client, world.delegates[2])  # Buenos Aires
    page = client.post("/notifications/calendar").get_data(as_text=True)  # the link, shown once
    path = re.search(r"/notifications/calendar/[\w-]+\.ics", page).group(0)
    uid = f"pledge-deadline-{campaign.id}@localhost"
    event = _events(client, path)[uid]
    assert str(event["summary"]) == f"Pledges close: {campaign.proposal.title}"
    assert str(event["dtstart"].params["TZID"]) == "America/Argentina/Buenos_Aires"
    assert abs(event.decoded("dtstart").astimezone(UTC) - deadline) < timedelta(seconds=1)
    assert f"/campaigns/{campaign.id}" in str(event["url"])
    pledging.extend_deadline(
        campaign, actor=world.steward, deadline_at=deadline + timedelta(days=3), reason="Two boards meet"
    )
    db.session.commit()
    events = [e for u, e in _events(client, path).items() if u.startswith("pledge-deadline-")]
    [moved] = events  # the same event, moved: not a second one
    assert moved.decoded("dtstart") > event.decoded("dtstart") and moved["sequence"] > event["sequence"]
    outsider = service.new_feed(actor=world.outsider)
    db.session.commit()
    assert uid not in _events(
        client, f"/notifications/calendar/{outsider}.ics"
    )  # only campaigns they can see
