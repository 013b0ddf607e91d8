"""The campaigns API: opening, pledging with conditions, history, the standing set, settling, extending,
and its refusals in the one error shape."""

from __future__ import annotations

import json
from datetime import timedelta

from governance.types import utcnow
from tests.factories import api_token
from tests.proposals.pledging.factories import open_campaign, passed_proposal, pledge


def test_a_steward_opens_a_campaign_through_the_api(client, world):
    made = passed_proposal(world)
    today = utcnow().date().isoformat()
    body = {
        "base_currency": "GBP",
        "rates": [{"currency": "USD", "rate": "1.27", "as_of": today, "source": "Bank of England"}],
        "target_money": "1000.00",
        "target_hours": 60,
        "seats": {"host": 1},
        "min_coops": 2,
        "deadline_at": (utcnow() + timedelta(days=5)).isoformat(),
        "term_months": 24,
        "notice_days": 60,
    }
    response = client.post(
        f"/api/v1/proposals/{made.id}/campaign", json=body, headers=api_token(world.steward)
    )
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["proposal"]["state"] == "pledging" and data["currencies"] == ["GBP", "USD"]
    assert data["targets"]["money"] == "1000.00" and data["targets"]["money_minor"] == 100_000
    assert data["rates"][0] == {
        "currency": "USD",
        "name": "US Dollar",
        "rate": "1.27",
        "as_of": today,
        "source": "Bank of England",
    }
    again = client.get(f"/api/v1/proposals/{made.id}/campaign", headers=api_token(world.members[0]))
    assert again.status_code == 200 and again.get_json()["id"] == data["id"]


def test_a_float_amount_is_refused_in_the_error_shape(client, world):
    campaign = open_campaign(world)
    response = client.post(
        f"/api/v1/campaigns/{campaign.id}/pledges",
        json={"coop": world.coops[0].slug, "money": 12.5},
        headers=api_token(world.delegates[0]),
    )
    body = response.get_json()
    assert response.status_code == 422 and set(body) >= {"code", "status", "message", "errors"}


def test_pledging_changing_and_withdrawing_through_the_api_keeps_the_history(client, world):
    campaign = open_campaign(world)
    headers = api_token(world.delegates[1])
    url = f"/api/v1/campaigns/{campaign.id}/pledges"
    first = client.post(
        url, json={"coop": world.coops[1].slug, "currency": "USD", "money": "254.00"}, headers=headers
    )
    assert first.status_code == 201 and first.get_json()["base_minor"] == 20_000
    second = client.post(
        url, json={"coop": world.coops[1].slug, "hours": 20, "min_coops": 2}, headers=headers
    )
    assert second.status_code == 201 and second.get_json()["min_coops"] == 2
    gone = client.delete(f"{url}/{world.coops[1].slug}", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["end_reason"] == "withdrawn"
    history = client.get(f"{url}/history", headers=headers).get_json()
    assert [(p["is_current"], p["end_reason"]) for p in history] == [
        (False, "replaced"),
        (False, "withdrawn"),
    ]
    assert client.get(url, headers=headers).get_json() == []


def test_the_pledge_history_comes_a_page_at_a_time_and_the_lists_name_who_pledged(client, world, monkeypatch):
    from governance import paging

    monkeypatch.setattr(paging, "API_PER_PAGE", 2)
    campaign = open_campaign(world)
    for index, hours in ((0, 5), (1, 6), (0, 7)):  # the first co-op changes its pledge
        pledge(world, campaign, index, hours=hours)
    headers = api_token(world.members[0])
    url = f"/api/v1/campaigns/{campaign.id}/pledges"
    first, second = (client.get(f"{url}/history?page={n}", headers=headers) for n in (1, 2))
    assert [p["hours"] for p in first.get_json()] == [5, 6] and [p["hours"] for p in second.get_json()] == [7]
    assert json.loads(first.headers["X-Pagination"])["total"] == 3
    current = client.get(url, headers=headers).get_json()  # not paged: one a co-op at most
    assert [(p["coop"]["slug"], p["made_by"]["name"], p["hours"]) for p in current] == [
        (world.coops[1].slug, world.delegates[1].name, 6),
        (world.coops[0].slug, world.delegates[0].name, 7),
    ]


def test_the_standing_set_and_what_is_missing(client, world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    pledge(world, campaign, 1, money="100", min_coops=3)
    data = client.get(
        f"/api/v1/campaigns/{campaign.id}/standing", headers=api_token(world.members[2])
    ).get_json()
    assert [p["coop"]["slug"] for p in data["standing"]] == [world.coops[0].slug]
    assert [p["coop"]["slug"] for p in data["waiting"]] == [world.coops[1].slug]
    assert data["missing"] == ["£400.00 more a month", "20 more hours a month", "one more co-op"]
    assert data["is_met"] is False and data["totals"]["money_minor"] == 60_000


def test_settling_early_and_the_fixed_contributions(client, world):
    campaign = open_campaign(world, target_hours=None)
    pledge(world, campaign, 0, money="600", seats=["host"])
    headers = api_token(world.steward)
    refused = client.post(f"/api/v1/campaigns/{campaign.id}/settle", headers=headers)
    assert refused.status_code == 409 and "Not every target is met" in refused.get_json()["message"]
    pledge(world, campaign, 2, currency="ARS", money="513800.00")  # = £400.00
    settled = client.post(f"/api/v1/campaigns/{campaign.id}/settle", headers=headers)
    assert settled.status_code == 200 and settled.get_json()["state"] == "committed"
    parts = client.get(f"/api/v1/campaigns/{campaign.id}/contributions", headers=headers).get_json()
    assert {(c["coop"]["slug"], c["currency"], c["money_minor"], c["base_minor"]) for c in parts} == {
        (world.coops[0].slug, "GBP", 60_000, 60_000),
        (world.coops[2].slug, "ARS", 51_380_000, 40_000),
    }
    late = client.post(
        f"/api/v1/campaigns/{campaign.id}/pledges",
        json={"coop": world.coops[1].slug, "money": "5"},
        headers=api_token(world.delegates[1]),
    )
    assert late.status_code == 409 and "committed" in late.get_json()["message"]


def test_extending_twice_is_refused(client, world):
    campaign = open_campaign(world)
    headers = api_token(world.steward)
    url = f"/api/v1/campaigns/{campaign.id}/extend"
    later = (campaign.deadline_at + timedelta(days=3)).isoformat()
    assert (
        client.post(url, json={"deadline_at": later, "reason": "Holidays"}, headers=headers).status_code
        == 200
    )
    again = client.post(url, json={"deadline_at": later, "reason": "Again"}, headers=headers)
    assert again.status_code == 409 and "already extended once" in again.get_json()["message"]


def test_a_campaign_nobody_can_see_is_not_found(client, world):
    campaign = open_campaign(world)
    response = client.get(f"/api/v1/campaigns/{campaign.id}", headers=api_token(world.outsider))
    assert response.status_code == 404
