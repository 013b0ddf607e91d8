"""The seed's proposal for the demo: a co-operative host for the shared hosted service (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from governance.extensions import db
from governance.models import person_by_email
from proposals import service
from proposals.lifecycle import Transition
from proposals.models import Kind, Proposal, Stance

TITLE = "Take over the shared hosted service as its new co-operative host"
SUMMARY = (
    "The shared hosted service already earns over £1,000 a month, but its last team could not carry the "
    "work. Together, UK and US tech co-ops can host it: we need enough of us to cover the hours."
)
BODY = """\
## Why

The service has paying customers and **recurring revenue of about £1,250 a month**. Its earlier team
failed for lack of *capacity*, not of demand. One co-op alone cannot carry it; a group of us can.

## What we would do

1. Form a small joint team with one seat per committed co-op.
2. Share the on-call rota and the support queue across time zones (London, New York, Toronto).
3. Reinvest the surplus in the service for the first year.

## What each co-op would give

About **60 hours a month** in total, split between the co-ops that are in, for a term of two years.

See the thread that started this: [the round-table discussion](https://www.coops.tech/).
"""
FACTS = {
    "monthly_revenue_minor": 125_000,
    "monthly_costs_minor": 42_000,
    "currency": "GBP",
    "hours_per_month": 60,
    "seats": 4,
    "term_months": 24,
}
NETWORKS = ["CoTech", "US Worker Co-op Tech Network", "Patio"]
SIGNALS = [
    ("Thames Code Co-op", Stance.INTERESTED, "We can give 15 hours a month and a seat."),
    ("Hudson Tech Collective", Stance.INTERESTED, "Happy to cover the US evening on-call."),
    ("Clyde Web Workers", Stance.INTERESTED, "10 hours a month, mostly ops."),
    ("Lakeshore Tech Co-op", Stance.UNDECIDED, "Our members meet on the 3rd; we will answer then."),
    ("Mill Digital", Stance.NOT_INTERESTED, "Fully booked this year, good luck!"),
]
COMMENTS = [
    (
        "delegate",
        "Thames Code Co-op",
        "Who holds the customer contracts today, and can they be assigned to us?",
    ),
    ("member", "Hudson Tech Collective", "We ran something similar in 2023; happy to share our runbook."),
    ("delegate", "Clyde Web Workers", "Could the first three months be a trial, with an easy way out?"),
]


def load(world) -> None:
    if db.session.scalar(select(Proposal.id).where(Proposal.title == TITLE)) is not None:
        return
    proposal = service.create_proposal(
        actor=world.steward,
        networks=[world.networks[name] for name in NETWORKS],
        kind=Kind.SHARED_SERVICE,
        title=TITLE,
        summary=SUMMARY,
        body=BODY,
        facts=FACTS,
        change_note="First draft, from the round-table thread.",
    )
    service.apply_transition(
        proposal, Transition.OPEN_DISCUSSION, actor=world.steward, note="Over to the co-ops."
    )
    for coop_name, stance, note in SIGNALS:
        coop = world.coops[coop_name]
        delegate = person_by_email(f"delegate@{coop.slug}.example")
        service.signal_interest(proposal, actor=delegate, coop=coop, stance=stance, note=note)
    first = None
    for role, coop_name, text in COMMENTS:
        author = person_by_email(f"{role}@{world.coops[coop_name].slug}.example")
        comment = service.add_comment(proposal, actor=author, body=text)
        first = first or comment
    service.add_comment(
        proposal,
        actor=world.steward,
        body="Today the host co-op signs them; they transfer with notice.",
        parent=first,
    )
