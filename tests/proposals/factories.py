"""Proposals made through the service, as the app makes them (the votes tests can use these too)."""

from __future__ import annotations

from governance.extensions import db
from proposals import service
from proposals.lifecycle import Transition
from proposals.models import Kind, Proposal

HOSTING_FACTS = {
    "monthly_revenue_minor": 125_000,
    "monthly_costs_minor": 40_000,
    "currency": "GBP",
    "hours_per_month": 60,
    "seats": 3,
    "term_months": 24,
}


def proposal(
    world,
    *,
    kind: Kind = Kind.SHARED_SERVICE,
    title: str = "Host the shared service",
    networks=None,
    facts: dict | None = None,
    discuss: bool = False,
    commit: bool = True,
    **text,
) -> Proposal:
    """A draft by the world's steward to Testnet (or `networks`), with the facts a shared service needs;
    `discuss=True` opens it for discussion."""
    made = service.create_proposal(
        actor=world.steward,
        networks=networks or [world.network],
        kind=kind,
        title=title,
        summary=text.get("summary", "Take over the hosted service as its co-operative host."),
        body=text.get("body", "## Why\n\nIt earns over **£1,000 a month** and needs hands."),
        facts=(HOSTING_FACTS if kind.has_facts else None) if facts is None else facts,
    )
    if discuss:
        service.apply_transition(made, Transition.OPEN_DISCUSSION, actor=world.steward)
    if commit:
        db.session.commit()
    return made
