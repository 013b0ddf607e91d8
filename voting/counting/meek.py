"""Single transferable vote by Meek's method, in fixed point as New Zealand's rules count it.

Each candidate has a keep value: the share of each vote reaching them that they keep. A ballot
gives each candidate in turn its keep value of what is left, and the rest passes on. Keep values
of elected candidates are lowered, k <- k x quota / votes (rounded up), until no elected candidate
has more than 0.00001 of a vote over the quota. The quota is (votes - excess) / (seats + 1),
plus 10^-9. Values are integers in units of 10^-9, so every decision is exact and repeatable.

A hopeful candidate keeps all that reaches them and an excluded one nothing, so each ballot counts as its
continuing candidates up to its first hopeful one. Before converging, the ballots are regrouped by that
much of their ranking: a few hundred groups instead of every distinct ranking, with the same sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .model import TieRule
from .numbers import exact
from .profile import RankedProfile
from .result import Decision, Round
from .scottish import RankedOutcome
from .ties import break_tie, order_with_ties

S = 10**9  # one vote, in units of 10^-9
TOLERANCE = S // 10**5  # an elected candidate within 0.00001 of the quota has converged
MAX_ITERATIONS = 1000


@dataclass
class _Tally:
    """Votes after one pass over the ballots with the current keep values."""

    votes: list[int]
    excess: int
    quota: int


def count_meek(
    profile: RankedProfile, keys: list[str], seats: int, tie_rule: TieRule, labels: list[str] | None = None
) -> RankedOutcome:
    """Count the profile for `seats` seats by Meek's method; `labels` name the options in words."""
    return _MeekCount(profile, keys, seats, tie_rule, labels).run()


