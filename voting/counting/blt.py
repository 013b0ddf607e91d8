"""Reading and writing the BLT ballot format used by STV counting programs.

A BLT file holds: a header `candidates seats`; optionally a line of withdrawn candidates as
negative numbers; one line per ballot, `weight c1 c2 ... 0`; a lone `0`; each candidate's name
in quotes, in order; the title in quotes. `#` starts a comment. Equal rankings (`=`) are refused.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .model import Ballot, Number, Option, normalise_options
from .numbers import exact
from .profile import RankedProfile

_QUOTED = re.compile(r'\s*"([^"]*)"')
_DECIMAL = re.compile(r"\d+(\.\d+)?")


class BLTError(ValueError):
    """A BLT file that cannot be read, with the line where the trouble is."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class BLTElection:
    """An election read from a BLT file; `profile` ranks only candidates not withdrawn."""

    title: str
    names: tuple[str, ...]
    seats: int
    withdrawn: frozenset[int]
    profile: RankedProfile

    @property
    def options(self) -> tuple[Option, ...]:
        """The candidates standing, keyed by their names (made unique if needed)."""
        keys = _unique_keys(self.names)
        return tuple(
            Option(keys[i], self.names[i]) for i in range(len(self.names)) if i not in self.withdrawn
        )

    def ballots(self) -> list[Ballot]:
        """The grouped ballots as Ballot objects, one per distinct ranking with its total weight."""
        keys = [option.key for option in self.options]
        n = self.profile.n_candidates
        scale = self.profile.weight_scale
        return [
            Ballot(tuple(keys[c] for c in row if c != n), Fraction(int(weight), scale))
            for row, weight in zip(self.profile.prefs.tolist(), self.profile.weights.tolist(), strict=True)
        ]


def read_blt(source: str | os.PathLike[str]) -> BLTElection:
    """Read a BLT file from a path, or from its text when given a string with line breaks."""
    if isinstance(source, os.PathLike) or "\n" not in source:
        source = Path(source).read_text(encoding="utf-8")
    return _Reader(source.splitlines()).read()


def write_blt(
    options: Sequence[str | Option],
    ballots: Iterable[Ballot],
    *,
    seats: int,
    title: str = "",
    withdrawn: Iterable[str] = (),
    path: str | os.PathLike[str] | None = None,
) -> str:
    """Write ranked ballots as BLT text (and to `path` when given); return the text."""
    choices = normalise_options(options)
    index = {option.key: i + 1 for i, option in enumerate(choices)}
    lines = [f"{len(choices)} {seats}"]
    gone = [f"-{index[key]}" for key in withdrawn]
    if gone:
        lines.append(" ".join(gone))
    for ballot in ballots:
        ranks = " ".join(str(index[key]) for key in ballot.choice)  # type: ignore[attr-defined]
        lines.append(f"{_weight_text(ballot.weight)} {ranks} 0".replace("  ", " "))
    lines.append("0")
    for text in [*(option.label for option in choices), title]:
        if '"' in text:
            raise ValueError(f"a BLT name cannot contain a double quote: {text!r}")
        lines.append(f'"{text}"')
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


