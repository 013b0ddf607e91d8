"""Fifty delegates casting at the same instant, on both databases: SQLite is the default, so its writers
must take turns (WAL, BEGIN IMMEDIATE, a busy timeout) rather than fail with "database is locked"."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from governance.extensions import db
from governance.models import Coop, CoopRole, Person
from governance.types import utcnow
from tests.concurrency import run_together, scratch_app

WRITERS = 50


def _fifty_coops_and_a_vote(app) -> tuple[int, list[tuple[int, int]]]:
    from governance import service
    from tests import factories
    from tests.voting.factories import open_vote

    with app.test_request_context():
        world = factories.small_world()
        pairs = [(world.delegates[i].id, world.coops[i].id) for i in range(3)]
        for n in range(WRITERS - 3):
            coop = factories.coop(world.admin, world.network, f"Writer Co-op {n}")
            delegate = factories.person(f"Writer {n}", email=f"delegate@writer-{n}.example")
            service.add_member(actor=world.admin, coop=coop, person=delegate, role=CoopRole.DELEGATE)
            pairs.append((delegate.id, coop.id))
        db.session.commit()
        vote_id = open_vote(world, now=utcnow() - timedelta(minutes=1)).id
        db.session.remove()
    return vote_id, pairs


def test_fifty_delegates_casting_at_once_are_all_counted(database_url):
    from voting import service
    from voting.models import Ballot, Vote

    with scratch_app(database_url, threads=WRITERS, sqlite_too=True) as app:
        vote_id, pairs = _fifty_coops_and_a_vote(app)

        def cast(person_id, coop_id):
            def job():
                return service.cast_ballot(
                    db.session.get(Vote, vote_id),
                    actor=db.session.get(Person, person_id),
                    coop=db.session.get(Coop, coop_id),
                    choice="yes",
                ).receipt

            return job

        outcomes = run_together(app, [cast(p, c) for p, c in pairs])
        assert all(isinstance(o, str) for o in outcomes), [o for o in outcomes if not isinstance(o, str)][:3]
        with app.app_context():
            current = db.session.scalars(
                sa.select(Ballot).where(Ballot.vote_id == vote_id, Ballot.is_current)
            )
            assert sorted(b.receipt for b in current) == sorted(outcomes)
            db.session.remove()
