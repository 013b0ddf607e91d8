"""The votes API: opening, casting with receipts, proxies, receipts and results, and its OpenAPI document."""

import json
import time
from datetime import timedelta

import pytest

from governance.extensions import db
from governance.types import utcnow
from tests.factories import api_token
from tests.proposals.factories import proposal
from tests.voting.factories import open_vote
from voting import service
from voting.counting import Method


def test_a_secret_vote_with_live_results_is_refused_by_the_api_with_the_reason(client, world):
    made = proposal(world, discuss=True)
    body = {
        "method": "yes_no",
        "closes_at": (utcnow() + timedelta(days=3)).isoformat(),
        "secrecy": "secret",
        "results_shown": "live",
    }
    response = client.post(f"/api/v1/proposals/{made.id}/vote", json=body, headers=api_token(world.steward))
    assert response.status_code == 422
    assert "would tell how each co-op voted" in response.get_json()["errors"]["results_shown"][0]
    assert made.vote is None and made.state.value == "discussion"


def test_a_steward_opens_a_ranked_vote_through_the_api(client, world):
    made = proposal(world, discuss=True)
    closes_at = utcnow() + timedelta(days=3)
    body = {
        "method": "irv",
        "options": ["Thames Code", "Hudson Tech"],
        "closes_at": closes_at.isoformat(),
        "quorum_percent": 50,
        "secrecy": "secret",
        "results_shown": "after_close",
    }
    response = client.post(f"/api/v1/proposals/{made.id}/vote", json=body, headers=api_token(world.steward))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["options"] == [
        {"key": "thames-code", "name": "Thames Code"},
        {"key": "hudson-tech", "name": "Hudson Tech"},
    ]
    assert (
        data["proposal"]["state"] == "voting" and len(data["electorate"]) == 3 and data["secrecy"] == "secret"
    )
    assert "seed" in data["tie_rule"]


