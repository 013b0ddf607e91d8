"""A network's export written as a folder: `network.json` and one CSV file per table, header row first.

The tables are read from the exported data (`export.export_network`), never from the database, so a CSV holds
nothing the JSON does not: a secret vote's ballots are its choices with no co-op, a running vote's none.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from governance.spreadsheets import text_cell

Rows = list[dict[str, Any]]
# Each table's leading columns, written even when the table has no rows; other columns follow as found.
COLUMNS = {
    "coops": ["id", "slug", "name", "people"],
    "people": ["id", "name", "email", "time_zone", "locale", "coops", "network_roles"],
    "proposals": ["id", "title", "state", "networks", "vote", "campaign", "agreement"],
    "votes": [
        "proposal_id",
        "id",
        "method",
        "secrecy",
        "opens_at",
        "closes_at",
        "closed_at",
        "outcome",
        "result",
        "electors",
        "taken_part",
        "ballots_shown",
    ],
    "ballots": ["proposal_id", "vote_id", "secrecy", "coop", "choice", "reason"],
    "pledges": ["proposal_id", "campaign_id", "coop", "id", "is_current"],
    "agreements": [
        "proposal_id",
        "agreement_id",
        "id",
        "number",
        "state",
        "terms_sha256",
        "data_sha256",
        "final_sha256",
        "counterparts",
        "signatures",
    ],
    "meetings": ["id", "title", "state", "networks", "slots", "confirmed_slot"],
}


def _scalars(data: dict[str, Any], *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in leave_out and not isinstance(v, list | dict)}


def _coops(data: dict[str, Any]) -> Rows:
    return [_scalars(c) | {"people": len(c["people"])} for c in data["coops"]]


def _people(data: dict[str, Any]) -> Rows:
    slugs: dict[int, list[str]] = {}
    for coop in data["coops"]:
        for member in coop["people"]:
            slugs.setdefault(member["person"], []).append(f"{coop['slug']}:{member['role']}")
    roles: dict[int, list[str]] = {}
    for role in data["roles"]:
        roles.setdefault(role["person"], []).append(role["role"])
    return [
        p | {"coops": " ".join(slugs.get(p["id"], [])), "network_roles": " ".join(roles.get(p["id"], []))}
        for p in data["people"]
    ]


def _proposals(data: dict[str, Any]) -> Rows:
    return [
        _scalars(p)
        | {"networks": " ".join(p["networks"])}
        | {part: (p[part] or {}).get("id") for part in ("vote", "campaign", "agreement")}
        for p in data["proposals"]
    ]


def _votes(data: dict[str, Any]) -> Rows:
    return [
        {"proposal_id": p["id"]}
        | _scalars(v)
        | {"result": v["result"], "electors": len(v["electors"]), "taken_part": " ".join(v["taken_part"])}
        for p in data["proposals"]
        if (v := p["vote"])
    ]


def _ballots(data: dict[str, Any]) -> Rows:
    rows: Rows = []
    for p in data["proposals"]:
        if not (v := p["vote"]):
            continue
        about = {"proposal_id": p["id"], "vote_id": v["id"], "secrecy": v["secrecy"]}
        rows += [about | b for b in v.get("ballots", [])]  # an open vote's, after its close
        rows += [
            about | {"coop": ""} | c for c in v.get("choices", [])
        ]  # a secret one's: choice and reason only
    return rows


def _pledges(data: dict[str, Any]) -> Rows:
    return [
        {"proposal_id": p["id"], "campaign_id": p["campaign"]["id"]} | pledge
        for p in data["proposals"]
        if p["campaign"]
        for pledge in p["campaign"]["pledges"]
    ]


def _agreements(data: dict[str, Any]) -> Rows:
    return [
        {"proposal_id": p["id"], "agreement_id": p["agreement"]["id"]}
        | _scalars(version, leave_out=("data_json",))
        | {
            "counterparts": " ".join(c["coop"] for c in version["counterparts"]),
            "signatures": " ".join(s["coop"] for s in version["signatures"]),
        }
        for p in data["proposals"]
        if p["agreement"]
        for version in p["agreement"]["versions"]
    ]


def _meetings(data: dict[str, Any]) -> Rows:
    return [
        _scalars(m)
        | {
            "networks": " ".join(m["networks"]),
            "slots": len(m["slots"]),
            "confirmed_slot": next((s["starts_at"] for s in m["slots"] if s["is_confirmed"]), ""),
        }
        for m in data["meetings"]
    ]


TABLES = {
    "coops": _coops,
    "people": _people,
    "proposals": _proposals,
    "votes": _votes,
    "ballots": _ballots,
    "pledges": _pledges,
    "agreements": _agreements,
    "meetings": _meetings,
}


def _cell(value: Any) -> Any:
    """A value as its CSV cell: lists and objects as JSON, text never a spreadsheet formula."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return text_cell(value)
    return "" if value is None else value


def _write_csv(path: Path, columns: list[str], rows: Rows) -> None:
    for found in rows:
        columns += [k for k in found if k not in columns]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in found.items()} for found in rows)


def write_folder(data: dict[str, Any], folder: Path) -> dict[str, int]:
    """Write `network.json` and the CSV files into `folder` (made if missing); the rows written per table."""
    tables = {name: build(data) for name, build in TABLES.items()}  # all built before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "network.json").open("w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, indent=2)
        file.write("\n")
    for name, rows in tables.items():
        _write_csv(folder / f"{name}.csv", list(COLUMNS[name]), rows)
    return {name: len(rows) for name, rows in tables.items()}
