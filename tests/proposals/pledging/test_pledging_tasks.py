"""Settling what is due: the command, the Huey periodic task, and a due vote closed before its campaign."""

from datetime import timedelta

from governance.extensions import db
from governance.types import utcnow
from proposals.lifecycle import State
from proposals.pledging import tasks
from proposals.pledging.models import CampaignState
from tests.proposals.pledging.factories import open_campaign, pledge
from tests.voting.factories import open_vote
from voting import service as voting_service


def test_close_due_command_settles_past_campaigns_and_says_how(app, world):
    past = utcnow() - timedelta(days=8)
    due = open_campaign(world, now=past, target_hours=None, seats={})
    pledge(world, due, 0, money="600", now=past)
    pledge(world, due, 1, money="400", now=past)
    running = open_campaign(world)
    result = app.test_cli_runner().invoke(args=["campaigns", "close-due"])
    assert result.exit_code == 0, result.output
    assert f"campaign {due.id} (Host the shared service): committed" in result.output
    assert result.output.strip().endswith("settled 1 campaign")
    assert due.proposal.state == State.AGREEMENT and running.is_open  # committed, then its agreement drawn
    assert (
        app.test_cli_runner().invoke(args=["campaigns", "close-due"]).output.strip() == "settled 0 campaigns"
    )


def test_the_periodic_task_settles_due_campaigns(world):
    campaign = open_campaign(world, now=utcnow() - timedelta(days=8))
    assert tasks.settle_due_campaigns() == 1  # what the periodic work runs every minute
    assert campaign.state == CampaignState.LAPSED and campaign.proposal.state == State.LAPSED


def test_a_due_vote_closes_before_its_campaign_settles(world):
    start = utcnow() - timedelta(days=9)
    vote = open_vote(world, now=start, lasts=timedelta(hours=1))
    campaign = open_campaign(
        world, proposal=vote.proposal, now=start, target_hours=None, seats={}, min_coops=1
    )
    pledge(world, campaign, 0, money="1000", now=start)
    voting_service.cast_ballot(vote, actor=world.delegates[0], coop=world.coops[0], choice="yes", now=start)
    db.session.commit()
    [settled] = tasks.close_due()
    # Committed, then the agreement drawn by the agreements feature's hook.
    assert vote.is_closed and settled.is_committed and vote.proposal.state == State.AGREEMENT
