"""The proposals API: the same rules as the pages, as JSON, with errors in flask-smorest's shape."""

import json

import pytest
from sqlalchemy import select

from governance.extensions import db
from proposals.lifecycle import State, Transition
from proposals.models import Proposal
from proposals.service import apply_transition
from tests.factories import api_token
from tests.proposals.factories import HOSTING_FACTS, proposal


def new_proposal(world, **changes):
    body = {
        "title": "Host the shared service",
        "kind": "shared_service",
        "networks": [world.network.slug],
        "summary": "Take it over.",
        "body": "Earns **£1,250** a month.",
        "facts": HOSTING_FACTS,
    }
    return body | changes


def test_a_steward_drafts_through_the_api(client, world):
    response = client.post("/api/v1/proposals", json=new_proposal(world), headers=api_token(world.steward))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "draft" and body["revision"] == 1
    assert body["facts"]["monthly_revenue_minor"] == 125_000 and body["facts"]["currency"] == "GBP"
    assert body["body_html"] == "<p>Earns <strong>£1,250</strong> a month.</p>\n"
    assert body["allowed_transitions"] == ["open_discussion", "withdraw"]


def test_an_empty_title_is_a_422_naming_the_field(client, world):
    response = client.post(
        "/api/v1/proposals", json=new_proposal(world, title=""), headers=api_token(world.steward)
    )
    assert response.status_code == 422 and "title" in response.json["errors"]["json"]


def test_an_unknown_network_is_a_422_naming_it(client, world):
    headers = api_token(world.steward)
    response = client.post(
        "/api/v1/proposals", json=new_proposal(world, networks=["nowhere"]), headers=headers
    )
    assert response.status_code == 422
    assert response.json["message"] == "Unknown network: nowhere."


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e400", "125050.5", "true", '"x"'])
def test_an_amount_that_is_not_whole_minor_units_is_a_422_naming_the_field(client, world, amount):
    body = json.dumps(new_proposal(world)).replace(
        '"monthly_revenue_minor": 125000', f'"monthly_revenue_minor": {amount}'
    )
    response = client.post(
        "/api/v1/proposals", data=body, content_type="application/json", headers=api_token(world.steward)
    )
    assert response.status_code == 422, response.json
    assert "monthly_revenue_minor" in response.json["errors"]["json"]["facts"]
    assert db.session.scalar(select(Proposal)) is None


def test_a_fraction_of_a_yen_is_a_422_naming_the_currency(client, world):
    facts = HOSTING_FACTS | {"currency": "JPY", "monthly_costs_minor": 400.5}
    response = client.post(
        "/api/v1/proposals", json=new_proposal(world, facts=facts), headers=api_token(world.steward)
    )
    assert response.status_code == 422
    [message] = response.json["errors"]["json"]["facts"]["monthly_costs_minor"]
    assert "JPY has no minor units" in message
    assert db.session.scalar(select(Proposal)) is None


def test_a_member_cannot_draft(client, world):
    response = client.post("/api/v1/proposals", json=new_proposal(world), headers=api_token(world.members[0]))
    assert response.status_code == 403


def test_an_illegal_transition_is_a_409_with_the_state_and_the_allowed_steps(client, world):
    made = proposal(world)
    headers = api_token(world.steward)
    response = client.post(
        f"/api/v1/proposals/{made.id}/transitions", json={"transition": "open_vote"}, headers=headers
    )
    assert response.status_code == 409
    assert response.json["errors"]["current_state"] == "draft"
    assert response.json["errors"]["allowed"] == ["open_discussion", "withdraw"]
    assert made.state == State.DRAFT


def test_a_steward_moves_a_proposal_and_reads_its_timeline(client, world):
    made = proposal(world)
    headers = api_token(world.steward)
    url = f"/api/v1/proposals/{made.id}/transitions"
    response = client.post(url, json={"transition": "open_discussion", "note": "Ready"}, headers=headers)
    assert response.status_code == 201 and response.json["to_state"] == "discussion"
    timeline = client.get(url, headers=headers).json
    assert [(s["from_state"], s["to_state"], s["note"]) for s in timeline] == [
        ("draft", "discussion", "Ready")
    ]


def test_an_edit_makes_a_revision_and_the_two_can_be_compared(client, world):
    made = proposal(world)
    headers = api_token(world.steward)
    response = client.patch(
        f"/api/v1/proposals/{made.id}", json={"body": "New body", "change_note": "Shorter"}, headers=headers
    )
    assert response.status_code == 200 and response.json["revision"] == 2
    assert response.json["title"] == "Host the shared service"  # fields not sent stay as they were
    revisions = client.get(f"/api/v1/proposals/{made.id}/revisions", headers=headers).json
    assert [(r["number"], r["change_note"]) for r in revisions] == [(1, "First draft."), (2, "Shorter")]
    compared = client.get(f"/api/v1/proposals/{made.id}/compare?from=1&to=2", headers=headers).json
    body = next(s for s in compared["sections"] if s["name"] == "Body")
    assert {"op": "insert", "old": None, "new": 1, "text": "New body"} in body["rows"]


def test_an_edit_during_a_vote_is_a_409_and_changes_nothing(client, world):
    made = proposal(world, discuss=True)
    apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    db.session.commit()
    response = client.patch(
        f"/api/v1/proposals/{made.id}", json={"title": "Sneaky"}, headers=api_token(world.steward)
    )
    assert response.status_code == 409
    assert "while the vote is open" in response.json["message"]
    assert made.title == "Host the shared service" and len(made.revisions) == 1


