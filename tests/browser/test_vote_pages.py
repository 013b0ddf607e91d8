"""A vote as a steward and delegates use it, in headless Chromium."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled, sign_in

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
    expect(
        page.locator(".field-error, .flash.error").first
    ).to_be_visible()  # closes before it opens: refused
    settled(page)  # the focus has moved to what was refused: typing now goes where it is meant to

    page.get_by_label("Closes at").fill((london_now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_role("heading", name="Your co-op's ballot")).to_be_visible()
    vote_url = page.url

    delegate = browser.new_context(base_url=live_server).new_page()
    sign_in(delegate, "delegate@mill-digital.example")
    delegate.goto(vote_url)
    expect(delegate.get_by_text("Your co-op has not voted yet.")).to_be_visible()
    delegate.get_by_label("Yes").check()
    delegate.get_by_role("button", name="Cast the ballot").click()
    first = delegate.locator("code.token").first
    expect(first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    receipt = first.inner_text()
    delegate.get_by_label("No", exact=True).check()
    delegate.get_by_role("button", name="Cast the ballot").click()
    expect(delegate.get_by_text("1 earlier ballot (replaced, kept as history)")).to_be_visible()
    expect(delegate.get_by_text("Current ballot:")).to_contain_text(re.compile(r"\bno\b", re.IGNORECASE))
    expect(delegate.locator("code.token").first).not_to_have_text(receipt)

    member = browser.new_context(base_url=live_server).new_page()
    sign_in(member, "member@mill-digital.example")
    member.goto(vote_url)
    expect(member.get_by_role("heading", name="Your co-op's ballot")).to_be_visible()
    expect(member.get_by_role("button", name="Cast the ballot")).to_have_count(0)
    member.goto(proposal_url)
    expect(member.get_by_role("heading", name="Adopt a shared code of conduct")).to_be_visible()
    expect(member.get_by_role("link", name="Edit the text")).to_have_count(0)
    delegate.context.close()
    member.context.close()


def test_a_member_follows_the_demo_ranked_result_round_by_round(page):
    sign_in(page, "member@bay-commons-dev.example")
    page.goto("/proposals")
    page.get_by_role("link", name="Which co-op should host the shared service?").click()
    page.get_by_role("link", name="See the vote and the result").click()
    page.get_by_role("link", name="The full result, round by round").click()
    expect(page.locator("section").first).to_contain_text("won by instant runoff after 3 rounds")
    expect(page.get_by_role("columnheader", name="Round 3")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()  # the tallies per round, drawn inline
    expect(page.get_by_text("exclusion of Lakeshore Tech Co-op")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="The ranked ballots as a BLT file").click()
    blt = download.value.path().read_text()
    assert blt.splitlines()[0] == "4 1"
