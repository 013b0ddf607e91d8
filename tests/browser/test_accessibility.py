"""Every main page, as the people who use it, passes axe-core (no serious or critical violation), fits a
375 px phone without scrolling sideways, and holds at 1440 px (issue 15, item 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def paths(live_app) -> dict[str, str]:
    """A page of each kind in the demo world."""
    from governance.agreements.models import Agreement
    from governance.meetings.models import Meeting
    from proposals.models import Proposal
    from proposals.pledging.models import Campaign
    from voting.models import Vote

    with live_app.app_context():
        first = lambda model: db.session.scalar(select(model.id).order_by(model.id).limit(1))  # noqa: E731
        closed_vote = db.session.scalar(select(Vote.id).where(Vote.closed_at.is_not(None)).limit(1))
        found = {
            "home": "/",
            "networks": "/networks",
            "network": "/networks/cotech",
            "coop": "/coops/mill-digital",
            "proposals": "/proposals",
            "proposal": f"/proposals/{first(Proposal)}",
            "vote": f"/votes/{first(Vote)}",
            "result": f"/votes/{closed_vote}/result",
            "campaigns": "/campaigns/",
            "campaign": f"/campaigns/{first(Campaign)}",
            "agreement": f"/agreements/{first(Agreement)}",
            "meetings": "/meetings/",
            "meeting": f"/meetings/{first(Meeting)}",
            "notifications": "/notifications/",
            "settings": "/settings",
        }
        db.session.remove()
    return found


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture(scope="module")
def delegate_context(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "delegate@thames-code-co-op.example")
    yield context
    context.close()


KINDS = [
    "home", "networks", "network", "coop", "proposals", "proposal", "vote", "result", "campaigns", "campaign",
    "agreement", "meetings", "meeting", "notifications", "settings",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_delegates_pages_pass_axe_and_fit_a_phone_and_a_wide_screen(delegate_context, paths, kind):
    page = delegate_context.new_page()
    page.set_viewport_size(PHONE)
    response = page.goto(paths[kind])
    assert response.status == 200, f"{paths[kind]}: {response.status}"
    assert_accessible(page, kind)
    assert _overflow(page) <= 0, f"{kind} scrolls sideways at 375 px"
    page.set_viewport_size(WIDE)
    assert _overflow(page) <= 0, f"{kind} scrolls sideways at 1440 px"
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert 600 <= width <= 1440, f"{kind}: the content is {width} px wide at 1440"
    page.close()


@pytest.mark.parametrize("path", ["/sign-in", "/verify", "/reset-password"])
def test_the_pages_of_strangers_pass_axe(page, path):
    page.goto(path)
    assert_accessible(page, path)


@pytest.mark.parametrize("path", ["/audit", "/admin/outbox", "/networks/cotech", "/coops/parana-sistemas"])
def test_the_admins_pages_pass_axe(page, path):
    sign_in(page, "admin@roundtable.example")
    page.goto(path)
    assert_accessible(page, path)


def test_the_check_finds_what_it_should(browser):
    """axe-core is really running: a button with no name and an image with no text are caught."""
    from tests.browser.axe import violations

    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><button></button><img src="x.png"></main></html>')
    assert {v["id"] for v in violations(page)} >= {"button-name", "image-alt"}
    context.close()
