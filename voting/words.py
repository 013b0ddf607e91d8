"""Co-op names inside sentences, as the reader's language puts them (plain Python)."""

from __future__ import annotations

from governance.texts import current_locale
from governance.words import possessive


def whose(name: str) -> str:
    """'Mill Digital's' for an English reader; the name alone for others, whose sentence says 'de Mill Digital'.

    Used as a sentence's `%(whose)s`, so both languages' sentences keep the same placeholders."""
    return possessive(name) if current_locale().startswith("en") else name
