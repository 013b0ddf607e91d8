"""Reading and writing the BLT ballot format used by STV counting programs.

A BLT file holds: a header `candidates seats`; optionally a line of withdrawn candidates as
negative numbers; one line per ballot, `weight c1 c2 ... 0`; a lone `0`; each candidate's name
in quotes, in order; the title in quotes. `#` starts a comment. Equal rankings (`=`) are refused.

Files as councils and counting programs publish them are read too: a byte-order mark and CRLF line
ends; a ballot id in parentheses before the weight, `(17) 1 3 2 0`; a ballot line without its closing
`0` (each line is one ballot, so nothing is ambiguous); a name line with further quoted strings after the
name, `"Scott AGNEW" "Alba Party for independence"`, or with the affiliation quoted inside the name as a
spreadsheet writes it (two quotes for one: `"Neil ALEXANDER ""Lib Dems"" "`), kept as the affiliation; a
title written without quotes; lines after the title (a "First Prefs" summary...), ignored with a note.
Names are matched with runs of whitespace squeezed to one space and printed as written.
"""

from __future__ import annotations

import codecs
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from .model import Ballot, Number, Option, normalise_options
from .numbers import exact
from .profile import RankedProfile, _index_dtype

_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_INNER_AFFILIATION = re.compile(r'^(.*?)\s*"([^"]*)"\s*$')
_BALLOT_ID = re.compile(r"^\(([^)]*)\)\s*")
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
    affiliations: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def options(self) -> tuple[Option, ...]:
        """The candidates standing, keyed by their names with whitespace squeezed (made unique if
        needed), named as written, with their affiliations."""
        keys = _unique_keys([" ".join(name.split()) for name in self.names])
        affiliations = self.affiliations or ("",) * len(self.names)
        return tuple(
            Option(keys[i], self.names[i], affiliations[i])
            for i in range(len(self.names))
            if i not in self.withdrawn
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
    """Read a BLT file from a path, or from its text when given a string with line breaks.

    The ballots are read straight from the file's bytes with numpy when they are plain (digits and
    blanks, each line ending with its 0); anything else is read line by line, which names the first
    line that is wrong.
    """
    if isinstance(source, os.PathLike) or "\n" not in source:
        data = Path(source).read_bytes()
    else:
        data = source.encode("utf-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    election = _read_bytes(data)
    return election if election is not None else _Reader(data.decode("utf-8").splitlines()).read()


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

    def __init__(self, lines: list[str], *, fast: bool = True) -> None:
        self.lines = [_clean(line) for line in lines]
        self.at = 0
        self.fast = fast

    def read(self) -> BLTElection:
        """Header, withdrawn line, ballots, names, title."""
        n, seats = self._header()
        withdrawn = self._withdrawn(n)
        remap = [-1 if c in withdrawn else c - sum(w < c for w in withdrawn) for c in range(n)]
        profile = self._ballots(n, remap, n - len(withdrawn))
        names, affiliations, title, notes = _Names(self.lines, self.at).read(n)
        return BLTElection(title, names, seats, frozenset(withdrawn), profile, affiliations, notes)

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
        """Ballot lines up to the lone 0: read at once when plain, else line by line."""
        start = self.at
        try:
            end = self.lines.index("0", start)
        except ValueError:
            raise BLTError(
                len(self.lines), "the ballots never end: a line holding only 0 is missing"
            ) from None
        self.at = end + 1
        profile = _plain_profile(self.lines[start:end], remap, standing) if self.fast else None
        return profile if profile is not None else self._line_ballots(start, end, n, remap, standing)

    def _line_ballots(self, start: int, end: int, n: int, remap: list[int], standing: int) -> RankedProfile:
        """Ballot lines parsed one by one (identical lines once), naming the first bad line."""
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


class _Names:
    """The lines after the ballots: one candidate name a line (or all on a few lines), then the title."""

    def __init__(self, lines: list[str], at: int, offset: Callable[[], int] | None = None) -> None:
        rows = range(at, len(lines))
        self.rows = [(i + 1, *_quoted_strings(lines[i])) for i in rows if lines[i]]
        self.end = len(lines)
        self.offset = offset  # the lines before `lines`, counted only when a line must be named

    def _line(self, number: int) -> int:
        """A line's number in the whole file."""
        return number + (self.offset() if self.offset else 0)

    def read(self, n: int) -> tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]:
        """Names, affiliations, title and notes on what was ignored."""
        flat = [string for _, strings, plain in self.rows for string in strings]
        is_classic = len(flat) in (n, n + 1) and not any(plain for _, _, plain in self.rows)
        if is_classic:  # the format as first written: n + 1 quoted strings, however laid out
            names = [_split_affiliation(name) for name in flat[:n]]
            return (*_unzip(names), flat[n] if len(flat) > n else "", ())
        return self._line_per_name(n)

    def _line_per_name(self, n: int) -> tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]:
        """Each candidate's line: the name, then any affiliation; then the title; the rest is ignored."""
        names: list[tuple[str, str]] = []
        for number, strings, plain in self.rows[:n]:
            if not strings or plain:
                found = f"found {plain!r}" if plain else "found no quoted name"
                raise BLTError(
                    self._line(number),
                    f"expected candidate {len(names) + 1}'s name in double quotes; {found}",
                )
            name, affiliation = _split_affiliation(strings[0])
            names.append((name, ", ".join(filter(None, [affiliation, *strings[1:]]))))
        if len(names) < n:
            raise BLTError(
                self._line(self.rows[-1][0] if self.rows else self.end),
                f"expected {n} candidate names in double quotes, got {len(names)}; the file ends",
            )
        title, notes = "", []
        rest = self.rows[n:]
        if rest:
            number, strings, plain = rest[0]
            title = strings[0] if strings and not plain else " ".join(filter(None, [*strings, plain]))
            if strings[1:] and not plain:
                notes.append(f"further quoted text after the title on line {self._line(number)} was ignored")
        if rest[1:]:
            first, last = self._line(rest[1][0]), self._line(rest[-1][0])
            where = f"line {first}" if first == last else f"lines {first} to {last}"
            notes.append(
                f"{len(rest) - 1} line{'s' if len(rest) > 2 else ''} after the title ({where}) ignored"
            )
        return (*_unzip(names), title, tuple(notes))


