"""Signing in: sessions for pages (bearer tokens for the API are read in governance.api)."""

import time

from flask import current_app, request
from flask_login import LoginManager, login_user

from governance.auth.sessions import SessionId
from governance.extensions import db
from governance.models import Person
from governance.texts import N_, _


def init_login(manager: LoginManager) -> None:
    manager.login_view = "auth.sign_in"
    manager.login_message = N_("Please sign in to see that page.")
    manager.localize_callback = _  # the message is translated when it is flashed
    manager.login_message_category = "info"
    manager.session_protection = "strong"
    manager.user_loader(load_person)


def load_person(session_id: str) -> Person | None:
    """The person of a session cookie or a remember-me cookie, checked on every request: a session
    whose version was raised (signed out, password changed) or that is older than a remember-me cookie
    may be (30 days) is refused."""
    found = SessionId.parse(session_id)
    person = db.session.get(Person, found.person_id) if found else None
    max_age = current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
    if person is None or found is None or not found.holds(person.session_version, time.time(), max_age):
        return None
    person.signed_in_at = found.signed_in_at
    return person


def is_remembered() -> bool:
    """Does this browser hold a remember-me cookie?"""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def begin_session(person: Person, *, remember: bool = False) -> None:
    """Sign this browser in as the person, in a new session (its 30 days start now)."""
    person.signed_in_at = int(time.time())
    login_user(person, remember=remember)


def renew_session(person: Person) -> None:
    """After the person's version was raised here, this browser goes on under the new one, as it was:
    remembered if it was, and as old (the loader set `signed_in_at` from its id)."""
    login_user(person, remember=is_remembered())
