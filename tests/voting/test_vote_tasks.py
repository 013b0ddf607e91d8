"""Closing what is due: the command, the Huey periodic task, and the scheduler that tests never start."""

from datetime import timedelta

from flask import Flask

from governance import jobs
from governance.extensions import db
from governance.types import utcnow
from proposals.lifecycle import State, Transition
from proposals.service import apply_transition
from tests.voting.factories import open_vote
from voting import service, tasks
from voting.counting import Method


def test_close_due_command_closes_past_votes_and_says_why(app, world):
    now = utcnow()
    due = open_vote(world, method=Method.CONSENT, now=now - timedelta(days=2), lasts=timedelta(days=1))
    service.cast_ballot(
        due,
        actor=world.delegates[0],
        coop=world.coops[0],
        choice="agree",
        now=now - timedelta(days=1, hours=12),
    )
    running = open_vote(world)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["votes", "close-due"])
    assert result.exit_code == 0, result.output
    assert f"vote {due.id} (Host the shared service): Consented" in result.output
    assert result.output.strip().endswith("closed 1 vote")
    assert due.is_closed and due.proposal.state == State.PASSED and not running.is_closed
    assert app.test_cli_runner().invoke(args=["votes", "close-due"]).output.strip() == "closed 0 votes"


def test_the_periodic_task_closes_due_votes(world):
    vote = open_vote(world, now=utcnow() - timedelta(days=2), lasts=timedelta(days=1))
    assert tasks.close_due_votes() == 1  # what the periodic task runs every minute
    assert vote.is_closed and vote.proposal.state == State.REJECTED


def test_a_withdrawn_proposals_vote_is_closed_uncounted(world):
    vote = open_vote(world)
    apply_transition(vote.proposal, Transition.WITHDRAW, actor=world.steward)
    assert [v.id for v in tasks.close_due()] == [vote.id]
    assert vote.outcome == "withdrawn" and vote.result is None


def test_the_in_process_scheduler_is_not_started_when_testing():
    app = Flask("scratch")
    app.testing = True
    jobs.start_scheduler_on_first_request(app)
    assert app.before_request_funcs == {}


def test_reading_a_proposal_past_its_vote_close_closes_the_vote_first(client, world):
    from tests.factories import sign_in

    vote = open_vote(world, method=Method.CONSENT, now=utcnow() - timedelta(days=2), lasts=timedelta(days=1))
    service.cast_ballot(
        vote,
        actor=world.delegates[0],
        coop=world.coops[0],
        choice="agree",
        now=utcnow() - timedelta(days=1, hours=12),
    )
    db.session.commit()
    sign_in(client, world.members[1])
    page = client.get(f"/proposals/{vote.proposal.id}").get_data(as_text=True)
    assert vote.is_closed and vote.proposal.state == State.PASSED
    assert "See the vote and the result" in page


def test_reading_a_proposal_through_the_api_past_its_vote_close_shows_the_outcome(client, world):
    from tests.factories import api_token

    vote = open_vote(world, now=utcnow() - timedelta(days=2), lasts=timedelta(days=1))
    db.session.commit()
    body = client.get(f"/api/v1/proposals/{vote.proposal.id}", headers=api_token(world.members[1])).get_json()
    assert body["state"] == "rejected"


def test_the_in_process_scheduler_can_be_turned_off():
    app = Flask("scratch")
    app.config["SCHEDULER_SECONDS"] = 0
    jobs.start_scheduler_on_first_request(app)
    assert app.before_request_funcs == {}


def test_the_in_process_scheduler_starts_outside_tests_in_immediate_mode():
    app = Flask("scratch")
    app.config["SCHEDULER_SECONDS"] = 30
    jobs.start_scheduler_on_first_request(app)
    assert len(app.before_request_funcs[None]) == 1


def test_one_due_vote_failing_does_not_hold_back_the_others(world, monkeypatch, caplog):
    start = utcnow() - timedelta(days=2)
    broken, fine = (open_vote(world, now=start, lasts=timedelta(days=1)) for _ in range(2))
    close = service.close_vote

    def close_or_fail(vote, **kwargs):
        if vote.id == broken.id:
            vote.outcome = "half-written"  # a change the failure must not leave behind
            raise RuntimeError("the count broke")
        return close(vote, **kwargs)

    monkeypatch.setattr(service, "close_vote", close_or_fail)
    assert [v.id for v in tasks.close_due()] == [fine.id]
    db.session.expire_all()
    assert fine.is_closed and not broken.is_closed and broken.outcome is None
    assert f"periodic work on votes {broken.id} failed" in caplog.text
    monkeypatch.setattr(service, "close_vote", close)
    assert [v.id for v in tasks.close_due()] == [broken.id]  # the next tick closes it
