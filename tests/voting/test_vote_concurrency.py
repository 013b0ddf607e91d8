"""Races on PostgreSQL, with threads in their own transactions, in a scratch database of their own.

Two delegates of one co-op casting at the same instant leave exactly one current ballot; a ballot racing
the close is either counted or refused, never lost or half-written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance.errors import VoteClosed
from governance.extensions import db
from governance.models import Coop, CoopRole, Person
from governance.types import utcnow
from tests.concurrency import run_together, scratch_app

pytestmark = pytest.mark.postgres

ROUNDS = 6


def make_votes(app, count: int, *, lasts: timedelta) -> tuple[list[int], dict]:
    from governance import service as governance_service
    from tests import factories
    from tests.voting.factories import open_vote

    with app.test_request_context():
        world = factories.small_world()
        second = factories.person("Second Thames Delegate")
        governance_service.add_member(
            actor=world.admin, coop=world.coops[0], person=second, role=CoopRole.DELEGATE
        )
        db.session.commit()
        start = utcnow() - timedelta(hours=1)
        ids = [open_vote(world, now=start, lasts=lasts).id for _ in range(count)]
        people = {
            "thames": [world.delegates[0].id, second.id],
            "hudson": world.delegates[1].id,
            "coops": [c.id for c in world.coops],
        }
        db.session.remove()
    return ids, people


def cast_job(vote_id, person_id, coop_id, choice, now=None):
    from voting import service
    from voting.models import Vote

    def job():
        vote = db.session.get(Vote, vote_id)
        ballot = service.cast_ballot(
            vote,
            actor=db.session.get(Person, person_id),
            coop=db.session.get(Coop, coop_id),
            choice=choice,
            now=now,
        )
        return ballot.receipt

    return job


def test_two_delegates_casting_at_once_leave_one_current_ballot(database_url):
    from voting.models import Ballot

    with scratch_app(database_url, threads=2) as app:
        ids, people = make_votes(app, ROUNDS, lasts=timedelta(days=1))
        thames = people["coops"][0]
        for vote_id in ids:
            outcomes = run_together(
                app,
                [
                    cast_job(vote_id, people["thames"][0], thames, "yes"),
                    cast_job(vote_id, people["thames"][1], thames, "no"),
                ],
            )
            assert all(isinstance(o, str) for o in outcomes), outcomes
        with app.app_context():
            for vote_id in ids:
                rows = db.session.scalars(sa.select(Ballot).where(Ballot.vote_id == vote_id)).all()
                assert len(rows) == 2 and sum(b.is_current for b in rows) == 1
                replaced = next(b for b in rows if not b.is_current)
                assert replaced.replaced_at is not None
            db.session.remove()


def test_a_ballot_racing_the_close_is_counted_or_refused_never_lost(database_url):
    from voting import service
    from voting.models import Vote

    with scratch_app(database_url, threads=3) as app:
        ids, people = make_votes(app, ROUNDS, lasts=timedelta(hours=2))
        with app.app_context():
            closes = {v: db.session.get(Vote, v).closes_at for v in ids}
            db.session.remove()
        thames, hudson = people["coops"][0], people["coops"][1]
        for vote_id in ids:
            just_before = closes[vote_id] - timedelta(microseconds=1)

            def close(vote_id=vote_id):
                return service.close_vote(db.session.get(Vote, vote_id), now=closes[vote_id])

            outcomes = run_together(
                app,
                [
                    cast_job(vote_id, people["thames"][0], thames, "yes", now=just_before),
                    close,
                    cast_job(vote_id, people["hudson"], hudson, "no", now=just_before),
                ],
            )
            assert outcomes[1] is True, outcomes
            cast = [o for o in (outcomes[0], outcomes[2]) if isinstance(o, str)]
            refused = [o for o in (outcomes[0], outcomes[2]) if isinstance(o, VoteClosed)]
            assert len(cast) + len(refused) == 2, outcomes
            with app.app_context():
                vote = db.session.get(Vote, vote_id)
                assert vote.is_closed and vote.result["ballots"] == len(cast)
                assert sorted(b.receipt for b in vote.current_ballots) == sorted(cast)
                db.session.remove()
