"""Signing in: sessions for pages, bearer tokens for the API."""

from flask import request
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

    @manager.request_loader
    def load_from_bearer(req) -> Person | None:
        from governance.service import person_for_token

        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        person = person_for_token(secret.strip())
        if person is not None:
            db.session.commit()  # keeps the token's last-used time
        return person
