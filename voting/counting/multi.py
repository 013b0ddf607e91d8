"""Approval and score votes: one or several winners by total support."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .model import Ballot, CountingError, Method, Option, Rules, ScoreAggregate, Unscored, as_fraction
from .numbers import exact
from .result import Outcome, Result, Round
from .ties import order_with_ties


def count_approval(options: tuple[Option, ...], ballots: Sequence[Ballot], rules: Rules) -> Result:
    """Each option's approvals, weighted; the most approved win."""
    keys = {option.key for option in options}
    counts = {option.key: Fraction(0) for option in options}
    for ballot in ballots:
        if isinstance(ballot.choice, str) or not isinstance(ballot.choice, frozenset | set):
            raise CountingError(f"an approval ballot is a set of option keys, not {ballot.choice!r}")
        unknown = set(ballot.choice) - keys
        if unknown:
            raise CountingError(f"a ballot approves {sorted(unknown)}, which are not options")
        for key in ballot.choice:
            counts[key] += as_fraction(ballot.weight)
    return _top(Method.APPROVAL, options, counts, rules, "approvals")


def count_score(options: tuple[Option, ...], ballots: Sequence[Ballot], rules: Rules) -> Result:
    """Each option's weighted scores combined by the stated aggregate; the highest win."""
    totals = {option.key: Fraction(0) for option in options}
    weights = {option.key: Fraction(0) for option in options}
    for ballot in ballots:
        scores = _checked_scores(ballot, rules, totals)
        weight = as_fraction(ballot.weight)
        for key in totals:
            if key in scores or rules.unscored is Unscored.MIN:
                totals[key] += weight * scores.get(key, rules.score_min)
                weights[key] += weight
    if rules.score_aggregate is ScoreAggregate.MEAN:
        counts = {
            key: totals[key] / weights[key] if weights[key] else Fraction(rules.score_min) for key in totals
        }
    else:
        counts = totals
    result = _top(Method.SCORE, options, counts, rules, f"{rules.score_aggregate} score")
    result.notes.append(
        f"scores run from {rules.score_min} to {rules.score_max}; combined by {rules.score_aggregate}; "
        + (
            "an unscored option counts as the minimum"
            if rules.unscored is Unscored.MIN
            else "unscored options are ignored"
        )
    )
    return result


def _checked_scores(ballot: Ballot, rules: Rules, options: Mapping[str, Fraction]) -> Mapping[str, int]:
    """A ballot's scores, refusing unknown options and scores out of range."""
    if not isinstance(ballot.choice, Mapping):
        raise CountingError(f"a score ballot maps option keys to scores, not {ballot.choice!r}")
    for key, score in ballot.choice.items():
        if key not in options:
            raise CountingError(f"a ballot scores {key!r}, which is not an option")
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not rules.score_min <= score <= rules.score_max
        ):
            raise CountingError(
                f"score {score!r} for {key!r} is not a whole number "
                f"from {rules.score_min} to {rules.score_max}"
            )
    return ballot.choice


def _top(
    method: Method, options: tuple[Option, ...], counts: dict[str, Fraction], rules: Rules, what: str
) -> Result:
    """The `seats` options with the most support, ties broken by the rule."""
    order, notes = order_with_ties(counts, [], rule=rules.tie_rule, round_number=1)
    winners = order[: rules.seats]
    round_ = Round(number=1, action=f"count of {what}", tallies=dict(counts), notes=notes)
    names = ", ".join(
        f"{next(o.label for o in options if o.key == key)} ({exact(counts[key])})" for key in winners
    )
    sentence = f"Chosen by {what}: {names}." if winners else "Nothing was chosen: there were no options."
    outcome = Outcome.ELECTED if winners else Outcome.NO_RESULT
    return Result(
        method,
        outcome,
        sentence,
        options,
        winners=winners,
        counts=dict(counts),
        rounds=[round_],
        seats=rules.seats,
    )
