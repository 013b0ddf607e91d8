"""A readable comparison of two revisions, field by field and line by line (difflib; plain Python).

Each section is a list of rows `(op, old_number, new_number, text)` with op one of "equal", "delete",
"insert" or "gap" (unchanged lines left out); templates escape the text as they show it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

CONTEXT_LINES = 3

FACT_LABELS = {
    "monthly_revenue_minor": "Monthly revenue",
    "monthly_costs_minor": "Monthly costs",
    "currency": "Currency",
    "hours_per_month": "Hours a month needed",
    "seats": "Seats",
    "term_months": "Term (months)",
}

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "CLP", "ISK", "VND"}


def format_money(minor: int | None, currency: str | None) -> str:
    """'GBP 1,250.00' from 125000 minor units."""
    if minor is None:
        return ""
    code = currency or ""
    if code in ZERO_DECIMAL_CURRENCIES:
        return f"{code} {minor:,}".strip()
    return f"{code} {minor // 100:,}.{minor % 100:02d}".strip()


def fact_lines(facts: dict[str, Any] | None) -> list[str]:
    facts = facts or {}
    lines = []
    for name, label in FACT_LABELS.items():
        value = facts.get(name)
        if value is None or name == "currency":
            continue
        shown = format_money(value, facts.get("currency")) if name.endswith("_minor") else f"{value:,}"
        lines.append(f"{label}: {shown}")
    return lines


@dataclass
class Section:
    name: str
    rows: list[tuple[str, int | None, int | None, str]] = field(default_factory=list)

    @property
    def is_changed(self) -> bool:
        return any(op in ("delete", "insert") for op, *_ in self.rows)


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
            section.rows += [("delete", i + 1, None, old[i]) for i in range(i1, i2)]
            section.rows += [("insert", None, j + 1, new[j]) for j in range(j1, j2)]
    return section


def compare(old, new) -> list[Section]:
    """Compare two revisions (anything with kind, title, summary, body and facts)."""
    return [
        compare_lines("Kind", [old.kind.label], [new.kind.label]),
        compare_lines("Title", [old.title], [new.title]),
        compare_lines("Summary", old.summary.splitlines(), new.summary.splitlines()),
        compare_lines("Body", old.body.splitlines(), new.body.splitlines()),
        compare_lines("Facts", fact_lines(old.facts), fact_lines(new.facts)),
    ]
