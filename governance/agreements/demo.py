"""Demo agreements (idempotent; runs after the pledging demo): every agreement drawn from a campaign the
demo committed in the past is signed by a delegate of each party, a few days after the commit, so a
newcomer finds an issued, sealed agreement on its page and `/verify` has one to check.

The signatures go through the service like any other; the issue itself runs as the usual task once the
demo command commits (in-process without Redis).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from governance.agreements import service
from governance.agreements.models import Agreement, VersionState
from governance.extensions import db
from governance.types import utcnow


def load(world) -> None:
    for agreement in db.session.scalars(select(Agreement).order_by(Agreement.id)):
        version = agreement.current
        if version.state != VersionState.SIGNING:
            continue
        start = agreement.created_at
        for day, coop in enumerate(version.unsigned_coops, start=1):
            delegate = coop.delegates[0] if coop.delegates else None
            if delegate is None:
                continue
            service.sign_agreement(
                version,
                actor=delegate,
                coop=coop,
                typed_name=delegate.name,
                consent=True,
                ip_address="192.0.2.10",
                user_agent="Roundtable demo",
                now=min(start + timedelta(hours=6 * day), utcnow()),
            )
