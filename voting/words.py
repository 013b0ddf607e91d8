"""Co-op names inside sentences, as the reader's language puts them (plain Python)."""

from __future__ import annotations

import re

from babel.numbers import get_decimal_symbol

from governance.texts import current_locale
from governance.words import possessive

DECIMAL = re.compile(r"-?\d+\.\d+")


def whose(name: str) -> str:
    """'Mill Digital's' for an English reader; the name alone for others, whose sentence says 'de Mill Digital'.

    Used as a sentence's `%(whose)s`, so both languages' sentences keep the same placeholders."""
    return possessive(name) if current_locale().startswith("en") else name


def figure(text: str) -> str:
    """A decimal as the reader writes it: '2.5' in English, '2,5' in Spanish; anything else as it is."""
    if not DECIMAL.fullmatch(text):
        return text
    return text.replace(".", get_decimal_symbol(current_locale()))
