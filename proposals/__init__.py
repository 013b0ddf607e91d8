"""Proposals: drafting, revisions, the lifecycle, discussion and who is in."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata, the pages and their hooks are added."""
    from governance import templating
    from governance.markdown import render
    from governance.texts import _l
    from proposals import models  # noqa: F401 - the tables must be known to Alembic and the session
    from proposals.money import format_iso, is_currency
    from proposals.money import name as currency_name
    from proposals.views import bp, waiting

    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render
    app.jinja_env.filters["money"] = format_iso
    app.jinja_env.filters["currency_name"] = lambda code: currency_name(code) if is_currency(code) else ""
    templating.add_nav_link("proposals.index", _l("Proposals"))
    if waiting not in templating.waiting_providers:
        templating.waiting_providers.append(waiting)
