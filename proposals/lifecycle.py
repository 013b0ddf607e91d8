"""The one lifecycle of a proposal, as plain Python (no Flask, no SQLAlchemy).

    draft → discussion → voting → passed | rejected | failed_quorum
    passed → pledging → committed | lapsed
    (a campaign may open while the vote is open: the proposal stays in voting, and moves on to pledging
    by itself when the vote passes)
    committed → agreement → signed
    withdrawn, from draft, discussion or voting (any state before a decision)

Every step is a row of `TRANSITIONS`: the states it leaves, the state it reaches, who may take it
(`ActorKind.STEWARD`, a steward of an addressed network, or `ActorKind.SYSTEM`, Roundtable itself at a
close time) and its guard. `next_state` answers where a step leads or raises
`governance.errors.InvalidTransition` naming the current state and the steps allowed; `guard_failure`
says why a legal step cannot be taken yet. `proposals.service.apply_transition` is the only caller
that changes a proposal: it checks both, moves the state and appends the audit event.

For the votes feature:
- a steward opens a vote with `Transition.OPEN_VOTE` (discussion → voting);
- at the close time the system takes `Transition.PASS`, `Transition.REJECT` or `Transition.FAIL_QUORUM`
  (voting → passed | rejected | failed_quorum) with `is_due=True`;
- `TEXT_FROZEN_STATES` are the states in which the proposal's text cannot change.

For pledge campaigns (`proposals.pledging`):
- a steward opening a campaign on a passed proposal takes `Transition.OPEN_PLEDGING` (passed → pledging);
- a campaign opened while the vote was open: when the vote passes, the system takes
  `Transition.CONTINUE_PLEDGING` (passed → pledging) in the same transaction;
- at the deadline the system takes `Transition.COMMIT` or `Transition.LAPSE` with `is_due=True`;
- a steward may take `Transition.COMMIT_EARLY` before the deadline, only when every target is met
  (`GuardContext.are_targets_met`, which the campaign's service works out under the lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from governance.errors import InvalidTransition
from governance.texts import N_, _


class State(StrEnum):
    DRAFT = "draft"
    DISCUSSION = "discussion"
    VOTING = "voting"
    PASSED = "passed"
    REJECTED = "rejected"
    FAILED_QUORUM = "failed_quorum"
    PLEDGING = "pledging"
    COMMITTED = "committed"
    LAPSED = "lapsed"
    AGREEMENT = "agreement"
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """'failed quorum', in the reader's language (`STATE_LABELS` keeps the English, for the audit log)."""
        return _(STATE_LABELS[self])

    @property
    def phrase(self) -> str:
        """The state in a sentence: 'The proposal is now {phrase}.'"""
        return _(STATE_PHRASES[self])


STATE_LABELS = {
    State.DRAFT: N_("draft"),
    State.DISCUSSION: N_("discussion"),
    State.VOTING: N_("voting"),
    State.PASSED: N_("passed"),
    State.REJECTED: N_("rejected"),
    State.FAILED_QUORUM: N_("failed quorum"),
    State.PLEDGING: N_("pledging"),
    State.COMMITTED: N_("committed"),
    State.LAPSED: N_("lapsed"),
    State.AGREEMENT: N_("agreement"),
    State.SIGNED: N_("signed"),
    State.WITHDRAWN: N_("withdrawn"),
}
# Translators: each phrase completes "The proposal is now …" and "The proposal is …, so it cannot take the
# step …"; a translation may carry its own verb ("está en votación") when the sentences leave it out.
STATE_PHRASES = {
    State.DRAFT: N_("a draft"),
    State.DISCUSSION: N_("open for discussion"),
    State.VOTING: N_("being voted on"),
    State.PASSED: N_("passed"),
    State.REJECTED: N_("rejected"),
    State.FAILED_QUORUM: N_("failed for want of a quorum"),
    State.PLEDGING: N_("collecting pledges"),
    State.COMMITTED: N_("committed"),
    State.LAPSED: N_("lapsed"),
    State.AGREEMENT: N_("waiting for its agreement to be signed"),
    State.SIGNED: N_("signed"),
    State.WITHDRAWN: N_("withdrawn"),
}


