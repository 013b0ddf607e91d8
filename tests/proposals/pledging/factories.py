"""Campaigns made through the service, as the app makes them (the agreements tests can use these too)."""

from __future__ import annotations

from datetime import datetime, timedelta

from governance.extensions import db
from governance.types import utcnow
from proposals.pledging import service
from proposals.pledging.models import Campaign
from tests.voting.factories import open_vote
from voting import service as voting_service


def passed_proposal(world, *, now: datetime | None = None, **proposal_args):
    """A shared-service proposal to Testnet whose yes/no vote every co-op passed two days ago."""
    start = (now or utcnow()) - timedelta(days=2)
    vote = open_vote(world, now=start, lasts=timedelta(days=1), commit=False, **proposal_args)
    for coop, delegate in zip(world.coops, world.delegates, strict=True):
        voting_service.cast_ballot(
            vote, actor=delegate, coop=coop, choice="yes", now=start + timedelta(hours=1)
        )
    voting_service.close_vote(vote, now=vote.closes_at)
    db.session.commit()
    return vote.proposal


def settings(*, now: datetime | None = None, **overrides) -> service.CampaignSettings:
    """GBP, with USD and ARS at fixed rates; £1,000 and 60 hours a month, a host, at least two co-ops."""
    now = now or utcnow()
    values = {
        "base_currency": "GBP",
        "rates": [
            service.RateIn("USD", "1.27", now.date().isoformat(), "Bank of England daily spot rate"),
            service.RateIn("ARS", "1284.5", now.date().isoformat(), "Banco de la Nación Argentina"),
        ],
        "target_money": "1000.00",
        "target_hours": 60,
        "seats": {"host": 1},
        "min_coops": 2,
        "term_months": 24,
        "notice_days": 90,
        "deadline_at": now + timedelta(days=7),
        "time_zone": "Europe/London",
    }
    values.update(overrides)
    return service.CampaignSettings(**values)


def open_campaign(
    world, *, proposal=None, now: datetime | None = None, commit: bool = True, **overrides
) -> Campaign:
    now = now or utcnow()
    proposal = proposal or passed_proposal(world, now=now)
    campaign = service.open_campaign(
        proposal, actor=world.steward, settings=settings(now=now, **overrides), now=now
    )
    if commit:
        db.session.commit()
    return campaign


def pledge(world, campaign, index: int, *, now: datetime | None = None, commit: bool = True, **values):
    made = service.make_pledge(
        campaign,
        actor=world.delegates[index],
        coop=world.coops[index],
        pledge=service.PledgeIn(**values),
        now=now,
    )
    if commit:
        db.session.commit()
    return made
