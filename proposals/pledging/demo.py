"""Demo pledge campaigns (idempotent; runs after voting.demo): one open, one committed.

- The seed's shared hosted service, while its vote is open: £1,000 and 60 hours a month, a host seat, at
  least four co-ops; pledges in GBP, USD, ARS, CAD and EUR. Lakeshore's is conditional on five co-ops and
  Río's on the money reaching £1,000, so both wait: three co-ops stand, and it is still open.
- A shared on-call rota, voted, pledged and committed in the past, so the agreements feature has a
  committed campaign with fixed contributions to draw on.
Everything goes through the services, with past times (`now=`) for the committed one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from governance.extensions import db
from governance.models import person_by_email
from governance.types import utcnow
from proposals import demo as proposals_demo
from proposals import service as proposals_service
from proposals.lifecycle import State, Transition
from proposals.models import Kind, Proposal
from proposals.pledging import service
from voting import service as voting_service
from voting.counting import Method

SOURCE = "Demo rates, entered by the steward from the day's published spot rates"
RATES = {"USD": "1.27", "ARS": "1284.5", "CAD": "1.74", "EUR": "1.17"}
# co-op, currency, money a month, hours a month, seats, condition (co-ops, money in GBP), note
OPEN_PLEDGES = [
    (
        "Thames Code Co-op",
        "GBP",
        "400.00",
        20,
        ["host"],
        None,
        None,
        "We will host it and hold the contracts.",
    ),
    ("Hudson Tech Collective", "USD", "254.00", 15, [], None, None, "US evening on-call."),
    ("Clyde Web Workers", "EUR", "117.00", 10, [], None, None, "Ops hours; we invoice in euros."),
    ("Lakeshore Tech Co-op", "CAD", "174.00", 5, [], 5, None, "Our members agreed: in once five co-ops are."),
    ("Cooperativa Río Software", "ARS", "128450.00", 10, [], None, "1000.00", "Si llegamos a las £1.000."),
]
ROTA_TITLE = "A shared on-call rota for the co-ops' hosting clients"
ROTA_NETWORKS = ["CoTech", "Patio"]
ROTA_FACTS = {
    "monthly_revenue_minor": 180_000,
    "monthly_costs_minor": 90_000,
    "currency": "GBP",
    "hours_per_month": 30,
    "seats": 1,
    "term_months": 12,
}
ROTA_PLEDGES = [
    ("Thames Code Co-op", "GBP", "300.00", 10, ["coordinator"]),
    ("Hudson Tech Collective", "USD", "381.00", 10, []),
    ("Clyde Web Workers", "GBP", "150.00", 8, []),
    ("Lakeshore Tech Co-op", "CAD", "261.00", 6, []),
]


def load(world) -> None:
    now = utcnow().replace(microsecond=0)
    seed = db.session.scalar(select(Proposal).where(Proposal.title == proposals_demo.TITLE))
    if seed is not None and seed.state == State.VOTING and seed.campaign is None and seed.vote is not None:
        _open_campaign(world, seed, now)
    if db.session.scalar(select(Proposal.id).where(Proposal.title == ROTA_TITLE)) is None:
        _committed_rota(world, now)


def _delegate(world, coop_name: str):
    return person_by_email(f"delegate@{world.coops[coop_name].slug}.example")


def _rates(now) -> list[service.RateIn]:
    return [service.RateIn(code, rate, now.date().isoformat(), SOURCE) for code, rate in RATES.items()]


def _open_campaign(world, proposal: Proposal, now) -> None:
    campaign = service.open_campaign(
        proposal,
        actor=world.steward,
        now=now,
        settings=service.CampaignSettings(
            base_currency="GBP",
            rates=_rates(now),
            target_money="1000.00",
            target_hours=60,
            seats={"host": 1},
            min_coops=4,
            deadline_at=proposal.vote.closes_at + timedelta(days=14),
            term_months=24,
            notice_days=90,
            time_zone="Europe/London",
        ),
    )
    for name, currency, amount, hours, seats, min_coops, min_money, note in OPEN_PLEDGES:
        service.make_pledge(
            campaign,
            actor=_delegate(world, name),
            coop=world.coops[name],
            now=now,
            pledge=service.PledgeIn(
                currency=currency,
                money=amount,
                hours=hours,
                seats=seats,
                min_coops=min_coops,
                min_money=min_money,
                note=note,
            ),
        )


def _committed_rota(world, now) -> None:
    proposal = proposals_service.create_proposal(
        actor=world.steward,
        networks=[world.networks[n] for n in ROTA_NETWORKS],
        kind=Kind.JOINT_VENTURE,
        title=ROTA_TITLE,
        summary="One rota across London, New York and Toronto, so each co-op's hosting clients have cover "
        "around the clock without any co-op staffing nights.",
        body="Each party gives hours a month to a shared rota and a share of its cost; one co-op "
        "coordinates it. The rota is reviewed after twelve months.",
        facts=ROTA_FACTS,
    )
    proposals_service.apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=world.steward)
    opened = now - timedelta(days=30)
    vote = voting_service.open_vote(
        proposal,
        actor=world.steward,
        now=opened,
        settings=voting_service.VoteSettings(
            method=Method.YES_NO,
            opens_at=opened,
            closes_at=opened + timedelta(days=5),
            time_zone="Europe/London",
        ),
    )
    for name, *_ in ROTA_PLEDGES:
        voting_service.cast_ballot(
            vote,
            actor=_delegate(world, name),
            coop=world.coops[name],
            choice="yes",
            now=opened + timedelta(days=1),
        )
    voting_service.close_vote(vote, now=vote.closes_at)
    started = vote.closes_at + timedelta(hours=2)
    campaign = service.open_campaign(
        proposal,
        actor=world.steward,
        now=started,
        settings=service.CampaignSettings(
            base_currency="GBP",
            rates=_rates(started),
            target_money="900.00",
            target_hours=30,
            seats={"coordinator": 1},
            min_coops=3,
            deadline_at=started + timedelta(days=14),
            term_months=12,
            notice_days=60,
            time_zone="Europe/London",
        ),
    )
    for name, currency, amount, hours, seats in ROTA_PLEDGES:
        service.make_pledge(
            campaign,
            actor=_delegate(world, name),
            coop=world.coops[name],
            now=started + timedelta(days=2),
            pledge=service.PledgeIn(currency=currency, money=amount, hours=hours, seats=seats),
        )
    service.settle_campaign(campaign, now=campaign.deadline_at)
