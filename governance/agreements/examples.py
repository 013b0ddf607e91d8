"""Example terms of any number of parties, for the benchmark and the tests (plain Python)."""

from __future__ import annotations

from decimal import Decimal

from governance.agreements.terms import Contribution, Party, Targets, Terms, VoteRecord
from governance.texts import N_

NAMES = [
    ("Thames Code Co-op", "GB", "GBP"),
    ("Hudson Tech Collective", "US", "USD"),
    ("Cooperativa Río Software", "AR", "ARS"),
    ("Lakeshore Tech Co-op", "CA", "CAD"),
    ("Mill Digital", "GB", "GBP"),
    ("Bay Commons Dev", "US", "USD"),
    ("Paraná Sistemas", "AR", "ARS"),
    ("Clyde Web Workers", "GB", "GBP"),
    ("Prairie Code Co-op", "CA", "CAD"),
    ("Ñandú Digital", "AR", "ARS"),
    ("Harbour Stack", "GB", "GBP"),
    ("Rust Belt Devs", "US", "USD"),
]
RATES = {"GBP": Decimal("1"), "USD": Decimal("0.79"), "CAD": Decimal("0.58"), "ARS": Decimal("0.00087")}


def contribution(index: int, currency: str) -> Contribution:
    base_minor = 10_000 + 2_500 * index  # £100.00, £125.00, ...
    money_minor = int(Decimal(base_minor) / RATES[currency])
    return Contribution(
        money_minor=money_minor,
        currency=currency,
        base_minor=int(Decimal(money_minor) * RATES[currency]),
        base_currency="GBP",
        rate=str(RATES[currency]),
        hours=4 + index,
        seats=1 + index % 3,
        schedule=N_("Monthly, on the first working day."),
    )


def terms(parties: int = 3, *, coops: list[tuple[int, str, str]] | None = None) -> Terms:
    """Terms among `parties` made-up co-ops, or among `coops` given as (id, name, country)."""
    currencies = {"GB": "GBP", "US": "USD", "CA": "CAD", "AR": "ARS"}
    if coops is None:
        coops = [(i + 1, *NAMES[i % len(NAMES)][:2]) for i in range(parties)]
        coops = [(i, name if i <= len(NAMES) else f"{name} {i}", country) for i, name, country in coops]
    party_list = tuple(
        Party(
            coop_id=coop_id,
            name=name,
            country=country,
            delegates=(f"Delegate of {name}",),
            contribution=contribution(i, currencies.get(country, "GBP")),
        )
        for i, (coop_id, name, country) in enumerate(coops)
    )
    return Terms(
        title="Shared hosting of the co-operative web service",
        proposal_id=7,
        proposal_title="Host the shared service together",
        revision=3,
        kind="Shared service adoption",
        summary="The co-ops share the hosting and the rota of the service.",
        parties=party_list,
        vote=VoteRecord(
            method="Yes or no, two thirds of the votes cast",
            sentence="Passed: 6 of 8 co-ops voted yes (75%), above the two thirds required; quorum met.",
            closed_at="2026-11-20T17:00:00+00:00",
            figures=(("Yes", "6"), ("No", "1"), ("Abstain", "1"), ("Turnout", "8 of 8")),
        ),
        targets=Targets(
            base_currency="GBP",
            money_minor=100_000,
            hours=40,
            seats=4,
            min_coops=3,
            deadline="2026-11-30T17:00:00+00:00",
            rates=tuple((c, str(r)) for c, r in RATES.items() if c != "GBP"),
        ),
        campaign_id=4,
        term_months=12,
        starts_on="2027-01-01",
        notice_days=60,
        governance="A steering group of one delegate per party meets monthly; decisions by consent.",
    )
