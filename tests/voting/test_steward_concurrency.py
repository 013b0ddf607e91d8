"""A steward's controls racing the clock, the ballots and each other, on PostgreSQL with threads.

An extension racing the scheduled close either moves the close (and the close job finds nothing due) or
comes too late (and is refused): never both. Closing early racing a ballot either counts that ballot or
refuses it; no ballot is counted after the close. Two stewards extending at once both land, one after the
other, or the later-read one is refused: no extension is lost.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance import audit
from governance.errors import Conflict, InvalidInput, VoteClosed
from governance.extensions import db
from governance.models import Coop, NetworkRoleKind, Person
from tests.concurrency import run_together, scratch_app
from tests.voting.test_vote_concurrency import ROUNDS, cast_job, make_votes

pytestmark = pytest.mark.postgres


def _events(vote_id: int, action: str) -> list[audit.AuditEvent]:
    return [
        e
        for e in db.session.scalars(sa.select(audit.AuditEvent).where(audit.AuditEvent.action == action))
        if e.subject_id == vote_id
    ]


def _stewards(app) -> list[int]:
    """The world's steward and a second steward of the same network."""
    from governance import service as governance_service
    from governance.models import Network
    from tests import factories

    with app.test_request_context():
        admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.org"))
        first = db.session.scalar(sa.select(Person).where(Person.email == "steward@example.org"))
        network = db.session.scalar(sa.select(Network).where(Network.name == "Testnet"))
        second = factories.person("Second Steward", email="steward2@example.org")
        governance_service.grant_network_role(
            actor=admin, network=network, person=second, role=NetworkRoleKind.STEWARD
        )
        db.session.commit()
        ids = [first.id, second.id]
        db.session.remove()
    return ids


def _closes(app, ids):
    from voting.models import Vote

    with app.app_context():
        closes = {v: db.session.get(Vote, v).closes_at for v in ids}
        db.session.remove()
    return closes


def extend_job(vote_id, person_id, closes_at, reason, now=None):
    from voting import steward
    from voting.models import Vote

    def job():
        vote = db.session.get(Vote, vote_id)
        actor = db.session.get(Person, person_id)
        steward.extend_close(vote, actor=actor, closes_at=closes_at, reason=reason, now=now)
        return closes_at

    return job


def test_an_extension_racing_the_scheduled_close_moves_it_or_is_refused(database_url):
    from voting import service
    from voting.models import Vote

    with scratch_app(database_url, threads=2) as app:
        ids, _ = make_votes(app, ROUNDS, lasts=timedelta(hours=2))
        steward_id = _stewards(app)[0]
        closes = _closes(app, ids)
        seen = set()
        for vote_id in ids:
            scheduled = closes[vote_id]
            later = scheduled + timedelta(days=1)

            def close(vote_id=vote_id, scheduled=scheduled):
                return service.close_vote(db.session.get(Vote, vote_id), now=scheduled)

            extended, closed = run_together(
                app,
                [
                    extend_job(
                        vote_id,
                        steward_id,
                        later,
                        "A co-op meets tomorrow",
                        now=scheduled - timedelta(microseconds=1),
                    ),
                    close,
                ],
            )
            with app.app_context():
                vote = db.session.get(Vote, vote_id)
                if extended == later:  # the extension took the lock first: nothing was due any more
                    assert closed is False, closed
                    assert not vote.is_closed and vote.closes_at == later and len(vote.extensions) == 1
                    assert len(_events(vote_id, "vote.extended")) == 1 and not _events(vote_id, "vote.closed")
                    seen.add("extended")
                else:  # the close came first: the extension is refused and left no trace
                    assert isinstance(extended, VoteClosed) and closed is True, (extended, closed)
                    assert vote.is_closed and vote.closes_at == scheduled and not vote.extensions
                    assert not _events(vote_id, "vote.extended") and len(_events(vote_id, "vote.closed")) == 1
                    seen.add("closed")
                db.session.remove()
        assert seen  # at least one coherent outcome each round (which one is the scheduler's choice)