class _MeekCount:
    """Keep values, the elected, the excluded, and the rounds so far."""

    def __init__(
        self, profile: RankedProfile, keys: list[str], seats: int, tie_rule: TieRule, labels: list[str] | None
    ) -> None:
        self.keys, self.seats, self.tie_rule = keys, seats, tie_rule
        self.labels = labels or keys
        self.n = profile.n_candidates
        self.scale = profile.weight_scale * S
        self.all_prefs, self.all_weights = profile.prefs, profile.weights
        self.is_big = int(profile.weights.sum()) * S >= 2**62
        self.prefs, self.weights = self.all_prefs, self.all_weights
        self.columns: list[tuple[np.ndarray, list[int]]] = []
        self.keep = [S] * self.n + [0]
        self.hopeful = list(range(self.n))
        self.elected: list[int] = []
        self.rounds: list[Round] = []

    def run(self) -> RankedOutcome:
        """Converge, elect or exclude, and repeat until the seats are filled."""
        action, excluded = "first preferences", None
        tally = self._converge()[0]
        while True:
            round_ = self._record(action, tally, excluded)
            if self._elect_reaching_quota(tally, round_) or self._finished(tally, round_):
                if len(self.elected) >= self.seats or not self.hopeful:
                    break
                action, excluded = "keep values lowered for the newly elected", None
            else:
                excluded = self._exclude_lowest(tally)
                action = f"exclusion of {self.labels[excluded.option_index]}"
            tally, iterations = self._converge()
            action += f" ({iterations} iteration{'s' if iterations != 1 else ''})"
        last = self.rounds[-1]
        return RankedOutcome(
            [self.keys[c] for c in self.elected], self.rounds, last.quota or Fraction(0), last.exhausted
        )

    def _finished(self, tally: _Tally, round_: Round) -> bool:
        """Elect every hopeful when no more remain than seats; say whether that happened."""
        if len(self.elected) + len(self.hopeful) > self.seats:
            return len(self.elected) >= self.seats
        scores = {self.keys[c]: Fraction(tally.votes[c]) for c in self.hopeful}
        order, notes = order_with_ties(
            scores, self._history(), rule=self.tie_rule, round_number=round_.number
        )
        round_.notes.extend(notes)
        for key in order:
            self._elect(self.keys.index(key), "as many hopeful candidates as seats remain", round_)
        return True

    def _elect_reaching_quota(self, tally: _Tally, round_: Round) -> bool:
        """Elect hopefuls whose votes reach the quota, most votes first."""
        reached = {
            self.keys[c]: Fraction(tally.votes[c]) for c in self.hopeful if tally.votes[c] >= tally.quota
        }
        order, notes = order_with_ties(
            reached, self._history(), rule=self.tie_rule, round_number=round_.number
        )
        round_.notes.extend(notes)
        for key in order[: self.seats - len(self.elected)]:
            c = self.keys.index(key)
            self._elect(
                c, f"reached the quota ({self._show(tally.votes[c])} >= {self._show(tally.quota)})", round_
            )
        return bool(order)

    def _elect(self, c: int, reason: str, round_: Round) -> None:
        """Deem a hopeful elected."""
        self.hopeful.remove(c)
        self.elected.append(c)
        round_.elected.append(Decision(self.keys[c], reason))

    def _exclude_lowest(self, tally: _Tally) -> _Exclusion:
        """Exclude the hopeful with fewest votes; its keep value becomes 0."""
        fewest = min(tally.votes[c] for c in self.hopeful)
        tied = [self.keys[c] for c in self.hopeful if tally.votes[c] == fewest]
        reason = f"fewest votes ({self._show(fewest)})"
        key = tied[0]
        if len(tied) > 1:
            key, note = break_tie(
                tied, self._history(), lowest=True, rule=self.tie_rule, round_number=len(self.rounds) + 1
            )
            reason += f"; {note}"
        c = self.keys.index(key)
        self.hopeful.remove(c)
        self.keep[c] = 0
        return _Exclusion(c, Decision(key, reason))

    def _regroup(self) -> None:
        """Group the ballots by their continuing candidates up to the first hopeful one."""
        n, prefs = self.n, self.all_prefs
        hopeful = np.zeros(n + 1, dtype=bool)
        hopeful[self.hopeful] = True
        counted = hopeful.copy()
        counted[self.elected] = True
        bits = (n + 1).bit_length()
        if bits * (len(self.elected) + 1) > 63:
            self._use(self.all_prefs, self.all_weights.astype(object if self.is_big else np.int64))
            return  # too many elected to pack: count every distinct ranking as it is
        keys = np.zeros(len(prefs), dtype=np.int64)  # the counted candidates, each as index + 1
        going = np.arange(len(prefs))
        for j in range(prefs.shape[1]):
            if not going.size:
                break
            cell = prefs[going, j].astype(np.int64)
            kept = counted[cell]
            rows = going[kept]
            keys[rows] = keys[rows] << bits | (cell[kept] + 1)
            going = going[~hopeful[cell] & (cell != n)]
        unique, inverse = np.unique(keys, return_inverse=True)
        if self.is_big:
            totals = np.zeros(len(unique), dtype=object)
            np.add.at(totals, inverse, self.all_weights.astype(object))
        else:  # sums of whole numbers below 2**53 are exact in floating point
            totals = np.rint(np.bincount(inverse, weights=self.all_weights, minlength=len(unique)))
            totals = totals.astype(np.int64)
        self._use(_unpack(unique, bits, len(self.elected) + 1, n, prefs.dtype), totals)

    def _use(self, prefs: np.ndarray, weights: np.ndarray) -> None:
        """Count these grouped ballots from now on."""
        self.prefs, self.weights = prefs, weights
        self.columns = [self._column_groups(j) for j in range(prefs.shape[1])]

    def _converge(self) -> tuple[_Tally, int]:
        """Lower the elected candidates' keep values until their surpluses vanish."""
        self._regroup()
        tally = self._distribute()
        for iteration in range(1, MAX_ITERATIONS + 1):
            surplus = sum(max(tally.votes[c] - tally.quota, 0) for c in self.elected)
            if not self.elected or surplus <= TOLERANCE * self.scale // S:
                return tally, iteration - 1
            new_keep = list(self.keep)
            for c in self.elected:
                new_keep[c] = min(S, -(-self.keep[c] * tally.quota // max(tally.votes[c], 1)))
            if new_keep == self.keep:
                return tally, iteration - 1
            self.keep = new_keep
            tally = self._distribute()
        return tally, MAX_ITERATIONS

    def _distribute(self) -> _Tally:
        """One pass: each ballot gives every candidate in turn its keep value of what is left."""
        keep = np.array(self.keep, dtype=np.int64)
        left = np.full(len(self.weights), S, dtype=np.int64)
        votes = [0] * (self.n + 1)
        for j, (order, bounds) in enumerate(self.columns):
            given = left * keep[self.prefs[:, j]] // S
            left -= given
            running = np.concatenate([[0], np.cumsum((self.weights * given)[order])])
            for c in range(self.n):
                votes[c] += int(running[bounds[c + 1]] - running[bounds[c]])
        excess = int((self.weights * left).sum())
        total = int(self.weights.sum()) * S
        return _Tally(votes[: self.n], excess, (total - excess) // (self.seats + 1) + 1)

    def _column_groups(self, j: int) -> tuple[np.ndarray, list[int]]:
        """The ballots sorted by their j-th preference, with where each candidate's run starts."""
        column = self.prefs[:, j].astype(np.int64)
        order = np.argsort(column, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(column, minlength=self.n + 1))])
        return order, bounds.tolist()

    def _record(self, action: str, tally: _Tally, excluded: _Exclusion | None) -> Round:
        """Write down a round's votes, quota, excess and keep values."""
        keeps = ", ".join(f"{self.keys[c]} {exact(Fraction(self.keep[c], S))}" for c in self.elected)
        round_ = Round(
            number=len(self.rounds) + 1,
            action=action,
            tallies={self.keys[c]: Fraction(tally.votes[c], self.scale) for c in range(self.n)},
            quota=Fraction(tally.quota, self.scale),
            excluded=[excluded.decision] if excluded else [],
            exhausted=Fraction(tally.excess, self.scale),
            notes=[f"keep values: {keeps}"] if keeps else [],
        )
        self.rounds.append(round_)
        return round_

    def _history(self) -> list[dict[str, Fraction]]:
        """Every round's tallies so far, for breaking ties."""
        return [round_.tallies for round_ in self.rounds]

    def _show(self, units: int) -> str:
        """Units written as votes."""
        return exact(Fraction(units, self.scale))


def _unpack(keys: np.ndarray, bits: int, width: int, n: int, dtype: np.dtype) -> np.ndarray:
    """Rows of candidate indices, padded with n (and one padding column more), from packed keys."""
    digits = np.stack([(keys >> (bits * k)) & ((1 << bits) - 1) for k in range(width)], axis=1)
    lengths = (digits != 0).sum(axis=1)
    at = np.clip(lengths[:, None] - 1 - np.arange(width), 0, width - 1)
    rows = np.take_along_axis(digits, at, axis=1) - 1
    rows[np.arange(width) >= lengths[:, None]] = n
    return np.hstack([rows, np.full((len(rows), 1), n)]).astype(dtype)


@dataclass(frozen=True)
class _Exclusion:
    """A candidate excluded, by index, with the decision to print."""

    option_index: int
    decision: Decision