class Transition(StrEnum):
    OPEN_DISCUSSION = "open_discussion"
    OPEN_VOTE = "open_vote"
    PASS = "pass"
    REJECT = "reject"
    FAIL_QUORUM = "fail_quorum"
    OPEN_PLEDGING = "open_pledging"
    CONTINUE_PLEDGING = "continue_pledging"
    COMMIT = "commit"
    COMMIT_EARLY = "commit_early"
    LAPSE = "lapse"
    PREPARE_AGREEMENT = "prepare_agreement"
    SIGN = "sign"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return _(RULES[self].label)


class ActorKind(StrEnum):
    STEWARD = "steward"
    SYSTEM = "system"


# The states a proposal can be edited in: before any vote opens.
EDITABLE_STATES = frozenset({State.DRAFT, State.DISCUSSION})
# The states in which the text is fixed: a vote is open, or it has been decided.
TEXT_FROZEN_STATES = frozenset(State) - EDITABLE_STATES
# The states before a decision, from which a proposal can be withdrawn.
UNDECIDED_STATES = frozenset({State.DRAFT, State.DISCUSSION, State.VOTING})
FINAL_STATES = frozenset({State.REJECTED, State.FAILED_QUORUM, State.LAPSED, State.SIGNED, State.WITHDRAWN})


@dataclass(frozen=True)
class GuardContext:
    """What the guards need to know about a proposal; the service builds it from the database."""

    has_text: bool = True
    network_count: int = 1
    missing_facts: tuple[str, ...] = ()
    is_commitment: bool = True
    is_due: bool = False
    are_targets_met: bool = False


Guard = Callable[[GuardContext], str | None]  # a reason the step cannot be taken, or None


def always(_: GuardContext) -> str | None:
    return None


def ready_for_discussion(context: GuardContext) -> str | None:
    if not context.has_text:
        return _("Give the proposal a title, a summary and a body before opening it for discussion.")
    if context.network_count < 1:
        return _("Address the proposal to at least one network first.")
    if context.missing_facts:
        return _(
            "A co-op needs these facts to decide; fill them in first: %(facts)s.",
            facts=", ".join(_(fact) for fact in context.missing_facts),
        )
    return None


def has_electorate(context: GuardContext) -> str | None:
    if context.network_count < 1:
        return _("A vote needs at least one addressed network.")
    return ready_for_discussion(context)


def is_due(context: GuardContext) -> str | None:
    return None if context.is_due else _("Roundtable takes this step itself, at the close time.")


def is_commitment(context: GuardContext) -> str | None:
    return (
        None
        if context.is_commitment
        else _("Only shared service and joint venture proposals collect pledges.")
    )


def targets_met(context: GuardContext) -> str | None:
    return None if context.are_targets_met else _("A campaign commits early only once every target is met.")


@dataclass(frozen=True)
class Rule:
    transition: Transition
    sources: frozenset[State]
    target: State
    actor: ActorKind
    guard: Guard
    label: str  # English, marked with N_: `Transition.label` is the reader's


def _rule(transition, sources, target, actor, guard, label) -> tuple[Transition, Rule]:
    return transition, Rule(transition, frozenset(sources), target, actor, guard, label)


