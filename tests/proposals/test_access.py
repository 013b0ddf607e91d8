"""Who sees, edits and moves a proposal, and who takes part: one table, checked through the API."""

import pytest

from governance import service as governance_service
from governance.models import NetworkRoleKind
from tests.factories import api_token, person, sign_in
from tests.proposals.factories import proposal

WHO = ["steward", "admin", "other_steward", "delegate", "member", "outsider"]


def someone(world, who):
    if who == "other_steward":
        found = person("Otto Other")
        governance_service.grant_network_role(
            actor=world.admin, network=world.other_network, person=found, role=NetworkRoleKind.STEWARD
        )
        return found
    return {
        "steward": world.steward,
        "admin": world.admin,
        "delegate": world.delegates[0],
        "member": world.members[0],
        "outsider": world.outsider,
    }[who]


def attempt(client, world, made, action, headers):
    base = f"/api/v1/proposals/{made.id}"
    match action:
        case "see":
            return client.get(base, headers=headers)
        case "edit":
            return client.patch(base, json={"title": "Changed"}, headers=headers)
        case "step":
            return client.post(f"{base}/transitions", json={"transition": "withdraw"}, headers=headers)
        case "comment":
            return client.post(f"{base}/comments", json={"body": "Hello"}, headers=headers)
        case "signal":
            url = f"{base}/interest/{world.coops[0].slug}"
            return client.put(url, json={"stance": "interested"}, headers=headers)
    raise AssertionError(action)


# (who, action) -> status, for a proposal in discussion addressed to Testnet
IN_DISCUSSION = {
    "steward": {"see": 200, "edit": 200, "step": 201, "comment": 201, "signal": 403},
    "admin": {"see": 200, "edit": 403, "step": 403, "comment": 403, "signal": 403},
    "other_steward": {"see": 404, "edit": 404, "step": 404, "comment": 404, "signal": 404},
    "delegate": {"see": 200, "edit": 403, "step": 403, "comment": 201, "signal": 200},
    "member": {"see": 200, "edit": 403, "step": 403, "comment": 201, "signal": 403},
    "outsider": {"see": 404, "edit": 404, "step": 404, "comment": 404, "signal": 404},
}
# A draft is seen only by those who run the addressed networks.
DRAFT_SEEN_BY = {
    "steward": 200,
    "admin": 200,
    "other_steward": 404,
    "delegate": 404,
    "member": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ["see", "edit", "step", "comment", "signal"])
def test_access_to_a_proposal_in_discussion(client, world, who, action):
    made = proposal(world, discuss=True)
    response = attempt(client, world, made, action, api_token(someone(world, who)))
    assert response.status_code == IN_DISCUSSION[who][action], response.json


@pytest.mark.parametrize("who", WHO)
def test_who_sees_a_draft(client, world, who):
    made = proposal(world)
    assert (
        attempt(client, world, made, "see", api_token(someone(world, who))).status_code == DRAFT_SEEN_BY[who]
    )


@pytest.mark.parametrize("who", WHO)
def test_the_list_shows_only_what_each_person_may_see(client, world, who):
    proposal(world, title="A draft")
    proposal(world, title="In discussion", discuss=True)
    listed = {
        p["title"] for p in client.get("/api/v1/proposals", headers=api_token(someone(world, who))).json
    }
    expected = {"In discussion"} if IN_DISCUSSION[who]["see"] == 200 else set()
    if DRAFT_SEEN_BY[who] == 200:
        expected.add("A draft")
    assert listed == expected


@pytest.mark.parametrize("who", ["outsider", "delegate"])
def test_a_page_of_a_proposal_one_may_not_see_is_not_found(client, world, who):
    made = proposal(world)
    sign_in(client, someone(world, who))
    assert client.get(f"/proposals/{made.id}").status_code == 404
