"""Pledge campaigns through the service: opening, pledging, refusals, settling once, early commit, extension."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from governance.audit import AuditEvent
from governance.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, PledgingClosed
from governance.extensions import db
from governance.types import utcnow
from proposals import service as proposals_service
from proposals.lifecycle import State, Transition
from proposals.pledging import service
from proposals.pledging.models import CampaignState, Pledge, PledgeEnd
from tests.proposals.factories import proposal as make_proposal
from tests.proposals.pledging.factories import open_campaign, passed_proposal, pledge, settings
from tests.voting.factories import open_vote
from voting import service as voting_service


def events(action) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == str(action)).order_by(AuditEvent.seq)
        )
    )


def event_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def meet_every_target(world, campaign, *, now=None):
    """Thames hosts with £600 and 40 hours; Hudson gives US$508 (= £400.00) and 20 hours."""
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], now=now)
    pledge(world, campaign, 1, currency="USD", money="508.00", hours=20, now=now)


# Opening


def test_opening_a_campaign_on_a_passed_proposal_moves_it_to_pledging(world):
    campaign = open_campaign(world)
    assert campaign.proposal.state == State.PLEDGING and campaign.state == CampaignState.OPEN
    assert [(r.currency, r.rate) for r in campaign.rates] == [
        ("ARS", Decimal("1284.5")),
        ("USD", Decimal("1.27")),
    ]
    [opened] = events(service.Action.OPENED)
    assert opened.data["targets"]["money_minor"] == 100_000 and opened.data["base_currency"] == "GBP"
    assert {r["currency"] for r in opened.data["rates"]} == {"USD", "ARS"}
    assert campaign.proposal.campaign is campaign


def test_a_campaign_on_a_rejected_proposal_is_refused(world):
    start = utcnow() - timedelta(days=2)
    vote = open_vote(world, now=start, lasts=timedelta(days=1))
    voting_service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="no", now=start)
    voting_service.close_vote(vote, now=vote.closes_at)
    assert vote.proposal.state == State.REJECTED
    before = event_count()
    with pytest.raises(Conflict, match="rejected"):
        service.open_campaign(vote.proposal, actor=world.steward, settings=settings())
    assert vote.proposal.campaign is None and event_count() == before


def test_only_a_steward_opens_a_campaign(world):
    proposal = passed_proposal(world)
    with pytest.raises(NotAllowed):
        service.open_campaign(proposal, actor=world.delegates[0], settings=settings())


def test_a_proposal_has_one_campaign(world):
    campaign = open_campaign(world)
    with pytest.raises(Conflict):
        service.open_campaign(campaign.proposal, actor=world.steward, settings=settings())


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"base_currency": "GBX"}, "base_currency", "ISO 4217"),
        ({"rates": [service.RateIn("GBP", "1", utcnow().date(), "x")]}, "rates.0.currency", "base currency"),
        ({"rates": [service.RateIn("USD", "-1.2", utcnow().date(), "x")]}, "rates.0.rate", "positive"),
        ({"rates": [service.RateIn("USD", "1.2", "2020-01-01", "x")]}, "rates.0.as_of", "more than a year"),
        ({"rates": [service.RateIn("USD", "1.2", utcnow().date(), "")]}, "rates.0.source", "source"),
        ({"min_coops": 4}, "min_coops", "1 to 3"),
        ({"seats": {"host": 4}}, "seats", "never be filled"),
        ({"target_money": "-5"}, "target_money", "negative"),
        ({"target_money": "1000.005"}, "target_money", "2 decimal places"),
        ({"target_hours": 10**7}, "target_hours", "1 to"),
        ({"deadline_at": utcnow() - timedelta(minutes=1)}, "deadline_at", "already passed"),
        ({"deadline_at": utcnow() + timedelta(days=800)}, "deadline_at", "two years"),
        ({"term_months": None}, "term_months", "term"),
        (
            {"target_money": None, "target_hours": None, "seats": {}, "min_coops": None},
            "target_money",
            "at least one target",
        ),
    ],
)
def test_bad_campaign_settings_are_refused_and_nothing_is_written(world, overrides, field, says):
    proposal = passed_proposal(world)
    before = event_count()
    with pytest.raises(InvalidInput, match=says) as caught:
        service.open_campaign(proposal, actor=world.steward, settings=settings(**overrides))
    assert field in caught.value.errors
    db.session.rollback()
    assert proposal.state == State.PASSED and proposal.campaign is None and event_count() == before


def test_the_bare_open_pledging_step_points_to_the_campaign_form(world):
    proposal = passed_proposal(world)
    with pytest.raises(InvalidTransition, match="targets and deadline"):
        proposals_service.take_step(proposal, Transition.OPEN_PLEDGING, actor=world.steward)
    assert proposal.state == State.PASSED


# Pledging


def test_a_pledge_in_another_currency_is_converted_at_the_fixed_rate(world):
    campaign = open_campaign(world)
    made = pledge(world, campaign, 1, currency="USD", money="127.00", hours=10, note="Evenings, US time")
    assert (made.money_minor, made.base_minor, made.currency) == (12_700, 10_000, "USD")
    [event] = events(service.Action.PLEDGE_MADE)
    assert event.data["coop"] == world.coops[1].slug
    assert (event.data["money_minor"], event.data["base_minor"], event.data["hours"]) == (12_700, 10_000, 10)


def test_a_changed_pledge_keeps_the_earlier_one_as_history(world):
    campaign = open_campaign(world)
    first = pledge(world, campaign, 0, money="100")
    second = pledge(world, campaign, 0, money="150", min_coops=2)
    rows = db.session.scalars(select(Pledge).where(Pledge.coop_id == world.coops[0].id)).all()
    assert len(rows) == 2 and [p.is_current for p in rows] == [False, True]
    assert first.end_reason == PledgeEnd.REPLACED and second.is_conditional
    [changed] = events(service.Action.PLEDGE_CHANGED)
    assert changed.data["replaces"]["money_minor"] == 10_000 and changed.data["money_minor"] == 15_000


def test_the_same_pledge_twice_is_refused_as_no_change(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="100")
    with pytest.raises(InvalidInput, match="nothing changed"):
        pledge(world, campaign, 0, money="100.00")


def test_a_withdrawn_pledge_is_kept_and_no_longer_counts(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="100")
    gone = service.withdraw_pledge(campaign, actor=world.delegates[0], coop=world.coops[0])
    assert gone.end_reason == PledgeEnd.WITHDRAWN and campaign.current_pledges == []
    assert events(service.Action.PLEDGE_WITHDRAWN)[0].data["money_minor"] == 10_000
    with pytest.raises(Conflict, match="no pledge"):
        service.withdraw_pledge(campaign, actor=world.delegates[0], coop=world.coops[0])


def test_the_count_of_co_ops_pledged_leaves_out_changed_and_withdrawn_pledges_and_reads_none(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="100")
    pledge(world, campaign, 0, money="120")  # a change: the first is replaced
    pledge(world, campaign, 1, money="100")
    pledge(world, campaign, 2, money="100")
    service.withdraw_pledge(campaign, actor=world.delegates[2], coop=world.coops[2])
    db.session.commit()  # expires the campaign's pledges: the count is the database's
    assert campaign.current_pledge_count == 2
    assert "pledges" in db.inspect(campaign).unloaded  # counted, not loaded
    assert len(campaign.current_pledges) == campaign.current_pledge_count == 2  # and once loaded, the same
    assert campaign.contribution_count == 0


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"money": "-10"}, "money", "negative"),
        ({"money": "ten pounds"}, "money", "not an amount"),
        ({"money": "1e14"}, "money", "too large"),
        ({"money": 12.5}, "money", "decimal number in a string"),
        ({"money": "10.001"}, "money", "2 decimal places"),
        ({"currency": "EUR", "money": "10"}, "currency", "GBP, ARS, USD"),
        ({"hours": 10_001}, "hours", "0 to 10,000"),
        ({"hours": -1}, "hours", "0 to 10,000"),
        ({"money": "10", "min_coops": 4}, "min_coops", "can never hold"),
        ({"seats": ["treasurer"]}, "seats", "no seat called"),
        ({}, "money", "some money, some hours or a seat"),
    ],
)
def test_bad_pledges_are_refused_and_nothing_is_written(world, values, field, says):
    campaign = open_campaign(world)
    before = event_count()
    with pytest.raises(InvalidInput, match=says) as caught:
        pledge(world, campaign, 0, commit=False, **values)
    assert field in caught.value.errors
    db.session.rollback()
    assert campaign.pledges == [] and event_count() == before


def test_only_a_delegate_of_the_coop_pledges_for_it(world):
    campaign = open_campaign(world)
    for someone in (world.members[0], world.delegates[1]):
        with pytest.raises(NotAllowed, match="Only a delegate of Thames Code"):
            service.make_pledge(
                campaign, actor=someone, coop=world.coops[0], pledge=service.PledgeIn(money="5")
            )


def test_a_pledge_at_the_deadline_is_refused(world):
    campaign = open_campaign(world)
    with pytest.raises(PledgingClosed, match="deadline"):
        pledge(world, campaign, 0, money="100", now=campaign.deadline_at)
    made = pledge(world, campaign, 0, money="100", now=campaign.deadline_at - timedelta(microseconds=1))
    assert made.is_current


# Settling


def test_a_met_campaign_commits_at_the_deadline_once_and_fixes_each_contribution(world):
    seen = []
    service.committed_hooks.append(seen.append)
    try:
        campaign = open_campaign(world)
        meet_every_target(world, campaign)
        assert service.settle_campaign(campaign, now=campaign.deadline_at) is True
        assert service.settle_campaign(campaign, now=campaign.deadline_at + timedelta(hours=1)) is False
    finally:
        service.committed_hooks.remove(seen.append)
    assert seen == [campaign]
    assert campaign.state == CampaignState.COMMITTED
    # The commit is the proposal's step to committed; the agreements feature's hook then draws the agreement.
    assert [c.to_state for c in campaign.proposal.state_changes[-2:]] == [State.COMMITTED, State.AGREEMENT]
    fixed = {
        c.coop.slug: (c.currency, c.money_minor, c.base_minor, c.rate_text, c.hours)
        for c in campaign.contributions
    }
    assert fixed == {
        world.coops[0].slug: ("GBP", 60_000, 60_000, "1", 40),
        world.coops[1].slug: ("USD", 50_800, 40_000, "1.27", 20),
    }
    [committed] = events(service.Action.COMMITTED)
    assert committed.data["totals"]["money_minor"] == 100_000 and len(committed.data["contributions"]) == 2
    with pytest.raises(PledgingClosed, match="committed"):
        pledge(world, campaign, 2, money="5")


def test_an_unmet_campaign_lapses_and_nobody_owes_anything(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    assert service.settle_campaign(campaign, now=campaign.deadline_at)
    assert campaign.state == CampaignState.LAPSED and campaign.proposal.state == State.LAPSED
    assert campaign.contributions == []
    [lapsed] = events(service.Action.LAPSED)
    assert {s["target"] for s in lapsed.data["shortfalls"]} == {"money", "hours", "coops"}
    with pytest.raises(PledgingClosed, match="lapsed"):
        pledge(world, campaign, 1, money="5")


def test_a_conditional_pledge_that_does_not_stand_is_not_bound(world):
    campaign = open_campaign(world, min_coops=None, target_money="600", target_hours=None)
    pledge(world, campaign, 0, money="600", seats=["host"])
    pledge(world, campaign, 1, money="50", min_coops=3)
    service.settle_campaign(campaign, now=campaign.deadline_at)
    assert campaign.is_committed and [c.coop.slug for c in campaign.contributions] == [world.coops[0].slug]


def test_reading_a_campaign_past_its_deadline_settles_it(world):
    campaign = open_campaign(world, now=utcnow() - timedelta(days=8))
    service.get_campaign(world.steward, campaign.id)
    assert campaign.state == CampaignState.LAPSED


def test_a_steward_commits_early_only_once_every_target_is_met(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    with pytest.raises(
        Conflict, match=re.escape("£400.00 more a month; 20 more hours a month; one more co-op")
    ):
        service.commit_early(campaign, actor=world.steward)
    pledge(world, campaign, 1, currency="USD", money="508", hours=20)
    with pytest.raises(NotAllowed):
        service.commit_early(campaign, actor=world.delegates[0])
    service.commit_early(campaign, actor=world.steward)
    assert campaign.is_committed and campaign.settled_by == world.steward
    # COMMIT_EARLY, then the agreement drawn by the agreements feature's hook (PREPARE_AGREEMENT).
    assert [c.transition for c in campaign.proposal.state_changes[-2:]] == [
        Transition.COMMIT_EARLY,
        Transition.PREPARE_AGREEMENT,
    ]


def test_the_deadline_is_extended_once_with_a_reason(world):
    campaign = open_campaign(world)
    later = campaign.deadline_at + timedelta(days=7)
    with pytest.raises(InvalidInput, match="reason"):
        service.extend_deadline(campaign, actor=world.steward, deadline_at=later, reason=" ")
    with pytest.raises(InvalidInput, match="later"):
        service.extend_deadline(
            campaign, actor=world.steward, deadline_at=campaign.deadline_at, reason="More time"
        )
    service.extend_deadline(
        campaign, actor=world.steward, deadline_at=later, reason="Lakeshore meets on the 3rd"
    )
    assert campaign.deadline_at == later and campaign.first_deadline_at is not None
    assert events(service.Action.EXTENDED)[0].data["reason"] == "Lakeshore meets on the 3rd"
    with pytest.raises(Conflict, match="already extended once"):
        service.extend_deadline(
            campaign, actor=world.steward, deadline_at=later + timedelta(days=1), reason="Again"
        )


# Campaigns opened while the vote is open


def test_a_campaign_opened_during_the_vote_goes_on_when_the_vote_passes(world):
    start = utcnow() - timedelta(hours=2)
    vote = open_vote(world, now=start, lasts=timedelta(hours=1))
    campaign = open_campaign(world, proposal=vote.proposal, now=start)
    assert campaign.is_during_vote and vote.proposal.state == State.VOTING
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], now=start)
    for coop, delegate in zip(world.coops, world.delegates, strict=True):
        voting_service.cast_ballot(vote, actor=delegate, coop=coop, choice="yes", now=start)
    voting_service.close_vote(vote, now=vote.closes_at)
    assert vote.proposal.state == State.PLEDGING and campaign.is_open
    assert [c.transition for c in vote.proposal.state_changes][-2:] == [
        Transition.PASS,
        Transition.CONTINUE_PLEDGING,
    ]


def test_pledges_made_during_a_vote_that_fails_lapse_with_it(world):
    start = utcnow() - timedelta(hours=2)
    vote = open_vote(world, now=start, lasts=timedelta(hours=1))
    campaign = open_campaign(world, proposal=vote.proposal, now=start)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], now=start)
    voting_service.cast_ballot(vote, actor=world.delegates[1], coop=world.coops[1], choice="no", now=start)
    voting_service.close_vote(vote, now=vote.closes_at)
    assert vote.proposal.state == State.REJECTED and campaign.state == CampaignState.LAPSED
    assert events(service.Action.LAPSED)[0].data["reason"] == "the vote did not pass"


def test_a_campaign_during_the_vote_must_end_after_the_vote_closes(world):
    vote = open_vote(world, lasts=timedelta(days=3))
    with pytest.raises(InvalidInput, match="after the vote closes"):
        service.open_campaign(
            vote.proposal, actor=world.steward, settings=settings(deadline_at=utcnow() + timedelta(days=2))
        )


def test_a_campaign_cannot_open_before_the_vote(world):
    proposal = make_proposal(world, discuss=True)
    with pytest.raises(Conflict, match="discussion"):
        service.open_campaign(proposal, actor=world.steward, settings=settings())
