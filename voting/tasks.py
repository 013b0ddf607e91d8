"""Closing votes that are due: periodic work (`governance.jobs.periodic`) and `flask votes close-due`.

- With REDIS_URL set, `huey_consumer worker.huey` runs `close_due_votes` every minute; without it, each
  web process's scheduler thread does, every SCHEDULER_SECONDS.
- Either way nothing depends on them for correctness: a ballot at or after closes-at is refused inside the
  vote's lock, and any read of a vote past its close closes it first. They only make the proposal move on
  (and the audit event appear) without waiting for someone to look.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from governance.jobs import each_due, periodic
from voting import service
from voting.models import Vote

votes_cli = AppGroup("votes", help="Votes.")


def close_due(now: datetime | None = None) -> list[Vote]:
    """Close every vote that is due, each in its own transaction."""
    return each_due(Vote, service.due_vote_ids(now), lambda vote: service.close_vote(vote, now=now))


@periodic("close_due_votes")
def close_due_votes() -> int:
    return len(close_due())


@votes_cli.command("close-due")
def close_due_command() -> None:
    """Close the votes whose close time has come; print each result."""
    closed = close_due()
    for vote in closed:
        sentence = (vote.result or {}).get("sentence") or f"closed uncounted ({vote.outcome})"
        click.echo(f"vote {vote.id} ({vote.proposal.title}): {sentence}")
    click.echo(f"closed {len(closed)} vote{'s' if len(closed) != 1 else ''}")