@pytest.mark.parametrize("ballot", ["last", "replacing"])
def test_closing_early_racing_a_ballot_counts_it_or_refuses_it(database_url, ballot):
    from voting import service, steward
    from voting.models import Ballot, Vote

    with scratch_app(database_url, threads=2) as app:
        ids, people = make_votes(app, ROUNDS, lasts=timedelta(days=1))
        steward_id = _stewards(app)[0]
        thames, hudson, rio = people["coops"]
        with app.test_request_context():
            rio_delegate = db.session.scalar(
                sa.select(Person).where(Person.email == "delegate@rio-software.example")
            )
            for vote_id in ids:
                vote = db.session.get(Vote, vote_id)
                service.cast_ballot(
                    vote,
                    actor=db.session.get(Person, people["thames"][0]),
                    coop=db.session.get(Coop, thames),
                    choice="yes",
                )
                service.cast_ballot(
                    vote,
                    actor=db.session.get(Person, people["hudson"]),
                    coop=db.session.get(Coop, hudson),
                    choice="yes",
                )
                if ballot == "replacing":
                    service.cast_ballot(
                        vote, actor=rio_delegate, coop=db.session.get(Coop, rio), choice="yes"
                    )
            db.session.commit()
            rio_id = rio_delegate.id
            db.session.remove()

        def close_early(vote_id):
            def job():
                return steward.close_early(
                    db.session.get(Vote, vote_id), actor=db.session.get(Person, steward_id)
                ).id

            return job

        for vote_id in ids:
            cast, closed = run_together(app, [cast_job(vote_id, rio_id, rio, "no"), close_early(vote_id)])
            with app.app_context():
                vote = db.session.get(Vote, vote_id)
                ballots = db.session.scalars(sa.select(Ballot).where(Ballot.vote_id == vote_id)).all()
                current = {b.receipt: b.choice for b in ballots if b.is_current}
                if isinstance(cast, str) and closed == vote_id:  # the ballot came first: it is counted
                    assert vote.is_closed and vote.result["ballots"] == 3 and current[cast] == "no"
                    assert vote.result["counts"]["no"] == 1 and vote.outcome == "passed"
                elif ballot == "last":  # the close came first, while Río was still to vote: refused
                    assert isinstance(closed, Conflict) and "still to vote: Río Software" in closed.message, (
                        closed
                    )
                    assert isinstance(cast, str), cast  # the vote stayed open, so the ballot is taken
                    assert not vote.is_closed and not _events(vote_id, "vote.closed_early")
                else:  # the close came first: the replacement is refused, the earlier ballot counted
                    assert isinstance(cast, VoteClosed) and closed == vote_id, (cast, closed)
                    assert vote.is_closed and vote.result["ballots"] == 3 and vote.result["counts"]["no"] == 0
                    assert len(ballots) == 3 and all(b.is_current for b in ballots)
                if vote.is_closed:
                    assert all(
                        b.cast_at <= vote.closed_at for b in ballots
                    )  # nothing counted after the close
                    assert len(current) == vote.result["ballots"] == 3
                    assert len(_events(vote_id, "vote.closed_early")) == 1
                db.session.remove()


def test_two_stewards_extending_at_once_lose_no_extension(database_url):
    from voting.models import Vote

    with scratch_app(database_url, threads=2) as app:
        ids, _ = make_votes(app, ROUNDS, lasts=timedelta(days=1))
        first, second = _stewards(app)
        closes = _closes(app, ids)
        for vote_id in ids:
            one_day, two_days = closes[vote_id] + timedelta(days=1), closes[vote_id] + timedelta(days=2)
            outcomes = run_together(
                app,
                [
                    extend_job(vote_id, first, one_day, "First steward"),
                    extend_job(vote_id, second, two_days, "Second steward"),
                ],
            )
            with app.app_context():
                vote = db.session.get(Vote, vote_id)
                landed = [o for o in outcomes if not isinstance(o, BaseException)]
                refused = [o for o in outcomes if isinstance(o, BaseException)]
                assert vote.closes_at == two_days  # whichever order, the later close stands
                assert len(vote.extensions) == len(landed) == len(_events(vote_id, "vote.extended"))
                if refused:  # two days first: one day is no longer later than the close
                    [error] = refused
                    assert isinstance(error, InvalidInput) and "closes later than now set" in str(
                        error.errors["closes_at"]
                    ), error
                    assert landed == [two_days]
                else:  # one day first, then two days on top of it: a chain, nothing overwritten
                    first_ext, second_ext = vote.extensions
                    assert first_ext["to"] == second_ext["from"] == one_day.isoformat()
                    assert first_ext["from"] == closes[vote_id].isoformat()
                db.session.remove()
