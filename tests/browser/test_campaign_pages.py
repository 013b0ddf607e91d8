"""The demo's pledge campaign as a delegate uses it, in headless Chromium: a refused pledge keeps what was
typed; Mill Digital's pledge brings the two waiting conditional pledges in, and every target is met."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_delegate_pledges_and_the_waiting_pledges_come_in(page):
    sign_in(page, "delegate@mill-digital.example")
    page.get_by_role("link", name="Pledges", exact=True).click()
    page.get_by_role("link", name=re.compile("Take over the shared hosted service")).click()
    expect(page.get_by_text("Nothing binds until every target is met by the deadline")).to_be_visible()
    expect(page.get_by_text("Lakeshore Tech Co-op is in once 5 co-ops are in (3 are now).")).to_be_visible()
    expect(page.get_by_text("Still missing: £300.00 more a month")).to_be_visible()

    form = page.locator("#pledge-form")
    form.get_by_label("Currency", exact=True).select_option("GBP")
    form.get_by_label("Money a month", exact=True).fill("three hundred")
    form.get_by_label("Hours a month", exact=True).fill("15")
    form.get_by_role("button", name="Pledge").click()
    expect(page.locator("#money-error")).to_contain_text("is not an amount of money")
    expect(page.locator("#pledge-form").get_by_label("Hours a month", exact=True)).to_have_value("15")

    page.locator("#pledge-form").get_by_label("Money a month", exact=True).fill("300.00")
    page.locator("#pledge-form").get_by_role("button", name="Pledge").click()
    expect(page.get_by_text("Every target is met by the pledges that stand")).to_be_visible()
    expect(page.get_by_role("heading", name="Who is in (6 co-ops)")).to_be_visible()
    expect(page.locator("progress").first).to_have_attribute("value", "100000")
