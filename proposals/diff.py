"""A readable comparison of two revisions, field by field, line by line and, within a changed line, word by
word (difflib; plain Python).

Each section is a list of rows `(op, old_number, new_number, text)` with op one of "equal", "delete",
"insert", "change" or "gap" (unchanged lines left out). A "change" row is a line edited in place: its text
is a list of `(op, words)` pieces, op "equal", "delete" or "insert", so a reader sees the words that changed
rather than two whole lines of raw Markdown. Templates escape the text as they show it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from governance.texts import N_, _, current_locale
from proposals.money import format_iso

CONTEXT_LINES = 3

FACT_LABELS = {
    "monthly_revenue_minor": N_("Monthly revenue"),
    "monthly_costs_minor": N_("Monthly costs"),
    "currency": N_("Currency"),
    "hours_per_month": N_("Hours a month needed"),
    "seats": N_("Seats"),
    "term_months": N_("Term (months)"),
}


def fact_lines(facts: dict[str, Any] | None) -> list[str]:
    facts = facts or {}
    lines = []
    for name, label in FACT_LABELS.items():
        value = facts.get(name)
        if value is None or name == "currency":
            continue
        if name.endswith("_minor"):
            shown = format_iso(value, facts.get("currency"))
        else:
            shown = format_decimal(value, locale=current_locale())
        lines.append(f"{_(label)}: {shown}")
    return lines


@dataclass
class Section:
    name: str
    rows: list[tuple[str, int | None, int | None, str]] = field(default_factory=list)

    @property
    def is_changed(self) -> bool:
        return any(op in ("delete", "insert", "change") for op, *_ in self.rows)


TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
SIMILAR = 0.4  # lines at least this alike are one line edited; less alike, one removed and one added


def words(line: str) -> list[str]:
    """A line as words, runs of spaces and single marks, which joined give the line back."""
    return TOKEN.findall(line)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The pieces of an edited line: ("equal" | "delete" | "insert", text); the equal and deleted pieces
    join to the old line, the equal and inserted ones to the new."""
    a, b = words(old), words(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


def _similar(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(None, words(old), words(new), autojunk=False).ratio() >= SIMILAR


def compare_lines(name: str, old: list[str], new: list[str]) -> Section:
    section = Section(name)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(CONTEXT_LINES))
    for index, group in enumerate(groups):
        if index or group[0][1] > 0:
            section.rows.append(("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                section.rows += [
                    ("equal", i + 1, j + 1, old[i]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            section.rows += _changed(old, new, i1, i2, j1, j2)
    return section


def _changed(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int) -> list:
    """Replaced lines: those paired in order and alike enough are edits shown word by word; the rest are
    whole lines removed, then added."""
    rows: list = []
    pairs = min(i2 - i1, j2 - j1)
    paired = [k for k in range(pairs) if _similar(old[i1 + k], new[j1 + k])]
    rows += [("delete", i + 1, None, old[i]) for i in range(i1, i2) if i - i1 not in paired]
    rows += [("insert", None, j + 1, new[j]) for j in range(j1, j2) if j - j1 not in paired]
    edits = [("change", i1 + k + 1, j1 + k + 1, word_diff(old[i1 + k], new[j1 + k])) for k in paired]
    return edits + rows


def compare(old, new) -> list[Section]:
    """Compare two revisions (anything with kind, title, summary, body and facts)."""
    return [
        compare_lines(_("Kind"), [old.kind.label], [new.kind.label]),
        compare_lines(_("Title"), [old.title], [new.title]),
        compare_lines(_("Summary"), old.summary.splitlines(), new.summary.splitlines()),
        compare_lines(_("Body"), old.body.splitlines(), new.body.splitlines()),
        compare_lines(_("Facts"), fact_lines(old.facts), fact_lines(new.facts)),
    ]
