"""Proposals as a steward and a delegate use them, in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled, sign_in

pytestmark = pytest.mark.browser


def test_steward_drafts_a_proposal_that_keeps_its_input_when_refused(page):
    sign_in(page, "steward@roundtable.example")
    page.goto("/proposals/new")
    page.get_by_label("Title").fill("   ")
    page.get_by_label("Kind").select_option("learning")
    page.get_by_role("group", name="Addressed to the co-ops of").get_by_label("CoTech", exact=True).check()
    page.get_by_label("Body (Markdown)").fill("Let us *learn* together.<script>alert(1)</script>")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".field-error, .flash.error").first).to_be_visible()
    expect(page.get_by_label("Body (Markdown)")).to_have_value(re.compile(r"learn\* together"))
    settled(page)  # the focus has moved to what was refused: typing now goes where it is meant to

    page.get_by_label("Title").fill("A learning strand on running tech co-ops")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="A learning strand on running tech co-ops")).to_be_visible()
    body = page.locator("section[aria-labelledby=body-h]")
    expect(body.locator("em")).to_have_text("learn")
    expect(body.locator("script")).to_have_count(0)


def test_steward_opens_discussion_and_a_delegate_says_their_coop_is_in(page, browser, live_server):
    sign_in(page, "steward@roundtable.example")
    page.goto("/proposals/new")
    page.get_by_label("Title").fill("Shared on-call rota across time zones")
    page.get_by_label("Kind").select_option("policy")
    page.get_by_role("group", name="Addressed to the co-ops of").get_by_label("Patio", exact=True).check()
    page.get_by_label("Summary").fill("Cover each other's evenings.")
    page.get_by_label("Body (Markdown)").fill("One rota, four time zones.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Open for discussion").click()
    expect(page.locator(".badge", has_text="discussion").first).to_be_visible()
    proposal_url = page.url

    delegate = browser.new_context(base_url=live_server).new_page()
    sign_in(delegate, "delegate@cooperativa-rio-software.example")
    delegate.goto(proposal_url)
    section = delegate.locator("section[aria-labelledby=who-is-in]")
    section.get_by_label("Co-op", exact=True).select_option(label="Cooperativa Río Software")
    section.get_by_label("Is your co-op in?").select_option("interested")
    section.get_by_label("Note (optional)").fill("We can carry the Buenos Aires hours.")
    section.get_by_role("button", name="Save").click()
    row = delegate.get_by_role("row").filter(has_text="Cooperativa Río Software")
    expect(row).to_contain_text("interested")
    expect(row).to_contain_text("Buenos Aires hours")
    expect(delegate.locator("section[aria-labelledby=who-is-in] tfoot")).to_contain_text("In: 1")
    delegate.context.close()


def test_member_of_a_coop_not_addressed_gets_not_found(page):
    sign_in(page, "member@parana-sistemas.example")  # FACTTIC only; the demo proposal is not addressed to it
    page.goto("/proposals")
    expect(page.get_by_role("heading", name="Proposals", exact=True)).to_be_visible()
    expect(page.get_by_text("Take over the shared hosted service")).to_have_count(0)
