"""Signing in: sessions for pages (bearer tokens for the API are read in governance.api)."""

from flask_login import LoginManager

from governance.extensions import db
from governance.models import Person


def init_login(manager: LoginManager) -> None:
    manager.login_view = "auth.sign_in"
    manager.login_message = "Please sign in to see that page."
    manager.login_message_category = "info"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(person_id: str) -> Person | None:
        return db.session.get(Person, int(person_id)) if person_id.isdigit() else None
