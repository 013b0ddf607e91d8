"""The vote pages: opening in the steward's zone, casting and its receipt, proxies, receipts, the result."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from governance.extensions import db
from governance.types import utcnow
from proposals import service as proposal_service
from proposals.lifecycle import Transition
from tests.factories import sign_in
from tests.proposals.factories import proposal
from tests.voting.factories import open_vote
from voting import service
from voting.counting import Method


def open_form(**overrides):
    form = {
        "method": "yes_no",
        "options": "",
        "seats": "1",
        "opens_at": "",
        "closes_at": "2030-06-01T09:00",
        "quorum_percent": "",
        "quorum_by": "count",
        "threshold": "majority",
        "base": "cast",
        "secrecy": "open",
        "results_shown": "after_close",
        "tie_kind": "earlier_rounds_then_random",
        "casting_order": "",
        "yes_no_tie": "",
        "yes_no_casting": "",
        "score_max": "5",
        "weighting": "equal",
    }
    return {**form, **overrides}


def test_the_proposal_page_links_the_open_vote_step_to_the_form(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert f'href="/votes/open/{made.id}"' in page


def test_a_steward_opens_a_vote_with_times_in_their_zone(client, world):
    world.steward.time_zone = "America/New_York"
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    response = client.post(f"/votes/open/{made.id}", data=open_form(threshold="two_thirds"))
    assert response.status_code == 302, response.get_data(as_text=True)
    vote = made.vote
    assert vote.closes_at == datetime(2030, 6, 1, 13, 0, tzinfo=UTC) and vote.time_zone == "America/New_York"
    page = client.get(response.location).get_data(as_text=True)
    assert "1 Jun 2030, 09:00 EDT (America/New_York)" in page and "hours left)" in page
    proposal_page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "Go to the vote" in proposal_page and "0 of 3 co-ops have voted" in proposal_page


def test_each_person_sees_the_close_in_their_own_zone(client, world):
    vote = open_vote(world, now=datetime(2030, 5, 1, 12, tzinfo=UTC), lasts=timedelta(days=31))
    del vote
    sign_in(client, world.members[2])  # Buenos Aires
    page = client.get("/votes/" + str(db.session.scalar(db.select(service.Vote.id)))).get_data(as_text=True)
    assert "1 Jun 2030, 09:00 -03 (America/Argentina/Buenos_Aires)" in page


def test_a_failed_opening_keeps_what_was_typed_and_says_why(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    response = client.post(
        f"/votes/open/{made.id}",
        data=open_form(method="irv", options="Thames Code\nHudson Tech", opens_at="2030-06-02T09:00"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The vote must close after it opens." in page and "Thames Code\nHudson Tech</textarea>" in page
    assert made.state.value == "discussion" and made.vote is None


def test_a_time_the_clocks_skip_is_refused(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)  # Europe/London: 01:30 on 29 March 2030 does not exist
    response = client.post(f"/votes/open/{made.id}", data=open_form(closes_at="2030-03-31T01:30"))
    assert response.status_code == 422 and "does not exist in Europe/London" in response.get_data(
        as_text=True
    )


def test_a_delegate_casts_and_is_shown_the_ballot_who_cast_it_and_the_receipt(client, world):
    vote = open_vote(world, method=Method.IRV, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "Your co-op has not voted yet." in page
    response = client.post(
        f"/votes/{vote.id}/ballots",
        data={"coop": world.coops[0].id, "rank": ["hudson-tech", "thames-code", ""]},
    )
    assert response.status_code == 302
    ballot = vote.current_ballot(world.coops[0])
    page = client.get(response.location).get_data(as_text=True)
    assert ballot.receipt in page and "1. Hudson Tech &gt; 2. Thames Code" in page
    assert f"cast by {world.delegates[0].name}" in page and "on revision 1" in page


def test_a_member_sees_whether_their_coop_has_voted_but_cannot_cast(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.members[0])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "Thames Code: your co-op has not voted yet" in page and 'id="cast"' not in page
    response = client.post(f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "choice": "yes"})
    assert response.status_code == 403 and vote.ballots == []


def test_a_refused_ballot_keeps_the_ranking_and_shows_why(client, world):
    vote = open_vote(world, method=Method.IRV, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "rank": ["hudson-tech", "hudson-tech"]}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "ranked only once; ranked more than once: Hudson Tech." in page
    assert page.count('value="hudson-tech" selected') == 2 and vote.ballots == []


def test_a_ballot_without_a_coop_is_a_400_not_a_500(client, world):
    vote = open_vote(world)
    sign_in(client, world.delegates[0])
    assert client.post(f"/votes/{vote.id}/ballots", data={"choice": "yes"}).status_code == 400
    assert client.post(f"/votes/{vote.id}/ballots", data={"coop": "x", "choice": "yes"}).status_code == 400


def test_a_delegate_names_and_revokes_a_proxy_on_the_page(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/votes/{vote.id}/proxies", data={"coop": world.coops[0].id, "proxy": world.coops[1].id}
    )
    assert response.status_code == 302
    proxy = vote.active_proxy(world.coops[0])
    client.post(f"/votes/{vote.id}/proxies/{proxy.id}/revoke")
    assert proxy.end_reason.value == "revoked"
    refused = client.post(
        f"/votes/{vote.id}/proxies", data={"coop": world.coops[0].id, "proxy": world.coops[0].id}
    )
    assert refused.status_code == 422 and "cannot be its own proxy" in refused.get_data(as_text=True)


def test_the_proxy_holder_sees_and_casts_the_ballot(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[1])
    db.session.commit()
    sign_in(client, world.delegates[1])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "you hold its proxy, through Hudson Tech" in page
    client.post(f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "choice": "no"})
    assert vote.current_ballot(world.coops[0]).proxy_coop == world.coops[1]


def closed_irv(world, **settings):
    now = utcnow()
    vote = open_vote(
        world, method=Method.IRV, now=now - timedelta(days=2), lasts=timedelta(days=1), **settings
    )
    for i, ranking in enumerate(
        [["thames-code", "hudson-tech"], ["hudson-tech"], ["rio-software", "hudson-tech"]]
    ):
        service.cast_ballot(
            vote,
            actor=world.delegates[i],
            coop=world.coops[i],
            choice=ranking,
            now=now - timedelta(days=1, hours=12),
        )
    db.session.commit()
    return vote


def test_the_result_page_explains_every_round_with_a_table_and_a_chart(client, world):
    vote = closed_irv(world)
    sign_in(client, world.members[1])
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert vote.is_closed and vote.proposal.state.value == "passed"
    assert "won by instant runoff" in page  # which one the seeded draw decides
    assert "3 co-ops were in the electorate" in page and "<strong>3</strong> took part" in page
    assert '<th scope="col">Round 2</th>' in page and '<svg role="img"' in page and "<rect" in page
    assert "tie between" in page  # three first preferences of one each: the tie rule decided the exclusion
    # No inline script (the chart is SVG, no code): the only scripts are the site's own static files.
    assert re.findall(r"<script[^>]*>", page) == [
        tag for tag in re.findall(r"<script[^>]*>", page) if re.search(r'src="/static/[\w.-]+\.js"', tag)
    ]
    assert "http" not in page.split("<main")[1].split("</main>")[0].replace("http://localhost", "")
    assert f"/votes/{vote.id}/ballots.blt" in page and f"/votes/{vote.id}/result.json" in page


def test_the_result_downloads_as_json_and_ranked_ballots_as_blt(client, world):
    vote = closed_irv(world, secrecy="secret")
    sign_in(client, world.members[0])
    data = json.loads(client.get(f"/votes/{vote.id}/result.json").get_data(as_text=True))
    assert len(data["result"]["winners"]) == 1 and all(
        "choice" not in p for p in data["participation"] if p["coop"] != world.coops[0].slug
    )
    blt = client.get(f"/votes/{vote.id}/ballots.blt")
    assert blt.headers["Content-Disposition"].endswith('ballots.blt"')
    text = blt.get_data(as_text=True)
    assert (
        text.startswith("3 1\n")
        and '"Host the shared service"' in text
        and "Thames Code Delegate" not in text
    )


def test_a_decision_vote_has_no_blt(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(days=2), lasts=timedelta(days=1))
    sign_in(client, world.members[0])
    assert client.get(f"/votes/{vote.id}/ballots.blt").status_code == 409


def test_the_receipts_page_publishes_and_checks(client, world):
    vote = closed_irv(world)
    receipt = vote.current_ballot(world.coops[0]).receipt
    sign_in(client, world.delegates[0])
    page = client.get(f"/votes/{vote.id}/receipts?receipt={receipt}").get_data(as_text=True)
    assert "Counted as cast" in page and page.count(receipt) >= 2 and "3 ballots were counted" in page
    bad = client.get(f"/votes/{vote.id}/receipts?receipt=nope")
    assert bad.status_code == 422 and 'value="nope"' in bad.get_data(as_text=True)


def test_results_hidden_until_the_close_say_when_they_show(client, world):
    vote = open_vote(world)
    sign_in(client, world.members[0])
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert "The result is shown after the close" in page


def test_the_home_page_asks_a_delegate_to_cast(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    page = client.get("/").get_data(as_text=True)
    assert "Cast Thames Code&#39;s ballot" in page and f"/votes/{vote.id}" in page


def test_a_proxy_holder_does_not_see_the_coops_own_secret_ballot(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1), secrecy="secret")
    first = service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="no")
    own = service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="abstain")
    service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[1])
    db.session.commit()
    sign_in(client, world.delegates[1])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "you hold its proxy, through Hudson Tech" in page and "Thames Code voted at" in page
    assert own.receipt not in page and first.receipt not in page
    assert "<strong>abstain</strong>" not in page and "earlier ballot" not in page
    client.post("/sign-out")
    sign_in(client, world.delegates[0])
    assert own.receipt in client.get(f"/votes/{vote.id}").get_data(as_text=True)


def test_a_proxy_holder_sees_the_ballot_it_cast(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1), secrecy="secret")
    service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[1])
    held = service.cast_ballot(vote, actor=world.delegates[1], coop=world.coops[0], choice="no")
    db.session.commit()
    sign_in(client, world.delegates[1])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert held.receipt in page and "Current ballot: <strong>no</strong>" in page


def past_and_future_votes(world):
    now = utcnow()
    closed = open_vote(world, now=now - timedelta(days=2), lasts=timedelta(days=1))
    not_yet = open_vote(world, now=now + timedelta(days=1))
    withdrawn = open_vote(world, now=now - timedelta(hours=1))
    proposal_service.apply_transition(withdrawn.proposal, Transition.WITHDRAW, actor=world.steward)
    db.session.commit()
    return {
        "closed": (closed, "nothing more can be cast"),
        "not_yet": (not_yet, "The vote opens at"),
        "withdrawn": (withdrawn, "takes no more ballots"),
    }


@pytest.mark.parametrize("state", ["closed", "not_yet", "withdrawn"])
def test_a_refused_ballot_or_proxy_says_why_on_the_page(client, world, state):
    vote, reason = past_and_future_votes(world)[state]
    sign_in(client, world.delegates[0])
    cast = client.post(f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "choice": "yes"})
    assert cast.status_code == 409
    assert re.search(r'role="alert"><p>[^<]*' + reason, cast.get_data(as_text=True))
    proxy = client.post(
        f"/votes/{vote.id}/proxies", data={"coop": world.coops[0].id, "proxy": world.coops[1].id}
    )
    assert proxy.status_code == 409
    assert re.search(r'role="alert"><p>[^<]*' + reason, proxy.get_data(as_text=True))
    assert vote.ballots == [] and vote.proxies == []


def test_a_member_refused_a_ballot_is_told_why(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.members[0])
    response = client.post(f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "choice": "yes"})
    assert response.status_code == 403
    assert re.search(r'role="alert"><p>Only a delegate of Thames Code', response.get_data(as_text=True))


def test_a_chained_proxy_is_refused_on_the_page_with_the_reason(client, world):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[1])
    db.session.commit()
    sign_in(client, world.delegates[1])
    response = client.post(
        f"/votes/{vote.id}/proxies", data={"coop": world.coops[1].id, "proxy": world.coops[2].id}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "holds Thames Code&#39;s proxy in this vote" in page
    assert "Naming a proxy after casting lets the proxy replace your ballot" in page


@pytest.mark.parametrize("raw", ["²", "9" * 30, "9" * 5000, "٣"])
def test_a_coop_or_proxy_that_is_not_a_plain_number_is_a_400_not_a_500(client, world, raw):
    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    assert client.post(f"/votes/{vote.id}/ballots", data={"coop": raw, "choice": "yes"}).status_code == 400
    proxy = client.post(f"/votes/{vote.id}/proxies", data={"coop": world.coops[0].id, "proxy": raw})
    assert proxy.status_code == 400 and vote.ballots == [] and vote.proxies == []


@pytest.mark.parametrize("raw", ["²", "9" * 30, "9" * 5000, "-1"])
def test_a_score_that_is_not_a_plain_number_is_refused_with_the_reason(client, world, raw):
    vote = open_vote(world, method=Method.SCORE, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "score-thames-code": raw}
    )
    assert response.status_code == 422 and vote.ballots == []
    assert "Give Thames Code a whole-number score from 0 to 5." in response.get_data(as_text=True)


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "9" * 10])
def test_a_weight_that_is_not_a_plain_number_is_refused_and_the_form_kept(client, world, raw):
    made = proposal(world, discuss=True)
    sign_in(client, world.admin)
    from governance import service as governance_service
    from governance.models import NetworkRoleKind

    governance_service.grant_network_role(
        actor=world.admin, network=world.network, person=world.admin, role=NetworkRoleKind.STEWARD
    )
    db.session.commit()
    response = client.post(
        f"/votes/open/{made.id}",
        data=open_form(weighting="set_by_admin", options="", **{f"weight-{world.coops[0].slug}": raw}),
    )
    assert response.status_code == 422 and made.vote is None
    assert "Give Thames Code a whole-number weight from 1 to 1,000,000." in response.get_data(as_text=True)


@pytest.mark.parametrize("closes_at", ["9999-12-31T23:00", "2040-01-01T00:00"])
def test_a_close_beyond_ten_years_in_the_stewards_zone_is_refused(client, world, closes_at):
    world.steward.time_zone = "America/New_York"
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    response = client.post(f"/votes/open/{made.id}", data=open_form(closes_at=closes_at))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and made.vote is None
    assert "ten years" in page and f'value="{closes_at}"' in page


def test_the_open_vote_form_refuses_a_secret_vote_with_live_results_and_keeps_the_input(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    response = client.post(
        f"/votes/open/{made.id}", data=open_form(secrecy="secret", results_shown="live", options="")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and made.vote is None
    assert "would tell how each co-op voted" in page and 'selected value="secret"' in page


def test_a_receipt_check_on_the_page_names_the_coop_only_to_its_people(client, world):
    vote = closed_irv(world, secrecy="secret")
    receipt = vote.current_ballot(world.coops[0]).receipt
    sign_in(client, world.members[1])
    page = client.get(f"/votes/{vote.id}/receipts?receipt={receipt}").get_data(as_text=True)
    assert "Counted as cast" in page and "Thames Code" not in page and "1. Thames Code" not in page
    client.post("/sign-out")
    sign_in(client, world.members[0])
    page = client.get(f"/votes/{vote.id}/receipts?receipt={receipt}").get_data(as_text=True)
    assert "Thames Code&#39;s ballot" in page and "1. Thames Code &gt; 2. Hudson Tech" in page


def test_the_open_vote_form_says_what_a_secret_vote_requires_before_submitting(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    page = client.get(f"/votes/open/{made.id}?method=yes_no").get_data(as_text=True)
    assert "A secret vote shows its results only after the close and counts every co-op equally" in page


def test_the_electorate_table_is_paged_by_name_and_the_turnout_counts_every_coop(client, world, monkeypatch):
    """A vote's electorate can be a thousand co-ops: the table shows a page of them, the turnout all."""
    from voting import results

    monkeypatch.setattr(results, "ELECTORATE_PER_PAGE", 2)
    vote = open_vote(world)
    service.cast_ballot(vote, actor=world.delegates[2], coop=world.coops[2], choice="yes")
    db.session.commit()
    sign_in(client, world.delegates[0])
    first = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    second = client.get(f"/votes/{vote.id}?electors=2").get_data(as_text=True)
    names = sorted((c.name for c in world.coops), key=str.casefold)
    rows = lambda page: re.findall(r'<tr><td data-label="Co-op">([^<]+)</td>', page)  # noqa: E731
    assert rows(first) == names[:2] and rows(second) == names[2:]
    for page in (first, second):
        assert "1 of 3 co-ops have voted." in page
    assert "Page 1 of 2" in first and f'href="/votes/{vote.id}?electors=2#electorate-h"' in first
    assert "Page 2 of 2" in second and f'href="/votes/{vote.id}#electorate-h"' in second


