"""Who sees, opens, casts, names proxies and reads results of a vote: one table, checked through the API."""

from datetime import timedelta

import pytest

from governance import service
from governance.types import utcnow
from tests.factories import api_token, coop
from tests.proposals.factories import proposal
from tests.voting.factories import open_vote

WHO = ["steward", "admin", "delegate", "member", "other_delegate", "outsider"]


def someone(world, who):
    return {
        "steward": world.steward,
        "admin": world.admin,
        "delegate": world.delegates[0],
        "member": world.members[0],
        "other_delegate": world.delegates[1],
        "outsider": world.outsider,
    }[who]


def attempt(client, world, vote, action, headers):
    base = f"/api/v1/votes/{vote.id}"
    thames, hudson = world.coops[0].slug, world.coops[1].slug
    match action:
        case "see":
            return client.get(base, headers=headers)
        case "cast":
            return client.post(f"{base}/ballots", json={"coop": thames, "choice": "yes"}, headers=headers)
        case "proxy":
            return client.post(f"{base}/proxies", json={"coop": thames, "proxy": hudson}, headers=headers)
        case "participation":
            return client.get(f"{base}/participation", headers=headers)
        case "result":
            return client.get(f"{base}/result", headers=headers)
        case "receipts":
            return client.get(f"{base}/receipts", headers=headers)
    raise AssertionError(action)


# (who, action) -> status, for an open yes/no vote on a proposal addressed to Testnet; Thames's ballot
OPEN_VOTE = {
    "steward": {"see": 200, "cast": 403, "proxy": 403, "participation": 200, "result": 200, "receipts": 409},
    "admin": {"see": 200, "cast": 403, "proxy": 403, "participation": 200, "result": 200, "receipts": 409},
    "delegate": {"see": 200, "cast": 201, "proxy": 201, "participation": 200, "result": 200, "receipts": 409},
    "member": {"see": 200, "cast": 403, "proxy": 403, "participation": 200, "result": 200, "receipts": 409},
    "other_delegate": {
        "see": 200,
        "cast": 403,
        "proxy": 403,
        "participation": 200,
        "result": 200,
        "receipts": 409,
    },
    "outsider": {"see": 404, "cast": 404, "proxy": 404, "participation": 404, "result": 404, "receipts": 404},
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ["see", "cast", "proxy", "participation", "result", "receipts"])
def test_access_to_an_open_vote(client, world, who, action):
    vote = open_vote(world)
    response = attempt(client, world, vote, action, api_token(someone(world, who)))
    assert response.status_code == OPEN_VOTE[who][action], response.get_json()


OPENS = {"steward": 201, "admin": 403, "delegate": 403, "member": 403, "other_delegate": 403, "outsider": 404}


@pytest.mark.parametrize("who", WHO)
def test_who_opens_a_vote(client, world, who):
    made = proposal(world, discuss=True)
    closes_at = (utcnow() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/api/v1/proposals/{made.id}/vote",
        json={"method": "yes_no", "closes_at": closes_at},
        headers=api_token(someone(world, who)),
    )
    assert response.status_code == OPENS[who], response.get_json()


@pytest.mark.parametrize(("who", "status"), [("delegate", 201), ("other_delegate", 201), ("member", 403)])
def test_a_proxys_delegates_cast_for_the_coop_that_named_it(client, world, who, status):
    vote = open_vote(world)
    client.post(
        f"/api/v1/votes/{vote.id}/proxies",
        json={"coop": world.coops[0].slug, "proxy": world.coops[1].slug},
        headers=api_token(world.delegates[0]),
    )
    response = attempt(client, world, vote, "cast", api_token(someone(world, who)))
    assert response.status_code == status


def test_a_ballot_for_a_coop_outside_the_electorate_is_forbidden(client, world):
    vote = open_vote(world)
    elsewhere = coop(world.admin, world.other_network, "Elsewhere Co-op")
    service.add_member(actor=world.admin, coop=elsewhere, person=world.delegates[0], role="delegate")
    response = client.post(
        f"/api/v1/votes/{vote.id}/ballots",
        json={"coop": elsewhere.slug, "choice": "yes"},
        headers=api_token(world.delegates[0]),
    )
    assert response.status_code == 403 and "electorate" in response.get_json()["message"]
