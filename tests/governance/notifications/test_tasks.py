"""Time-based notifications: the 08:00 digest in each person's zone, 24 hours before a vote closes, an hour
before a meeting; and a task that runs twice sends nothing the second time."""

from datetime import UTC, datetime, timedelta

from governance.extensions import db
from governance.meetings import service as meetings
from governance.notifications import service, tasks
from governance.notifications.kinds import Kind
from governance.notifications.models import DigestSent
from governance.types import utcnow
from tests.governance.meetings.factories import propose
from tests.governance.notifications.conftest import read_mails
from tests.voting.factories import open_vote
from voting import service as voting


def _digest_person(world):
    from tests.factories import person

    someone = person("Olga Oakland", email="olga@example.org", zone="America/Los_Angeles")
    service.set_preferences(actor=someone, choices={k.value: "digest" for k in Kind})
    db.session.commit()
    return someone


def _tell(someone, key, at):
    return service.notify(
        someone, Kind.VOTE_OPENED, key=key, headline=f"A vote is open: {key}", path="/x", now=at
    )


def test_a_digest_gathers_the_day_for_one_person_at_0800_in_their_zone(world, outbox):
    someone = _digest_person(world)
    # The US changed its clocks at 02:00 on Sunday 12 March 2028: 08:00 in Oakland is 15:00 UTC that day,
    # 16:00 UTC the day before.
    _tell(someone, "first", datetime(2028, 3, 11, 17, 0, tzinfo=UTC))
    _tell(someone, "second", datetime(2028, 3, 12, 3, 0, tzinfo=UTC))
    db.session.commit()
    assert read_mails(outbox) == []  # a digest kind is not mailed at once

    assert tasks.send_digests(datetime(2028, 3, 12, 14, 59, tzinfo=UTC)) == 0  # 07:59 PDT
    db.session.commit()
    assert tasks.send_digests(datetime(2028, 3, 12, 15, 0, tzinfo=UTC)) == 1  # 08:00 PDT
    db.session.commit()
    [digest] = read_mails(outbox)
    plain = digest.get_body(("plain",)).get_content()
    assert digest["To"] == "olga@example.org" and "12 Mar" in digest["Subject"]
    assert "A vote is open: first" in plain and "A vote is open: second" in plain
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.get_body(("html",)) is not None

    # Run again the same morning, and again later that day with something new: nothing more today.
    assert tasks.send_digests(datetime(2028, 3, 12, 15, 5, tzinfo=UTC)) == 0
    _tell(someone, "third", datetime(2028, 3, 12, 18, 0, tzinfo=UTC))
    assert tasks.send_digests(datetime(2028, 3, 12, 20, 0, tzinfo=UTC)) == 0
    db.session.commit()
    assert len(read_mails(outbox)) == 1
    # The next morning it goes, alone.
    assert tasks.send_digests(datetime(2028, 3, 13, 15, 0, tzinfo=UTC)) == 1
    db.session.commit()
    latest = read_mails(outbox)[-1].get_body(("plain",)).get_content()
    assert "third" in latest and "first" not in latest
    assert db.session.query(DigestSent).filter_by(person_id=someone.id).count() == 2


def test_a_digest_waits_for_each_persons_own_morning(world, outbox):
    someone = _digest_person(world)
    _tell(someone, "only", datetime(2028, 4, 3, 12, 0, tzinfo=UTC))
    # 08:00 in London (07:00 UTC in April) is still midnight in Oakland.
    assert tasks.send_digests(datetime(2028, 4, 4, 7, 0, tzinfo=UTC)) == 0
    assert tasks.send_digests(datetime(2028, 4, 4, 15, 0, tzinfo=UTC)) == 1


