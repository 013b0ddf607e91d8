"""The lifecycle as plain rules: which step leads where, who may take it, and what it guards."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import InvalidTransition
from proposals.lifecycle import (
    FINAL_STATES,
    RULES,
    TEXT_FROZEN_STATES,
    UNDECIDED_STATES,
    ActorKind,
    GuardContext,
    State,
    Transition,
    allowed_transitions,
    guard_failure,
    next_state,
    reachable_states,
)

HAPPY_PATH = [
    (State.DRAFT, Transition.OPEN_DISCUSSION, ActorKind.STEWARD, State.DISCUSSION),
    (State.DISCUSSION, Transition.OPEN_VOTE, ActorKind.STEWARD, State.VOTING),
    (State.VOTING, Transition.PASS, ActorKind.SYSTEM, State.PASSED),
    (State.PASSED, Transition.OPEN_PLEDGING, ActorKind.STEWARD, State.PLEDGING),
    (State.PLEDGING, Transition.COMMIT, ActorKind.SYSTEM, State.COMMITTED),
    (State.COMMITTED, Transition.PREPARE_AGREEMENT, ActorKind.SYSTEM, State.AGREEMENT),
    (State.AGREEMENT, Transition.SIGN, ActorKind.SYSTEM, State.SIGNED),
]


@pytest.mark.parametrize(("state", "transition", "actor", "expected"), HAPPY_PATH)
def test_each_step_of_the_happy_path_leads_to_the_next_state(state, transition, actor, expected):
    assert next_state(state, transition, actor) == expected


@pytest.mark.parametrize(
    ("transition", "expected"),
    [
        (Transition.PASS, State.PASSED),
        (Transition.REJECT, State.REJECTED),
        (Transition.FAIL_QUORUM, State.FAILED_QUORUM),
    ],
)
def test_a_vote_closes_into_one_of_three_outcomes(transition, expected):
    assert next_state(State.VOTING, transition, ActorKind.SYSTEM) == expected


def test_a_campaign_either_commits_or_lapses():
    assert next_state(State.PLEDGING, Transition.LAPSE, ActorKind.SYSTEM) == State.LAPSED


@pytest.mark.parametrize("state", sorted(UNDECIDED_STATES))
def test_a_steward_can_withdraw_before_a_decision(state):
    assert next_state(state, Transition.WITHDRAW, ActorKind.STEWARD) == State.WITHDRAWN


@pytest.mark.parametrize("state", sorted(set(State) - UNDECIDED_STATES))
def test_nothing_is_withdrawn_after_a_decision(state):
    with pytest.raises(InvalidTransition):
        next_state(state, Transition.WITHDRAW, ActorKind.STEWARD)


def test_an_illegal_step_names_the_current_state_and_the_allowed_steps():
    with pytest.raises(InvalidTransition) as caught:
        next_state(State.DRAFT, Transition.OPEN_VOTE, ActorKind.STEWARD)
    assert caught.value.details == {"current_state": "draft", "allowed": ["open_discussion", "withdraw"]}
    assert caught.value.status == 409


def test_a_steward_cannot_take_the_systems_step_at_the_close():
    with pytest.raises(InvalidTransition, match="Only Roundtable at the close time"):
        next_state(State.VOTING, Transition.PASS, ActorKind.STEWARD)


def test_the_system_cannot_take_a_stewards_step():
    with pytest.raises(InvalidTransition, match="Only a steward"):
        next_state(State.DISCUSSION, Transition.OPEN_VOTE, ActorKind.SYSTEM)


def test_closing_steps_wait_for_the_close_time():
    assert guard_failure(Transition.PASS, GuardContext(is_due=False)) is not None
    assert guard_failure(Transition.PASS, GuardContext(is_due=True)) is None


def test_discussion_needs_text_and_facts():
    assert "title" in guard_failure(Transition.OPEN_DISCUSSION, GuardContext(has_text=False))
    assert "hours a month" in guard_failure(
        Transition.OPEN_DISCUSSION, GuardContext(missing_facts=("hours a month",))
    )
    assert guard_failure(Transition.OPEN_DISCUSSION, GuardContext()) is None


def test_only_commitments_collect_pledges():
    assert guard_failure(Transition.OPEN_PLEDGING, GuardContext(is_commitment=False)) is not None


def test_every_state_is_reachable_from_draft():
    assert reachable_states() == frozenset(State)


def test_final_states_allow_no_step():
    assert all(allowed_transitions(state) == [] for state in FINAL_STATES)


def test_the_text_is_frozen_from_the_vote_on():
    assert State.VOTING in TEXT_FROZEN_STATES
    assert State.DISCUSSION not in TEXT_FROZEN_STATES and State.DRAFT not in TEXT_FROZEN_STATES


def test_every_transition_has_a_rule():
    assert set(RULES) == set(Transition)


@given(st.sampled_from(State), st.sampled_from(Transition), st.sampled_from(ActorKind))
def test_a_step_either_leads_to_its_target_or_raises(state, transition, actor):
    rule = RULES[transition]
    if state in rule.sources and rule.actor == actor:
        assert next_state(state, transition, actor) == rule.target
        assert transition in allowed_transitions(state, actor)
    else:
        with pytest.raises(InvalidTransition):
            next_state(state, transition, actor)
        assert transition not in allowed_transitions(state, actor)


def test_a_campaign_opened_during_the_vote_goes_on_to_pledging_when_the_vote_passes():
    assert next_state(State.PASSED, Transition.CONTINUE_PLEDGING, ActorKind.SYSTEM) == State.PLEDGING
    assert guard_failure(Transition.CONTINUE_PLEDGING, GuardContext(is_due=False)) is not None


def test_a_steward_commits_early_only_once_every_target_is_met():
    assert next_state(State.PLEDGING, Transition.COMMIT_EARLY, ActorKind.STEWARD) == State.COMMITTED
    assert "every target" in guard_failure(Transition.COMMIT_EARLY, GuardContext(are_targets_met=False))
    assert guard_failure(Transition.COMMIT_EARLY, GuardContext(are_targets_met=True)) is None
