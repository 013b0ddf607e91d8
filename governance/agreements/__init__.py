"""Joint pledge agreements: drawn when a campaign commits, signed in the app, issued as sealed PDF/A-3."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata; the pages, command and hooks are added."""
    from governance import templating
    from governance.agreements import (
        models,  # noqa: F401 - the tables must be known to Alembic and the session
        tasks,  # noqa: F401 - the Huey tasks are registered on import
    )
    from governance.agreements.cli import agreements_cli
    from governance.agreements.views import bp, public, waiting
    from governance.extensions import csrf

    app.register_blueprint(bp)
    app.register_blueprint(public)
    csrf.exempt(public)  # /verify changes nothing: there is nothing to forge
    app.cli.add_command(agreements_cli)
    if waiting not in templating.waiting_providers:
        templating.waiting_providers.append(waiting)
    from governance.agreements.drawing import on_campaign_committed
    from proposals.pledging.service import committed_hooks

    if on_campaign_committed not in committed_hooks:
        committed_hooks.append(on_campaign_committed)