S, T, A = State, Transition, ActorKind
RULES: dict[Transition, Rule] = dict(
    [
        _rule(
            T.OPEN_DISCUSSION,
            {S.DRAFT},
            S.DISCUSSION,
            A.STEWARD,
            ready_for_discussion,
            N_("Open for discussion"),
        ),
        _rule(T.OPEN_VOTE, {S.DISCUSSION}, S.VOTING, A.STEWARD, has_electorate, N_("Open the vote")),
        _rule(T.PASS, {S.VOTING}, S.PASSED, A.SYSTEM, is_due, N_("Passed at the close")),
        _rule(T.REJECT, {S.VOTING}, S.REJECTED, A.SYSTEM, is_due, N_("Rejected at the close")),
        _rule(T.FAIL_QUORUM, {S.VOTING}, S.FAILED_QUORUM, A.SYSTEM, is_due, N_("Failed quorum at the close")),
        _rule(T.OPEN_PLEDGING, {S.PASSED}, S.PLEDGING, A.STEWARD, is_commitment, N_("Open pledging")),
        _rule(
            T.CONTINUE_PLEDGING,
            {S.PASSED},
            S.PLEDGING,
            A.SYSTEM,
            is_due,
            N_("Pledging goes on: the vote passed"),
        ),
        _rule(T.COMMIT, {S.PLEDGING}, S.COMMITTED, A.SYSTEM, is_due, N_("Committed: every target met")),
        _rule(
            T.COMMIT_EARLY,
            {S.PLEDGING},
            S.COMMITTED,
            A.STEWARD,
            targets_met,
            N_("Commit now: every target is met"),
        ),
        _rule(T.LAPSE, {S.PLEDGING}, S.LAPSED, A.SYSTEM, is_due, N_("Lapsed at the deadline")),
        _rule(
            T.PREPARE_AGREEMENT,
            {S.COMMITTED},
            S.AGREEMENT,
            A.SYSTEM,
            always,
            N_("Agreement prepared for signing"),
        ),
        _rule(T.SIGN, {S.AGREEMENT}, S.SIGNED, A.SYSTEM, always, N_("Signed by every party")),
        _rule(T.WITHDRAW, UNDECIDED_STATES, S.WITHDRAWN, A.STEWARD, always, N_("Withdraw")),
    ]
)
del S, T, A


def allowed_transitions(state: State, actor_kind: ActorKind | None = None) -> list[Transition]:
    """The steps that leave `state`, for one kind of actor or for any."""
    return [
        t
        for t, rule in RULES.items()
        if state in rule.sources and (actor_kind is None or rule.actor == actor_kind)
    ]


def next_state(state: State, transition: Transition, actor_kind: ActorKind) -> State:
    """Where `transition` leads from `state` when taken by `actor_kind`; never a silent no-op."""
    state, actor_kind = State(state), ActorKind(actor_kind)
    rule = RULES.get(Transition(transition))
    allowed = [t.value for t in allowed_transitions(state, actor_kind)]
    if rule is None or state not in rule.sources:
        raise InvalidTransition(
            _(
                "The proposal is %(phrase)s, so it cannot take the step “%(step)s”.",
                phrase=state.phrase,
                step=_step_words(transition),
            ),
            current_state=state.value,
            allowed=allowed,
        )
    if rule.actor != actor_kind:
        only = (
            _(
                "Only a steward of an addressed network can take the step “%(step)s”.",
                step=_step_words(rule.transition),
            )
            if rule.actor == ActorKind.STEWARD
            else _(
                "Only Roundtable at the close time can take the step “%(step)s”.",
                step=_step_words(rule.transition),
            )
        )
        raise InvalidTransition(
            only,
            current_state=state.value,
            allowed=allowed,
        )
    return rule.target


def _step_words(transition: Transition) -> str:
    rule = RULES.get(transition)
    return _(rule.label).lower() if rule else transition.value.replace("_", " ")


def guard_failure(transition: Transition, context: GuardContext) -> str | None:
    """Why a legal step cannot be taken yet, or None when its guard holds."""
    return RULES[Transition(transition)].guard(context)


def reachable_states() -> frozenset[State]:
    """Every state some sequence of steps from draft can reach."""
    seen, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for transition in allowed_transitions(state):
            target = RULES[transition].target
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return frozenset(seen)
