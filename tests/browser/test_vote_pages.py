"""A vote as a steward and delegates use it, in headless Chromium."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _draft_in_discussion(page, title: str) -> str:
    page.goto("/proposals/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option("policy")
    page.get_by_role("group", name="Addressed to the co-ops of").get_by_label("CoTech", exact=True).check()
    page.get_by_label("Summary").fill("A short question for CoTech.")
    page.get_by_label("Body (Markdown)").fill("Shall we?")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Open for discussion").click()
    return page.url


def test_steward_opens_a_vote_and_delegates_cast_and_replace_ballots(page, browser, live_server):
    sign_in(page, "steward@roundtable.example")  # Europe/London
    proposal_url = _draft_in_discussion(page, "Adopt a shared code of conduct")
    page.get_by_role("link", name="Open the vote").click()
    london_now = datetime.now(ZoneInfo("Europe/London"))
    page.get_by_label("Yes or no, against a threshold").check()  # method first
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Closes at").fill((london_now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the vote").click()
    assert page.locator(".field-error, .flash.error").first.is_visible()  # closes before it opens: refused

    page.get_by_label("Closes at").fill((london_now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the vote").click()
    assert page.get_by_role("heading", name="Your co-op's ballot").is_visible()
    vote_url = page.url

    delegate = browser.new_context(base_url=live_server).new_page()
    sign_in(delegate, "delegate@mill-digital.example")
    delegate.goto(vote_url)
    assert delegate.get_by_text("Your co-op has not voted yet.").is_visible()
    delegate.get_by_label("Yes").check()
    delegate.get_by_role("button", name="Cast the ballot").click()
    receipt = delegate.locator("code.token").first.inner_text()
    assert len(receipt) == 64
    delegate.get_by_label("No", exact=True).check()
    delegate.get_by_role("button", name="Cast the ballot").click()
    assert "no" in delegate.get_by_text("Current ballot:").inner_text().lower()
    assert delegate.get_by_text("1 earlier ballot (replaced, kept as history)").is_visible()
    assert delegate.locator("code.token").first.inner_text() != receipt

    member = browser.new_context(base_url=live_server).new_page()
    sign_in(member, "member@mill-digital.example")
    member.goto(vote_url)
    assert member.get_by_role("button", name="Cast the ballot").count() == 0
    member.goto(proposal_url)
    assert member.get_by_role("link", name="Edit the text").count() == 0
    delegate.context.close()
    member.context.close()


def test_a_member_follows_the_demo_ranked_result_round_by_round(page):
    sign_in(page, "member@bay-commons-dev.example")
    page.goto("/proposals")
    page.get_by_role("link", name="Which co-op should host the shared service?").click()
    page.get_by_role("link", name="See the vote and the result").click()
    page.get_by_role("link", name="The full result, round by round").click()
    assert "won by instant runoff after 3 rounds" in page.locator("section").first.inner_text()
    assert page.get_by_role("columnheader", name="Round 3").is_visible()
    assert page.locator("svg").count() >= 1  # the tallies per round, drawn inline
    assert page.get_by_text("exclusion of Lakeshore Tech Co-op").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="The ranked ballots as a BLT file").click()
    blt = download.value.path().read_text()
    assert blt.splitlines()[0] == "4 1"