def test_opening_refuses_a_naive_time_and_a_close_before_the_opening(client, world):
    made = proposal(world, discuss=True)
    headers = api_token(world.steward)
    naive = client.post(
        f"/api/v1/proposals/{made.id}/vote",
        headers=headers,
        json={"method": "yes_no", "closes_at": "2030-01-01T12:00:00"},
    )
    assert naive.status_code == 422 and "closes_at" in str(naive.get_json()["errors"])
    now = utcnow()
    backwards = client.post(
        f"/api/v1/proposals/{made.id}/vote",
        headers=headers,
        json={
            "method": "yes_no",
            "opens_at": (now + timedelta(days=2)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
        },
    )
    assert backwards.status_code == 422
    assert backwards.get_json()["errors"] == {"closes_at": ["The vote must close after it opens."]}
    assert made.state.value == "discussion"


def test_casting_returns_the_receipt_and_the_revision(client, world):
    vote = open_vote(world, method=Method.IRV)
    response = client.post(
        f"/api/v1/votes/{vote.id}/ballots",
        headers=api_token(world.delegates[0]),
        json={"coop": world.coops[0].slug, "choice": ["hudson-tech", "thames-code"]},
    )
    assert response.status_code == 201
    data = response.get_json()
    assert len(data["receipt"]) == 64 and data["revision"] == 1 and data["is_current"]
    assert data["cast_by"]["name"] == world.delegates[0].name and data["via_proxy"] is None


def test_a_repeated_option_is_a_422_naming_it(client, world):
    vote = open_vote(world, method=Method.IRV)
    response = client.post(
        f"/api/v1/votes/{vote.id}/ballots",
        headers=api_token(world.delegates[0]),
        json={"coop": world.coops[0].slug, "choice": ["hudson-tech", "hudson-tech"]},
    )
    assert response.status_code == 422
    assert "ranked more than once: Hudson Tech." in response.get_json()["errors"]["choice"][0]


def test_a_ballot_after_the_close_is_a_409(client, world):
    now = utcnow()
    vote = open_vote(world, now=now - timedelta(days=2), lasts=timedelta(days=1))
    response = client.post(
        f"/api/v1/votes/{vote.id}/ballots",
        headers=api_token(world.delegates[0]),
        json={"coop": world.coops[0].slug, "choice": "yes"},
    )
    assert response.status_code == 409 and "closed" in response.get_json()["message"]


def test_proxies_are_named_listed_and_revoked(client, world):
    vote = open_vote(world)
    headers = api_token(world.delegates[0])
    named = client.post(
        f"/api/v1/votes/{vote.id}/proxies",
        headers=headers,
        json={"coop": world.coops[0].slug, "proxy": world.coops[1].slug},
    )
    assert named.status_code == 201
    listed = client.get(f"/api/v1/votes/{vote.id}/proxies", headers=api_token(world.members[2])).get_json()
    assert [(p["coop"]["slug"], p["proxy"]["slug"], p["is_active"]) for p in listed] == [
        (world.coops[0].slug, world.coops[1].slug, True)
    ]
    revoked = client.delete(f"/api/v1/votes/{vote.id}/proxies/{named.get_json()['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["end_reason"] == "revoked"
    assert client.delete(f"/api/v1/votes/{vote.id}/proxies/999", headers=headers).status_code == 404


def test_after_the_close_receipts_are_published_and_checkable(client, world):
    now = utcnow()
    vote = open_vote(world, now=now - timedelta(hours=2), lasts=timedelta(hours=1), secrecy="secret")
    ballot = service.cast_ballot(
        vote, actor=world.delegates[0], coop=world.coops[0], choice="yes", now=now - timedelta(minutes=90)
    )
    db.session.commit()
    headers = api_token(world.members[1])
    published = client.get(f"/api/v1/votes/{vote.id}/receipts", headers=headers).get_json()
    assert published == {"count": 1, "receipts": [ballot.receipt]}
    check = client.get(f"/api/v1/votes/{vote.id}/receipts/{ballot.receipt}", headers=headers).get_json()
    assert check["is_counted"] and check["is_intact"] and check["content"] is None  # not Hudson's ballot
    own = client.get(
        f"/api/v1/votes/{vote.id}/receipts/{ballot.receipt}", headers=api_token(world.members[0])
    )
    assert own.get_json()["content"] == "yes"
    assert client.get(f"/api/v1/votes/{vote.id}/receipts/xyz", headers=headers).status_code == 422


def test_the_result_document_explains_the_count(client, world):
    now = utcnow()
    vote = open_vote(world, method=Method.CONSENT, now=now - timedelta(hours=2), lasts=timedelta(hours=1))
    service.name_proxy(
        vote,
        actor=world.delegates[2],
        coop=world.coops[2],
        proxy=world.coops[0],
        now=now - timedelta(minutes=100),
    )
    service.cast_ballot(
        vote, actor=world.delegates[0], coop=world.coops[2], choice="agree", now=now - timedelta(minutes=90)
    )
    service.cast_ballot(
        vote,
        actor=world.delegates[1],
        coop=world.coops[1],
        choice="block",
        reason="Not before the audit.",
        now=now - timedelta(minutes=90),
    )
    db.session.commit()
    data = client.get(f"/api/v1/votes/{vote.id}/result", headers=api_token(world.outsider))
    assert data.status_code == 404
    data = client.get(f"/api/v1/votes/{vote.id}/result", headers=api_token(world.members[0])).get_json()
    assert data["result"]["outcome"] == "blocked" and data["result"]["blockers"] == ["Hudson Tech"]
    rio = next(p for p in data["participation"] if p["coop"] == world.coops[2].slug)
    assert rio["via_proxy"] == world.coops[0].slug and rio["choice"] == "agree"
    assert data["electorate"] == {"coops": 3, "weight": 3} and len(data["receipts"]) == 2
    assert vote.proposal.state.value == "rejected"


def test_results_hidden_until_the_close_are_null(client, world):
    vote = open_vote(world)
    data = client.get(f"/api/v1/votes/{vote.id}/result", headers=api_token(world.members[0])).get_json()
    assert data["result"] is None and data["receipts"] is None
    live = open_vote(world, results_shown="live")
    data = client.get(f"/api/v1/votes/{live.id}/result", headers=api_token(world.members[0])).get_json()
    assert data["result"]["counts"] == {"yes": 0, "no": 0, "abstain": 0}, data


def test_the_openapi_document_describes_the_votes_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in [
        "/api/v1/proposals/{proposal_id}/vote",
        "/api/v1/votes/{vote_id}/ballots",
        "/api/v1/votes/{vote_id}/proxies",
        "/api/v1/votes/{vote_id}/receipts/{receipt}",
        "/api/v1/votes/{vote_id}/result",
    ]:
        assert path in spec["paths"]
    for schema in [
        "VoteIn",
        "Vote",
        "BallotIn",
        "Ballot",
        "ProxyIn",
        "Proxy",
        "ReceiptCheck",
        "ResultDocument",
    ]:
        assert schema in spec["components"]["schemas"]


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ({"closes_at": "9999-12-31T23:59:00-12:00"}, "closes_at"),
        ({"opens_at": "0001-01-01T00:00:00+14:00", "closes_at": "2030-01-01T00:00:00+00:00"}, "opens_at"),
        ({"closes_at": "2099-01-01T00:00:00+00:00"}, "closes_at"),
    ],
)
def test_opening_refuses_times_out_of_range_with_the_reason(client, world, times, field):
    made = proposal(world, discuss=True)
    response = client.post(
        f"/api/v1/proposals/{made.id}/vote",
        headers=api_token(world.steward),
        json={"method": "yes_no", **times},
    )
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert "ten years" in response.get_json()["message"] and made.vote is None


