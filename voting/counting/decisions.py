"""Consent and yes/no decisions: one question, counted with exact fractions."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .model import (
    Ballot,
    Base,
    ConsentChoice,
    CountingError,
    Method,
    Option,
    Rules,
    YesNoChoice,
    YesNoTie,
    as_fraction,
)
from .numbers import exact, share_words
from .result import Outcome, Result

BASE_WORDS = {
    Base.CAST: "votes cast ({} + {})",
    Base.CAST_WITH_ABSTENTIONS: "votes cast including abstentions ({} + {} + abstain)",
    Base.ELECTORATE: "the whole electorate",
}


def count_consent(options: tuple[Option, ...], ballots: Sequence[Ballot], rules: Rules) -> Result:
    """Any block stops it; otherwise it passes unless disagreement reaches the stated share."""
    counts = _tally(ballots, ConsentChoice)
    blockers = [
        ballot.voter or "an unnamed co-op" for ballot in ballots if ballot.choice == ConsentChoice.BLOCK
    ]
    base, base_total = _base(
        rules, counts, ConsentChoice.AGREE, ConsentChoice.DISAGREE, ConsentChoice.ABSTAIN
    )
    result = Result(
        Method.CONSENT, Outcome.PASSED, "", options, counts=counts, base=base, base_total=base_total
    )
    result.threshold = f"disagreement below {share_words(rules.consent_disagreement_share)} of the base"
    if blockers:
        result.outcome, result.blockers = Outcome.BLOCKED, blockers
        result.sentence = f"Blocked by {_join(blockers)}: any block stops a consent decision."
        return result
    share = counts[ConsentChoice.DISAGREE] / base_total if base_total else Fraction(0)
    figures = f"disagreement was {exact(counts[ConsentChoice.DISAGREE])} of {exact(base_total)} ({share_words(share)})"
    if share >= rules.consent_disagreement_share:
        result.outcome = Outcome.REJECTED
        result.sentence = f"Not consented: {figures}, reaching the stated share of {share_words(rules.consent_disagreement_share)}."
    else:
        share_needed = share_words(rules.consent_disagreement_share)
        result.sentence = (
            f"Consented: nobody blocked and {figures}, below the stated share of {share_needed}."
        )
    return result


def count_yes_no(options: tuple[Option, ...], ballots: Sequence[Ballot], rules: Rules) -> Result:
    """Yes against the threshold, as a share of the stated base."""
    counts = _tally(ballots, YesNoChoice)
    base, base_total = _base(rules, counts, YesNoChoice.YES, YesNoChoice.NO, YesNoChoice.ABSTAIN)
    threshold = rules.threshold
    result = Result(
        Method.YES_NO, Outcome.REJECTED, "", options, counts=counts, base=base, base_total=base_total
    )
    result.threshold = threshold.describe()
    yes = counts[YesNoChoice.YES]
    if not base_total:
        result.sentence = "Rejected: the base is empty, so no share of it said yes."
        return result
    share = yes / base_total
    figures = f"{exact(yes)} yes of {exact(base_total)} ({base}) is {share_words(share)}"
    if share == threshold.share:
        return _decide_tie(result, rules, figures)
    is_passed = share > threshold.share
    result.outcome = Outcome.PASSED if is_passed else Outcome.REJECTED
    verdict = "Passed" if is_passed else "Rejected"
    relation = "which meets" if is_passed else "which does not meet"
    result.sentence = f"{verdict}: {figures}, {relation} the threshold of {threshold.describe()}."
    return result


def _decide_tie(result: Result, rules: Rules, figures: str) -> Result:
    """A share exactly on the threshold: the stated tie rule decides."""
    tie = rules.yes_no_tie or (YesNoTie.FAIL if rules.threshold.is_strict else YesNoTie.PASS)
    if tie is YesNoTie.CASTING:
        if rules.yes_no_casting not in (YesNoChoice.YES, YesNoChoice.NO):
            raise CountingError("a casting decision (yes or no) must be recorded for this tie")
        is_passed = rules.yes_no_casting == YesNoChoice.YES
        how = f"the casting decision ({rules.yes_no_casting})"
    else:
        is_passed = tie is YesNoTie.PASS
        how = f"the tie rule ({tie})"
    result.outcome = Outcome.PASSED if is_passed else Outcome.REJECTED
    verdict = "Passed" if is_passed else "Rejected"
    result.sentence = (
        f"{verdict}: {figures}, exactly the threshold ({rules.threshold.describe()}); decided by {how}."
    )
    result.tie_rule = f"a yes/no vote exactly on its threshold is decided by {how}"
    return result


def _tally(
    ballots: Sequence[Ballot], choices: type[ConsentChoice] | type[YesNoChoice]
) -> dict[str, Fraction]:
    """Total weight behind each answer, refusing answers the method does not know."""
    counts = {str(choice): Fraction(0) for choice in choices}
    for ballot in ballots:
        if ballot.choice not in counts:
            raise CountingError(f"{ballot.choice!r} is not one of {', '.join(counts)}")
        counts[str(ballot.choice)] += as_fraction(ballot.weight)
    return counts


def _base(
    rules: Rules, counts: dict[str, Fraction], for_: str, against: str, abstain: str
) -> tuple[str, Fraction]:
    """The base a share is taken of, in words and in number."""
    words = BASE_WORDS[rules.base].format(for_, against)
    if rules.base is Base.ELECTORATE:
        if rules.electorate_total_weight is None:
            raise CountingError("a share of the whole electorate needs the electorate's size")
        return words, Fraction(rules.electorate_total_weight)
    total = counts[for_] + counts[against]
    if rules.base is Base.CAST_WITH_ABSTENTIONS:
        total += counts[abstain]
    return words, total


def _join(names: Sequence[str]) -> str:
    """Names joined as a sentence would."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
