"""Ranked ballots grouped for counting: one row per distinct ranking, with its total weight."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .model import Ballot, CountingError, Number, Option, as_fraction


@dataclass(frozen=True)
class RankedProfile:
    """Distinct rankings as rows of candidate indices, padded with `n_candidates`, and their weights.

    `weights` holds each row's total weight multiplied by `weight_scale`, so that weights
    given as fractions are still counted in exact integers.
    """

    prefs: np.ndarray
    weights: np.ndarray
    weight_scale: int
    n_candidates: int
    ballots: int
    blank: int = 0

    @property
    def total_weight(self) -> Fraction:
        """The total weight of the valid ballots."""
        return Fraction(int(self.weights.sum()), self.weight_scale)

    @classmethod
    def from_rankings(
        cls, rankings: Iterable[tuple[tuple[int, ...], Number]], n_candidates: int
    ) -> RankedProfile:
        """Group (ranking, weight) pairs; rankings are tuples of candidate indices."""
        grouped: dict[tuple[int, ...], Number] = {}
        ballots = blank = 0
        for ranking, weight in rankings:
            ballots += 1
            if not ranking:
                blank += 1
                continue
            checked = as_fraction(weight)
            grouped[ranking] = grouped.get(ranking, 0) + (
                int(checked) if checked.denominator == 1 else checked
            )
        return cls.from_groups(list(grouped), list(grouped.values()), n_candidates, ballots, blank)

    @classmethod
    def from_groups(
        cls,
        rankings: Sequence[tuple[int, ...]],
        weights: Sequence[Number],
        n_candidates: int,
        ballots: int,
        blank: int = 0,
    ) -> RankedProfile:
        """Build the padded arrays from already grouped rankings."""
        if all(type(w) is int for w in weights):
            scale, scaled = 1, list(weights)
        else:
            scale = math.lcm(1, *{Fraction(w).denominator for w in weights})
            scaled = [int(Fraction(w) * scale) for w in weights]
        if any(w <= 0 for w in scaled):
            raise CountingError("every ballot weight must be positive")
        return cls(
            prefs=_pad(rankings, n_candidates),
            weights=np.array(scaled, dtype=np.int64) if scaled else np.zeros(0, dtype=np.int64),
            weight_scale=scale,
            n_candidates=n_candidates,
            ballots=ballots,
            blank=blank,
        )

    @classmethod
    def from_array(cls, prefs: np.ndarray, n_candidates: int) -> RankedProfile:
        """Group a matrix of weight-1 rankings (padded with n_candidates) by identical rows."""
        prefs = np.ascontiguousarray(prefs, dtype=_index_dtype(n_candidates))
        blank_rows = prefs[:, 0] == n_candidates
        valid = prefs[~blank_rows]
        rows = valid.view(np.dtype((np.void, valid.dtype.itemsize * valid.shape[1]))).ravel()
        unique_rows, counts = np.unique(rows, return_counts=True)
        unique = unique_rows.view(valid.dtype).reshape(-1, valid.shape[1])
        sentinel = np.full((unique.shape[0], 1), n_candidates, dtype=unique.dtype)
        return cls(
            prefs=np.hstack([unique, sentinel]),
            weights=counts.astype(np.int64),
            weight_scale=1,
            n_candidates=n_candidates,
            ballots=int(prefs.shape[0]),
            blank=int(blank_rows.sum()),
        )


def profile_from_ballots(options: Sequence[Option], ballots: Sequence[Ballot]) -> RankedProfile:
    """Turn ranked ballots (tuples of option keys) into a grouped profile."""
    index = {option.key: i for i, option in enumerate(options)}
    return RankedProfile.from_rankings(
        ((_ranking(ballot, index), ballot.weight) for ballot in ballots), len(options)
    )


def _ranking(ballot: Ballot, index: dict[str, int]) -> tuple[int, ...]:
    """A ballot's ranking as candidate indices, refusing unknown or repeated options."""
    choice = ballot.choice
    if isinstance(choice, str) or not isinstance(choice, Sequence):
        raise CountingError(f"a ranked ballot is a sequence of option keys, not {choice!r}")
    try:
        ranking = tuple(index[key] for key in choice)
    except KeyError as error:
        raise CountingError(f"a ballot ranks {error.args[0]!r}, which is not an option") from None
    if len(set(ranking)) != len(ranking):
        raise CountingError(f"a ballot ranks the same option twice: {list(choice)}")
    return ranking


def _index_dtype(n_candidates: int) -> type[np.integer]:
    """The smallest integer type that holds every candidate index and the padding."""
    return np.int8 if n_candidates < 127 else np.int16 if n_candidates < 32767 else np.int32


def _pad(rankings: Sequence[tuple[int, ...]], n_candidates: int) -> np.ndarray:
    """Rankings as a rectangular array, padded with n_candidates and one extra padding column."""
    lengths = np.fromiter((len(r) for r in rankings), dtype=np.int64, count=len(rankings))
    width = int(lengths.max(initial=0)) + 1
    prefs = np.full((len(rankings), width), n_candidates, dtype=_index_dtype(n_candidates))
    if len(rankings):
        flat = np.fromiter((c for r in rankings for c in r), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(rankings)), lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        prefs[rows, np.arange(flat.size) - starts] = flat
    return prefs
