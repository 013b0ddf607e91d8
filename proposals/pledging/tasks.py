"""Settling campaigns that are due: periodic work (`governance.jobs.periodic`) and `flask campaigns close-due`.

As for votes (`voting.tasks`): with REDIS_URL set, `huey_consumer worker.huey` runs `settle_due_campaigns`
every minute; without it, each web process's scheduler thread does, every SCHEDULER_SECONDS. Nothing depends on them for correctness: a pledge at or after the deadline is
refused inside the campaign's lock, and any read of a campaign past its deadline settles it first.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from governance.jobs import each_due, periodic
from proposals import service as proposals_service
from proposals.pledging import service
from proposals.pledging.models import Campaign

campaigns_cli = AppGroup("campaigns", help="Pledge campaigns.")


def close_due(now: datetime | None = None) -> list[Campaign]:
    """Settle every campaign that is due, each in its own transaction (its proposal's vote closed first
    if that is due too: it may lapse the campaign)."""

    def settle(campaign: Campaign) -> bool:
        proposals_service.settle(campaign.proposal)
        service.settle_campaign(campaign, now=now)
        return not campaign.is_open

    return each_due(Campaign, service.due_campaign_ids(now), settle)


@periodic("settle_due_campaigns")
def settle_due_campaigns() -> int:
    return len(close_due())


@campaigns_cli.command("close-due")
def close_due_command() -> None:
    """Settle the campaigns whose deadline has come: each commits or lapses; print each outcome."""
    settled = close_due()
    for campaign in settled:
        click.echo(f"campaign {campaign.id} ({campaign.proposal.title}): {campaign.state.label}")
    click.echo(f"settled {len(settled)} campaign{'s' if len(settled) != 1 else ''}")
