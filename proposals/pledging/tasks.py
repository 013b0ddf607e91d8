"""Settling campaigns that are due: a Huey periodic task, its in-process twin, and `flask campaigns close-due`.

As for votes (`voting.tasks`): with REDIS_URL set, `huey_consumer worker.huey` runs `settle_due_campaigns`
every minute; without it, the first request a web process serves starts a daemon thread doing the same
every VOTE_CLOSER_SECONDS. Nothing depends on them for correctness: a pledge at or after the deadline is
refused inside the campaign's lock, and any read of a campaign past its deadline settles it first.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup
from huey import crontab

from governance.extensions import db
from governance.jobs import app_context, huey
from proposals import service as proposals_service
from proposals.pledging import service
from proposals.pledging.models import Campaign

log = logging.getLogger(__name__)

campaigns_cli = AppGroup("campaigns", help="Pledge campaigns.")


def close_due(now: datetime | None = None) -> list[Campaign]:
    """Settle every campaign that is due, each in its own transaction (its proposal's vote closed first
    if that is due too), so one failure does not hold back the rest."""
    settled = []
    for campaign_id in service.due_campaign_ids(now):
        try:
            campaign = db.session.get(Campaign, campaign_id)
            if campaign is None:
                continue
            proposals_service.settle(campaign.proposal)  # a due vote closes first (it may lapse the campaign)
            service.settle_campaign(campaign, now=now)
            db.session.commit()
            if not campaign.is_open:
                settled.append(campaign)
        except Exception:
            db.session.rollback()
            log.exception("could not settle campaign %s", campaign_id)
    return settled


@huey.periodic_task(crontab(minute="*"))
def settle_due_campaigns() -> int:
    with app_context():
        return len(close_due())


@campaigns_cli.command("close-due")
def close_due_command() -> None:
    """Settle the campaigns whose deadline has come: each commits or lapses; print each outcome."""
    settled = close_due()
    for campaign in settled:
        click.echo(f"campaign {campaign.id} ({campaign.proposal.title}): {campaign.state.label}")
    click.echo(f"settled {len(settled)} campaign{'s' if len(settled) != 1 else ''}")


_started = threading.Event()
_starting = threading.Lock()


def start_scheduler_on_first_request(app: Flask) -> None:
    """In immediate mode, outside tests, a web process settles due campaigns in a daemon thread."""
    if app.testing or not huey.immediate or not app.config["VOTE_CLOSER_SECONDS"]:
        return

    @app.before_request
    def _start_campaign_settler() -> None:
        if _started.is_set():
            return
        with _starting:
            if _started.is_set():
                return
            _started.set()
        threading.Thread(target=_run, args=(app,), name="roundtable-campaign-settler", daemon=True).start()


def _run(app: Flask) -> None:
    stop, every = threading.Event(), app.config["VOTE_CLOSER_SECONDS"]
    while not stop.wait(every):
        try:
            with app.app_context():
                close_due()
                db.session.remove()
        except Exception:
            log.exception("settling due campaigns failed; trying again in %s seconds", every)
