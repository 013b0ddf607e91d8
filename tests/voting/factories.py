"""Votes made through the service, as the app makes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from governance.extensions import db
from governance.types import utcnow
from tests.proposals.factories import proposal as make_proposal
from voting import service
from voting.counting import Method
from voting.models import Vote

HOSTS = ["Thames Code", "Hudson Tech", "Río Software"]


def open_vote(
    world,
    *,
    method: Method = Method.YES_NO,
    now: datetime | None = None,
    lasts: timedelta = timedelta(days=7),
    proposal=None,
    commit: bool = True,
    **settings,
) -> Vote:
    """A vote opened by the world's steward at `now` (default: the clock), closing `lasts` later."""
    now = now or utcnow()
    proposal = proposal or make_proposal(world, discuss=True)
    if method not in (Method.CONSENT, Method.YES_NO):
        settings.setdefault("options", HOSTS)
    vote = service.open_vote(
        proposal,
        actor=world.steward,
        settings=service.VoteSettings(method=method, opens_at=now, closes_at=now + lasts, **settings),
        now=now,
    )
    if commit:
        db.session.commit()
    return vote
