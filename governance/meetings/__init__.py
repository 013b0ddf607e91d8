"""Round-table meetings across time zones: candidate times, answers, the confirmed time, notes after."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata; the pages and their hooks are added."""
    from flask_login import current_user

    from governance import templating
    from governance.meetings import (
        models,
        permissions,
    )
    from governance.meetings.calendar import feed_entries
    from governance.meetings.views import bp, waiting
    from governance.notifications import calendar
    from governance.texts import _l

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        working_hours=models.working_hours,
        can_set_hours=lambda coop: permissions.can_set_hours(current_user, coop),
    )
    templating.add_nav_link("meetings.index", _l("Meetings"))
    if waiting not in templating.waiting_providers:
        templating.waiting_providers.append(waiting)
    if feed_entries not in calendar.providers:
        calendar.providers.append(feed_entries)