def _quoted_strings(line: str) -> tuple[list[str], str]:
    """The double-quoted strings on a line ("" inside one stands for a quote), and the text outside them."""
    strings, outside, position = [], [], 0
    for match in _QUOTED.finditer(line):
        outside.append(line[position : match.start()])
        strings.append(match.group(1).replace('""', '"'))
        position = match.end()
    outside.append(line[position:])
    return strings, " ".join("".join(outside).split())


def _split_affiliation(text: str) -> tuple[str, str]:
    """`Neil ALEXANDER "Scottish Liberal Democrats"` as the name and the affiliation quoted at its end."""
    match = _INNER_AFFILIATION.match(text)
    return (match.group(1), match.group(2)) if match and match.group(1).strip() else (text, "")


def _unzip(pairs: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names and affiliations as two tuples."""
    return tuple(name for name, _ in pairs), tuple(affiliation for _, affiliation in pairs)


def _read_bytes(data: bytes) -> BLTElection | None:
    """The election read from the file's bytes, ballots all at once; None when anything is unusual."""
    head = _head(data)
    if head is None:
        return None
    reader, starts = head
    try:
        n, seats = reader._header()
        withdrawn = reader._withdrawn(n)
    except BLTError:
        return None
    start = starts[reader.at] if reader.at < len(starts) else len(data)
    end = _lone_zero(data, start)
    if end is None:
        return None
    remap = [-1 if c in withdrawn else c - sum(w < c for w in withdrawn) for c in range(n)]
    standing = n - len(withdrawn)
    ballots = np.frombuffer(data, dtype=np.uint8)[
        start - 1 : end
    ]  # from the newline before them to their last
    profile = _small_profile(ballots, remap, standing)
    if profile is None:  # the general reader reads a copy
        raw = _block_bytes(data, start, end)
        profile = _general_profile(raw, remap, standing) if raw is not None else None
    if profile is None:
        return None
    tail = data.find(b"\n", end)
    tail = len(data) if tail < 0 else tail + 1
    lines = [_clean(line) for line in data[tail:].decode("utf-8").splitlines()]
    names, affiliations, title, notes = _Names(lines, 0, lambda: data.count(b"\n", 0, tail)).read(n)
    return BLTElection(title, names, seats, frozenset(withdrawn), profile, affiliations, notes)


def _head(data: bytes, most: int = 64) -> tuple[_Reader, list[int]] | None:
    """A reader over the first lines (up to the second that holds anything) and where each line starts."""
    starts: list[int] = []
    lines: list[str] = []
    position = 0
    while len(lines) < most and position < len(data):
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        starts.append(position)
        try:
            lines.append(data[position:end].decode("utf-8"))
        except UnicodeDecodeError:
            return None
        position = end + 1
        if sum(1 for line in lines if _clean(line)) == 2:
            starts.append(position)
            return _Reader(lines), starts
    return None


def _lone_zero(data: bytes, start: int) -> int | None:
    """Where the last line holding only 0 starts, from `start` on: the end of the ballots.

    Searched from the end, where it is near. Were there an earlier one, the ballots read would hold it
    and be refused (a ballot needs a weight); the line-by-line reader then stops at the first.
    """
    markers = (b"\n0\n", b"\n0\r\n") if b"\r" in data[:start] else (b"\n0\n",)
    found = [at + 1 for at in (data.rfind(marker, start - 1) for marker in markers) if at >= start - 1]
    if data.endswith((b"\n0", b"\n0\r")):
        found.append(data.rfind(b"\n0") + 1)
    if data[start : start + 2] in (b"0\n", b"0\r", b"0"):  # (a slice, not a copy of the rest of the file)
        found.append(start)  # no ballots at all
    return max(found) if found else None


def _block_bytes(data: bytes, start: int, end: int) -> np.ndarray | None:
    """The ballot lines, data[start:end], as bytes led by one newline and followed by two, CR as a blank;
    None unless plain. One copy of the block (a file's ballots are most of it)."""
    block = bytearray(end - start + 3)
    block[0], block[1:-2], block[-2:] = 10, memoryview(data)[start:end], b"\n\n"
    if block.translate(None, b"0123456789 \t\n\r"):
        return None  # anything but digits and blanks: the line-by-line reader
    if b"\r" in block:
        block = block.replace(b"\r", b" ")
    return np.frombuffer(block, dtype=np.uint8)


def _clean(line: str) -> str:
    """A line as the reader sees it: stripped, any # comment outside quotes removed."""
    return _strip_comment(line) if "#" in line else line.strip()


def _parse_ballot(line: str, n: int, remap: list[int]) -> tuple[Number, tuple[int, ...]]:
    """One ballot line: `weight c1 c2 ... 0`, as a weight and standing candidates' indices."""
    if "=" in line:
        raise ValueError("equal rankings ('=') are not supported: rank candidates one after another")
    parts = _BALLOT_ID.sub("", line).split()
    if len(parts) < 2:
        raise ValueError(f"a ballot line holds a weight and then the candidates, found {line!r}")
    weight = _weight(parts[0])
    ranking = parts[1:-1] if parts[-1] == "0" else parts[1:]  # the closing 0 may be left out
    try:
        ranked = list(map(int, ranking))
    except ValueError:
        raise ValueError(f"candidates must be numbers from 1 to {n}, found {line!r}") from None
    if 0 in ranked:
        raise ValueError(f"a 0 ends a ballot, but more follows it: {line!r}")
    if ranked and (min(ranked) < 1 or max(ranked) > n):
        raise ValueError(f"candidates must be numbers from 1 to {n}, found {line!r}")
    if len(set(ranked)) != len(ranked):
        raise ValueError(f"a ballot ranks the same candidate twice: {line!r}")
    return weight, tuple(c for c in (remap[c - 1] for c in ranked) if c >= 0)


# Plain ballot lines (only digits, spaces and tabs; `weight c1 c2 ... 0`, numbers of at most nine
# digits) are read all at once with numpy. Anything else, valid or not, gives None and the
# line-by-line reader takes over, so that a bad line is reported exactly as before.
_PLAIN_BYTES = np.zeros(256, dtype=bool)
_PLAIN_BYTES[list(b"0123456789 \t\n")] = True
_MAX_DIGITS = 9
_MAX_PADDING = 16  # the padded rows may hold this many cells per number read, or 2**24 in all


@cache
def _pair_values() -> np.ndarray:
    """For two bytes read as a little-endian uint16 from a number's start, its value up to 2 digits (made
    when first needed: most files never need it)."""
    low, high = np.divmod(np.arange(1 << 16), 256)[::-1]
    first, second = low - ord("0"), high - ord("0")
    return np.where((second >= 0) & (second <= 9), first * 10 + second, first).astype(np.int16)


def _plain_profile(lines: list[str], remap: list[int], standing: int) -> RankedProfile | None:
    """Stripped ballot lines grouped with numpy, or None unless every line is plain and valid."""
    raw = _plain_bytes(lines)
    return _profile_of_bytes(raw, remap, standing) if raw is not None else None


def _profile_of_bytes(raw: np.ndarray, remap: list[int], standing: int) -> RankedProfile | None:
    """Ballot lines as bytes (led by a newline, followed by two) grouped, or None unless all are valid."""
    small = _small_profile(raw, remap, standing)
    return small if small is not None else _general_profile(raw, remap, standing)


def _general_profile(raw: np.ndarray, remap: list[int], standing: int) -> RankedProfile | None:
    """Ballot lines as bytes (led by a newline, followed by two) with numbers of up to nine digits and
    rankings of any length, grouped; None unless all are valid."""
    values = _line_numbers(raw)
    rows = _ballot_lines(values, len(remap)) if values is not None else None
    if rows is None:
        return None
    weights, columns = rows
    if not columns:  # every ballot blank
        return RankedProfile.from_groups([], [], standing, int(weights.sum()), len(weights))
    keys = _packed(columns, len(remap))
    if keys is None:  # rows too wide to pack into one integer: group the rows themselves
        grid = np.stack(columns, axis=1)
        if _repeats(grid):
            return None
        prefs = _standing_prefs(grid, remap, standing)
        blank = prefs[:, 0] == standing
        return _grouped(prefs[~blank], weights[~blank], standing, int(weights.sum()), int(blank.sum()))
    width = len(columns)
    return _grouped_keys(keys, weights, lambda unique: _unpacked(unique, width, len(remap)), remap, standing)


_KEY_BYTES = 8
_LEADING_BYTES = np.array(
    [0, *((1 << 64) - (1 << (64 - 8 * k)) for k in range(1, _KEY_BYTES + 1))], dtype=np.uint64
)  # _LEADING_BYTES[k]: the k leading bytes of a big-endian uint64
_CHUNK_BYTES = 1 << 18  # the block is read this much at a time, so that every array made stays in the cache


def _small_profile(raw: np.ndarray, remap: list[int], standing: int) -> RankedProfile | None:
    """The ballots of a file whose numbers all have one or two digits and whose ballots rank at most eight
    candidates, as most files are, from its ballot lines' bytes (`raw` begins and ends with a newline); None
    for any other file, and for any that is not valid (the general reader then decides).

    Each number is read from its first two bytes by arithmetic, and a ballot's candidates, a byte each, are
    read as one big-endian uint64: grouping is one sort, and the distinct rankings are the keys' bytes again.
    """
    widest = min(_KEY_BYTES, len(remap))
    keys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    longest = 0
    for chunk in _chunks(raw):
        lines = _small_lines(chunk, widest)
        if lines is None:
            return None
        keys.append(lines[0])
        weights.append(lines[1])
        longest = max(longest, lines[2])
    if not sum(map(len, keys)):
        return None  # no ballot at all
    return _grouped_keys(
        np.concatenate(keys),
        np.concatenate(weights),
        lambda unique: unique.astype(">u8").view(np.uint8).reshape(-1, _KEY_BYTES)[:, :longest],
        remap,
        standing,
    )


def _chunks(raw: np.ndarray) -> Iterator[np.ndarray]:
    """Pieces of about _CHUNK_BYTES of `raw` (which begins and ends with a newline), each of whole lines led
    by the newline before them and ending with their last newline."""
    start = 0
    while start < raw.size - 1:
        end = min(start + _CHUNK_BYTES, raw.size - 1)
        window = 256
        while raw[end] != ord("\n"):  # on to the end of the line, looking further each time for a long one
            newlines = np.flatnonzero(raw[end : end + window] == ord("\n"))
            if newlines.size:
                end += int(newlines[0])
            else:
                end, window = end + window, window * 4
        yield raw[start : end + 1]
        start = end


def _small_lines(chunk: np.ndarray, widest: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The ballot lines of a chunk as keys (see _small_profile), weights and the longest ranking; None when a
    line holds anything but digits and blanks, a number has three digits or more, a ballot ranks more than
    `widest`, or a line is not a valid ballot."""
    digits = chunk - ord("0")  # a blank or a newline wraps round to 208 or more
    digit = digits < 10
    if not (digit | (chunk == ord(" ")) | (chunk == ord("\n")) | (chunk == ord("\t"))).all():
        return None  # a comment, a ballot id, a decimal weight, a CR...: the general readers
    if (digit[:-2] & digit[1:-1] & digit[2:]).any():
        return None  # a number of three digits or more
    two_digits = digits[1:-1] * 9  # 10a + b where b, the next byte, is a digit, else a; in place
    two_digits += digits[2:]
    two_digits *= digit[2:]
    two_digits += digits[1:-1]
    # The numbers beginning at chunk[1:-1]: np.compress, here several times faster than a boolean index.
    values = np.compress(digit[1:-1] > digit[:-2], two_digits)
    if not _lines_end_with_zero(chunk, digit, values):
        return None
    last = np.flatnonzero(values == 0)
    if not last.size:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint8), 0  # blank lines only
    first = np.empty_like(last)
    first[0], first[1:] = 0, last[:-1] + 1
    ranked = last - first - 1
    longest = int(ranked.max())
    if int(ranked.min()) < 0 or longest > widest:
        return None  # a line without its weight, a ballot too long for a key, or one naming a candidate twice
    padded = np.concatenate([values, np.zeros(_KEY_BYTES, dtype=np.uint8)])
    eight_from = np.ndarray((values.size + 1,), dtype=">u8", buffer=padded, strides=(1,))  # bytes i to i + 7
    keys = eight_from[first + 1].astype(np.uint64) & _LEADING_BYTES[ranked]  # the first candidate highest
    return keys, values[first], longest


def _grouped_keys(
    keys: np.ndarray,
    weights: np.ndarray,
    rows_of: Callable[[np.ndarray], np.ndarray],
    remap: list[int],
    standing: int,
) -> RankedProfile | None:
    """Rows grouped by their keys (one sort, of `keys` in place when every weight is 1), in the order of the
    keys, `rows_of` giving the rows of candidate numbers back; None if a row repeats a candidate or names
    one past the last."""
    if int(weights.max(initial=1)) == 1:  # np.unique, without its copy of the keys
        keys.sort()
        heads = np.flatnonzero(np.append(True, keys[1:] != keys[:-1]))
        unique, lines = keys[heads], np.diff(np.append(heads, len(keys)))
        totals = lines
    else:
        order = np.argsort(keys)
        ordered = keys[order]
        heads = np.flatnonzero(np.append(True, ordered[1:] != ordered[:-1]))
        unique, totals = ordered[heads], np.add.reduceat(weights[order], heads, dtype=np.int64)
        lines = np.diff(np.append(heads, len(keys)))
    ballots = int(weights.sum())
    blank = int(lines[0]) if unique.size and unique[0] == 0 else 0
    if blank:
        unique, totals, lines = unique[1:], totals[1:], lines[1:]
    rows = rows_of(unique)
    if (rows.size and int(rows.max()) > len(remap)) or _repeats(rows):
        return None
    prefs = _standing_prefs(rows, remap, standing)
    if standing == len(remap):
        return RankedProfile(prefs, totals.astype(np.int64), 1, standing, ballots, blank)
    gone = prefs[:, 0] == standing  # only withdrawn candidates: a blank ballot now
    blank += int(lines[gone].sum())
    return _grouped(prefs[~gone], totals[~gone].astype(np.int64), standing, ballots, blank)


def _packed(columns: list[np.ndarray], n: int) -> np.ndarray | None:
    """Each row of candidate numbers (0 for padding) packed into one int64, first column highest; None if
    the rows are too wide for that."""
    bits, width = n.bit_length(), len(columns)
    if bits * width > 63:
        return None
    keys = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        keys <<= bits
        keys |= column
    return keys


def _unpacked(keys: np.ndarray, width: int, n: int) -> np.ndarray:
    """Rows of candidate numbers back from their packed keys."""
    bits = n.bit_length()
    rows = np.empty((len(keys), width), dtype=_index_dtype(n))
    for j in range(width):
        rows[:, j] = (keys >> (bits * (width - 1 - j))) & ((1 << bits) - 1)
    return rows


def _plain_bytes(lines: list[str]) -> np.ndarray | None:
    """The lines as bytes, led by one newline and followed by two; None unless digits and blanks."""
    try:
        raw = np.frombuffer(("\n" + "\n".join(lines) + "\n\n").encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    return raw if _PLAIN_BYTES[raw].all() else None


def _line_numbers(raw: np.ndarray) -> np.ndarray | None:
    """Every number in `raw`, or None unless each line that is not blank ends with the only 0 on it."""
    digit = raw >= ord("0")
    starts = digit[1:] > digit[:-1]  # starts[i]: a number begins at raw[i + 1]
    values = _numbers(raw, digit, starts)
    if values is None:
        return None
    return values if _lines_end_with_zero(raw, digit, values) else None


def _lines_end_with_zero(raw: np.ndarray, digit: np.ndarray, values: np.ndarray) -> bool:
    """Whether each line that is not blank ends with a 0 standing alone, the only 0 among `values`."""
    line_ends = raw[1:] == ord("\n")
    line_ends &= digit[:-1]
    lone_zero_ends = raw[1:-1] == ord("0")
    lone_zero_ends &= line_ends[1:]
    lone_zero_ends &= ~digit[:-2]
    zeros = np.count_nonzero(values == 0)
    return bool(zeros == np.count_nonzero(line_ends) == np.count_nonzero(lone_zero_ends))


def _numbers(raw: np.ndarray, digit: np.ndarray, starts: np.ndarray) -> np.ndarray | None:
    """The numbers beginning where `starts` says, or None if one has more than nine digits."""
    pairs = np.ndarray((raw.size - 2,), dtype="<u2", buffer=raw, offset=1, strides=(1,))
    values = _pair_values()[pairs[starts[:-1]]]
    if not (starts[:-2] & digit[2:-1] & digit[3:]).any():
        return values
    at = np.flatnonzero(starts) + 3  # where each number's third digit would be
    long = np.flatnonzero(digit[at - 1] & digit[at])
    at, longer, going = at[long], values[long].astype(np.int64), np.ones(long.size, dtype=bool)
    for _ in range(_MAX_DIGITS - 1):  # digits 3 to 9, then a tenth that must not be there
        byte = raw[np.minimum(at, raw.size - 1)]
        going &= byte >= ord("0")
        longer = np.where(going, longer * 10 + byte - ord("0"), longer)
        at += 1
    if going.any():
        return None
    values = values.astype(np.int64)
    values[long] = longer
    return values


def _ballot_lines(values: np.ndarray, n: int) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Each line's weight and its candidates column by column (0 past its end), or None unless every line is
    valid: a weight, candidates from 1 to n, the closing 0."""
    last = np.flatnonzero(values == 0)
    if not last.size:
        return None
    first = np.empty_like(last)
    first[0], first[1:] = 0, last[:-1] + 1
    ranked = last - first - 1
    longest = int(ranked.max())
    if int(ranked.min()) < 0 or longest > n:
        return None  # a line without its weight, or ranking more candidates than there are (one twice)
    if last.size * longest > max(_MAX_PADDING * values.size, 1 << 24):
        return None  # a few very long ballots among many short ones: too much padding
    dtype = _index_dtype(n)
    columns = []
    at, short = first + 1, ranked.astype(np.int8) if longest < 127 else ranked
    for j in range(longest):
        column = values.take(at, mode="clip")  # past a line's end: its 0, or the next line's weight
        column[short <= j] = 0
        if int(column.max()) > n:
            return None
        columns.append(column.astype(dtype))
        at += 1
    return values[first].astype(np.int64), columns


def _repeats(grid: np.ndarray) -> bool:
    """Whether any row of candidates (padded with 0) names a candidate twice."""
    if grid.shape[1] > _COMPARED_WIDTH:
        ordered = np.sort(grid, axis=1)
        return bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > 0)).any())
    columns = np.ascontiguousarray(grid.T)  # each column against every later one: faster than sorting rows
    return any(
        ((columns[j] == columns[i]) & (columns[j] > 0)).any()
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
    )


