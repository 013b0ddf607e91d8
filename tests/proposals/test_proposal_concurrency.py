"""Races between changes of one proposal, on PostgreSQL with threads against the real services.

Every change locks the proposal's row first (`lock_proposal`), so of two requests that race, exactly one
wins and the other is told why (a 409-class error), and the history never holds two exits from one state.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance.errors import Conflict, DomainError, InvalidTransition
from governance.extensions import db
from governance.models import Person
from governance.types import utcnow
from proposals.lifecycle import State, Transition
from proposals.models import Proposal, StateChange
from tests.concurrency import run_together, scratch_app

pytestmark = pytest.mark.postgres


def _world_and_proposal(app, *, discuss: bool = True, count: int = 1):
    from tests import factories
    from tests.proposals.factories import proposal

    with app.test_request_context():
        world = factories.small_world()
        ids = [proposal(world, discuss=discuss).id for _ in range(count)]
        ctx = {"steward": world.steward.id, "delegates": [d.id for d in world.delegates]}
        db.session.commit()
        db.session.remove()
    return ids, ctx


def _steward(ctx) -> Person:
    return db.session.get(Person, ctx["steward"])


def _exits(proposal_id: int) -> list[tuple[State, State]]:
    changes = db.session.scalars(
        sa.select(StateChange).where(StateChange.proposal_id == proposal_id).order_by(StateChange.id)
    )
    return [(c.from_state, c.to_state) for c in changes]


def _open_vote_job(proposal_id, ctx, *, closes_in=timedelta(days=1), now=None):
    from voting import service as votes

    def job():
        start = now or utcnow()
        return votes.open_vote(
            db.session.get(Proposal, proposal_id),
            actor=_steward(ctx),
            settings=votes.VoteSettings(method="yes_no", opens_at=start, closes_at=start + closes_in),
            now=start,
        ).id

    return job


def test_an_edit_racing_the_vote_opening_either_lands_before_it_or_is_refused(database_url):
    """Today both succeed: the text changes under an open vote, and ballots record a revision the vote did
    not open on. Now the vote opens on the revision that stands, and an edit after it is refused."""
    from proposals import service

    with scratch_app(database_url, threads=2) as app:
        ids, ctx = _world_and_proposal(app, count=6)
        for proposal_id in ids:

            def edit(proposal_id=proposal_id):
                made = db.session.get(Proposal, proposal_id)
                return service.edit_proposal(
                    made,
                    actor=_steward(ctx),
                    title="Host it, changed",
                    summary=made.summary,
                    body=made.body,
                    facts=made.facts,
                ).number

            edited, opened = run_together(app, [edit, _open_vote_job(proposal_id, ctx)])
            assert isinstance(opened, int), opened  # the vote always opens: an edit does not block it
            with app.app_context():
                made = db.session.get(Proposal, proposal_id)
                assert made.state == State.VOTING
                assert made.vote.revision.number == made.current_revision.number
                if isinstance(edited, Conflict):
                    assert "cannot change while the vote is open" in edited.message
                    assert len(made.revisions) == 1
                else:
                    assert edited == 2 and made.vote.revision.title == "Host it, changed"
                db.session.remove()


def test_twenty_concurrent_openings_of_the_discussion_make_one_step(database_url):
    from proposals import service

    with scratch_app(database_url, threads=20) as app:
        [proposal_id], ctx = _world_and_proposal(app, discuss=False)

        def step():
            made = db.session.get(Proposal, proposal_id)
            return service.take_step(made, Transition.OPEN_DISCUSSION, actor=_steward(ctx)).id

        outcomes = run_together(app, [step] * 20)
        won = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
        assert len(won) == 1 and len(refused) == 19, outcomes
        assert all(o.status == 409 and "discussion" in o.message.lower() for o in refused)
        with app.app_context():
            assert _exits(proposal_id) == [(State.DRAFT, State.DISCUSSION)]
            db.session.remove()


def test_concurrent_vote_openings_open_one_vote_and_refuse_the_rest(database_url):
    from voting.models import Vote

    with scratch_app(database_url, threads=5) as app:
        [proposal_id], ctx = _world_and_proposal(app)
        outcomes = run_together(app, [_open_vote_job(proposal_id, ctx)] * 5)
        won = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(won) == 1 and len(refused) == 4, outcomes
        assert all(o.status == 409 for o in refused)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
            assert _exits(proposal_id)[-1] == (State.DISCUSSION, State.VOTING)
            db.session.remove()


def test_a_withdrawal_racing_the_close_is_one_or_the_other(database_url):
    """Today the withdrawal returns 201 and the proposal ends "passed" with both steps in its history."""
    from proposals import service
    from voting import service as votes
    from voting.models import Vote

    with scratch_app(database_url, threads=2) as app:
        ids, ctx = _world_and_proposal(app, count=6)
        start = utcnow() - timedelta(hours=2)
        for proposal_id in ids:
            with app.test_request_context():
                vote_id = _open_vote_job(proposal_id, ctx, closes_in=timedelta(hours=1), now=start)()
                db.session.commit()
                db.session.remove()

            def withdraw(proposal_id=proposal_id):
                made = db.session.get(Proposal, proposal_id)
                return service.take_step(made, Transition.WITHDRAW, actor=_steward(ctx)).to_state

            def close(vote_id=vote_id):
                return votes.close_vote(db.session.get(Vote, vote_id))

            withdrawn, closed = run_together(app, [withdraw, close])
            with app.app_context():
                made = db.session.get(Proposal, proposal_id)
                exits = [e for e in _exits(proposal_id) if e[0] == State.VOTING]
                assert len(exits) == 1, exits
                if withdrawn == State.WITHDRAWN:
                    assert made.state == State.WITHDRAWN and made.vote.outcome == "withdrawn"
                else:
                    assert isinstance(withdrawn, InvalidTransition), withdrawn
                    assert closed is True and made.state in (State.PASSED, State.REJECTED)
                db.session.remove()


def test_one_invitation_accepted_twice_at_once_makes_one_account(database_url):
    from governance import service as governance
    from governance.models import CoopRole, Invitation
    from tests import factories

    with scratch_app(database_url, threads=2) as app:
        with app.test_request_context():
            world = factories.small_world()
            invitation = governance.invite_person(
                actor=world.admin, coop=world.coops[0], email="new@thames-code.example", role=CoopRole.MEMBER
            )
            secret = invitation.link.rsplit("/", 1)[-1]
            db.session.commit()
            db.session.remove()

        def accept():
            return governance.accept_invitation(
                secret=secret, name="New Person", password="a long enough password", time_zone="Europe/London"
            ).id

        outcomes = run_together(app, [accept, accept])
        won = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, Conflict)]
        assert len(won) == 1 and len(refused) == 1, outcomes
        assert "used already" in refused[0].message
        with app.app_context():
            people = db.session.scalars(sa.select(Person).where(Person.email == "new@thames-code.example"))
            assert len(people.all()) == 1
            assert db.session.scalar(sa.select(Invitation.accepted_at)) is not None
            db.session.remove()
