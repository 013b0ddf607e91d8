"""Notifications: in-app, email (at once, a daily digest, or off), a network's chat, a calendar feed."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models, the audit listener, the pages, the command and globals."""
    from flask_login import current_user

    from governance import audit, templating
    from governance.notifications import calendar, models, service  # noqa: F401 - models: the tables
    from governance.notifications.tasks import notifications_cli
    from governance.notifications.views import bp, settings_context
    from governance.notifications.votes import vote_entries

    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
    if service.on_event not in audit.listeners:
        audit.listeners.append(service.on_event)
    if vote_entries not in calendar.providers:
        calendar.providers.append(vote_entries)

    def signed_in() -> bool:
        return bool(getattr(current_user, "is_authenticated", False))

    app.jinja_env.globals.update(
        unread_count=lambda: service.unread_count(current_user) if signed_in() else 0,
        waiting_count=lambda: templating.waiting_count(current_user) if signed_in() else 0,
        notification_settings=lambda: settings_context(current_user),
    )