class _Reader:
    """One pass over the lines of a BLT file."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [_strip_comment(line) if "#" in line else line.strip() for line in lines]
        self.at = 0

    def read(self) -> BLTElection:
        """Header, withdrawn line, ballots, names, title."""
        n, seats = self._header()
        withdrawn = self._withdrawn(n)
        remap = [-1 if c in withdrawn else c - sum(w < c for w in withdrawn) for c in range(n)]
        profile = self._ballots(n, remap, n - len(withdrawn))
        names, title = self._names(n)
        return BLTElection(title, names, seats, frozenset(withdrawn), profile)

    def _next_line(self) -> tuple[int, str] | None:
        """The next non-blank line and its number (1-based)."""
        while self.at < len(self.lines):
            self.at += 1
            if self.lines[self.at - 1]:
                return self.at, self.lines[self.at - 1]
        return None

    def _header(self) -> tuple[int, int]:
        """`candidates seats`."""
        found = self._next_line()
        if found is None:
            raise BLTError(None, "the file is empty: expected a header 'candidates seats'")
        number, line = found
        parts = line.split()
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            raise BLTError(number, f"expected a header 'candidates seats', found {line!r}")
        n, seats = int(parts[0]), int(parts[1])
        if n < 1 or seats < 1:
            raise BLTError(number, "there must be at least one candidate and one seat")
        return n, seats

    def _withdrawn(self, n: int) -> set[int]:
        """An optional line of negative candidate numbers."""
        found = self._next_line()
        if found is None:
            raise BLTError(len(self.lines), "the ballots are missing")
        number, line = found
        if not line.startswith("-"):
            self.at = number - 1
            return set()
        try:
            withdrawn = {-int(part) - 1 for part in line.split()}
        except ValueError:
            raise BLTError(number, f"withdrawn candidates must be negative numbers, found {line!r}") from None
        if any(not 0 <= c < n for c in withdrawn):
            raise BLTError(number, f"withdrawn candidates must be between -1 and -{n}")
        return withdrawn

    def _ballots(self, n: int, remap: list[int], standing: int) -> RankedProfile:
        """Ballot lines up to the lone 0; identical lines are parsed once."""
        start = self.at
        try:
            end = self.lines.index("0", start)
        except ValueError:
            raise BLTError(
                len(self.lines), "the ballots never end: a line holding only 0 is missing"
            ) from None
        self.at = end + 1
        grouped: dict[tuple[int, ...], Number] = {}
        ballots = blank = 0
        for line, copies in Counter(self.lines[start:end]).items():
            if not line:
                continue
            try:
                weight, ranking = _parse_ballot(line, n, remap)
            except ValueError as error:
                raise BLTError(self.lines.index(line, start) + 1, str(error)) from None
            ballots += copies * weight if isinstance(weight, int) else copies
            if not ranking:
                blank += copies
                continue
            grouped[ranking] = grouped.get(ranking, 0) + weight * copies
        return RankedProfile.from_groups(list(grouped), list(grouped.values()), standing, ballots, blank)

    def _names(self, n: int) -> tuple[tuple[str, ...], str]:
        """The quoted candidate names, then the quoted title."""
        rest = "\n".join(self.lines[self.at :])
        strings, position = [], 0
        while match := _QUOTED.match(rest, position):
            strings.append(match.group(1))
            position = match.end()
        leftover = rest[position:].strip()
        line = self.at + rest[:position].count("\n") + 1
        if len(strings) < n:
            found = f"found {leftover.splitlines()[0]!r}" if leftover else "the file ends"
            raise BLTError(
                line, f"expected {n} candidate names in double quotes, got {len(strings)}; {found}"
            )
        if leftover or len(strings) > n + 1:
            raise BLTError(line, "unexpected text after the title")
        return tuple(strings[:n]), strings[n] if len(strings) > n else ""


def _parse_ballot(line: str, n: int, remap: list[int]) -> tuple[Number, tuple[int, ...]]:
    """One ballot line: `weight c1 c2 ... 0`, as a weight and standing candidates' indices."""
    if "=" in line:
        raise ValueError("equal rankings ('=') are not supported: rank candidates one after another")
    parts = line.split()
    if parts[-1] != "0" or len(parts) < 2:
        raise ValueError(f"a ballot line must end with 0, found {line!r}")
    weight = _weight(parts[0])
    try:
        ranked = list(map(int, parts[1:-1]))
    except ValueError:
        raise ValueError(f"candidates must be numbers from 1 to {n}, found {line!r}") from None
    if ranked and (min(ranked) < 1 or max(ranked) > n):
        raise ValueError(f"candidates must be numbers from 1 to {n}, found {line!r}")
    if len(set(ranked)) != len(ranked):
        raise ValueError(f"a ballot ranks the same candidate twice: {line!r}")
    return weight, tuple(c for c in (remap[c - 1] for c in ranked) if c >= 0)


def _weight(text: str) -> Number:
    """A ballot weight: a whole number, or a decimal read exactly."""
    if text.isdigit():
        weight: Number = int(text)
    elif _DECIMAL.fullmatch(text):
        weight = Fraction(text)
    else:
        weight = 0
    if weight <= 0:
        raise ValueError(f"the weight must be a positive number, found {text!r}")
    return weight


def _strip_comment(line: str) -> str:
    """The line without a # comment, leaving a # inside quotes alone."""
    inside = False
    for i, char in enumerate(line):
        if char == '"':
            inside = not inside
        elif char == "#" and not inside:
            return line[:i].strip()
    return line.strip()


def _unique_keys(names: Sequence[str]) -> list[str]:
    """Names as keys, numbered where two candidates share a name."""
    seen = Counter(names)
    return [name if seen[name] == 1 else f"{name} ({i + 1})" for i, name in enumerate(names)]


def _weight_text(weight: Number) -> str:
    """A weight as BLT writes it: a whole number or a terminating decimal."""
    text = exact(weight)
    if "/" in text:
        raise ValueError(f"BLT cannot hold the weight {text}")
    return text
