"""The campaign pages: opening from the proposal page in the steward's zone, pledging, refusals, the page's
progress and words, early commit, extension and the stewards' roster."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from governance.extensions import db
from governance.types import utcnow
from proposals.lifecycle import State
from proposals.pledging import service
from proposals.pledging.models import Campaign, CampaignState
from tests.factories import sign_in
from tests.proposals.factories import proposal
from tests.proposals.pledging.factories import open_campaign, passed_proposal, pledge
from tests.voting.factories import open_vote


def open_form(**overrides):
    today = utcnow().date().isoformat()
    form = {
        "base_currency": "GBP",
        "rates": f"USD 1.27 {today} Bank of England daily spot rate\nARS 1284.5 {today} Banco Nación",
        "target_money": "1000.00",
        "target_hours": "60",
        "seats": "host\non-call: 2",
        "min_coops": "2",
        "min_networks": "",
        "min_countries": "",
        "deadline_at": (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT09:00"),
        "term_months": "24",
        "notice_days": "90",
    }
    return {**form, **overrides}


def test_the_proposal_page_offers_the_campaign_form_instead_of_a_bare_step(client, world):
    made = passed_proposal(world)
    sign_in(client, world.steward)
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert f'href="/campaigns/open/{made.id}"' in page and 'value="open_pledging"' not in page
    form = client.get(f"/campaigns/open/{made.id}").get_data(as_text=True)
    assert (
        'value="GBP"' in form and 'value="60"' in form and 'value="24"' in form
    )  # from the proposal's facts


def test_a_steward_opens_a_campaign_with_the_deadline_in_their_zone(client, world):
    world.steward.time_zone = "America/New_York"
    made = passed_proposal(world)
    sign_in(client, world.steward)
    response = client.post(f"/campaigns/open/{made.id}", data=open_form(deadline_at="2027-06-01T09:00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = made.campaign
    assert campaign.deadline_at == datetime(2027, 6, 1, 13, 0, tzinfo=UTC)
    assert campaign.target_seats == {"host": 1, "on-call": 2} and made.state == State.PLEDGING
    page = client.get(response.location).get_data(as_text=True)
    assert "Nothing binds until every target is met by the deadline" in page
    assert "1 Jun 2027, 09:00 EDT (America/New_York)" in page
    assert "1 GBP = 1.27 USD" in page and "Bank of England daily spot rate" in page


def test_a_bad_campaign_form_says_why_and_keeps_what_was_typed(client, world):
    made = passed_proposal(world)
    sign_in(client, world.steward)
    response = client.post(f"/campaigns/open/{made.id}", data=open_form(rates="USD 1.27", min_coops="9"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Line 1 of the rates" in page and made.campaign is None
    response = client.post(f"/campaigns/open/{made.id}", data=open_form(min_coops="9"))
    assert response.status_code == 422 and "Give the least number of co-ops from 1 to 3" in response.get_data(
        as_text=True
    )


def test_a_delegate_pledges_in_their_currency_and_the_page_shows_progress(client, world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    sign_in(client, world.delegates[1])
    form = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert '<option selected value="USD">' in form  # Hudson is in the US: it starts from its own currency
    response = client.post(
        f"/campaigns/{campaign.id}/pledges",
        data={
            "coop": world.coops[1].id,
            "currency": "USD",
            "money": "127.00",
            "hours": "10",
            "note": "Evenings",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert '<progress id="bar-1" max="100000" value="70000">' in page
    assert (
        "£700.00 of £1,000.00" in page and "US$889.00 of US$1,270.00" in page
    )  # also in the viewer's currency
    assert "Still missing: £300.00 more a month and 10 more hours a month." in page
    assert "US$127.00 a month (= £100.00)" in page


def test_a_conditional_pledge_that_waits_on_others_says_so(client, world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    pledge(world, campaign, 2, money="50", min_coops=3)
    sign_in(client, world.members[0])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Río Software is in once 3 co-ops are in (1 is now)." in page
    assert "Your co-op's pledge" not in page  # a member cannot pledge


def test_a_refused_pledge_says_why_and_writes_nothing(client, world):
    campaign = open_campaign(world)
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/campaigns/{campaign.id}/pledges",
        data={"coop": world.coops[0].id, "currency": "GBP", "money": "-5", "hours": ""},
    )
    assert response.status_code == 422 and "cannot be negative" in response.get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign.id}/pledges",
        data={"coop": world.coops[0].id, "currency": "GBP", "hours": "20000"},
    )
    assert response.status_code == 400 and "Number must be between 0 and 10000" in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/campaigns/{campaign.id}/pledges", data={"coop": world.coops[1].id, "currency": "GBP", "money": "5"}
    )
    assert response.status_code == 400  # not one of their co-ops
    db.session.expire_all()
    assert campaign.pledges == []


def test_a_pledge_after_the_deadline_is_refused_and_the_read_settles_it(client, world):
    campaign = open_campaign(world, now=utcnow() - timedelta(days=8))
    sign_in(client, world.delegates[0])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "nobody owes anything" in page and "Your co-op's pledge" not in page
    db.session.expire_all()
    assert campaign.state == CampaignState.LAPSED


def test_the_steward_commits_early_once_every_target_is_met(client, world):
    campaign = open_campaign(world, seats={"host": 1}, target_hours=None)
    pledge(world, campaign, 0, money="600", seats=["host"])
    sign_in(client, world.steward)
    assert "Commit now" not in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    pledge(world, campaign, 1, money="400")
    pledge(world, campaign, 1, money="450")  # a changed pledge: still one co-op
    assert "Commit now" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "; 2 co-ops pledged." in client.get(f"/proposals/{campaign.proposal_id}").get_data(as_text=True)
    response = client.post(f"/campaigns/{campaign.id}/settle")
    assert response.status_code == 302
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "early, by Sam Steward" in page and "The parties' contributions, fixed" in page
    proposal_page = client.get(f"/proposals/{campaign.proposal_id}").get_data(as_text=True)
    assert "</strong>: 2 co-ops are bound." in proposal_page


def test_the_steward_extends_once_and_everyone_is_told(client, world, outbox):
    campaign = open_campaign(world)
    sign_in(client, world.steward)
    later = (campaign.deadline_at + timedelta(days=5)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    world.steward.time_zone = "UTC"
    db.session.commit()
    response = client.post(
        f"/campaigns/{campaign.id}/extend",
        data={"deadline_at": later, "reason": "Lakeshore meets on the 3rd"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    told = [m for m in outbox.glob("*.eml") if "Subject: Pledge deadline extended" in m.read_text()]
    assert len(told) == 3  # one delegate of each addressed co-op (notifications of the opening come too)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "extended once" in page and "Extend the deadline" not in page


def test_the_roster_csv_is_for_stewards(app, client, world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], note="=HYPERLINK(1)")
    sign_in(client, world.delegates[0])
    assert client.get(f"/campaigns/{campaign.id}/roster.csv").status_code == 403
    steward = app.test_client()
    sign_in(steward, world.steward)
    response = steward.get(f"/campaigns/{campaign.id}/roster.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][0] == "Thames Code" and rows[1][5] == "600.00" and rows[1][10] == "yes"
    assert rows[1][-1] == "'=HYPERLINK(1)"  # a note is never a spreadsheet formula


def test_during_an_open_vote_the_proposal_page_offers_a_conditional_campaign(client, world):
    vote = open_vote(world, lasts=timedelta(days=2))
    sign_in(client, world.steward)
    page = client.get(f"/proposals/{vote.proposal.id}").get_data(as_text=True)
    assert "pledges made now count only if it passes" in page


def test_the_pledge_history_is_paged_newest_first(client, world, monkeypatch):
    """Every change of every co-op's pledge is kept; the page shows them a page at a time."""
    from proposals.pledging import views

    monkeypatch.setattr(views, "HISTORY_PER_PAGE", 2)
    campaign = open_campaign(world)
    for hours in (5, 6, 7):  # the same co-op changes its pledge twice
        pledge(world, campaign, 0, hours=hours)
    sign_in(client, world.members[0])
    first = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    second = client.get(f"/campaigns/{campaign.id}?history=2").get_data(as_text=True)
    history = lambda page: page[page.index('id="history-h"') :]  # noqa: E731
    assert "7 hours a month" in history(first) and "6 hours a month" in history(first)
    assert "5 hours a month" not in history(first) and "5 hours a month" in history(second)
    assert "Page 1 of 2" in history(first) and "Page 2 of 2" in history(second)
    assert f'href="/campaigns/{campaign.id}?history=2#history-h"' in first
    assert f'href="/campaigns/{campaign.id}#history-h"' in second


