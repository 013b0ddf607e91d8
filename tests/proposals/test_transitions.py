"""Moving a proposal along its lifecycle through the service: authorised, guarded, audited, atomic."""

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from governance.audit import AuditEvent
from governance.errors import InvalidTransition, NotAllowed, NotFound
from governance.extensions import db
from proposals.lifecycle import RULES, ActorKind, State, Transition, allowed_transitions, reachable_states
from proposals.service import Action, apply_transition
from tests.proposals.factories import proposal


def transition_events(made):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == Action.TRANSITION, AuditEvent.subject_type == "proposals")
        .where(AuditEvent.subject_id == made.id)
        .order_by(AuditEvent.seq)
    ).all()


def test_a_steward_opens_discussion_and_the_step_is_audited(world):
    made = proposal(world)
    change = apply_transition(made, Transition.OPEN_DISCUSSION, actor=world.steward, note="Ready")
    assert made.state == State.DISCUSSION
    assert (change.from_state, change.to_state, change.actor) == (
        State.DRAFT,
        State.DISCUSSION,
        world.steward,
    )
    [event] = transition_events(made)
    assert event.data == {
        "transition": "open_discussion",
        "from": "draft",
        "to": "discussion",
        "note": "Ready",
    }
    assert event.actor_id == world.steward.id
    assert event.network_ids == [world.network.id]


def test_the_system_closes_a_vote_at_its_close_time(world):
    made = proposal(world, discuss=True)
    apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    apply_transition(
        made, Transition.PASS, actor=None, actor_kind=ActorKind.SYSTEM, is_due=True, data={"vote": 7}
    )
    assert made.state == State.PASSED
    event = transition_events(made)[-1]
    assert event.actor_label == "Roundtable (system)" and event.data["vote"] == 7


def test_the_system_cannot_close_a_vote_before_its_time(world):
    made = proposal(world, discuss=True)
    apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    with pytest.raises(InvalidTransition, match="close time"):
        apply_transition(made, Transition.PASS, actor=None, actor_kind=ActorKind.SYSTEM)
    assert made.state == State.VOTING


def test_an_illegal_step_changes_nothing_and_records_nothing(world):
    made = proposal(world)
    with pytest.raises(InvalidTransition) as caught:
        apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    assert caught.value.details == {"current_state": "draft", "allowed": ["open_discussion", "withdraw"]}
    assert made.state == State.DRAFT and made.state_changes == [] and transition_events(made) == []


def test_an_unknown_step_is_an_invalid_transition(world):
    with pytest.raises(InvalidTransition, match="no step called 'teleport'"):
        apply_transition(proposal(world), "teleport", actor=world.steward)


def test_a_delegate_cannot_move_a_proposal_along(world):
    made = proposal(world, discuss=True)
    with pytest.raises(NotAllowed):
        apply_transition(made, Transition.OPEN_VOTE, actor=world.delegates[0])
    assert made.state == State.DISCUSSION


def test_an_outsider_is_told_the_proposal_does_not_exist(world):
    with pytest.raises(NotFound):
        apply_transition(proposal(world, discuss=True), Transition.WITHDRAW, actor=world.outsider)


def test_a_shared_service_without_its_facts_cannot_go_to_discussion(world):
    made = proposal(world, facts={})
    with pytest.raises(InvalidTransition, match="monthly revenue, monthly costs, currency, hours a month"):
        apply_transition(made, Transition.OPEN_DISCUSSION, actor=world.steward)


def _step(draw, state):
    """Mostly a step the state allows (so runs get deep), sometimes any step at all."""
    legal = [(t, RULES[t].actor) for t in allowed_transitions(state)]
    anything = st.tuples(st.sampled_from(Transition), st.sampled_from(ActorKind))
    transition, actor_kind = draw(st.one_of(st.sampled_from(legal), anything) if legal else anything)
    return transition, actor_kind, draw(st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(min_value=0, max_value=12))
def test_random_steps_never_reach_an_illegal_state_and_each_step_is_audited(world, data, length):
    savepoint = db.session.begin_nested()
    try:
        made = proposal(world, commit=False)
        path = [made.state]
        for _ in range(length):
            transition, actor_kind, is_due = _step(data.draw, made.state)
            actor = world.steward if actor_kind == ActorKind.STEWARD else None
            before = made.state
            try:
                apply_transition(made, transition, actor=actor, actor_kind=actor_kind, is_due=is_due)
            except InvalidTransition:
                assert made.state == before
                continue
            rule = RULES[transition]
            assert before in rule.sources and rule.actor == actor_kind
            assert made.state == rule.target
            path.append(made.state)
        assert made.state in reachable_states()
        events = transition_events(made)
        assert [(e.data["from"], e.data["to"]) for e in events] == list(pairwise(path))
        assert [(c.from_state, c.to_state) for c in made.state_changes] == list(pairwise(path))
    finally:
        savepoint.rollback()
