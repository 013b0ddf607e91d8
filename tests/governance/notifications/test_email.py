"""Email from the audit log: who is told, plain text and HTML, the reader's zone, one-click unsubscribe."""

from datetime import UTC, datetime, timedelta

from governance.extensions import db
from governance.notifications import service
from governance.notifications.kinds import Delivery, Kind
from governance.notifications.models import Notification
from proposals.lifecycle import Transition
from proposals.service import apply_transition
from tests.governance.notifications.conftest import read_mails
from tests.proposals.factories import proposal as make_proposal
from tests.voting.factories import open_vote


def _to(mails, email_address):
    return [m for m in mails if m["To"] == email_address]


def test_a_vote_opening_mails_every_person_of_the_co_ops_in_their_own_zone(world, outbox):
    opened = datetime(2028, 4, 1, 12, 0, tzinfo=UTC)
    open_vote(world, now=datetime.now(UTC), lasts=timedelta(days=7))
    mails = read_mails(outbox)
    recipients = {m["To"] for m in mails}
    assert {p.email for p in world.delegates + world.members} <= recipients
    assert world.steward.email not in recipients  # who opened it is not told of it
    assert world.outsider.email not in recipients
    [new_york] = [m for m in _to(mails, world.members[1].email) if "vote is open" in m["Subject"]]
    assert new_york["Subject"] == "[Roundtable] A vote is open: Host the shared service"
    plain = new_york.get_body(("plain",)).get_content()
    html = new_york.get_body(("html",)).get_content()
    assert "(America/New_York)" in plain and "Closes:" in plain
    assert "http://localhost/votes/" in plain and 'href="http://localhost/votes/' in html
    assert opened  # the zone, not the instant, is what this test is about


def test_every_email_has_a_signed_one_click_unsubscribe(world, outbox, client):
    make_proposal(world, discuss=True)
    [mail] = _to(read_mails(outbox), world.members[0].email)
    header = mail["List-Unsubscribe"]
    # RFC 8058: "List-Unsubscribe-Post: List-Unsubscribe=One-Click" signals that a POST to the HTTPS URI
    # in List-Unsubscribe unsubscribes; it exists because "mail software sometimes fetches URLs in mail
    # header fields, and thereby accidentally triggers unsubscriptions" (Abstract), so a GET changes nothing.
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header.strip("<>")
    assert link.startswith("http://localhost/notifications/unsubscribe/")
    path = link.removeprefix("http://localhost")
    assert client.get(path).status_code == 200
    assert service.preferences(world.members[0])[Kind.PROPOSAL_DISCUSSION] == Delivery.IMMEDIATE
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})  # no session, no CSRF token
    assert response.status_code == 200 and "no more email" in response.get_data(as_text=True)
    assert service.preferences(world.members[0])[Kind.PROPOSAL_DISCUSSION] == Delivery.OFF


def test_an_altered_unsubscribe_link_is_refused(world, client):
    token = service.unsubscribe_token(world.members[0], Kind.VOTE_OPENED)
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx").status_code == 404


def test_email_off_still_lists_it_in_the_app(world, outbox):
    service.set_preferences(actor=world.members[0], choices={"proposal_discussion": "off"})
    db.session.commit()
    proposal = make_proposal(world, discuss=True)
    assert not _to(read_mails(outbox), world.members[0].email)
    [row] = service.recent(world.members[0])
    assert row.headline == f"Open for discussion: {proposal.title}" and row.emailed_at is None


def test_a_rolled_back_change_tells_nobody(world, outbox):
    proposal = make_proposal(world)
    apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=world.steward)
    db.session.rollback()
    assert [m["Subject"] for m in read_mails(outbox)] == []
    assert db.session.query(Notification).count() == 0


def test_the_notification_list_marks_what_is_new(world, client):
    from tests.factories import sign_in

    make_proposal(world, discuss=True)
    sign_in(client, world.members[2])
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="1 new"' in home
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'class="notification unread"' in page and "Open for discussion" in page
    assert 'aria-label="1 new"' not in client.get("/").get_data(as_text=True)


def test_settings_offer_each_kind_starting_from_the_current_choice(world, client):
    from tests.factories import sign_in

    service.set_preferences(actor=world.members[0], choices={"vote_result": "digest"})
    db.session.commit()
    sign_in(client, world.members[0])
    page = client.get("/settings").get_data(as_text=True)
    assert "A vote&#39;s result and outcome" in page
    assert (
        'name="kind-vote_result"><option value="immediate" >Email at once</option><option value="digest" selected>'
        in page
    )
    response = client.post("/notifications/preferences", data={"kind-vote_opened": "off"})
    assert response.status_code == 302
    assert service.preferences(world.members[0])[Kind.VOTE_OPENED] == Delivery.OFF
    bad = client.post("/notifications/preferences", data={"kind-vote_opened": "sometimes"})
    assert bad.status_code == 303
    assert service.preferences(world.members[0])[Kind.VOTE_OPENED] == Delivery.OFF


def _statements_to_tell(people, key: str) -> tuple[int, int, list[Notification]]:
    """The reads and the writes of telling these people, and the rows made."""
    import sqlalchemy as sa

    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    db.session.flush()
    for person in people:
        db.session.refresh(
            person
        )  # loaded, as the audience is when an event is told (not expired by a commit)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        made = service.notify_each(
            people,
            Kind.VOTE_OPENED,
            key=key,
            compose=lambda person: (f"A vote is open, {person.name}", "", None),
            path="/votes/1",
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    reads = sum(s.lstrip().upper().startswith("SELECT") for s in seen)
    return reads, len(seen) - reads, made


def test_telling_an_audience_reads_as_much_for_thirty_people_as_for_three(world, outbox):
    from tests import factories

    few = world.delegates
    many = few + [factories.person(f"Reader {n}", email=f"reader{n}@example.org") for n in range(27)]
    service.set_preferences(actor=many[5], choices={Kind.VOTE_OPENED.value: Delivery.OFF.value})
    small, _, told_few = _statements_to_tell(few, "event:fanout-small")
    large, writes, told_many = _statements_to_tell(many, "event:fanout-large")
    assert len(told_few) == 3 and len(told_many) == 30
    # Who holds the key already and how each takes this kind: read for everyone at once, not person by
    # person; the rows are written in bulk where the database allows (PostgreSQL), else one INSERT each.
    assert small == large == 2, (small, large)
    assert writes <= 30 + 29  # a notification each, and a mail for all but the one who turned email off
    assert [n.delivery for n in told_many if n.person_id == many[5].id] == [Delivery.OFF]
    db.session.commit()
    mails = read_mails(outbox)
    assert [m["Subject"] for m in _to(mails, "reader4@example.org")] == [
        "[Roundtable] A vote is open, Reader 4"
    ]
    assert many[5].email == "reader2@example.org" and not _to(mails, "reader2@example.org")  # email off
    again, writes_again, told_again = _statements_to_tell([*many, many[0]], "event:fanout-large")
    assert told_again == [] and again == 2 and writes_again == 0  # each holds the key once: nobody told twice