def _campaign_rows(page: str) -> list[tuple[str, str]]:
    """The list's rows: each campaign's proposal and its count of co-ops pledged."""
    rows = re.findall(r"<tr><td><a [^>]*>([^<]+)</a></td><td>[^<]*</td><td>.*?</td><td>(\d+)</td></tr>", page)
    return [(title, count) for title, count in rows]


def test_the_campaign_list_shows_what_a_person_can_see_with_how_many_co_ops_pledged(app, client, world):
    hosting = open_campaign(world)
    mail = open_campaign(
        world, proposal=passed_proposal(world, proposal=proposal(world, title="Run the mail", discuss=True))
    )
    pledge(world, hosting, 0, hours=5)
    pledge(world, hosting, 0, hours=6)  # a change of one co-op's pledge: still one co-op
    pledge(world, hosting, 1, hours=5)
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == mail.id)
        .values(deadline_at=hosting.deadline_at + timedelta(days=1))
    )
    db.session.commit()
    sign_in(client, world.members[0])
    page = client.get("/campaigns/").get_data(as_text=True)
    assert _campaign_rows(page) == [
        ("Run the mail", "0"),
        ("Host the shared service", "2"),
    ]  # latest deadline first
    outsider = app.test_client()
    sign_in(outsider, world.outsider)
    assert "No campaigns yet." in outsider.get("/campaigns/").get_data(as_text=True)


def test_the_campaign_list_is_paged(client, world, monkeypatch):
    monkeypatch.setattr(service, "CAMPAIGNS_PER_PAGE", 1)
    open_campaign(world)
    open_campaign(
        world, proposal=passed_proposal(world, proposal=proposal(world, title="Run the mail", discuss=True))
    )
    sign_in(client, world.members[0])
    first = client.get("/campaigns/").get_data(as_text=True)
    second = client.get("/campaigns/?page=2").get_data(as_text=True)
    assert len(_campaign_rows(first)) == len(_campaign_rows(second)) == 1
    assert _campaign_rows(first) != _campaign_rows(second)
    assert "Page 1 of 2" in first and 'href="/campaigns/?page=2"' in first
    assert "Page 2 of 2" in second and 'href="/campaigns/"' in second
    assert "No campaigns on this page." in client.get("/campaigns/?page=3").get_data(as_text=True)
