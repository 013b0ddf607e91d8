"""Forms by keyboard alone (issue 15, item 2): every stop of the Tab key shows where the focus is, and after a
submit the focus moves to the message that says what happened."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return {tag: el.tagName.toLowerCase(), name: el.name || el.id || el.textContent.trim().slice(0, 30),
            shown: outlined || style.boxShadow !== 'none'};
}"""


def _tab_to(page, predicate, limit: int = 80) -> list[dict]:
    """Press Tab until the focused element matches; every stop on the way must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_SHOWN)
        stops.append(stop)
        assert stop["shown"], f"no visible focus on {stop}"
        if predicate(stop):
            return stops
    raise AssertionError(f"never reached; stops: {stops}")


def test_signing_in_and_saving_settings_by_keyboard_alone(page):
    page.goto("/sign-in")
    _tab_to(page, lambda s: s["name"] == "email")
    page.keyboard.type("delegate@bay-commons-dev.example")
    _tab_to(page, lambda s: s["name"] == "password")
    page.keyboard.type("roundtable-demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")

    page.goto("/settings")
    _tab_to(page, lambda s: s["name"] == "name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Bay Delegate, by keyboard")
    _tab_to(page, lambda s: s["tag"] == "button" and s["name"] == "Save")
    page.keyboard.press("Enter")
    message = page.locator(".flash.success")
    expect(message).to_be_focused()
    expect(message).to_have_text("Your settings are saved.")


def test_a_refused_form_puts_the_focus_on_its_message(page):
    page.goto("/sign-in")
    _tab_to(page, lambda s: s["name"] == "email")
    page.keyboard.type("nobody@nowhere.example")
    _tab_to(page, lambda s: s["name"] == "password")
    page.keyboard.type("wrong wrong wrong")
    page.keyboard.press("Enter")
    expect(page.locator(".field-error")).to_contain_text("do not match")
    # The focus is on the field refused, whose message is tied to it: reading the field reads why.
    expect(page.locator("#password")).to_be_focused()
    expect(page.locator("#password")).to_have_attribute("aria-describedby", "password-error")
