"""The voting loop as delegates and stewards live it (issue 11): each test drives the pages as that person."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest

from governance.errors import VoteClosed
from governance.extensions import db
from governance.types import utcnow
from proposals import service as proposal_service
from proposals.models import Stance
from tests.factories import sign_in
from tests.proposals.factories import proposal
from tests.voting.factories import open_vote
from voting import service
from voting.counting import Method


def _page(response):
    """The page as a tree (lxml comes with pikepdf): find parts by id and read their text."""
    return lxml.html.fromstring(response.get_data(as_text=True))


def _by_id(page, element_id: str):
    return page.get_element_by_id(element_id)


def _section(page, heading_id: str):
    return _by_id(page, heading_id).getparent()


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _selected(select) -> str:
    chosen = select.xpath(".//option[@selected]")
    return chosen[0].get("value") if chosen else ""


def test_live_tallies_show_the_counts_before_the_quorum_is_reached(client, world):
    vote = open_vote(world, method=Method.CONSENT, results_shown="live", quorum_percent=100)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="agree")
    db.session.commit()
    sign_in(client, world.members[1])
    live = _section(_page(client.get(f"/votes/{vote.id}")), "live-h")
    rows = {_text(tr[0]): _text(tr[1]) for tr in live.xpath(".//tbody/tr")}
    assert rows["Agree"] == "1"
    assert (
        "Quorum not reached: 1 of 3 (co-ops) have taken part; 3 (100% of the electorate) are needed, 2 more."
        in _text(live)
    )


def test_a_live_result_page_gives_no_verdict_before_the_close(client, world):
    vote = open_vote(world, method=Method.CONSENT, results_shown="live")
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="agree")
    db.session.commit()
    sign_in(client, world.members[0])
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert "nothing is decided until the close" in page and "Tallies so far" in page
    assert 'id="why-h"' not in page and "Consented" not in page


def test_the_receipt_check_of_a_current_ballot_says_it_will_be_counted(client, world):
    vote = open_vote(world)
    ballot = service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    sign_in(client, world.delegates[0])
    check = _by_id(_page(client.get(f"/votes/{vote.id}/receipts?receipt={ballot.receipt}")), "check-h")
    assert _text(check) == "Current: it will be counted at the close"


def test_the_open_vote_form_is_not_offered_for_a_draft(client, world):
    draft = proposal(world)
    sign_in(client, world.steward)
    response = client.get(f"/votes/open/{draft.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "still a draft. Open it for discussion first" in page and "How co-ops answer" not in page
    refused = client.post(f"/proposals/{draft.id}/steps", data={"transition": "open_vote"})
    assert "open_vote" not in refused.get_data(as_text=True)


def test_a_repeated_rank_names_the_option_not_its_key(client, world):
    vote = open_vote(world, method=Method.IRV)
    sign_in(client, world.delegates[0])
    keys = [o["key"] for o in vote.options]
    refused = client.post(
        f"/votes/{vote.id}/ballots", data={"coop": world.coops[0].id, "rank": [keys[2], keys[2]]}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "ranked more than once: Río Software." in page


def test_the_proxy_form_offers_only_coops_that_would_be_accepted(client, world):
    vote = open_vote(world)
    service.name_proxy(vote, actor=world.delegates[2], coop=world.coops[2], proxy=world.coops[1])
    db.session.commit()
    sign_in(client, world.delegates[0])
    card = _by_id(_page(client.get(f"/votes/{vote.id}")), f"proxy-{world.coops[0].id}")
    offered = [_text(o) for o in card.xpath(".//option")]
    # not itself, not Río Software (it named its own proxy); Hudson Tech (holding Río's) may hold ours too
    assert offered == ["Hudson Tech"]
    client.post(f"/votes/{vote.id}/proxies", data={"coop": world.coops[0].id, "proxy": world.coops[1].id})
    card = _by_id(_page(client.get(f"/votes/{vote.id}")), f"proxy-{world.coops[0].id}")
    assert "Hudson Tech holds Thames Code's proxy now." in _text(card)
    assert not card.xpath(".//option") and "No other co-op" in _text(card)


def test_a_coop_holding_a_proxy_is_told_why_it_cannot_name_its_own(client, world):
    vote = open_vote(world)
    service.name_proxy(vote, actor=world.delegates[2], coop=world.coops[2], proxy=world.coops[1])
    db.session.commit()
    sign_in(client, world.delegates[1])
    card = _by_id(_page(client.get(f"/votes/{vote.id}")), f"proxy-{world.coops[1].id}")
    assert not card.xpath(".//select") and "holds the proxy of Río Software" in _text(card)


def test_the_replace_ballot_form_starts_from_the_current_ballot(client, world):
    vote = open_vote(world, method=Method.IRV)
    keys = [o["key"] for o in vote.options]
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice=[keys[1], keys[0]])
    db.session.commit()
    sign_in(client, world.delegates[0])
    form = _by_id(_page(client.get(f"/votes/{vote.id}")), "cast")
    assert [_selected(s) for s in form.xpath(".//select[@name='rank']")] == [keys[1], keys[0], ""]


def test_the_yes_no_form_starts_from_the_current_answer(client, world):
    vote = open_vote(world)
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="no")
    db.session.commit()
    sign_in(client, world.delegates[0])
    form = _by_id(_page(client.get(f"/votes/{vote.id}")), "cast")
    assert [i.get("value") for i in form.xpath(".//input[@name='choice'][@checked]")] == ["no"]


def test_the_interest_form_starts_from_the_coops_answer_and_note(client, world):
    made = proposal(world, discuss=True)
    proposal_service.signal_interest(
        made, actor=world.delegates[0], coop=world.coops[0], stance=Stance.UNDECIDED, note="Asking our AGM"
    )
    db.session.commit()
    sign_in(client, world.delegates[0])
    form = _by_id(_page(client.get(f"/proposals/{made.id}")), "interest-form")
    assert _selected(form.xpath(".//select[@name='stance']")[0]) == "undecided"
    assert form.xpath(".//input[@name='note']")[0].get("value") == "Asking our AGM"


def test_a_late_ballot_is_refused_with_the_close_in_the_delegates_zone(client, world):
    vote = open_vote(world, lasts=timedelta(hours=1))
    closes_at = vote.closes_at
    sign_in(client, world.delegates[2])  # Buenos Aires
    with pytest.raises(VoteClosed) as refused:
        service.cast_ballot(
            vote,
            actor=world.delegates[2],
            coop=world.coops[2],
            choice="yes",
            now=closes_at + timedelta(seconds=1),
        )
    assert "(America/Argentina/Buenos_Aires)" in refused.value.message and "UTC" not in refused.value.message


def test_words_not_slugs_in_the_copy(client, world):
    from governance.words import possessive
    from voting.models import Vote

    assert (
        possessive("Clyde Web Workers") == "Clyde Web Workers'"
        and possessive("Mill Digital") == "Mill Digital's"
    )
    vote = open_vote(
        world,
        method=Method.APPROVAL,
        tie_kind="casting",
        casting_order=["Hudson Tech", "Río Software", "Thames Code"],
    )
    sign_in(client, world.members[0])
    settings = _text(_page(client.get(f"/votes/{vote.id}")).xpath("//dl[contains(@class, 'facts')]")[0])
    assert "Ties: ties" not in settings and "ties: ties" not in settings.lower()
    assert (
        "casting order set when the vote opened: Hudson Tech, then Río Software, then Thames Code" in settings
    )
    assert "hudson-tech" not in settings
    assert isinstance(vote, Vote)


def _closed_approval(world):
    now = utcnow()
    vote = open_vote(world, method=Method.APPROVAL, now=now - timedelta(days=2), lasts=timedelta(days=1))
    service.cast_ballot(
        vote,
        actor=world.delegates[0],
        coop=world.coops[0],
        choice=["hudson-tech"],
        now=now - timedelta(days=1, hours=1),
    )
    db.session.commit()
    return vote


def test_a_choice_vote_is_reported_as_chosen_not_elected_or_passed(client, world):
    vote = _closed_approval(world)
    sign_in(client, world.members[0])
    vote_page = _page(client.get(f"/votes/{vote.id}"))
    assert _text(vote_page.xpath("//span[contains(@class, 'badge')]")[0]) == "closed: chosen"
    badge = _page(client.get(f"/proposals/{vote.proposal.id}")).xpath("//h1/following-sibling::p//span")[0]
    assert _text(badge) == "decided"


def test_the_blt_download_names_its_charset_once(client, world):
    from tests.voting.test_vote_views import closed_irv

    vote = closed_irv(world)
    sign_in(client, world.members[0])
    assert client.get(f"/votes/{vote.id}/ballots.blt").headers["Content-Type"] == "text/plain; charset=utf-8"


def test_withdrawing_asks_for_confirmation(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    form = _by_id(_page(client.get(f"/proposals/{made.id}")), "note-withdraw").getparent()
    assert "this cannot be undone" in _text(form) and form.xpath(".//input[@name='confirm'][@required]")
    unconfirmed = client.post(
        f"/proposals/{made.id}/steps", data={"transition": "withdraw"}, follow_redirects=True
    )
    assert "Nothing was withdrawn" in unconfirmed.get_data(as_text=True) and made.state.value == "discussion"
    done = client.post(
        f"/proposals/{made.id}/steps",
        data={"transition": "withdraw", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "The proposal is now withdrawn." in done.get_data(as_text=True) and made.state.value == "withdrawn"


def test_a_passed_proposal_offers_pledging_through_its_campaign_form(client, world):
    from tests.voting.test_vote_views import closed_irv

    vote = closed_irv(world)
    sign_in(client, world.steward)
    page = client.get(f"/proposals/{vote.proposal.id}").get_data(as_text=True)
    assert vote.proposal.state.value == "passed" and "Open a pledge campaign" in page
    assert 'value="open_pledging"' not in page  # no bare step to a state with nothing in it


def test_every_page_has_a_favicon(client, world):
    sign_in(client, world.members[0])
    page = _page(client.get("/"))
    href = page.xpath("//link[@rel='icon']")[0].get("href")
    with client.get(href) as icon:
        assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
        assert b"<svg" in icon.data


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_the_demo_banner_names_the_address_mailed_links_use(app, session):
    app.config["BASE_URL"] = "http://127.0.0.1:8123"
    try:
        output = app.test_cli_runner().invoke(args=["demo"]).output
    finally:
        app.config["BASE_URL"] = "http://localhost"
    assert "Sign in at http://127.0.0.1:8123/sign-in" in output


def test_scripts_run_sets_base_url_from_port_unless_given():
    import subprocess
    from pathlib import Path

    line = next(
        line for line in Path("scripts/run").read_text().splitlines() if line.startswith("export BASE_URL=")
    )
    run = lambda env: subprocess.run(  # noqa: E731
        ["bash", "-c", f"{line}; echo $BASE_URL"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert run({"PORT": "8123"}) == "http://127.0.0.1:8123"
    assert run({}) == "http://127.0.0.1:5000"
    assert run({"PORT": "8123", "BASE_URL": "https://vote.example"}) == "https://vote.example"


def test_opening_a_vote_starts_with_the_method(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    page = _page(client.get(f"/votes/open/{made.id}"))
    methods = [i.get("value") for i in _by_id(page, "choose-method").xpath(".//input[@name='method']")]
    assert methods == ["consent", "yes_no", "irv", "stv", "meek", "approval", "score"]
    assert not page.xpath("//input[@name='closes_at']")


def test_a_method_shows_only_its_fields_with_defaults(client, world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    made = proposal(world, discuss=True)
    world.steward.time_zone = "America/New_York"
    db.session.commit()
    sign_in(client, world.steward)
    form = _by_id(_page(client.get(f"/votes/open/{made.id}?method=yes_no")), "open-vote")
    names = {e.get("name") for e in form.xpath(".//input|.//select|.//textarea")}
    assert {"threshold", "base", "closes_at"} <= names and not names & {
        "options",
        "seats",
        "score_max",
        "tie_kind",
    }
    closes = form.xpath(".//input[@name='closes_at']")[0].get("value")
    expected = (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=7)).strftime("%Y-%m-%dT17:00")
    assert closes.startswith(expected)
    assert _selected(form.xpath(".//select[@name='threshold']")[0]) == "majority"
    assert _selected(form.xpath(".//select[@name='base']")[0]) == "cast"
    assert form.xpath(".//input[@name='quorum_percent']")[0].get("value") in (None, "")
    assert "A secret vote shows its results only after the close and counts every co-op equally" in _text(
        form
    )
    times = _text(_section(_page(client.get(f"/votes/open/{made.id}?method=yes_no")), "close-times-h"))
    assert "Río Software" in times and "Hudson Tech" in times and "17:00 E" in times  # New York's own 17:00
    ranked = _by_id(_page(client.get(f"/votes/open/{made.id}?method=score")), "open-vote")
    ranked_names = {e.get("name") for e in ranked.xpath(".//input|.//select|.//textarea")}
    assert {"options", "seats", "score_max", "tie_kind"} <= ranked_names and "threshold" not in ranked_names


def test_the_preview_shows_the_ballot_and_each_coops_close_without_opening(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)  # Europe/London
    response = client.post(
        f"/votes/open/{made.id}",
        data={
            "method": "approval",
            "options": "Thames Code\nHudson Tech",
            "seats": "1",
            "closes_at": "2030-06-01T17:00",
            "preview": "1",
        },
    )
    assert response.status_code == 200 and made.vote is None
    page = _page(response)
    preview = _section(page, "ballot-preview-h")
    boxes = preview.xpath(".//input[@type='checkbox']")
    assert [b.getparent().text_content().strip() for b in boxes] == ["Thames Code", "Hudson Tech"]
    assert all(b.get("disabled") is not None for b in boxes)
    times = _text(_section(page, "close-times-h"))
    assert "1 Jun 2030, 13:00" in times  # 17:00 in London is 13:00 in Buenos Aires
    assert "1 Jun 2030, 12:00 EDT" in times


def test_a_yes_no_vote_opens_from_its_short_form_with_the_defaults(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    form = _by_id(_page(client.get(f"/votes/open/{made.id}?method=yes_no")), "open-vote")
    data = {
        e.get("name"): (e.get("value") or "")
        for e in form.xpath(".//input")
        if e.get("name") and e.get("type") != "checkbox"
    }
    data.update({s.get("name"): _selected(s) for s in form.xpath(".//select")})
    data.pop("preview", None)
    response = client.post(f"/votes/open/{made.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    vote = made.vote
    assert vote.threshold.value == "majority" and vote.base.value == "cast" and vote.quorum_percent is None
    assert vote.closes_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).hour == 17


def test_the_result_says_its_quorum_and_threshold_as_people_read_them(client, world):
    vote = open_vote(world, quorum_percent=50, lasts=timedelta(hours=1))
    service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes")
    db.session.commit()
    service.close_vote(vote, now=vote.closes_at + timedelta(seconds=1))
    db.session.commit()
    said = (
        "Failed quorum: quorum not reached: 1 of 3 (co-ops) took part; 2 (50% of the electorate) were needed."
    )
    sign_in(client, world.members[1])
    page = _text(_page(client.get(f"/votes/{vote.id}/result")))
    assert said in page and "1/2" not in page and "0.5 of" not in page
    assert "Quorum not reached: 1 of 3 (co-ops) took part; 2 (50% of the electorate) were needed." in page
    assert "50% of the electorate by co-ops" in page  # as the vote's settings say it
    assert "more than half" in page  # the threshold, as its name says it
    assert client.get(f"/api/v1/votes/{vote.id}").get_json()["sentence"] == said
