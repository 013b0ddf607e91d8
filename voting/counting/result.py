"""What a count gives back: data that explains itself, as text and as JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from .model import Method, Option
from .numbers import as_json_number, exact, share_words


class Outcome(StrEnum):
    """How a vote ended."""

    PASSED = "passed"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    FAILED_QUORUM = "failed_quorum"
    ELECTED = "elected"
    NO_RESULT = "no_result"


class TransferKind(StrEnum):
    """Why ballots moved from one option to others."""

    SURPLUS = "surplus"
    EXCLUSION = "exclusion"


@dataclass(frozen=True)
class Decision:
    """An option elected or excluded in a round, and why."""

    option: str
    reason: str


@dataclass(frozen=True)
class Transfer:
    """Ballots moved from one option: how much went where, and what was lost."""

    source: str
    kind: TransferKind
    amounts: dict[str, Fraction]
    non_transferable: Fraction
    transfer_value: Fraction | None = None
    lost_to_rounding: Fraction = Fraction(0)


@dataclass
class Round:
    """One stage of a count: the tallies after it and what it decided."""

    number: int
    action: str
    tallies: dict[str, Fraction]
    quota: Fraction | None = None
    elected: list[Decision] = field(default_factory=list)
    excluded: list[Decision] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    exhausted: Fraction = Fraction(0)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The round as JSON-safe data."""
        return {
            "number": self.number,
            "action": self.action,
            "tallies": {key: as_json_number(value) for key, value in self.tallies.items()},
            "tallies_exact": {key: exact(value) for key, value in self.tallies.items()},
            "quota": None if self.quota is None else as_json_number(self.quota),
            "elected": [decision.option for decision in self.elected],
            "excluded": [decision.option for decision in self.excluded],
            "reasons": {d.option: d.reason for d in [*self.elected, *self.excluded]},
            "transfers": [_transfer_dict(transfer) for transfer in self.transfers],
            "exhausted": as_json_number(self.exhausted),
            "exhausted_exact": exact(self.exhausted),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class QuorumReport:
    """Whether enough of the electorate took part, with the figures."""

    share: Fraction
    by: str
    electorate: Fraction
    needed: Fraction
    participated: Fraction
    is_reached: bool

    def describe(self) -> str:
        """The quorum in words."""
        verdict = "reached" if self.is_reached else "not reached"
        by_count = self.by == "count"
        unit = "co-ops" if by_count else "weight"
        # Co-ops come whole: a need of 1.5 co-ops is a need of 2 (the check is the same either way).
        needed = Fraction(math.ceil(self.needed)) if by_count else self.needed
        return (
            f"quorum {verdict}: {exact(self.participated)} of {exact(self.electorate)} ({unit}) took part; "
            f"{exact(needed)} ({share_words(self.share, named=False)} of the electorate) were needed"
        )


@dataclass
class Result:
    """The outcome of a count and every figure behind it."""

    method: Method
    outcome: Outcome
    sentence: str
    options: tuple[Option, ...]
    winners: list[str] = field(default_factory=list)
    counts: dict[str, Fraction] = field(default_factory=dict)
    base: str | None = None
    base_total: Fraction | None = None
    threshold: str | None = None
    quorum: QuorumReport | None = None
    rounds: list[Round] = field(default_factory=list)
    tie_rule: str = ""
    seats: int | None = None
    quota: Fraction | None = None
    exhausted: Fraction = Fraction(0)
    ballots: int = 0
    total_weight: Fraction = Fraction(0)
    weights_used: bool = False
    weights: dict[str, Fraction] = field(default_factory=dict)
    blockers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def label(self, key: str) -> str:
        """An option's display name."""
        return next((option.label for option in self.options if option.key == key), key)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-safe data: numbers as numbers, with exact strings beside them."""
        return {
            "method": str(self.method),
            "outcome": str(self.outcome),
            "sentence": self.sentence,
            "options": {option.key: option.label for option in self.options},
            "affiliations": {option.key: option.affiliation for option in self.options if option.affiliation},
            "seats": self.seats,
            "quota": None if self.quota is None else as_json_number(self.quota),
            "quota_exact": None if self.quota is None else exact(self.quota),
            "winners": list(self.winners),
            "counts": {key: as_json_number(value) for key, value in self.counts.items()},
            "counts_exact": {key: exact(value) for key, value in self.counts.items()},
            "base": self.base,
            "base_total": None if self.base_total is None else exact(self.base_total),
            "threshold": self.threshold,
            "quorum": None if self.quorum is None else _quorum_dict(self.quorum),
            "rounds": [round_.to_dict() for round_ in self.rounds],
            "exhausted": as_json_number(self.exhausted),
            "exhausted_exact": exact(self.exhausted),
            "tie_rule": self.tie_rule,
            "ballots": self.ballots,
            "total_weight": exact(self.total_weight),
            "weights_used": self.weights_used,
            "weights": {voter: exact(weight) for voter, weight in self.weights.items()},
            "blockers": list(self.blockers),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        """The result as plain text a person can check by hand."""
        from .text import render_text

        return render_text(self)


def _transfer_dict(transfer: Transfer) -> dict[str, Any]:
    """A transfer as JSON-safe data."""
    return {
        "from": transfer.source,
        "kind": str(transfer.kind),
        "transfer_value": None if transfer.transfer_value is None else exact(transfer.transfer_value),
        "amounts": {key: exact(value) for key, value in transfer.amounts.items()},
        "non_transferable": exact(transfer.non_transferable),
        "lost_to_rounding": exact(transfer.lost_to_rounding),
    }


def _quorum_dict(quorum: QuorumReport) -> dict[str, Any]:
    """A quorum report as JSON-safe data."""
    return {
        "share": exact(quorum.share),
        "by": quorum.by,
        "electorate": exact(quorum.electorate),
        "needed": exact(quorum.needed),
        "participated": exact(quorum.participated),
        "reached": quorum.is_reached,
    }
