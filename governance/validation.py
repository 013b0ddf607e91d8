"""Checks every service makes of what people type: one refusal shape, named for the field it is about."""

from __future__ import annotations

from governance.errors import InvalidInput


def invalid(field_name: str, message: str) -> InvalidInput:
    """A refusal of one field; a form shows the message beside it, the API under errors[field]."""
    return InvalidInput(message, errors={field_name: [message]})


def clean_text(
    value: str | None, field_name: str, label: str, limit: int | None = None, *, required: bool = True
) -> str:
    """The text stripped; refused when required and empty, or longer than the limit."""
    value = (value or "").strip()
    if required and not value:
        raise invalid(field_name, f"{label} is required.")
    if limit is not None and len(value) > limit:
        raise invalid(field_name, f"{label} is too long: at most {limit} characters.")
    return value
