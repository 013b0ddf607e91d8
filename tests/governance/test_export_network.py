"""`flask --app wsgi export-network SLUG [--out FILE]`: one network's record as JSON, secrets left out and
ballots as each vote's secrecy allows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from governance import service as governance
from governance.extensions import db
from governance.models import NetworkRoleKind
from governance.types import utcnow
from tests import factories
from tests.governance.meetings.factories import propose
from tests.proposals.factories import proposal
from tests.proposals.pledging.factories import open_campaign, pledge
from tests.voting.factories import open_vote
from voting import service as voting

NEVER = ("password_hash", "token_hash", "nonce", "url_encrypted", "ip_address", "session_version")


def _closed_vote(world, title: str, choices: list[str], **settings):
    start = utcnow() - timedelta(hours=3)
    made = proposal(world, title=title, discuss=True, commit=False)
    vote = open_vote(world, proposal=made, now=start, lasts=timedelta(hours=1), commit=False, **settings)
    for coop, delegate, choice in zip(world.coops, world.delegates, choices, strict=False):
        voting.cast_ballot(vote, actor=delegate, coop=coop, choice=choice, now=start + timedelta(minutes=10))
    voting.close_vote(vote, now=vote.closes_at)
    return vote


@pytest.fixture
def record(world):
    """Testnet with an open vote closed, a secret one closed, one running, a campaign and a meeting;
    Othernet with a proposal of its own, which must not appear."""
    factories.api_token(world.delegates[0])  # a token's hash is in the database, never in the export
    open_one = _closed_vote(world, "Open vote", ["yes", "no", "yes"])
    secret = _closed_vote(world, "Secret vote", ["no", "yes"], secrecy="secret")
    running = open_vote(
        world, proposal=proposal(world, title="Running", discuss=True, commit=False), commit=False
    )
    voting.cast_ballot(running, actor=world.delegates[2], coop=world.coops[2], choice="yes")
    campaign = open_campaign(world, commit=False)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], commit=False)
    propose(world, commit=False)
    governance.grant_network_role(
        actor=world.admin, network=world.other_network, person=world.steward, role=NetworkRoleKind.STEWARD
    )
    proposal(world, title="Elsewhere", networks=[world.other_network], commit=False)
    db.session.commit()
    return {"open": open_one.id, "secret": secret.id, "running": running.id, "campaign": campaign.id}


def _export(app, tmp_path, slug: str = "testnet") -> dict:
    out = tmp_path / "testnet.json"
    result = app.test_cli_runner().invoke(args=["export-network", slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _vote(data: dict, vote_id: int) -> dict:
    return next(p["vote"] for p in data["proposals"] if p["vote"] and p["vote"]["id"] == vote_id)


def test_the_export_holds_the_network_its_coops_people_and_proposals_only(app, ctx, world, record, tmp_path):
    data = _export(app, tmp_path)
    assert data["format"] == "roundtable-network-export/1" and data["network"]["slug"] == "testnet"
    assert [c["slug"] for c in data["coops"]] == sorted(c.slug for c in world.coops)
    emails = {p["email"] for p in data["people"]}
    assert {d.email for d in world.delegates} | {world.steward.email} <= emails
    assert world.outsider.email not in emails
    titles = {p["title"] for p in data["proposals"]}
    assert {"Open vote", "Secret vote", "Running"} <= titles and "Elsewhere" not in titles
    assert data["meetings"] and data["meetings"][0]["slots"]
    [campaign] = [p["campaign"] for p in data["proposals"] if p["campaign"]]
    assert campaign["id"] == record["campaign"]
    assert [p["coop"] for p in campaign["pledges"]] == [world.coops[0].slug]
    assert all(p["revisions"] for p in data["proposals"])


def test_no_password_hash_token_or_ballot_nonce_is_exported(app, ctx, world, record, tmp_path):
    text = json.dumps(_export(app, tmp_path))
    for secret in NEVER:
        assert f'"{secret}"' not in text
    assert "$argon2" not in text  # no password hash, under any name


def test_ballots_are_exported_as_each_vote_s_secrecy_allows(app, ctx, world, record, tmp_path):
    data = _export(app, tmp_path)
    thames, hudson, rio = (c.slug for c in world.coops)

    open_vote_ = _vote(data, record["open"])
    assert {(b["coop"], b["choice"]) for b in open_vote_["ballots"]} == {
        (thames, "yes"),
        (hudson, "no"),
        (rio, "yes"),
    }

    secret = _vote(data, record["secret"])
    assert "ballots" not in secret and secret["taken_part"] == sorted([thames, hudson])
    assert sorted(c["choice"] for c in secret["choices"]) == ["no", "yes"]
    assert all(set(c) == {"choice", "reason"} for c in secret["choices"])  # no co-op, person or time
    assert len(secret["receipts"]) == 2 and secret["receipts"] == sorted(secret["receipts"])

    running = _vote(data, record["running"])
    assert running["taken_part"] == [rio]
    assert "ballots" not in running and "choices" not in running  # nothing of how anyone voted, yet


def test_without_out_the_export_goes_to_stdout_and_an_unknown_network_is_refused(app, ctx, world, record):
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["export-network", "testnet"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["network"]["name"] == "Testnet"
    refused = runner.invoke(args=["export-network", "nowhere"])
    assert refused.exit_code == 1 and "No network called 'nowhere'" in refused.output
