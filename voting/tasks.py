"""Closing votes that are due: a Huey periodic task, its in-process twin, and `flask votes close-due`.

- With REDIS_URL set, `huey_consumer worker.huey` runs `close_due_votes` every minute.
- Without it (Huey's immediate mode, nothing consumes periodic tasks), the first request a web process
  serves starts a daemon thread that closes due votes every VOTE_CLOSER_SECONDS (30 by default; 0: off). Tests (`TESTING`) and commands
  never serve a request, so they never start it.
- Either way nothing depends on them for correctness: a ballot at or after closes-at is refused inside the
  vote's lock, and any read of a vote past its close closes it first. They only make the proposal move on
  (and the audit event appear) without waiting for someone to look.
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
from voting import service
from voting.models import Vote

log = logging.getLogger(__name__)

votes_cli = AppGroup("votes", help="Votes.")


def close_due(now: datetime | None = None) -> list[Vote]:
    """Close every vote that is due, each in its own transaction, so one failure does not hold back the rest."""
    closed = []
    for vote_id in service.due_vote_ids(now):
        try:
            vote = db.session.get(Vote, vote_id)
            if vote is not None and service.close_vote(vote, now=now):
                db.session.commit()
                closed.append(vote)
        except Exception:
            db.session.rollback()
            log.exception("could not close vote %s", vote_id)
    return closed


@huey.periodic_task(crontab(minute="*"))
def close_due_votes() -> int:
    with app_context():
        return len(close_due())


@votes_cli.command("close-due")
def close_due_command() -> None:
    """Close the votes whose close time has come; print each result."""
    closed = close_due()
    for vote in closed:
        sentence = (vote.result or {}).get("sentence") or f"closed uncounted ({vote.outcome})"
        click.echo(f"vote {vote.id} ({vote.proposal.title}): {sentence}")
    click.echo(f"closed {len(closed)} vote{'s' if len(closed) != 1 else ''}")


_started = threading.Event()
_starting = threading.Lock()


def start_scheduler_on_first_request(app: Flask) -> None:
    """In immediate mode, outside tests, a web process closes due votes in a daemon thread
    (VOTE_CLOSER_SECONDS apart; 0 turns it off)."""
    if app.testing or not huey.immediate or not app.config["VOTE_CLOSER_SECONDS"]:
        return

    @app.before_request
    def _start_vote_closer() -> None:
        if _started.is_set():
            return
        with _starting:
            if _started.is_set():
                return
            _started.set()
        threading.Thread(target=_run, args=(app,), name="roundtable-vote-closer", daemon=True).start()


def _run(app: Flask) -> None:
    stop, every = threading.Event(), app.config["VOTE_CLOSER_SECONDS"]
    while not stop.wait(every):
        try:
            with app.app_context():
                close_due()
                db.session.remove()
        except Exception:
            log.exception("closing due votes failed; trying again in %s seconds", every)
