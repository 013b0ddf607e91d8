"""Small pieces of English that pages and messages share (plain Python)."""

from __future__ import annotations


def possessive(name: str) -> str:
    """'Mill Digital's', but 'Clyde Web Workers'' (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"
