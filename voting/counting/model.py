"""What a count takes in: the method, the options, the ballots and the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

Number = int | Fraction


class Method(StrEnum):
    """The ways a vote can be counted."""

    CONSENT = "consent"
    YES_NO = "yes_no"
    IRV = "irv"
    STV = "stv"
    MEEK = "meek"
    APPROVAL = "approval"
    SCORE = "score"


RANKED_METHODS = frozenset({Method.IRV, Method.STV, Method.MEEK})


class ConsentChoice(StrEnum):
    """A consent ballot's answer."""

    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"


class YesNoChoice(StrEnum):
    """A yes/no ballot's answer."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Base(StrEnum):
    """What a share is a share of."""

    CAST = "cast"  # yes + no (agree + disagree)
    CAST_WITH_ABSTENTIONS = "cast_with_abstentions"
    ELECTORATE = "electorate"


class QuorumBy(StrEnum):
    """Whether turnout is measured in co-ops or in weight."""

    COUNT = "count"
    WEIGHT = "weight"


class TieKind(StrEnum):
    """How a tie between options is broken once earlier rounds cannot."""

    EARLIER_ROUNDS_THEN_RANDOM = "earlier_rounds_then_random"
    CASTING = "casting"


class YesNoTie(StrEnum):
    """What a yes/no vote that lands exactly on its threshold does."""

    FAIL = "fail"
    PASS = "pass"
    CASTING = "casting"


class ScoreAggregate(StrEnum):
    """How scores are combined."""

    MEAN = "mean"
    SUM = "sum"


class Unscored(StrEnum):
    """How an option a ballot left unscored counts."""

    MIN = "min"
    IGNORED = "ignored"


class CountingError(ValueError):
    """Ballots or rules that cannot be counted."""


@dataclass(frozen=True)
class Option:
    """One thing to vote for: a key the ballots use and a name people read."""

    key: str
    name: str = ""
    affiliation: str = ""

    @property
    def label(self) -> str:
        """The name, or the key when there is none."""
        return self.name or self.key


@dataclass(frozen=True)
class Ballot:
    """One co-op's ballot: its choice, its weight and, optionally, who cast it."""

    choice: object
    weight: Number = 1
    voter: str | None = None


@dataclass(frozen=True)
class Threshold:
    """The share of the base a yes/no vote needs: more than it (strict) or at least it."""

    share: Fraction = Fraction(1, 2)
    is_strict: bool = True

    def describe(self) -> str:
        """The threshold in words."""
        from .numbers import share_words  # numbers imports this module's Number

        return f"{'more than' if self.is_strict else 'at least'} {share_words(self.share)}"


SIMPLE_MAJORITY = Threshold(Fraction(1, 2), is_strict=True)
TWO_THIRDS = Threshold(Fraction(2, 3), is_strict=False)
THREE_QUARTERS = Threshold(Fraction(3, 4), is_strict=False)


@dataclass(frozen=True)
class Quorum:
    """The share of the electorate, by count or by weight, that must take part."""

    share: Fraction
    by: QuorumBy = QuorumBy.COUNT


PRECEDING = "the most recent earlier round at which the tied options had unequal votes decides"


@dataclass(frozen=True)
class TieRule:
    """How ties are broken: the most recent earlier round at which the tied options had unequal
    votes first (SSI 2007/42 rules 49(2) and 51(2)(a)), then a seeded draw or a casting order.

    For CASTING, `casting_order` lists option keys from most to least preferred by the
    person holding the casting vote: the earliest listed is elected first and excluded last.
    """

    kind: TieKind = TieKind.EARLIER_ROUNDS_THEN_RANDOM
    seed: str = "roundtable"
    casting_order: tuple[str, ...] = ()

    def describe(self) -> str:
        """The rule in words, printed with every result."""
        if self.kind is TieKind.CASTING:
            order = ", ".join(self.casting_order) or "(none recorded)"
            return f"ties: {PRECEDING}, then the recorded casting order {order}"
        return (
            f"ties: {PRECEDING}, then a draw: the tied option whose SHA-256 of "
            f"'{self.seed}:<key>' is smallest is chosen (seed '{self.seed}')"
        )


@dataclass(frozen=True)
class Rules:
    """Everything a count needs besides the ballots; the defaults suit a simple vote."""

    seats: int = 1
    threshold: Threshold = SIMPLE_MAJORITY
    base: Base = Base.CAST
    quorum: Quorum | None = None
    electorate_count: int | None = None
    electorate_weight: Number | None = None
    tie_rule: TieRule = field(default_factory=TieRule)
    # Off by default: the Scottish Order has no such rule. When on, a ranked count with one vacancy
    # left elects a continuing candidate who holds at least all the other continuing votes plus any
    # surplus not yet transferred, as some other STV rules do (e.g. Northern Ireland's rule 52(2)).
    last_vacancy_shortcut: bool = False
    yes_no_tie: YesNoTie | None = None
    yes_no_casting: YesNoChoice | None = None
    consent_disagreement_share: Fraction = Fraction(1, 2)
    score_min: int = 0
    score_max: int = 5
    score_aggregate: ScoreAggregate = ScoreAggregate.MEAN
    unscored: Unscored = Unscored.MIN

    @property
    def electorate_total_weight(self) -> Number | None:
        """The electorate's weight; its head count when no weight was given."""
        return self.electorate_count if self.electorate_weight is None else self.electorate_weight


def normalise_options(options: Sequence[str | Option] | Mapping[str, str]) -> tuple[Option, ...]:
    """Accept keys, Option objects or a key -> name mapping; refuse duplicates."""
    if isinstance(options, Mapping):
        result = tuple(Option(str(key), str(name)) for key, name in options.items())
    else:
        result = tuple(item if isinstance(item, Option) else Option(str(item)) for item in options)
    keys = [option.key for option in result]
    if len(set(keys)) != len(keys):
        raise CountingError("each option must have a different key")
    return result


def as_fraction(value: Number) -> Fraction:
    """A weight or count as an exact fraction; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise CountingError(f"weights must be integers or Fractions, not {value!r}")
    return Fraction(value)
