"""The demo's campaigns: the shared hosted service's, open and partly pledged; a committed one to draw on."""

import pytest
from sqlalchemy import func, select

from governance.audit import AuditEvent, verify
from governance.demo import load_demo
from governance.extensions import db
from proposals.demo import TITLE
from proposals.lifecycle import State
from proposals.models import Proposal
from proposals.pledging import service
from proposals.pledging.demo import ROTA_TITLE


def _campaign(title):
    return db.session.scalar(select(Proposal).where(Proposal.title == title)).campaign


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_the_demo_campaigns_load_once_and_tell_their_story(ctx):
    load_demo()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    shared = _campaign(TITLE)
    assert shared.is_open and shared.is_during_vote and shared.proposal.state == State.VOTING
    assert (shared.target_money_minor, shared.target_hours, shared.target_seats, shared.min_coops) == (
        100_000,
        60,
        {"host": 1},
        4,
    )
    assert {p.currency for p in shared.current_pledges} == {"GBP", "USD", "ARS", "CAD", "EUR"}
    result = service.standing(shared)
    assert not result.is_met and len(result.standing) == 3
    assert any(p.min_coops == 5 for p in result.waiting)
    rota = _campaign(ROTA_TITLE)
    # Committed, then its agreement drawn and signed by every party (the agreements demo).
    assert rota.is_committed and rota.proposal.state == State.SIGNED
    assert len(rota.contributions) == 4 and sum(c.base_minor for c in rota.contributions) == 90_000
    assert verify().is_intact