@pytest.mark.parametrize(
    ("names", "keys"), [(["C++", "C#"], ["c", "c-2"]), (["甲", "乙"], ["item", "item-2"])]
)
def test_options_that_slugify_alike_open_with_distinct_keys(client, world, names, keys):
    made = proposal(world, discuss=True)
    response = client.post(
        f"/api/v1/proposals/{made.id}/vote",
        headers=api_token(world.steward),
        json={"method": "irv", "options": names, "closes_at": (utcnow() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["options"] == [{"key": k, "name": n} for k, n in zip(keys, names, strict=True)]


def test_a_huge_ranking_is_a_quick_422(client, world):
    vote = open_vote(world, method=Method.IRV)
    headers = api_token(world.delegates[0])
    started = time.perf_counter()
    response = client.post(
        f"/api/v1/votes/{vote.id}/ballots",
        headers=headers,
        json={"coop": world.coops[0].slug, "choice": ["thames-code"] * 20_000},
    )
    assert response.status_code == 422 and time.perf_counter() - started < 1
    assert "this vote has 3 options" in response.get_json()["errors"]["choice"][0]


def test_a_receipt_check_names_the_coop_only_to_those_who_may_see_the_ballot(client, world):
    now = utcnow()
    vote = open_vote(world, now=now - timedelta(hours=2), lasts=timedelta(hours=1), secrecy="secret")
    ballot = service.cast_ballot(
        vote, actor=world.delegates[0], coop=world.coops[0], choice="yes", now=now - timedelta(minutes=90)
    )
    db.session.commit()
    other = client.get(
        f"/api/v1/votes/{vote.id}/receipts/{ballot.receipt}", headers=api_token(world.members[1])
    )
    data = other.get_json()
    assert data["is_counted"] and (data["coop"], data["cast_at"], data["content"]) == (None, None, None)
    assert "Thames" not in data["message"]
    own = client.get(
        f"/api/v1/votes/{vote.id}/receipts/{ballot.receipt}", headers=api_token(world.members[0])
    )
    assert own.get_json()["coop"] == world.coops[0].slug and own.get_json()["cast_at"]


def test_a_chained_proxy_is_a_409_saying_why(client, world):
    vote = open_vote(world)
    service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[1])
    db.session.commit()
    response = client.post(
        f"/api/v1/votes/{vote.id}/proxies",
        headers=api_token(world.delegates[2]),
        json={"coop": world.coops[2].slug, "proxy": world.coops[0].slug},
    )
    assert response.status_code == 409 and "proxies do not pass on" in response.get_json()["message"]


def test_the_ballots_list_shows_each_reader_what_they_may_see_a_page_at_a_time(client, world, monkeypatch):
    """Open: a co-op's people see its ballots (the replaced one too), a proxy's delegates the ballot they
    cast for the co-op that named them, nobody another's; closed, everyone sees every one."""
    from governance import paging

    coops, delegates = world.coops, world.delegates
    vote = open_vote(world, commit=False)
    service.cast_ballot(vote, actor=delegates[0], coop=coops[0], choice="no")
    service.cast_ballot(vote, actor=delegates[0], coop=coops[0], choice="yes")  # replaces the first
    service.name_proxy(vote, actor=delegates[1], coop=coops[1], proxy=coops[2])
    service.cast_ballot(vote, actor=delegates[2], coop=coops[1], choice="yes")  # as the proxy
    db.session.commit()
    url = f"/api/v1/votes/{vote.id}/ballots"

    def seen(someone, page=1):
        answer = client.get(f"{url}?page={page}", headers=api_token(someone))
        assert answer.status_code == 200, answer.get_json()
        return [(b["coop"]["slug"], b["choice"], b["is_current"]) for b in answer.get_json()]

    assert seen(world.members[0]) == [(coops[0].slug, "no", False), (coops[0].slug, "yes", True)]
    assert seen(delegates[2]) == [(coops[1].slug, "yes", True)]  # cast as coops[1]'s proxy
    assert seen(world.members[2]) == []  # a member of the proxy co-op is not its delegate
    service.close_vote(vote, now=vote.closes_at)
    db.session.commit()
    monkeypatch.setattr(paging, "API_PER_PAGE", 2)
    everyone = seen(world.members[2]) + seen(world.members[2], page=2)
    assert everyone == [
        (coops[0].slug, "no", False),
        (coops[0].slug, "yes", True),
        (coops[1].slug, "yes", True),
    ]


def test_the_participation_list_comes_a_page_at_a_time_by_name(client, world, monkeypatch):
    from governance import paging

    coops, delegates = world.coops, world.delegates
    vote = open_vote(world, commit=False)
    service.name_proxy(vote, actor=delegates[1], coop=coops[1], proxy=coops[2])
    service.cast_ballot(vote, actor=delegates[2], coop=coops[1], choice="yes")  # as the proxy
    service.cast_ballot(vote, actor=delegates[0], coop=coops[0], choice="no")
    db.session.commit()
    monkeypatch.setattr(paging, "API_PER_PAGE", 2)
    url, headers = f"/api/v1/votes/{vote.id}/participation", api_token(world.members[0])
    pages = [client.get(f"{url}?page={n}", headers=headers) for n in (1, 2, 3)]
    rows = [row for page in pages for row in page.get_json()]
    by_name = sorted(coops, key=lambda c: c.name.casefold())
    assert [r["coop"]["slug"] for r in rows] == [c.slug for c in by_name]  # each once, by name
    row = {r["coop"]["slug"]: r for r in rows}
    assert row[coops[1].slug]["has_voted"] and row[coops[1].slug]["via_proxy"]["slug"] == coops[2].slug
    assert row[coops[1].slug]["proxy"] == coops[2].slug
    assert row[coops[0].slug]["has_voted"] and row[coops[0].slug]["via_proxy"] is None
    assert not row[coops[2].slug]["has_voted"]
    about = json.loads(pages[0].headers["X-Pagination"])
    assert about["total"] == len(coops) and about["total_pages"] == -(-len(coops) // 2)
    past = client.get(f"{url}?page={about['total_pages'] + 1}", headers=headers)
    assert past.status_code == 200 and past.get_json() == []
