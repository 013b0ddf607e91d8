"""Meetings made through the service, as the app makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from governance.extensions import db
from governance.meetings import service
from governance.types import utcnow


def future_slots(count: int = 2) -> list[datetime]:
    """Whole-hour 17:30 UTC slots a few weeks ahead, a day apart."""
    base = (utcnow() + timedelta(days=21)).replace(hour=17, minute=30, second=0, microsecond=0)
    return [base + timedelta(days=i) for i in range(count)]


def propose(world, *, slots=None, actor=None, networks=None, commit: bool = True, **fields):
    meeting = service.propose_meeting(
        actor=actor or world.steward,
        networks=networks or [world.network],
        title=fields.pop("title", "Round-table on referrals"),
        topic=fields.pop("topic", "business_development"),
        slots=slots or future_slots(),
        **fields,
    )
    if commit:
        db.session.commit()
    return meeting


SEED_TUESDAY = datetime(2028, 4, 4, 17, 30, tzinfo=UTC)
