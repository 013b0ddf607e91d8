"""The voting loop in a real browser (issue 11): the time-zone suggestion script, phone width, and a steward
opening a vote method first and extending it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
HOST_TITLE = "Which co-op should host the shared service?"


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_new_persons_zone_is_suggested_from_the_browser(page, browser, live_server, outbox):
    sign_in(page, "admin@roundtable.example")
    page.goto("/coops/parana-sistemas")
    page.get_by_label("Email", exact=True).fill("zone.guess@parana-sistemas.example")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Invitation sent to zone.guess@parana-sistemas.example")).to_be_visible()
    mail = max(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime).read_text()
    link = re.search(r"(http://127\.0\.0\.1:\d+/invitations/\S+)", mail).group(1)

    context = browser.new_context(timezone_id="America/Toronto", locale="en-CA")
    stranger = context.new_page()
    stranger.goto(link)
    expect(stranger.get_by_label("Your time zone")).to_have_value("America/Toronto")
    expect(stranger.get_by_text("Suggested from your browser: America/Toronto")).to_be_visible()
    assert stranger.locator("#zones option[value='America/Toronto']").count() == 1
    context.close()


def test_the_settings_page_offers_the_browsers_zone_when_it_differs(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="America/Toronto", locale="en-CA")
    person = context.new_page()
    sign_in(person, "member@clyde-web-workers.example")
    person.goto("/settings")
    field = person.get_by_label("Time zone")
    kept = field.input_value()
    assert kept != "America/Toronto"
    expect(person.get_by_text("Your browser's time zone is America/Toronto.")).to_be_visible()
    expect(field).to_have_value(kept)  # a zone already set is never overwritten unasked
    person.get_by_role("button", name="Use America/Toronto").click()
    expect(field).to_have_value("America/Toronto")
    person.get_by_role("button", name="Save", exact=True).click()
    expect(person.get_by_text("Your settings are saved.")).to_be_visible()
    expect(person.get_by_label("Time zone")).to_have_value("America/Toronto")
    expect(person.get_by_role("button", name="Use America/Toronto")).to_have_count(0)  # nothing left to offer
    person.get_by_label("Time zone").fill(kept)
    person.get_by_role("button", name="Save", exact=True).click()  # as it was, for the other tests
    expect(person.get_by_text("Your settings are saved.")).to_be_visible()
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/coops/mill-digital", "/proposals", "/", "/networks/cotech"],
    ids=["coop", "list", "home", "network"],
)
def test_pages_do_not_scroll_sideways_on_a_phone(browser, live_server, path):
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    sign_in(page, "admin@roundtable.example")
    page.goto(path)
    assert _overflow(page) <= 0
    context.close()


def test_the_result_and_vote_pages_fit_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    sign_in(page, "delegate@bay-commons-dev.example")
    page.goto("/proposals")
    page.get_by_role("link", name=HOST_TITLE).click()
    # Measured once the new page is there: a click returns when the navigation starts, not when it ends.
    expect(page.get_by_role("heading", name=HOST_TITLE, level=1)).to_be_visible()
    assert _overflow(page) <= 0
    in_cell = page.locator("td[data-label='In?']").first  # the "In?" answer stays in view, beside its name
    box = in_cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.get_by_role("link", name="See the vote and the result").click()
    page.wait_for_url("**/votes/*")
    assert _overflow(page) <= 0
    expect(page.get_by_text("Receipt to keep:")).to_be_visible()  # the receipt box keeps its label
    page.get_by_role("link", name="The full result, round by round").click()
    page.wait_for_url("**/result")
    assert _overflow(page) <= 0
    # a wide table scrolls inside its own box, and the box takes the keyboard's focus
    region = page.locator(".table-wrap").first
    region.focus()
    expect(region).to_be_focused()
    expect(region).to_have_attribute("tabindex", "0")
    context.close()


def test_a_steward_opens_a_consent_vote_method_first_and_extends_it(page):
    sign_in(page, "steward@roundtable.example")
    page.goto("/proposals/new")
    page.get_by_label("Title").fill("Adopt a shared holiday calendar")
    page.get_by_label("Kind").select_option("policy")
    page.get_by_role("group", name="Addressed to the co-ops of").get_by_label("CoTech", exact=True).check()
    page.get_by_label("Summary").fill("One calendar of public holidays for joint work.")
    page.get_by_label("Body (Markdown)").fill("So nobody books a client call on a bank holiday.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Open for discussion").click()
    page.get_by_role("link", name="Open the vote").click()
    expect(page.get_by_label("Closes at")).to_have_count(0)  # the method comes first
    page.get_by_label("Consent (agree, abstain, disagree or block; a block stops it)").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Threshold to pass")).to_have_count(0)  # consent has no threshold
    expect(page.get_by_label("Options, one a line (for ranked, approval and score votes)")).to_have_count(0)
    expect(page.get_by_label("Closes at")).to_have_value(re.compile(r"T17:00$"))
    preview = page.get_by_role("region", name="The ballot a delegate will see")
    expect(preview.get_by_label("Block")).to_be_disabled()
    expect(page.get_by_role("region", name="The close, on each co-op's clock").first).to_contain_text(
        "Clyde Web Workers"
    )
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_role("heading", name="Run this vote")).to_be_visible()
    page.get_by_label("New close").fill("2036-01-15T17:00")
    page.get_by_label("Why (told to every co-op)").fill("Two co-ops hold their general meetings next week")
    page.get_by_role("button", name="Extend and tell every co-op").click()
    expect(page.get_by_text("The close was extended.")).to_be_visible()
    expect(page.get_by_text("Two co-ops hold their general meetings next week")).to_be_visible()
