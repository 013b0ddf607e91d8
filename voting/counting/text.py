"""A result written out as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .numbers import exact

if TYPE_CHECKING:
    from .result import Result, Round


def render_text(result: Result) -> str:
    """The sentence, the figures and every round, one per block."""
    lines = [result.sentence, "", f"Method: {result.method}"]
    if result.seats is not None:
        lines.append(f"Seats: {result.seats}")
    if result.quota is not None:
        lines.append(f"Quota: {exact(result.quota)}")
    lines.append(f"Ballots: {result.ballots} (total weight {exact(result.total_weight)})")
    if any(option.affiliation for option in result.options):
        lines.append("Candidates:")
        lines.extend(
            f"  {option.label}" + (f" ({option.affiliation})" if option.affiliation else "")
            for option in result.options
        )
    if result.base is not None and result.base_total is not None:
        lines.append(f"Base: {result.base} = {exact(result.base_total)}")
    if result.threshold:
        lines.append(f"Threshold: {result.threshold}")
    if result.quorum is not None:
        lines.append(_sentence_case(result.quorum.describe()))
    if result.counts:
        lines.append("Counts:")
        lines.extend(f"  {result.label(key)}: {exact(value)}" for key, value in result.counts.items())
    if result.weights_used and result.weights:
        lines.append("Weights: " + ", ".join(f"{v} {exact(w)}" for v, w in result.weights.items()))
    if result.blockers:
        lines.append("Blocked by: " + ", ".join(result.blockers))
    for round_ in result.rounds:
        lines.extend(["", *_round_lines(result, round_)])
    lines.extend(["", _sentence_case(result.tie_rule), *(_sentence_case(note) for note in result.notes)])
    return "\n".join(line for line in lines if line is not None).rstrip() + "\n"


def _round_lines(result: Result, round_: Round) -> list[str]:
    """One round: its action, tallies, transfers and decisions."""
    lines = [f"Round {round_.number}: {round_.action}"]
    width = max((len(result.label(key)) for key in round_.tallies), default=0)
    lines.extend(f"  {result.label(key):<{width}}  {exact(value)}" for key, value in round_.tallies.items())
    lines.append(f"  {'Non-transferable':<{width}}  {exact(round_.exhausted)}")
    if round_.quota is not None:
        lines.append(f"  Quota {exact(round_.quota)}")
    for transfer in round_.transfers:
        value = (
            "" if transfer.transfer_value is None else f" at transfer value {exact(transfer.transfer_value)}"
        )
        moved = ", ".join(f"{result.label(k)} +{exact(v)}" for k, v in transfer.amounts.items() if v)
        lines.append(
            f"  Transferred the {transfer.kind} of {result.label(transfer.source)}{value}: "
            f"{moved or 'nothing'}; "
            f"non-transferable {exact(transfer.non_transferable)}"
            + (f", lost to rounding {exact(transfer.lost_to_rounding)}" if transfer.lost_to_rounding else "")
        )
    lines.extend(f"  Elected {result.label(d.option)}: {d.reason}" for d in round_.elected)
    lines.extend(f"  Excluded {result.label(d.option)}: {d.reason}" for d in round_.excluded)
    lines.extend(f"  Note: {note}" for note in round_.notes)
    return lines


def _sentence_case(text: str) -> str:
    """The text with its first letter upper case, the rest untouched."""
    return text[:1].upper() + text[1:]
