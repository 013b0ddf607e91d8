"""`flask --app wsgi export-network SLUG [DIR] [--out FILE]`: one network's record as JSON (or, with DIR,
JSON and CSV files), secrets left out and ballots as each vote's secrecy allows."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest

from governance import service as governance
from governance.extensions import db
from governance.models import NetworkRoleKind
from governance.types import utcnow
from tests import factories
from tests.agreements import factories as agreement_factories
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
    # The choices by what they say and the receipts by their text, each list on its own: the n-th receipt
    # is not the n-th choice, so a receipt shown to someone does not tell them how its co-op voted (in
    # the order of the receipts, this failed whenever the "yes" ballot's receipt sorted first).
    assert [c["choice"] for c in secret["choices"]] == ["no", "yes"]
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


def _tables(app, folder, slug: str = "testnet") -> dict[str, list[dict[str, str]]]:
    result = app.test_cli_runner().invoke(args=["export-network", slug, str(folder)])
    assert result.exit_code == 0, result.output
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            tables[path.stem] = list(csv.DictReader(file))
    return tables


def test_with_a_folder_the_export_is_its_json_and_a_csv_file_per_table(app, ctx, world, record, tmp_path):
    folder = tmp_path / "testnet"
    tables = _tables(app, folder)
    assert set(tables) == {
        "coops",
        "people",
        "proposals",
        "votes",
        "ballots",
        "pledges",
        "agreements",
        "meetings",
    }
    data = json.loads((folder / "network.json").read_text(encoding="utf-8"))
    assert data["format"] == "roundtable-network-export/1" and data["network"]["slug"] == "testnet"

    assert [c["slug"] for c in tables["coops"]] == [c["slug"] for c in data["coops"]]
    assert {p["email"] for p in tables["people"]} == {p["email"] for p in data["people"]}
    assert {p["title"] for p in tables["proposals"]} == {p["title"] for p in data["proposals"]}
    votes = {int(v["id"]): v for v in tables["votes"]}
    assert set(votes) == {p["vote"]["id"] for p in data["proposals"] if p["vote"]}
    assert {record["open"], record["secret"], record["running"]} <= set(votes)
    closed = _vote(data, record["open"])
    assert votes[record["open"]]["outcome"] == closed["outcome"] and closed["outcome"]
    assert json.loads(votes[record["open"]]["result"]) == closed["result"]
    assert votes[record["running"]]["closed_at"] == "" and votes[record["running"]]["outcome"] == ""
    [pledged] = tables["pledges"]
    assert pledged["coop"] == world.coops[0].slug and pledged["campaign_id"] == str(record["campaign"])
    assert pledged["hours"] == "40" and json.loads(pledged["seats"]) == ["host"]
    assert len(tables["meetings"]) == len(data["meetings"]) == 1
    assert tables["agreements"] == [] and (folder / "agreements.csv").read_text().startswith("proposal_id,")
    assert "Elsewhere" not in (folder / "proposals.csv").read_text(encoding="utf-8")
    for path in folder.glob("*.csv"):
        for secret in NEVER:
            assert secret not in path.read_text(encoding="utf-8")


def test_the_ballots_csv_names_co_ops_for_open_votes_only_and_nothing_of_a_running_one(
    app, ctx, world, record, tmp_path
):
    ballots = _tables(app, tmp_path / "out")["ballots"]
    thames, hudson, rio = (c.slug for c in world.coops)
    open_rows = [b for b in ballots if b["vote_id"] == str(record["open"])]
    assert {(b["coop"], b["choice"]) for b in open_rows} == {(thames, "yes"), (hudson, "no"), (rio, "yes")}

    secret_rows = [b for b in ballots if b["vote_id"] == str(record["secret"])]
    assert sorted(b["choice"] for b in secret_rows) == ["no", "yes"]
    assert all(b["secrecy"] == "secret" and b["coop"] == "" for b in secret_rows)
    for b in secret_rows:  # no co-op, person, time or receipt under any column
        assert {k for k, v in b.items() if v} == {"proposal_id", "vote_id", "secrecy", "choice"}
        assert not {thames, hudson, rio} & set(b.values())
    assert not [b for b in ballots if b["vote_id"] == str(record["running"])]


def test_the_agreements_csv_has_a_row_per_version_with_its_state_and_hashes(app, ctx, world, tmp_path):
    made = agreement_factories.agreement(world)
    [version] = made.versions
    [row] = _tables(app, tmp_path / "out")["agreements"]
    assert row["agreement_id"] == str(made.id) and row["number"] == "1"
    assert row["state"] == version.state.value and row["terms_sha256"] == version.terms_sha256
    assert set(row["counterparts"].split()) == {c.slug for c in world.coops}


def test_a_folder_that_is_not_empty_is_refused_and_nothing_is_written(app, ctx, world, record, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["export-network", "testnet", str(tmp_path)])
    assert refused.exit_code == 1 and f"{tmp_path} is not empty" in refused.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]

    unknown = runner.invoke(args=["export-network", "nowhere", str(tmp_path / "new")])
    assert unknown.exit_code == 1 and not (tmp_path / "new").exists()
    both = runner.invoke(
        args=["export-network", "testnet", str(tmp_path / "new"), "--out", str(tmp_path / "x")]
    )
    assert both.exit_code == 1 and "not both" in both.output
    assert not (tmp_path / "new").exists() and not (tmp_path / "x").exists()
    (tmp_path / "empty").mkdir()
    assert runner.invoke(args=["export-network", "testnet", str(tmp_path / "empty")]).exit_code == 0
    assert (tmp_path / "empty" / "votes.csv").exists()


def test_no_csv_cell_is_a_spreadsheet_formula_and_the_json_keeps_the_text(app, ctx, world, tmp_path):
    """OWASP ASVS 5.0, 1.2.10: "special characters (including '=', '+', '-', '@', '\\t' (tab), and '\\0'
    (null character)) must be escaped with a single quote if they appear as the first character in a
    field value." A title or a pledge note is typed by a delegate; the export is opened by an admin."""
    title = '=HYPERLINK("http://example.com/x","Click")'
    proposal(world, title=title, discuss=True)
    campaign = open_campaign(world, commit=False)
    pledge(world, campaign, 0, hours=4, note="@SUM(1+1)", commit=False)
    db.session.commit()
    folder = tmp_path / "testnet"
    tables = _tables(app, folder)
    assert "'" + title in {p["title"] for p in tables["proposals"]}
    assert [p["note"] for p in tables["pledges"]] == ["'@SUM(1+1)"]
    data = json.loads((folder / "network.json").read_text(encoding="utf-8"))
    assert title in {p["title"] for p in data["proposals"]}  # the record itself is not changed
    assert all(
        cell[:1] not in "=+-@\t\0" or not cell
        for table in tables.values()
        for row in table
        for cell in row.values()
    )
