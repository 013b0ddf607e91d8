"""Races on PostgreSQL: two admins admitting one co-op at once, and one audience told of one thing twice
at once (two runs of a reminder, a job handed on twice).

An admission is one row per network and co-op (a unique constraint): the second request either finds
the co-op in already or collides, and is refused; never two memberships or two audit events. Telling
people is one row per person and key: the run that comes second collides and rolls back (its mail, queued in
its transaction, with it), or finds everyone told already; nobody is told, or mailed, twice.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from governance import audit, service
from governance.errors import Conflict
from governance.extensions import db
from governance.models import Coop, Network, NetworkMembership, Person
from governance.notifications import service as notifications
from governance.notifications.kinds import Kind
from governance.notifications.models import Notification
from governance.outbox import OutboxItem
from tests import factories
from tests.concurrency import run_together, scratch_app

pytestmark = pytest.mark.postgres

ROUNDS = 3


def _world(app) -> dict:
    with app.test_request_context():
        world = factories.small_world()
        db.session.commit()
        ids = {
            "admin": world.admin.id,
            "other": world.other_network.id,
            "coops": [c.id for c in world.coops],
            "people": [p.id for p in world.delegates + world.members],
        }
        db.session.remove()
    return ids


def test_two_admins_admitting_one_co_op_at_once_admit_it_once(database_url):
    with scratch_app(database_url, threads=2) as app:
        ids = _world(app)

        def admit(coop_id):
            def job():
                actor = db.session.get(Person, ids["admin"])
                network, coop = db.session.get(Network, ids["other"]), db.session.get(Coop, coop_id)
                return service.admit_coop(actor=actor, network=network, coop=coop).id

            return job

        for coop_id in ids["coops"][:ROUNDS]:
            outcomes = run_together(app, [admit(coop_id), admit(coop_id)])
            admitted = [o for o in outcomes if isinstance(o, int)]
            refused = [o for o in outcomes if isinstance(o, Conflict | IntegrityError)]
            assert len(admitted) == 1 and len(refused) == 1, outcomes
            with app.app_context():
                rows = db.session.scalars(
                    sa.select(NetworkMembership).where(
                        NetworkMembership.network_id == ids["other"], NetworkMembership.coop_id == coop_id
                    )
                ).all()
                events = [
                    e
                    for e in db.session.scalars(sa.select(audit.AuditEvent))
                    if e.action == "coop.admitted"
                    and e.subject_id == coop_id
                    and e.data.get("network") == "othernet"
                ]
                assert len(rows) == 1 and len(events) == 1
                db.session.remove()


def test_one_audience_told_of_one_thing_twice_at_once_is_told_and_mailed_once(database_url):
    with scratch_app(database_url, threads=2) as app:
        ids = _world(app)

        def tell(key):
            def job():
                people = [db.session.get(Person, i) for i in ids["people"]]
                made = notifications.notify_each(
                    people,
                    Kind.VOTE_OPENED,
                    key=key,
                    compose=lambda person: (f"A vote is open, {person.name}", "", None),
                    path="/votes/1",
                )
                return len(made)

            return job

        def mails() -> int:
            with app.app_context():
                count = db.session.scalar(
                    sa.select(sa.func.count(OutboxItem.id)).where(OutboxItem.handler == "mail")
                )
                db.session.remove()
            return count

        for round_ in range(ROUNDS):
            key = f"race:{round_}"
            before = mails()
            outcomes = run_together(app, [tell(key), tell(key)])
            # The second either collides with the first's rows (and rolls back) or, when the first has
            # committed before it reads, finds everyone told already and tells nobody.
            assert all(isinstance(o, int | IntegrityError) for o in outcomes), outcomes
            assert sorted(o for o in outcomes if isinstance(o, int))[-1] == len(ids["people"]), outcomes
            assert sum(o for o in outcomes if isinstance(o, int)) == len(ids["people"]), outcomes
            with app.app_context():
                rows = db.session.scalars(sa.select(Notification).where(Notification.key == key)).all()
                assert sorted(r.person_id for r in rows) == sorted(ids["people"])  # each once
                db.session.remove()
            assert mails() - before == len(ids["people"])  # the loser's mail went with its rollback
