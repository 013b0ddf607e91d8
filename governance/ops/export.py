"""One network's record as JSON: `flask --app wsgi export-network SLUG [--out FILE]`.

Its co-ops and their people (no password hashes, tokens or other secrets), its stewards and admins, the
proposals addressed to it with their revisions and state changes, their votes with electorates, proxies
and ballots as the vote's secrecy allows, pledge campaigns with their rates and pledges, agreements
(metadata: no PDF bytes, no signers' addresses) and meetings with their slots and answers.

Ballots: while a vote runs, only who has taken part; after an open vote's close, each co-op's ballots;
after a secret vote's close, the choices and reasons with no co-op, person or time, ordered by what they
say, and the receipts apart in their own order (as the published list is), so neither names the other.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect

from governance.extensions import db
from governance.models import Network
from governance.types import utcnow

FORMAT = "roundtable-network-export/1"
# Never exported, whatever the table: what lets someone act as another, or unmasks a secret ballot.
SECRET_COLUMNS = {"password_hash", "session_version", "token_hash", "nonce", "url_encrypted", "ip_address"}


class ExportError(Exception):
    pass


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row(obj: Any, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The object's columns, but secrets, binary content and `leave_out`."""
    found = {}
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in SECRET_COLUMNS or attr.key in leave_out or isinstance(column.type, sa.LargeBinary):
            continue
        found[attr.key] = _value(getattr(obj, attr.key))
    return found


def _person(person) -> dict[str, Any]:
    return {k: _value(getattr(person, k)) for k in ("id", "name", "email", "time_zone", "locale")}


def _ballots(vote) -> dict[str, Any]:
    taken_part = sorted({b.coop.slug for b in vote.ballots if b.is_current})
    if vote.closed_at is None:
        return {"ballots_shown": "none while the vote runs", "taken_part": taken_part}
    if vote.secrecy.value == "secret":
        current = [b for b in vote.ballots if b.is_current]
        # Each list in an order of its own (the choices by what they say, the receipts by their text), so
        # that the n-th receipt is not the n-th choice: a receipt proves a ballot was counted, and must not
        # prove to anyone its co-op shows it to how the co-op voted (the BLT file is by content too).
        return {
            "ballots_shown": "secret: choices without co-ops",
            "taken_part": taken_part,
            "choices": sorted(
                ({"choice": b.choice, "reason": b.reason} for b in current),
                key=lambda c: (json.dumps(c["choice"], sort_keys=True), c["reason"] or ""),
            ),
            "receipts": sorted(b.receipt for b in current),
        }
    return {
        "ballots_shown": "open: each co-op's",
        "taken_part": taken_part,
        "ballots": [row(b) | {"coop": b.coop.slug} for b in vote.ballots],
    }


def _vote(vote) -> dict[str, Any]:
    return (
        row(vote)
        | {"electors": [{"coop": e.coop.slug, "weight": e.weight} for e in vote.electors]}
        | {"proxies": [row(p) for p in vote.proxies]}
        | _ballots(vote)
    )


def _campaign(campaign) -> dict[str, Any]:
    return row(campaign) | {
        "rates": [row(r) for r in campaign.rates],
        "pledges": [row(p) | {"coop": p.coop.slug} for p in campaign.pledges],
    }


def _agreement(agreement) -> dict[str, Any]:
    return row(agreement) | {
        "versions": [
            row(v)
            | {
                "counterparts": [row(c) | {"coop": c.coop.slug} for c in v.counterparts],
                "signatures": [row(s) | {"coop": s.coop.slug} for s in v.signatures],
            }
            for v in agreement.versions
        ]
    }


def _proposal(proposal) -> dict[str, Any]:
    vote = getattr(proposal, "vote", None)
    campaign = getattr(proposal, "campaign", None)
    agreement = getattr(proposal, "agreement", None)
    return row(proposal) | {
        "networks": [n.slug for n in proposal.networks],
        "revisions": [row(r) for r in proposal.revisions],
        "state_changes": [row(c) for c in proposal.state_changes],
        "interests": [row(i) | {"coop": i.coop.slug} for i in proposal.interests],
        "vote": _vote(vote) if vote is not None else None,
        "campaign": _campaign(campaign) if campaign is not None else None,
        "agreement": _agreement(agreement) if agreement is not None else None,
    }


def _meeting(meeting) -> dict[str, Any]:
    return row(meeting) | {
        "networks": [n.slug for n in meeting.networks],
        "agenda_proposals": [p.id for p in meeting.agenda_proposals],
        "slots": [
            row(s)
            | {
                "coop_answers": [row(a) | {"coop": a.coop.slug} for a in s.coop_answers],
                "person_answers": [row(a) for a in s.person_answers],
            }
            for s in meeting.slots
        ],
    }


def export_network(slug: str) -> dict[str, Any]:
    """The network's record, as plain JSON-ready data."""
    from governance.meetings.models import Meeting
    from proposals.models import Proposal

    network = db.session.scalar(sa.select(Network).where(Network.slug == slug))
    if network is None:
        raise ExportError(f"No network called {slug!r}.")
    coops = network.coops
    people = {m.person.id: m.person for c in coops for m in c.people}
    people |= {r.person.id: r.person for r in network.roles}
    proposals = db.session.scalars(
        sa.select(Proposal).where(Proposal.networks.any(Network.id == network.id)).order_by(Proposal.id)
    ).all()
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.networks.any(Network.id == network.id)).order_by(Meeting.id)
    ).all()
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "network": row(network),
        "coops": [
            row(c) | {"people": [{"person": m.person_id, "role": m.role.value} for m in c.people]}
            for c in coops
        ],
        "people": [_person(p) for p in sorted(people.values(), key=lambda p: p.id)],
        "roles": [{"person": r.person_id, "role": r.role.value} for r in network.roles],
        "proposals": [_proposal(p) for p in proposals],
        "meetings": [_meeting(m) for m in meetings],
    }