def test_a_coops_replaced_ballots_show_the_latest_and_count_them_all(client, world, monkeypatch):
    from voting import views

    monkeypatch.setattr(views, "BALLOT_HISTORY_SHOWN", 2)
    vote = open_vote(world)
    for choice in ("yes", "no", "abstain", "yes"):  # three replaced, one current
        service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice=choice)
    db.session.commit()
    sign_in(client, world.delegates[0])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "3 earlier ballots (replaced, kept as history)" in page
    assert "The latest 2 are shown; each one's receipt can still be checked." in page
    history = page[page.index("earlier ballots") : page.index("</details>")]
    assert history.count("<li>") == 2 and "<li>abstain" in history and "<li>no" in history  # newest first
    other = client.application.test_client()
    sign_in(other, world.delegates[1])  # another co-op's delegate sees none of it
    assert "earlier ballot" not in other.get(f"/votes/{vote.id}").get_data(as_text=True)


def test_in_a_large_electorate_a_delegate_finds_the_proxy_by_name(client, world, monkeypatch):
    """Past PROXY_CHOICES_SHOWN co-ops a select of them all is replaced by a search of their names."""
    from voting import results

    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    sign_in(client, world.delegates[0])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert 'id="proxy-proxy-' in page and 'name="find"' not in page  # two candidates: a select
    monkeypatch.setattr(results, "PROXY_CHOICES_SHOWN", 1)
    coop = world.coops[0].id
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert 'name="find"' in page and 'id="proxy-proxy-' not in page
    assert "2 co-ops of the electorate could hold this proxy." in page
    found = client.get(f"/votes/{vote.id}?proxy_for={coop}&find=HUDSON").get_data(as_text=True)
    select = re.search(r'<select id="proxy-proxy-\d+" name="proxy">(.*?)</select>', found).group(1)
    options = re.findall(r'<option value="(\d+)" >([^<]+)</option>', select)
    assert options == [(str(world.coops[1].id), "Hudson Tech")] and 'value="HUDSON"' in found
    several = client.get(f"/votes/{vote.id}?proxy_for={coop}&find=o").get_data(as_text=True)
    assert "More co-ops match: the first 1 are listed" in several  # Hudson Tech and Río Software
    none = client.get(f"/votes/{vote.id}?proxy_for={coop}&find=%25").get_data(as_text=True)
    assert "has “%” in its name" in none and 'id="proxy-proxy-' not in none  # % is a letter, not a wildcard
    itself = client.get(f"/votes/{vote.id}?proxy_for={coop}&find=thames").get_data(as_text=True)
    assert "has “thames” in its name" in itself  # a co-op is not offered as its own proxy
    named = client.post(f"/votes/{vote.id}/proxies", data={"coop": coop, "proxy": world.coops[1].id})
    assert named.status_code == 302 and vote.active_proxy(world.coops[0]).proxy_coop == world.coops[1]
