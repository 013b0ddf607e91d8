"""Breaking ties: the most recent earlier round with unequal votes, then a repeatable draw or a casting order.

The Scottish Order looks back from the tie, not forward from the first stage: "the candidate who had the
highest number of votes at the end of the most recent preceding stage at which they had unequal numbers of
votes" (SSI 2007/42, schedule 1, rule 49(2)); the lowest "at the end of the most recently preceding stage of
the count at which they had an unequal number of votes" is excluded (rule 51(2)(a)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .model import CountingError, TieKind, TieRule


def break_tie(
    tied: Sequence[str],
    history: Sequence[Mapping[str, Fraction]],
    *,
    lowest: bool,
    rule: TieRule,
    round_number: int,
) -> tuple[str, str]:
    """Choose one of the tied options (the lowest to exclude, or the highest to prefer) and say how.

    `history` holds every round's tallies so far, oldest first; they are read from the latest back. Among
    three or more, the round that splits them leaves those still level to the rounds before it.
    """
    group = sorted(tied)
    for earlier, tallies in reversed(list(enumerate(history, start=1))):
        values = {key: tallies.get(key, Fraction(0)) for key in group}
        extreme = (min if lowest else max)(values.values())
        narrowed = [key for key in group if values[key] == extreme]
        if len(narrowed) < len(group):
            group = narrowed
            if len(group) == 1:
                return group[0], f"tie between {_names(tied)} broken by the tallies of round {earlier}"
    if rule.kind is TieKind.CASTING:
        return _by_casting(group, tied, lowest=lowest, order=rule.casting_order)
    return _by_draw(group, tied, seed=rule.seed, round_number=round_number)


def order_with_ties(
    scores: Mapping[str, Fraction],
    history: Sequence[Mapping[str, Fraction]],
    *,
    rule: TieRule,
    round_number: int,
) -> tuple[list[str], list[str]]:
    """Order options from highest to lowest score, breaking each tie by the rule; return notes too."""
    remaining = dict(scores)
    ordered: list[str] = []
    notes: list[str] = []
    while remaining:
        best = max(remaining.values())
        tied = [key for key, value in remaining.items() if value == best]
        chosen = tied[0]
        if len(tied) > 1:
            chosen, note = break_tie(tied, history, lowest=False, rule=rule, round_number=round_number)
            notes.append(note)
        ordered.append(chosen)
        del remaining[chosen]
    return ordered, notes


def draw_key(seed: str, key: str) -> str:
    """The SHA-256 a draw compares: anyone can recompute it with the published seed.

    It depends on the seed and the option only, so the draw is one fixed random order of
    the options for the whole count, unchanged by rounds that decide nothing.
    """
    import hashlib  # here, not at the top: loading OpenSSL slows every count's start-up

    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def _by_draw(group: list[str], tied: Sequence[str], *, seed: str, round_number: int) -> tuple[str, str]:
    """The option whose draw hash is smallest."""
    chosen = min(group, key=lambda key: draw_key(seed, key))
    return (
        chosen,
        f"tie between {_names(tied)} in round {round_number} broken by draw (seed '{seed}'): {chosen}",
    )


def _by_casting(
    group: list[str], tied: Sequence[str], *, lowest: bool, order: Sequence[str]
) -> tuple[str, str]:
    """The casting decision: the least preferred to exclude, the most preferred to elect."""
    missing = [key for key in group if key not in order]
    if missing:
        raise CountingError(f"the casting order does not rank {_names(missing)}")
    ranked = sorted(group, key=order.index)
    chosen = ranked[-1] if lowest else ranked[0]
    return chosen, f"tie between {_names(tied)} broken by the casting decision: {chosen}"


def _names(keys: Sequence[str]) -> str:
    """Keys listed for a note."""
    return ", ".join(sorted(keys))
