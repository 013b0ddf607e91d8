"""Votes in a person's calendar feed: each vote's close, for the votes they can see."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from governance.extensions import db
from governance.notifications.calendar import Entry, moment
from governance.notifications.service import absolute, links
from governance.texts import _
from governance.types import utcnow


def vote_entries(person) -> list[Entry]:
    from voting import permissions
    from voting.models import Vote

    since = utcnow() - timedelta(days=90)
    rows = db.session.scalars(select(Vote).where(Vote.closes_at >= since).order_by(Vote.closes_at))
    entries = []
    with links():
        for vote in rows:
            if not permissions.can_see(person, vote):
                continue
            starts, ends = moment(vote.closes_at)
            url = absolute(url_for("voting.show", vote_id=vote.id))
            entries.append(
                Entry(
                    kind="vote-close",
                    id=vote.id,
                    summary=_("Vote closes: %(title)s", title=vote.proposal.title),
                    starts_at=starts,
                    ends_at=ends,
                    url=url,
                    description=_(
                        "The vote on %(title)s closes. %(url)s", title=vote.proposal.title, url=url
                    ),
                    # The close time can move (an extension): a later time is a newer version.
                    sequence=int(vote.closes_at.timestamp()) // 60 % 2_000_000_000,
                )
            )
    return entries
