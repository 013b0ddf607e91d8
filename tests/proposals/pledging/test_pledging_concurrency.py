"""Races with threads (on PostgreSQL, and on SQLite, whose writers take turns) in their own transactions, in a scratch database of their own.

Delegates pledging, changing and withdrawing in the last microsecond before the deadline while the settling
task runs: every accepted pledge is in the outcome, every refused one was told so (PledgingClosed), the
campaign settles once, and the database holds one current pledge per co-op.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from governance.errors import PledgingClosed
from governance.extensions import db
from governance.models import Coop, CoopRole, Person
from tests.concurrency import run_together, scratch_app

ROUNDS = 5


def make_campaigns(app, count: int) -> tuple[list[int], dict]:
    from governance import service as governance_service
    from tests import factories
    from tests.proposals.pledging.factories import open_campaign, pledge

    with app.test_request_context():
        world = factories.small_world()
        second = factories.person("Second Thames Delegate")
        governance_service.add_member(
            actor=world.admin, coop=world.coops[0], person=second, role=CoopRole.DELEGATE
        )
        db.session.commit()
        ids = []
        for _ in range(count):
            campaign = open_campaign(world, target_money="1.00", target_hours=None, seats={}, min_coops=1)
            pledge(world, campaign, 2, money="5")  # Río's, to be withdrawn in the race
            ids.append(campaign.id)
        people = {
            "thames": [world.delegates[0].id, second.id],
            "hudson": world.delegates[1].id,
            "rio": world.delegates[2].id,
            "coops": [c.id for c in world.coops],
        }
        db.session.remove()
    return ids, people


def pledge_job(campaign_id, person_id, coop_id, amount, now):
    from proposals.pledging import service
    from proposals.pledging.models import Campaign

    def job():
        made = service.make_pledge(
            db.session.get(Campaign, campaign_id),
            actor=db.session.get(Person, person_id),
            coop=db.session.get(Coop, coop_id),
            pledge=service.PledgeIn(money=amount),
            now=now,
        )
        return ("pledged", made.id)

    return job


def withdraw_job(campaign_id, person_id, coop_id, now):
    from proposals.pledging import service
    from proposals.pledging.models import Campaign

    def job():
        gone = service.withdraw_pledge(
            db.session.get(Campaign, campaign_id),
            actor=db.session.get(Person, person_id),
            coop=db.session.get(Coop, coop_id),
            now=now,
        )
        return ("withdrawn", gone.id)

    return job


def test_pledges_racing_the_settlement_are_in_the_outcome_or_refused(database_url):
    from proposals.pledging import service
    from proposals.pledging.models import Campaign, Pledge

    with scratch_app(database_url, threads=5, sqlite_too=True) as app:
        ids, people = make_campaigns(app, ROUNDS)
        thames, hudson, rio = people["coops"]
        for campaign_id in ids:
            with app.app_context():
                deadline = db.session.get(Campaign, campaign_id).deadline_at
                db.session.remove()
            last = deadline - timedelta(microseconds=1)

            def settle(campaign_id=campaign_id, deadline=deadline):
                return (
                    "settled",
                    service.settle_campaign(db.session.get(Campaign, campaign_id), now=deadline),
                )

            outcomes = run_together(
                app,
                [
                    pledge_job(campaign_id, people["thames"][0], thames, "10", last),
                    settle,
                    pledge_job(campaign_id, people["hudson"], hudson, "20", last),
                    withdraw_job(campaign_id, people["rio"], rio, last),
                    pledge_job(campaign_id, people["thames"][1], thames, "30", last),
                ],
            )
            assert outcomes[1] == ("settled", True), outcomes
            racers = [o for i, o in enumerate(outcomes) if i != 1]
            assert all(isinstance(o, tuple | PledgingClosed) for o in racers), outcomes
            with app.app_context():
                campaign = db.session.get(Campaign, campaign_id)
                assert not campaign.is_open
                rows = db.session.scalars(sa.select(Pledge).where(Pledge.campaign_id == campaign_id)).all()
                current = [p for p in rows if p.is_current]
                assert len({p.coop_id for p in current}) == len(current)  # one current pledge per co-op
                in_outcome = set(campaign.outcome.get("standing", [])) | set(
                    campaign.outcome.get("waiting", [])
                )
                assert in_outcome == {p.coop.slug for p in current}
                accepted = {o[1] for o in racers if isinstance(o, tuple) and o[0] == "pledged"}
                by_id = {p.id: p for p in rows}
                for (
                    pledge_id
                ) in accepted:  # kept current, or replaced by the other Thames delegate's accepted one
                    pledge = by_id[pledge_id]
                    assert pledge.is_current or (
                        pledge.end_reason.value == "replaced" and pledge.coop_id == thames
                    )
                    assert pledge.made_at < deadline
                withdrew = any(isinstance(o, tuple) and o[0] == "withdrawn" for o in racers)
                assert any(p.coop_id == rio for p in current) is not withdrew
                if campaign.is_committed:
                    assert {c.pledge_id for c in campaign.contributions} == {p.id for p in current}
                db.session.remove()
