"""Reasons on ballots, the outcome statement, and a steward's controls on a running vote (issue 11, 14-16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance import audit
from governance.errors import Conflict, InvalidBallot, NotAllowed
from governance.extensions import db
from governance.types import utcnow
from tests.factories import api_token, sign_in
from tests.voting.factories import open_vote
from tests.voting.test_vote_loop import _by_id, _page, _text
from voting import service, steward
from voting.choices import clean_reason, is_reason_required
from voting.counting import Method


def _events(action: str):
    return [e for e in db.session.scalars(db.select(audit.AuditEvent)) if e.action == action]


def test_a_reason_is_required_for_disagree_and_block_in_consent_votes():
    assert is_reason_required(Method.CONSENT, "block") and is_reason_required(Method.CONSENT, "disagree")
    assert not is_reason_required(Method.CONSENT, "agree") and not is_reason_required(Method.YES_NO, "no")
    with pytest.raises(InvalidBallot, match="a consent vote asks a reason"):
        clean_reason(Method.CONSENT, "block", "  ")
    assert clean_reason(Method.YES_NO, "no", "") is None
    assert clean_reason(Method.CONSENT, "agree", " fine ") == "fine"
    with pytest.raises(InvalidBallot, match="at most 10 characters"):
        clean_reason(Method.CONSENT, "agree", "x" * 11, limit=10)


def test_a_block_without_a_reason_is_refused_on_the_page_and_kept(client, world):
    vote = open_vote(world, method=Method.CONSENT)
    sign_in(client, world.delegates[0])
    refused = client.post(f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "choice": "block"})
    assert refused.status_code == 422 and "asks a reason for disagree and block" in refused.get_data(
        as_text=True
    )
    assert vote.current_ballot(world.coops[0]) is None
    client.post(
        f"/votes/{vote.id}/ballots",
        data={"coop": world.coops[0].id, "choice": "block", "reason": "It breaks our members' data promise."},
    )
    ballot = vote.current_ballot(world.coops[0])
    assert ballot.reason == "It breaks our members' data promise."
    form = _by_id(_page(client.get(f"/votes/{vote.id}")), "cast")
    assert form.xpath(".//textarea[@name='reason']")[0].text.strip() == ballot.reason


def _close(vote, world, ballots):
    now = utcnow()
    for i, (choice, reason) in enumerate(ballots):
        service.cast_ballot(vote, actor=world.delegates[i], coop=world.coops[i], choice=choice, reason=reason)
    db.session.commit()
    service.close_vote(vote, now=vote.closes_at + timedelta(seconds=1))
    db.session.commit()
    return now


def test_reasons_show_with_the_result_attributed_in_an_open_vote(client, world):
    vote = open_vote(world, method=Method.CONSENT, lasts=timedelta(hours=1))
    _close(vote, world, [("agree", "Good for us"), ("disagree", "Too costly")])
    sign_in(client, world.members[2])
    reasons = _section(_page(client.get(f"/votes/{vote.id}/result")), "reasons-h")
    assert "Hudson Tech (disagree): Too costly" in reasons and "Thames Code (agree): Good for us" in reasons


def test_reasons_show_unattributed_in_a_secret_vote(client, world):
    vote = open_vote(world, method=Method.CONSENT, secrecy="secret", lasts=timedelta(hours=1))
    _close(vote, world, [("agree", "Good for us"), ("disagree", "Too costly")])
    sign_in(client, world.members[2])
    reasons = _section(_page(client.get(f"/votes/{vote.id}/result")), "reasons-h")
    assert "Good for us" in reasons and "Too costly" in reasons
    assert "Hudson Tech" not in reasons and "Thames Code" not in reasons and "disagree" not in reasons


def _section(page, heading_id):
    return _text(_by_id(page, heading_id).getparent())


def test_a_steward_writes_the_outcome_shown_on_the_proposal_and_result(client, world):
    vote = open_vote(world, lasts=timedelta(hours=1))
    _close(vote, world, [("yes", None)])
    sign_in(client, world.steward)
    form = _by_id(_page(client.get(f"/votes/{vote.id}")), "outcome-form")
    assert form.xpath(".//textarea")[0].text in (None, "", "\n")
    client.post(f"/votes/{vote.id}/outcome", data={"statement": "Thames Code hosts it from January."})
    for url in (f"/proposals/{vote.proposal.id}", f"/votes/{vote.id}/result"):
        assert "Thames Code hosts it from January." in _section(_page(client.get(url)), "outcome-h")
    form = _by_id(_page(client.get(f"/votes/{vote.id}")), "outcome-form")
    assert (
        "Thames Code hosts it from January." in form.xpath(".//textarea")[0].text
    )  # starts from the current
    [event] = _events("vote.outcome_written")
    assert sorted(event.data["coops"]) == sorted(c.slug for c in world.coops)


def test_the_outcome_waits_for_the_close_and_for_a_steward(world):
    vote = open_vote(world)
    with pytest.raises(Conflict, match="after the close"):
        steward.write_outcome(vote, actor=world.steward, statement="Early")
    with pytest.raises(NotAllowed):
        steward.write_outcome(vote, actor=world.delegates[0], statement="Mine")


def test_a_steward_extends_the_close_with_a_reason_and_every_coop_is_told(client, world, outbox):
    vote = open_vote(world, lasts=timedelta(days=2))
    before = vote.closes_at
    sign_in(client, world.steward)  # Europe/London
    later = (before + timedelta(days=3)).astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    response = client.post(
        f"/votes/{vote.id}/extend",
        data={"closes_at": later.strftime("%Y-%m-%dT%H:%M"), "reason": "Two co-ops meet on Monday"},
    )
    assert response.status_code == 302
    assert vote.closes_at > before and vote.extensions[0]["reason"] == "Two co-ops meet on Monday"
    page = _text(_page(client.get(f"/votes/{vote.id}")))
    assert "The close was extended." in page and "Two co-ops meet on Monday" in page
    mails = [m for m in (p.read_text() for p in outbox.glob("*.eml")) if "now closes later" in m]
    assert len(mails) == 3 and all("Two co-ops meet on Monday" in m for m in mails)
    assert any("America/Argentina/Buenos_Aires" in m for m in mails)  # each co-op in its own zone
    [event] = _events("vote.extended")
    assert set(event.data["coops"]) == {c.slug for c in world.coops}
    earlier = client.post(
        f"/votes/{vote.id}/extend", data={"closes_at": "2020-01-01T10:00", "reason": "Oops"}
    )
    assert earlier.status_code == 422 and "closes later than now set" in earlier.get_data(as_text=True)


def test_a_delegate_cannot_extend_or_remind(world):
    vote = open_vote(world)
    with pytest.raises(NotAllowed):
        steward.extend_close(
            vote, actor=world.delegates[0], closes_at=vote.closes_at + timedelta(days=1), reason="x"
        )
    with pytest.raises(NotAllowed):
        steward.remind(vote, actor=world.delegates[0])


def test_close_early_only_once_every_coop_has_cast(client, world):
    vote = open_vote(world)
    sign_in(client, world.steward)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    page = _text(_page(client.get(f"/votes/{vote.id}")))
    assert "Close and count now" not in page and "still to vote: Hudson Tech, Río Software" in page
    refused = client.post(f"/votes/{vote.id}/close-early")
    assert refused.status_code == 409 and "still to vote: Hudson Tech, Río Software" in refused.get_data(
        as_text=True
    )
    for i in (1, 2):
        service.cast_ballot(vote, actor=world.delegates[i], coop=world.coops[i], choice="yes")
    db.session.commit()
    assert "Close and count now" in _text(_page(client.get(f"/votes/{vote.id}")))
    client.post(f"/votes/{vote.id}/close-early")
    assert vote.is_closed and vote.proposal.state.value == "passed"
    assert _events("vote.closed_early") and _events("vote.closed")


def test_a_reminder_goes_to_the_coops_that_have_not_voted_once_in_twelve_hours(client, world, outbox):
    vote = open_vote(world)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    sign_in(client, world.steward)
    assert client.post(f"/votes/{vote.id}/remind").status_code == 302
    told = sorted(p.name for p in outbox.glob("*.eml") if "Subject: Reminder:" in p.read_text())
    assert len(told) == 2 and not any("thames" in name for name in told)
    [event] = _events("vote.reminded")
    assert event.data["coops"] == ["hudson-tech", "rio-software"]
    again = client.post(f"/votes/{vote.id}/remind")
    assert again.status_code == 409 and "the next can go from" in again.get_data(as_text=True)


def test_a_stewards_home_page_lists_the_votes_they_run(app, client, world):
    vote = open_vote(world)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    sign_in(client, world.steward)
    section = _section(_page(client.get("/")), "votes-run")
    assert vote.proposal.title in section and "1 of 3 co-ops" in section and "days" in section
    delegate = app.test_client()
    sign_in(delegate, world.delegates[0])
    assert b'id="votes-run"' not in delegate.get("/").data


def _mails(outbox, subject_part):
    return [m for m in (p.read_text() for p in outbox.glob("*.eml")) if subject_part in m]


def test_a_steward_extends_through_the_api_and_a_delegate_is_refused_with_nothing_stored(
    client, world, outbox
):
    vote = open_vote(world, lasts=timedelta(days=2))
    before = vote.closes_at
    later = (before + timedelta(days=3)).isoformat()
    refused = client.post(
        f"/api/v1/votes/{vote.id}/extend",
        json={"closes_at": later, "reason": "Mine"},
        headers=api_token(world.delegates[0]),
    )
    assert refused.status_code == 403 and set(refused.get_json()) >= {"code", "status", "message"}
    db.session.expire_all()
    assert vote.closes_at == before and not vote.extensions and not _events("vote.extended")
    assert not _mails(outbox, "now closes later")
    earlier = client.post(
        f"/api/v1/votes/{vote.id}/extend",
        json={"closes_at": (before - timedelta(hours=1)).isoformat(), "reason": "Oops"},
        headers=api_token(world.steward),
    )
    assert earlier.status_code == 422
    assert "closes later than now set" in earlier.get_json()["errors"]["closes_at"][0]
    response = client.post(
        f"/api/v1/votes/{vote.id}/extend",
        json={"closes_at": later, "reason": "Two co-ops meet on Monday"},
        headers=api_token(world.steward),
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["extensions"][0]["reason"] == "Two co-ops meet on Monday"
    assert data["extensions"][0]["from"] == before.isoformat()
    db.session.expire_all()
    assert vote.closes_at == before + timedelta(days=3)
    assert len(_events("vote.extended")) == 1 and len(_mails(outbox, "now closes later")) == 3


def test_close_early_through_the_api_waits_for_every_coop(client, world):
    vote = open_vote(world)
    headers = api_token(world.steward)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    refused = client.post(f"/api/v1/votes/{vote.id}/close-early", headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["waiting"] == ["hudson-tech", "rio-software"]
    db.session.expire_all()
    assert not vote.is_closed and not _events("vote.closed_early")
    forbidden = client.post(f"/api/v1/votes/{vote.id}/close-early", headers=api_token(world.delegates[0]))
    assert forbidden.status_code == 403
    for i in (1, 2):
        service.cast_ballot(vote, actor=world.delegates[i], coop=world.coops[i], choice="yes")
    db.session.commit()
    closed = client.post(f"/api/v1/votes/{vote.id}/close-early", headers=headers)
    assert closed.status_code == 200 and closed.get_json()["is_closed"]
    assert closed.get_json()["outcome"] == "passed"
    again = client.post(f"/api/v1/votes/{vote.id}/close-early", headers=headers)
    assert again.status_code == 409 and len(_events("vote.closed_early")) == 1


def test_remind_through_the_api_once_in_twelve_hours(client, world, outbox):
    vote = open_vote(world)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    forbidden = client.post(f"/api/v1/votes/{vote.id}/remind", headers=api_token(world.delegates[1]))
    assert forbidden.status_code == 403 and not _mails(outbox, "Subject: Reminder:")
    headers = api_token(world.steward)
    response = client.post(f"/api/v1/votes/{vote.id}/remind", headers=headers)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert [c["slug"] for c in data["reminded"]] == ["hudson-tech", "rio-software"]
    assert data["next_at"] > data["reminded_at"]
    assert len(_mails(outbox, "Subject: Reminder:")) == 2
    again = client.post(f"/api/v1/votes/{vote.id}/remind", headers=headers)
    assert again.status_code == 409 and "the next can go from" in again.get_json()["message"]
    assert len(_mails(outbox, "Subject: Reminder:")) == 2 and len(_events("vote.reminded")) == 1


def test_the_outcome_through_the_api_after_the_close(client, world):
    vote = open_vote(world, lasts=timedelta(hours=1))
    headers = api_token(world.steward)
    early = client.put(f"/api/v1/votes/{vote.id}/outcome", json={"statement": "Early"}, headers=headers)
    assert early.status_code == 409 and not _events("vote.outcome_written")
    _close(vote, world, [("yes", None)])
    response = client.put(
        f"/api/v1/votes/{vote.id}/outcome", json={"statement": "Thames Code hosts it."}, headers=headers
    )
    assert response.status_code == 200 and response.get_json()["outcome_statement"] == "Thames Code hosts it."
    forbidden = client.put(
        f"/api/v1/votes/{vote.id}/outcome", json={"statement": "Mine"}, headers=api_token(world.delegates[0])
    )
    assert forbidden.status_code == 403
    db.session.expire_all()
    assert vote.outcome_statement == "Thames Code hosts it." and len(_events("vote.outcome_written")) == 1


def test_still_to_vote_names_the_first_coops_and_counts_the_rest(client, world, monkeypatch):
    """An electorate can be a thousand co-ops: the steward reads the first names and how many more."""
    monkeypatch.setattr(steward, "STILL_TO_VOTE_SHOWN", 1)
    vote = open_vote(world)
    sign_in(client, world.steward)
    page = _text(_page(client.get(f"/votes/{vote.id}")))
    assert "0 of 3 co-ops have cast; still to vote: Hudson Tech and 2 more." in page
    assert "Remind the 3 co-ops that have not voted" in page
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    service.cast_ballot(vote, actor=world.delegates[1], coop=world.coops[1], choice="yes")
    db.session.commit()
    page = _text(_page(client.get(f"/votes/{vote.id}")))
    assert "2 of 3 co-ops have cast; still to vote: Río Software." in page and "more." not in page
    assert "Remind the 1 co-op that has not voted" in page


def test_the_reasons_on_the_result_are_paged(client, world, monkeypatch):
    from voting import results

    monkeypatch.setattr(results, "REASONS_PER_PAGE", 2)
    vote = open_vote(world, method=Method.CONSENT, lasts=timedelta(hours=1))
    _close(vote, world, [("agree", "Good for us"), ("disagree", "Too costly"), ("agree", "Fine by us")])
    sign_in(client, world.members[2])
    first = _section(_page(client.get(f"/votes/{vote.id}/result")), "reasons-h")
    second = _section(_page(client.get(f"/votes/{vote.id}/result?reasons=2")), "reasons-h")
    assert "Hudson Tech (disagree): Too costly" in first and "Río Software (agree): Fine by us" in first
    assert "Thames Code (agree): Good for us" in second and "Too costly" not in second
    assert "Page 1 of 2" in first and "Next reasons" in first and "Previous reasons" in second


def test_a_stewards_home_lists_the_votes_they_run_soonest_first_counted_in_one_query(
    client, world, monkeypatch
):
    import sqlalchemy as sa

    from voting.models import Vote

    def statements(url: str) -> int:
        seen = []
        db.session.expire_all()  # the request reads what it shows afresh
        sa.event.listen(db.engine, "before_cursor_execute", counted := lambda *args: seen.append(args[2]))
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counted)
        return len(seen)

    sign_in(client, world.steward)
    first = open_vote(world, lasts=timedelta(days=3))
    service.cast_ballot(first, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    one = statements("/")
    for days in (1, 2):
        open_vote(world, lasts=timedelta(days=days))
    three = statements("/")
    assert one == three  # the turnout of each is counted in the same query as the list, not two a vote

    monkeypatch.setattr(steward, "VOTES_RUN_SHOWN", 2)
    page = client.get("/").get_data(as_text=True).split('id="votes-run"')[1].split("</section>")[0]
    closing = [v.id for v in db.session.scalars(db.select(Vote).order_by(Vote.closes_at))]
    assert page.count("<tr>") == 3 and f"/votes/{closing[0]}" in page and f"/votes/{closing[1]}" in page
    assert f"/votes/{first.id}" not in page  # the latest to close is left for the proposals list
    assert "The 2 of 3 that close soonest." in page and "/proposals?state=voting" in page
    monkeypatch.undo()
    shown = client.get("/").get_data(as_text=True).split('id="votes-run"')[1].split("</section>")[0]
    assert "1 of 3 co-ops" in shown and "close soonest" not in shown


def test_the_results_two_pagers_each_keep_the_others_page(client, world, monkeypatch):
    import html
    import re

    from voting import results

    monkeypatch.setattr(results, "REASONS_PER_PAGE", 2)
    monkeypatch.setattr(results, "ELECTORATE_PER_PAGE", 2)
    vote = open_vote(world, method=Method.CONSENT, lasts=timedelta(hours=1))
    _close(vote, world, [("agree", "Good for us"), ("disagree", "Too costly"), ("agree", "Fine by us")])
    sign_in(client, world.members[2])
    page = client.get(f"/votes/{vote.id}/result?electors=2&reasons=2").get_data(as_text=True)
    links = {text: html.unescape(href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)}
    # Turning one list's page leaves the other on the page the reader had reached.
    assert links["Previous co-ops"] == f"/votes/{vote.id}/result?reasons=2#electorate-h"
    assert links["Previous reasons"] == f"/votes/{vote.id}/result?electors=2#reasons-h"
    first = client.get(f"/votes/{vote.id}/result?reasons=2").get_data(as_text=True)
    assert f"/votes/{vote.id}/result?electors=2&amp;reasons=2#electorate-h" in first