_COMPARED_WIDTH = 12  # rows this wide or narrower are checked column against column


def _standing_prefs(grid: np.ndarray, remap: list[int], standing: int) -> np.ndarray:
    """Rows of standing candidates' indices, withdrawn ones dropped, padded with `standing`."""
    table = np.array([standing, *(standing if c < 0 else c for c in remap)], dtype=_index_dtype(standing))
    mapped = table.take(grid)
    if standing < len(remap):  # close the gaps left by withdrawn candidates, keeping the order
        mapped = np.take_along_axis(mapped, np.argsort(mapped == standing, axis=1, kind="stable"), axis=1)
    width = mapped.shape[1]  # each row's candidates come first: the last column holding one ends them all
    while width and not (mapped[:, width - 1] != standing).any():
        width -= 1
    prefs = np.full((len(mapped), width + 1), standing, dtype=mapped.dtype)
    prefs[:, :width] = mapped[:, :width]
    return prefs


def _grouped(
    prefs: np.ndarray, weights: np.ndarray, standing: int, ballots: int, blank: int
) -> RankedProfile:
    """Identical rows merged, in order of first appearance, with their weights summed."""
    if not len(prefs):
        return RankedProfile.from_groups([], [], standing, ballots, blank)
    keys = _row_keys(prefs, standing)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    heads = np.flatnonzero(np.append(True, ordered[1:] != ordered[:-1]))
    totals = np.add.reduceat(weights[order], heads)
    firsts = order[heads]
    arrival = _arrival(firsts, len(prefs))
    return RankedProfile(
        prefs=prefs[firsts[arrival]],
        weights=totals[arrival].astype(np.int64),
        weight_scale=1,
        n_candidates=standing,
        ballots=ballots,
        blank=blank,
    )


def _arrival(firsts: np.ndarray, size: int) -> np.ndarray:
    """The order that sorts `firsts`, distinct indices below `size`, without a comparison sort."""
    group = np.zeros(size, dtype=np.int64)
    group[firsts] = np.arange(len(firsts))
    seen = np.zeros(size, dtype=bool)
    seen[firsts] = True
    return group[seen]


def _row_keys(prefs: np.ndarray, standing: int) -> np.ndarray:
    """One sortable key per row: the row packed into an int64 when it fits, else its bytes."""
    bits, width = standing.bit_length(), prefs.shape[1] - 1  # the last column is padding
    if bits * width > 63:
        return prefs.view(np.dtype((np.void, prefs.dtype.itemsize * prefs.shape[1]))).ravel()
    keys = np.zeros(len(prefs), dtype=np.int64)
    for column in prefs[:, :width].T:
        keys = keys << bits | column
    return keys


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
