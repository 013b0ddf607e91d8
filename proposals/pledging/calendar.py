"""Pledge campaigns in a person's calendar feed: each deadline of the campaigns they can see."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from governance.extensions import db
from governance.notifications.calendar import Entry, moment
from governance.notifications.service import absolute, links
from governance.texts import _
from governance.types import utcnow

SHOWN_FOR = timedelta(days=90)  # a deadline stays in the feed this long after it falls


def campaign_entries(person) -> list[Entry]:
    """One event a campaign, when its pledges close: at its deadline while open (an extension moves the
    event), at its settling once committed or lapsed."""
    from proposals import permissions
    from proposals.pledging.models import Campaign

    since = utcnow() - SHOWN_FOR
    query = select(Campaign).where(Campaign.deadline_at >= since).order_by(Campaign.deadline_at)
    entries = []
    with links():
        for campaign in db.session.scalars(query):
            if not permissions.can_see(person, campaign.proposal):
                continue
            falls = min(campaign.settled_at or campaign.deadline_at, campaign.deadline_at)
            starts, ends = moment(falls)
            url = absolute(url_for("pledging.show", campaign_id=campaign.id))
            title = campaign.proposal.title
            entries.append(
                Entry(
                    kind="pledge-deadline",
                    id=campaign.id,
                    summary=_("Pledges close: %(title)s", title=title),
                    starts_at=starts,
                    ends_at=ends,
                    url=url,
                    description=_("The pledge campaign on %(title)s closes. %(url)s", title=title, url=url),
                    # The time can move (an extension, an early commit): a later time is a newer version.
                    sequence=int(falls.timestamp()) // 60 % 2_000_000_000,
                )
            )
    return entries
