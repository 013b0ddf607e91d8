"""The demo's proposal: the seed's shared hosted service, in discussion, with co-ops in and comments."""

import pytest
from sqlalchemy import func, select

from governance.audit import AuditEvent
from governance.demo import load_demo
from governance.extensions import db
from proposals.demo import TITLE
from proposals.lifecycle import State
from proposals.models import Proposal
from proposals.service import who_is_in


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_the_demo_has_the_seed_proposal_and_loading_twice_changes_nothing(ctx):
    load_demo()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    [proposal] = db.session.scalars(select(Proposal).where(Proposal.title == TITLE)).all()
    assert proposal.state in (State.DISCUSSION, State.VOTING)  # the votes demo opens its vote
    assert proposal.monthly_revenue_minor > 100_000 and proposal.currency == "GBP"
    assert proposal.hours_per_month == 60
    assert who_is_in(proposal).counts["interested"] >= 3
    assert len(proposal.comments) >= 3
