"""The one entry point: count ballots by a method under rules, and explain the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from .meek import count_meek
from .model import (
    RANKED_METHODS,
    Ballot,
    CountingError,
    Method,
    Option,
    QuorumBy,
    Rules,
    as_fraction,
    normalise_options,
)
from .numbers import exact
from .profile import RankedProfile, profile_from_ballots
from .result import Outcome, QuorumReport, Result
from .scottish import RankedOutcome, count_scottish_stv

Options = Sequence[str | Option] | Mapping[str, str]


SHORTCUT_NOTE = (
    "counted with the last-vacancy shortcut, which the Scottish Order does not have: with one vacancy "
    "left, a candidate holding at least all other continuing votes plus any surplus is elected at once"
)

RULE_NAMES = {
    Method.STV: "single transferable vote (Scottish rules, SSI 2007/42)",
    Method.IRV: "instant runoff",
    Method.MEEK: "single transferable vote (Meek's method)",
}


def count(
    method: Method | str, options: Options, ballots: Iterable[Ballot], rules: Rules | None = None
) -> Result:
    """Count `ballots` by `method`; `options` is a list of keys or Options, or a key -> name mapping."""
    method, rules, ballots = Method(method), rules or Rules(), list(ballots)
    choices = normalise_options(options)
    weights = [as_fraction(ballot.weight) for ballot in ballots]
    if any(weight <= 0 for weight in weights):
        raise CountingError("every ballot weight must be positive")
    quorum = check_quorum(rules, len(ballots), sum(weights, Fraction(0)))
    if quorum is not None and not quorum.is_reached:
        result = _failed_quorum(method, choices, quorum)
    elif method in RANKED_METHODS:
        result = _count_ranked(method, choices, profile_from_ballots(choices, ballots), rules)
    else:
        result = _count_simple(method, choices, ballots, rules)
    _describe_turnout(result, ballots, weights, rules, quorum)
    return result


def count_profile(
    method: Method | str, options: Options, profile: RankedProfile, rules: Rules | None = None
) -> Result:
    """Count ranked ballots already grouped into a profile (as read from a BLT file)."""
    method, rules = Method(method), rules or Rules()
    if method not in RANKED_METHODS:
        raise CountingError(f"{method} is not a ranked method")
    choices = normalise_options(options)
    quorum = check_quorum(rules, profile.ballots, profile.total_weight)
    if quorum is not None and not quorum.is_reached:
        result = _failed_quorum(method, choices, quorum)
    else:
        result = _count_ranked(method, choices, profile, rules)
    result.ballots, result.total_weight, result.quorum = profile.ballots, profile.total_weight, quorum
    result.weights_used = profile.weight_scale != 1 or profile.ballots - profile.blank != int(
        profile.weights.sum()
    )
    result.tie_rule = result.tie_rule or rules.tie_rule.describe()
    return result


def check_quorum(rules: Rules, ballots: int, weight: Fraction) -> QuorumReport | None:
    """Whether enough of the electorate, by count or by weight, took part."""
    if rules.quorum is None:
        return None
    by_weight = rules.quorum.by is QuorumBy.WEIGHT
    electorate = rules.electorate_total_weight if by_weight else rules.electorate_count
    if electorate is None:
        raise CountingError("a quorum needs the size of the electorate")
    needed = rules.quorum.share * Fraction(electorate)
    participated = weight if by_weight else Fraction(ballots)
    return QuorumReport(
        rules.quorum.share,
        str(rules.quorum.by),
        Fraction(electorate),
        needed,
        participated,
        participated >= needed,
    )


def _count_simple(method: Method, options: tuple[Option, ...], ballots: list[Ballot], rules: Rules) -> Result:
    """Consent, yes/no, approval and score, imported when first counted: a BLT file's count (and so the
    start-up of `roundtable-count`) needs none of them."""
    from .decisions import count_consent, count_yes_no
    from .multi import count_approval, count_score

    simple = {
        Method.CONSENT: count_consent,
        Method.YES_NO: count_yes_no,
        Method.APPROVAL: count_approval,
        Method.SCORE: count_score,
    }
    return simple[method](options, ballots, rules)


def _count_ranked(
    method: Method, options: tuple[Option, ...], profile: RankedProfile, rules: Rules
) -> Result:
    """Run a ranked method and put its outcome into words."""
    keys = [option.key for option in options]
    seats = 1 if method is Method.IRV else rules.seats
    if not profile.weights.size:
        sentence = "Nobody was elected: no ballot ranked any option."
        return Result(method, Outcome.NO_RESULT, sentence, options, seats=seats)
    labels = [option.label for option in options]
    if method is Method.MEEK:
        outcome = count_meek(profile, keys, seats, rules.tie_rule, labels)
    else:
        outcome = count_scottish_stv(
            profile,
            keys,
            seats,
            rules.tie_rule,
            labels,
            last_vacancy_shortcut=rules.last_vacancy_shortcut and method is Method.STV,
            majority=method is Method.IRV,
        )
    if method is Method.STV and rules.last_vacancy_shortcut:
        outcome.notes.append(SHORTCUT_NOTE)
    result = Result(
        method,
        Outcome.ELECTED if outcome.winners else Outcome.NO_RESULT,
        "",
        options,
        winners=outcome.winners,
        counts=dict(outcome.rounds[0].tallies) if outcome.rounds else {},
        rounds=outcome.rounds,
        seats=seats,
        quota=outcome.quota,
        exhausted=outcome.exhausted,
        notes=outcome.notes,
    )
    result.sentence = _ranked_sentence(method, result, outcome)
    return result


def _ranked_sentence(method: Method, result: Result, outcome: RankedOutcome) -> str:
    """What a ranked count decided, in one sentence."""
    if not outcome.winners:
        return "Nobody was elected: no ballot ranked any option."
    names = [result.label(key) for key in outcome.winners]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    rounds = f"{len(outcome.rounds)} round{'s' if len(outcome.rounds) != 1 else ''}"
    if method is Method.IRV:
        last = outcome.rounds[-1]
        reason = next(d.reason for d in last.elected if d.option == outcome.winners[0])
        return f"{listed} won by {RULE_NAMES[method]} after {rounds}: {reason}."
    seats = f"{result.seats} seat{'s' if result.seats != 1 else ''}"
    shortfall = "" if len(names) == result.seats else f" (only {len(names)} could be filled)"
    quota = exact(outcome.quota)
    return f"Elected {listed} to {seats}{shortfall} by {RULE_NAMES[method]}, quota {quota}, after {rounds}."


def _failed_quorum(method: Method, options: tuple[Option, ...], quorum: QuorumReport) -> Result:
    """The result of a vote too few took part in."""
    sentence = f"Failed quorum: {quorum.describe()}."
    return Result(method, Outcome.FAILED_QUORUM, sentence, options, quorum=quorum)


def _describe_turnout(
    result: Result, ballots: list[Ballot], weights: list[Fraction], rules: Rules, quorum: QuorumReport | None
) -> None:
    """Add the ballots, their weights, the quorum and the tie rule to a result."""
    result.ballots, result.total_weight, result.quorum = len(ballots), sum(weights, Fraction(0)), quorum
    result.weights_used = any(weight != 1 for weight in weights)
    if result.weights_used:
        result.weights = {b.voter: w for b, w in zip(ballots, weights, strict=True) if b.voter is not None}
    result.tie_rule = result.tie_rule or rules.tie_rule.describe()
    if result.weights_used:
        result.notes.append(
            f"ballots are weighted: {len(ballots)} ballots carry a total weight of "
            f"{exact(result.total_weight)}"
        )
