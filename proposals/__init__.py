"""Proposals: drafting, revisions, the lifecycle, discussion and who is in."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata, the pages and their hooks are added."""
    from proposals import models  # noqa: F401 - the tables must be known to Alembic and the session