def test_comments_and_interest_through_the_api(client, world):
    made = proposal(world, discuss=True)
    headers = api_token(world.delegates[1])
    posted = client.post(
        f"/api/v1/proposals/{made.id}/comments", json={"body": "Hi <script>x</script>"}, headers=headers
    )
    assert posted.status_code == 201 and posted.json["body_html"] == "<p>Hi </p>\n"
    edited = client.patch(
        f"/api/v1/proposals/{made.id}/comments/{posted.json['id']}", json={"body": "Hello"}, headers=headers
    )
    assert edited.json["is_edited"] is True
    url = f"/api/v1/proposals/{made.id}/interest/{world.coops[1].slug}"
    who = client.put(url, json={"stance": "interested", "note": "Two people"}, headers=headers).json
    assert who["counts"]["interested"] == 1 and who["interested_worker_members"] == 15
    row = next(r for r in who["coops"] if r["coop"]["slug"] == world.coops[1].slug)
    assert (row["stance"], row["country"], row["time_zone"]) == ("interested", "US", "America/New_York")


@pytest.mark.parametrize("parent_id", [99999999999999999999, 2**31, 0, -1, 1.5, "1"])
def test_a_parent_id_that_is_not_a_comment_id_is_a_422(client, world, parent_id):
    made = proposal(world, discuss=True)
    response = client.post(
        f"/api/v1/proposals/{made.id}/comments",
        json={"body": "x", "parent_id": parent_id},
        headers=api_token(world.members[0]),
    )
    assert response.status_code == 422, response.json
    assert "parent_id" in response.json["errors"]["json"]
    assert made.comments == []


def test_a_reply_to_an_unknown_comment_is_a_404(client, world):
    made = proposal(world, discuss=True)
    response = client.post(
        f"/api/v1/proposals/{made.id}/comments",
        json={"body": "x", "parent_id": 2**31 - 1},
        headers=api_token(world.members[0]),
    )
    assert response.status_code == 404 and "no comment 2147483647" in response.json["message"]


def test_a_comment_cannot_be_edited_through_the_api_once_withdrawn(client, world):
    made = proposal(world, discuss=True)
    headers = api_token(world.members[0])
    posted = client.post(f"/api/v1/proposals/{made.id}/comments", json={"body": "Mine"}, headers=headers)
    apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    db.session.commit()
    url = f"/api/v1/proposals/{made.id}/comments/{posted.json['id']}"
    response = client.patch(url, json={"body": "Rewritten"}, headers=headers)
    assert response.status_code == 409 and "withdrawn" in response.json["message"]


def test_a_delegate_cannot_speak_for_another_coop(client, world):
    made = proposal(world, discuss=True)
    url = f"/api/v1/proposals/{made.id}/interest/{world.coops[0].slug}"
    response = client.put(url, json={"stance": "interested"}, headers=api_token(world.delegates[1]))
    assert response.status_code == 403


def test_the_list_filters_and_rejects_an_unknown_state(client, world):
    proposal(world, title="A draft")
    proposal(world, title="In discussion", discuss=True)
    headers = api_token(world.steward)
    listed = client.get("/api/v1/proposals?state=discussion", headers=headers).json
    assert [p["title"] for p in listed] == ["In discussion"]
    assert client.get("/api/v1/proposals?state=nonsense", headers=headers).status_code == 422


def test_the_openapi_document_describes_the_proposals_schemas(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/proposals/{proposal_id}/transitions" in spec["paths"]
    assert {"Proposal", "ProposalIn", "Revision", "StateChange", "WhoIsIn"} <= set(
        spec["components"]["schemas"]
    )


def test_a_vote_cannot_be_opened_as_a_bare_step_without_its_rules(client, world):
    """Otherwise the proposal would sit in voting with no vote that could ever close."""
    made = proposal(world, discuss=True)
    response = client.post(
        f"/api/v1/proposals/{made.id}/transitions",
        json={"transition": "open_vote"},
        headers=api_token(world.steward),
    )
    assert response.status_code == 409
    assert f"/api/v1/proposals/{made.id}/vote" in response.json["message"]
    assert made.state == State.DISCUSSION


def test_the_proposal_list_comes_a_page_at_a_time(client, world, monkeypatch):
    from governance import paging

    monkeypatch.setattr(paging, "API_PER_PAGE", 2)
    for n in range(3):
        proposal(world, title=f"Idea {n}", discuss=True)
    headers = api_token(world.members[0])
    first, second = (client.get(f"/api/v1/proposals?page={n}", headers=headers) for n in (1, 2))
    assert [p["title"] for p in first.get_json()] == ["Idea 2", "Idea 1"]  # newest first
    assert [p["title"] for p in second.get_json()] == ["Idea 0"]
    assert json.loads(second.headers["X-Pagination"])["total"] == 3
    filtered = client.get("/api/v1/proposals?page=2&state=discussion", headers=headers)
    assert [p["title"] for p in filtered.get_json()] == ["Idea 0"]  # the page and the filter together


def test_who_is_in_comes_a_page_at_a_time_with_the_totals_over_every_co_op(client, world, monkeypatch):
    from governance import paging

    monkeypatch.setattr(paging, "API_PER_PAGE", 2)
    made = proposal(world, discuss=True)
    headers = api_token(world.delegates[0])
    url = f"/api/v1/proposals/{made.id}/interest"
    client.put(f"{url}/{world.coops[0].slug}", json={"stance": "interested"}, headers=headers)
    pages = [client.get(f"{url}?page={n}", headers=headers) for n in (1, 2, 3)]
    slugs = [row["coop"]["slug"] for page in pages for row in page.get_json()["coops"]]
    assert slugs == [c.slug for c in sorted(world.coops, key=lambda c: c.name.lower())]  # each once, by name
    assert all(page.get_json()["counts"]["interested"] == 1 for page in pages)  # the totals on every page
    about = json.loads(pages[0].headers["X-Pagination"])
    assert (about["total"], about["total_pages"], about["next_page"]) == (3, 2, 2)
