"""The demo's votes: a closed ranked vote over several rounds, a closed consent vote with a block, an open one."""

import pytest
from sqlalchemy import func, select

from governance.audit import AuditEvent, verify
from governance.demo import load_demo
from governance.extensions import db
from proposals.demo import TITLE
from proposals.lifecycle import State
from proposals.models import Proposal
from voting.demo import HOST_TITLE, POLICY_TITLE


def _vote(title):
    return db.session.scalar(select(Proposal).where(Proposal.title == title)).vote


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_the_demo_votes_load_once_and_tell_their_story(ctx):
    load_demo()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    host = _vote(HOST_TITLE)
    assert host.is_closed and len(host.result["rounds"]) == 3
    assert host.result["winners"] == ["thames-code-co-op"] and host.proposal.state == State.PASSED
    assert any(b.proxy_coop is not None for b in host.current_ballots)
    policy = _vote(POLICY_TITLE)
    assert policy.result["outcome"] == "blocked" and policy.proposal.state == State.REJECTED
    assert policy.result["blockers"] == ["Mill Digital"]
    shared = _vote(TITLE)
    assert not shared.is_closed and shared.proposal.state == State.VOTING
    assert 0 < len(shared.current_ballots) < len(shared.electors) and shared.active_proxies
    assert verify().is_intact
