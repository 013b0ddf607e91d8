"""Single transferable vote by the Scottish rules (SSI 2007/42, schedule 1, rules 45 to 52).

The count goes on, stage by stage, until the quota (rule 47) or rule 52(1) fills every vacancy: "Where the
number of continuing candidates is equal to the number of vacancies remaining unfilled, the continuing
candidates are deemed to be elected." Nobody is elected early below the quota: the Order has no such rule.
The "last-vacancy shortcut" of some other rules (one vacancy left, a candidate holding at least all other
continuing votes plus any surplus is elected) is an option, off unless asked for. Instant runoff (one seat)
elects, as it always does, a candidate holding more than half of the votes still in play.

Droop quota: the valid votes divided by one more than the seats, fraction ignored, plus one.
Every ballot paper carries a value counted in units of 0.00001; a surplus moves every paper of
the elected candidate (weighted inclusive Gregory) at surplus x paper value / candidate's votes,
truncated to five decimal places. An excluded candidate's papers move at the value they arrived
with. Ballots are grouped by ranking and only the papers being transferred are touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .model import TieRule
from .numbers import exact
from .profile import RankedProfile
from .result import Decision, Round, Transfer, TransferKind
from .ties import break_tie, order_with_ties

UNIT = 10**5  # a paper of value 1 counts 100000 units: values carry five decimal places
_SAFE = 2**62


@dataclass
class RankedOutcome:
    """What a ranked count found: who won, in which order, and every round."""

    winners: list[str]
    rounds: list[Round]
    quota: Fraction
    exhausted: Fraction
    notes: list[str] = field(default_factory=list)


def droop_quota(total: Fraction, seats: int) -> Fraction:
    """The Scottish quota: total / (seats + 1), fraction ignored, plus one."""
    return Fraction(total.numerator // (total.denominator * (seats + 1)) + 1)


def count_scottish_stv(
    profile: RankedProfile,
    keys: list[str],
    seats: int,
    tie_rule: TieRule,
    labels: list[str] | None = None,
    *,
    last_vacancy_shortcut: bool = False,
    majority: bool = False,
) -> RankedOutcome:
    """Count the profile for `seats` seats by the Scottish STV rules; `labels` name the options in words.

    `last_vacancy_shortcut` adds the early election of other rules (off by the Order); `majority` is
    instant runoff's: a candidate with more than half the continuing votes wins the one seat.
    """
    count = _ScottishCount(profile, keys, seats, tie_rule, labels)
    count.last_vacancy_shortcut, count.majority = last_vacancy_shortcut, majority
    return count.run()


class _ScottishCount:
    """The state of one count: where each group of papers sits and at what value."""

    def __init__(
        self, profile: RankedProfile, keys: list[str], seats: int, tie_rule: TieRule, labels: list[str] | None
    ) -> None:
        self.keys, self.seats, self.tie_rule = keys, seats, tie_rule
        self.labels = labels or keys
        self.n = profile.n_candidates
        self.scale = profile.weight_scale * UNIT
        is_big = int(profile.weights.sum()) * UNIT * UNIT >= _SAFE
        dtype = object if is_big else np.int64
        self.prefs = profile.prefs
        self.weights = profile.weights.astype(dtype)
        self.values = np.full(len(self.weights), UNIT, dtype=dtype)
        self.positions = np.zeros(len(self.weights), dtype=np.int64)
        self.skip = np.zeros(self.n + 1, dtype=bool)  # True for a candidate no longer continuing
        self.total = int(self.weights.sum()) * UNIT
        self.quota_value = droop_quota(profile.total_weight, seats)
        self.quota = int(self.quota_value * self.scale)
        self.tallies = [0] * self.n
        self.piles: list[list[np.ndarray]] = [[] for _ in range(self.n)]
        self.continuing = list(range(self.n))
        self.elected: list[int] = []
        self.surplus_due: list[int] = []
        self.rounds: list[Round] = []
        self.pending_notes: list[str] = []
        self.last_vacancy_shortcut = self.majority = False

    def run(self) -> RankedOutcome:
        """Count stage by stage until every seat is filled."""
        self._first_stage()
        while self._decide():
            if self.surplus_due:
                self._transfer_surplus(self._next_surplus())
            else:
                self._exclude(self._lowest())
        exhausted = self._fraction(self.total - sum(self.tallies))
        return RankedOutcome([self.keys[c] for c in self.elected], self.rounds, self.quota_value, exhausted)

    def _first_stage(self) -> None:
        """Credit every paper to its first preference."""
        everyone = np.arange(len(self.weights))
        holders = self.prefs[:, 0].astype(np.int64) if len(everyone) else np.zeros(0, dtype=np.int64)
        self._credit(everyone, holders)
        self._record("first preferences", [])

    def _decide(self) -> bool:
        """Elect whoever the rules elect at the end of a stage; say whether the count goes on."""
        round_ = self.rounds[-1]
        reached = {c: self.tallies[c] for c in self.continuing if self.tallies[c] >= self.quota}
        for c in self._ordered(reached, round_):
            reason = f"reached the quota ({self._show(self.tallies[c])} >= {self.quota_value})"
            self._elect(c, reason, round_)
        vacancies = self.seats - len(self.elected)
        if vacancies <= 0 or not self.continuing:
            return False
        if len(self.continuing) <= vacancies:
            remaining = {c: self.tallies[c] for c in self.continuing}
            for c in self._ordered(remaining, round_):
                reason = (
                    f"the last candidate left, with {self._show(self.tallies[c])} votes"
                    if self.majority
                    else f"deemed elected without reaching the quota ({self._show(self.tallies[c])} of "
                    f"{self.quota_value}): the continuing candidates were as many as the vacancies left "
                    "(rule 52(1))"
                )
                self._elect(c, reason, round_)
            return False
        if vacancies == 1 and self.majority:
            return not self._elect_by_majority(round_)
        if vacancies == 1 and self.last_vacancy_shortcut:
            return not self._elect_by_shortcut(round_)
        return True

    def _elect_by_majority(self, round_: Round) -> bool:
        """Instant runoff: a candidate with more than half the continuing votes wins."""
        total = sum(self.tallies[c] for c in self.continuing)
        leader = max(self.continuing, key=lambda c: self.tallies[c])
        if 2 * self.tallies[leader] <= total:
            return False
        share = f"{self._show(self.tallies[leader])} of {self._show(total)}"
        self._elect(leader, f"more than half of the votes still in play ({share})", round_)
        return True

    def _elect_by_shortcut(self, round_: Round) -> bool:
        """The last-vacancy shortcut (an option, not a Scottish rule): a candidate who cannot be caught."""
        pending = sum(self.tallies[c] - self.quota for c in self.surplus_due)
        total = sum(self.tallies[c] for c in self.continuing)
        leaders = [c for c in self.continuing if self.tallies[c] >= total - self.tallies[c] + pending]
        if len(leaders) != 1:
            return False
        reason = (
            "elected below the quota by the last-vacancy shortcut (not a rule of the Scottish Order): "
            "at least the votes of all other continuing candidates and any surplus not transferred"
        )
        self._elect(leaders[0], reason, round_)
        return True

    def _elect(self, c: int, reason: str, round_: Round) -> None:
        """Deem a candidate elected."""
        self.continuing.remove(c)
        self.skip[c] = True
        self.elected.append(c)
        if self.tallies[c] > self.quota:
            self.surplus_due.append(c)
        round_.elected.append(Decision(self.keys[c], reason))

    def _next_surplus(self) -> int:
        """The largest surplus goes first (rule 49); ties by earlier stages, then the tie rule."""
        largest = max(self.tallies[c] for c in self.surplus_due)
        tied = [c for c in self.surplus_due if self.tallies[c] == largest]
        chosen = tied[0]
        if len(tied) > 1:
            key, note = self._break([self.keys[c] for c in tied], lowest=False)
            chosen = self.keys.index(key)
            self.pending_notes.append(note)
        self.surplus_due.remove(chosen)
        return chosen

    def _lowest(self) -> tuple[int, str]:
        """The continuing candidate with the fewest votes (rule 50); ties by earlier stages, then the rule."""
        fewest = min(self.tallies[c] for c in self.continuing)
        tied = [c for c in self.continuing if self.tallies[c] == fewest]
        reason = f"fewest votes ({self._show(fewest)})"
        if len(tied) == 1:
            return tied[0], reason
        key, note = self._break([self.keys[c] for c in tied], lowest=True)
        return self.keys.index(key), f"{reason}; {note}"

    def _transfer_surplus(self, c: int) -> None:
        """Move every paper of an elected candidate on at its transfer value (rule 48)."""
        total, surplus = self.tallies[c], self.tallies[c] - self.quota
        papers = self._take_pile(c)
        new_values = (surplus * self.values[papers]) // total
        self.values[papers] = new_values
        self.tallies[c] = self.quota
        amounts, non_transferable = self._credit(papers, self._next_preferences(papers))
        moved = sum(amounts.values()) + non_transferable
        transfer = Transfer(
            source=self.keys[c],
            kind=TransferKind.SURPLUS,
            amounts=self._named(amounts),
            non_transferable=self._fraction(non_transferable),
            transfer_value=Fraction(surplus * UNIT // total, UNIT),
            lost_to_rounding=self._fraction(surplus - moved),
        )
        self._record(f"transfer of the surplus of {self.labels[c]}", [transfer])

    def _exclude(self, lowest: tuple[int, str]) -> None:
        """Exclude a candidate and move each paper at the value it arrived with (rule 50)."""
        c, reason = lowest
        self.continuing.remove(c)
        self.skip[c] = True
        papers = self._take_pile(c)
        self.tallies[c] = 0
        amounts, non_transferable = self._credit(papers, self._next_preferences(papers))
        transfer = Transfer(
            source=self.keys[c],
            kind=TransferKind.EXCLUSION,
            amounts=self._named(amounts),
            non_transferable=self._fraction(non_transferable),
        )
        self._record(f"exclusion of {self.labels[c]}", [transfer])
        self.rounds[-1].excluded.append(Decision(self.keys[c], reason))

    def _take_pile(self, c: int) -> np.ndarray:
        """Remove and return the indices of the paper groups a candidate holds."""
        pile = self.piles[c]
        self.piles[c] = []
        return np.concatenate(pile) if pile else np.zeros(0, dtype=np.int64)

    def _next_preferences(self, papers: np.ndarray) -> np.ndarray:
        """Each paper's next continuing preference, or n when it has none."""
        positions = self.positions[papers] + 1
        holders = self.prefs[papers, positions].astype(np.int64)
        todo = np.nonzero(self.skip[holders])[0]
        while todo.size:
            positions[todo] += 1
            found = self.prefs[papers[todo], positions[todo]].astype(np.int64)
            holders[todo] = found
            todo = todo[self.skip[found]]
        self.positions[papers] = positions
        return holders

    def _credit(self, papers: np.ndarray, holders: np.ndarray) -> tuple[dict[int, int], int]:
        """Add papers to their new holders' piles and tallies; return the amounts and the non-transferable."""
        order = np.argsort(holders.astype(self.prefs.dtype), kind="stable")  # small integers: a radix sort
        bounds = np.concatenate([[0], np.cumsum(np.bincount(holders, minlength=self.n + 1))])
        worth = (self.weights[papers] * self.values[papers])[order]
        running = np.concatenate([[0], np.cumsum(worth)]) if len(worth) else np.zeros(1, dtype=np.int64)
        amounts: dict[int, int] = {}
        for c in range(self.n):
            start, end = int(bounds[c]), int(bounds[c + 1])
            if end > start:
                self.piles[c].append(papers[order[start:end]])
                amounts[c] = int(running[end] - running[start])
                self.tallies[c] += amounts[c]
        non_transferable = int(running[-1] - running[int(bounds[self.n])])
        return amounts, non_transferable

    def _record(self, action: str, transfers: list[Transfer]) -> None:
        """Close a stage: write down every candidate's votes."""
        tallies = {self.keys[c]: self._fraction(self.tallies[c]) for c in range(self.n)}
        round_ = Round(
            number=len(self.rounds) + 1,
            action=action,
            tallies=tallies,
            quota=self.quota_value,
            transfers=transfers,
            exhausted=self._fraction(self.total - sum(self.tallies)),
            notes=self.pending_notes,
        )
        self.pending_notes = []
        self.rounds.append(round_)

    def _ordered(self, scores: dict[int, int], round_: Round) -> list[int]:
        """Candidates from most votes to fewest, ties broken by the rule."""
        named = {self.keys[c]: Fraction(v) for c, v in scores.items()}
        history = [r.tallies for r in self.rounds]
        order, notes = order_with_ties(named, history, rule=self.tie_rule, round_number=round_.number)
        round_.notes.extend(notes)
        return [self.keys.index(key) for key in order]

    def _break(self, tied: list[str], *, lowest: bool) -> tuple[str, str]:
        """Break a tie by earlier stages, then the rule."""
        history = [r.tallies for r in self.rounds]
        return break_tie(tied, history, lowest=lowest, rule=self.tie_rule, round_number=len(self.rounds) + 1)

    def _named(self, amounts: dict[int, int]) -> dict[str, Fraction]:
        """Amounts by candidate key."""
        return {self.keys[c]: self._fraction(v) for c, v in amounts.items()}

    def _fraction(self, units: int) -> Fraction:
        """Units as an exact number of votes."""
        return Fraction(int(units), self.scale)

    def _show(self, units: int) -> str:
        """Units written as votes."""
        return exact(self._fraction(units))
