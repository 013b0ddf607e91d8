"""Checks every service makes of what people type: one refusal shape, named for the field it is about."""

from __future__ import annotations

import unicodedata

from governance.errors import InvalidInput
from governance.texts import N_, _


def invalid(field_name: str, message: str) -> InvalidInput:
    """A refusal of one field; a form shows the message beside it, the API under errors[field]."""
    return InvalidInput(message, errors={field_name: [message]})


def clean_text(
    value: str | None, field_name: str, label: str, limit: int | None = None, *, required: bool = True
) -> str:
    """The text stripped; refused when required and empty, or longer than the limit."""
    value = (value or "").strip()
    if required and not value:
        raise invalid(field_name, _("%(label)s is required.", label=label))
    if limit is not None and len(value) > limit:
        raise invalid(
            field_name, _("%(label)s is too long: at most %(limit)s characters.", label=label, limit=limit)
        )
    return value


# Names of people, co-ops and networks

# Control characters (Cc), invisible format characters (Cf: zero-width spaces and joiners, bidirectional
# overrides and isolates), line and paragraph separators: nothing a name needs, and each can make two names
# look alike or reorder what a reader sees.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def clean_name(value: str | None, field_name: str, label: str, limit: int = 200) -> str:
    """A name as people read it: NFC, runs of spaces squeezed, no control or invisible characters."""
    value = unicodedata.normalize("NFC", value or "").strip()
    bad = sorted({c for c in value if unicodedata.category(c) in _REFUSED_CATEGORIES})
    if bad:
        shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'a control character')}" for c in bad)
        raise invalid(
            field_name,
            _(
                "%(label)s cannot contain control or invisible characters (%(shown)s).",
                label=label,
                shown=shown,
            ),
        )
    return clean_text(" ".join(value.split()), field_name, label, limit)


def name_key(name: str) -> str:
    """What makes two names the same name: compatibility forms, case and spacing do not count."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def bad_character(text: str) -> str | None:
    """Why a text cannot be stored (a NUL, a lone surrogate), or None."""
    if "\x00" in text:
        return _(_NUL)
    if any("\ud800" <= c <= "\udfff" for c in text):
        return _(_SURROGATE)
    return None


_NUL = N_("contains a NUL character")
_SURROGATE = N_("contains a lone surrogate, which is not text")