def test_delegates_of_co_ops_that_have_not_voted_are_reminded_once(world, outbox):
    now = utcnow()
    vote = open_vote(world, now=now - timedelta(days=6), lasts=timedelta(days=6, hours=20))
    voting.cast_ballot(
        vote, actor=world.delegates[0], coop=world.coops[0], choice="yes", now=now - timedelta(days=1)
    )
    db.session.commit()
    for old in outbox.glob("*.eml"):
        old.unlink()
    assert tasks.remind_votes_closing(now) == 2
    db.session.commit()
    assert tasks.remind_votes_closing(now) == 0  # the second run sends nothing
    assert tasks.remind_votes_closing(now + timedelta(hours=1)) == 0
    db.session.commit()
    mails = read_mails(outbox)
    assert sorted(m["To"] for m in mails) == sorted([world.delegates[1].email, world.delegates[2].email])
    new_york = next(m for m in mails if m["To"] == world.delegates[1].email)
    text = new_york.get_body(("plain",)).get_content()
    assert "Hudson Tech has not voted" in text and "(America/New_York)" in text


def test_no_reminder_before_the_last_24_hours(world, outbox):
    now = utcnow()
    open_vote(world, now=now - timedelta(hours=1), lasts=timedelta(days=3))
    assert tasks.remind_votes_closing(now) == 0


def test_everyone_invited_is_told_an_hour_before_a_meeting_once(world, outbox):
    start = utcnow() + timedelta(days=2)
    meeting = propose(world, slots=[start])
    meetings.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    db.session.commit()
    for old in outbox.glob("*.eml"):
        old.unlink()
    soon = start - timedelta(minutes=40)
    assert tasks.remind_meetings_soon(start - timedelta(hours=2)) == 0
    told = tasks.remind_meetings_soon(soon)
    db.session.commit()
    assert told == 7  # three co-ops' delegate and member, and the steward
    assert tasks.remind_meetings_soon(soon + timedelta(minutes=5)) == 0
    db.session.commit()
    assert len(read_mails(outbox)) == 7


def test_the_periodic_task_runs_every_step_and_the_command_too(app, world):
    assert set(tasks.run_due_notifications()) >= {"send_digests", "remind_votes_closing"}
    result = app.test_cli_runner().invoke(args=["notifications", "run-due"])
    assert result.exit_code == 0 and "send_digests: 0" in result.output


def test_the_due_notifications_are_in_the_one_periodic_registry():
    from governance import jobs

    assert jobs._periodic["notifications"] is tasks.run_due_notifications


def test_a_campaign_reminds_the_coops_not_in_48_hours_before_its_deadline(client, world, outbox):
    from proposals.pledging import service as pledging
    from tests.factories import sign_in
    from tests.proposals.pledging.factories import open_campaign, pledge

    start = utcnow()
    campaign = open_campaign(world, now=start, deadline_at=start + timedelta(days=7))
    pledge(world, campaign, 0, money="500", hours=10, seats=["host"])
    deadline = campaign.deadline_at
    for path in outbox.glob("*.eml"):
        path.unlink()

    def reminded():
        return sorted(m["To"] for m in read_mails(outbox) if "48 hours left to pledge" in m["Subject"])

    assert tasks.remind_campaigns_closing(deadline - timedelta(hours=49)) == 0
    assert tasks.remind_campaigns_closing(deadline - timedelta(hours=47)) == 2
    db.session.commit()
    assert reminded() == [
        "delegate@hudson-tech.example",
        "delegate@rio-software.example",
    ]  # not Thames: it is in
    [mail] = [m for m in read_mails(outbox) if m["To"] == "delegate@rio-software.example"]
    assert "America/Argentina/Buenos_Aires" in mail.get_body(("plain",)).get_content()  # the reader's zone
    assert tasks.remind_campaigns_closing(deadline - timedelta(hours=46)) == 0  # never twice
    db.session.commit()
    assert len(reminded()) == 2
    sign_in(client, world.delegates[1])
    page = client.get("/notifications/").get_data(as_text=True)
    assert "48 hours left to pledge" in page and "Hudson Tech has not pledged" in page

    # An extension moves the deadline: the co-ops still out hear once more, 48 hours before the new one.
    pledging.extend_deadline(
        campaign, actor=world.steward, deadline_at=deadline + timedelta(days=3), reason="Two boards meet"
    )
    db.session.commit()
    assert tasks.remind_campaigns_closing(deadline + timedelta(days=3) - timedelta(hours=47)) == 2
    db.session.commit()
    assert len(reminded()) == 4
