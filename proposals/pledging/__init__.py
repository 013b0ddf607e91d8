"""Pledge campaigns: conditional commitments that bind only when enough co-ops are in."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata; the pages, command and hooks are added (the periodic settling is `tasks.settle_due_campaigns`).

    The API's blueprint is registered with the others' in `governance.api.register_api`.
    """
    from governance import templating
    from governance.notifications import calendar
    from governance.texts import _l
    from proposals import service as proposals_service
    from proposals.pledging import models  # noqa: F401 - the tables must be known to Alembic and the session
    from proposals.pledging.calendar import campaign_entries
    from proposals.pledging.service import after_transition, settle_proposal
    from proposals.pledging.tasks import campaigns_cli
    from proposals.pledging.views import bp, waiting

    app.register_blueprint(bp)
    app.cli.add_command(campaigns_cli)
    templating.add_nav_link("pledging.index", _l("Pledges"))
    if waiting not in templating.waiting_providers:
        templating.waiting_providers.append(waiting)
    if campaign_entries not in calendar.providers:
        calendar.providers.append(campaign_entries)
    # After the vote's own hook (voting registers first): a read closes a due vote, then settles the campaign.
    if settle_proposal not in proposals_service.settle_hooks:
        proposals_service.settle_hooks.append(settle_proposal)
    if after_transition not in proposals_service.transition_hooks:
        proposals_service.transition_hooks.append(after_transition)
