"""Sessions that end on the server: signing out, "sign out everywhere else", a password change or reset.

A session lives in cookies the server cannot delete, so each test replays a cookie copied before the
end, as someone who had copied it would, and expects to be sent to sign in.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select
from werkzeug.http import parse_date

from governance import config
from governance.audit import AuditEvent
from governance.auth.service import Action
from tests.factories import PASSWORD, sign_in

NEW_PASSWORD = "a brand new password"


def _is_signed_in(client) -> bool:
    response = client.get("/settings")
    assert response.status_code in {200, 302}
    return response.status_code == 200


def _copy(app, client):
    """A second browser holding copies of the first one's cookies."""
    other = app.test_client()
    for name in ("session", "remember_token"):
        if (cookie := client.get_cookie(name)) is not None:
            other.set_cookie(name, cookie.value)
    return other


def _events(session, action: str) -> list[AuditEvent]:
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_copied_session_cookie_no_longer_works_after_signing_out(app, client, world):
    sign_in(client, world.delegates[0])
    thief = _copy(app, client)
    assert _is_signed_in(thief)  # the copy works while the session lasts
    client.post("/sign-out")
    assert not _is_signed_in(client)
    assert not _is_signed_in(thief)


def test_a_copied_remember_me_cookie_no_longer_works_after_signing_out(app, client, world):
    person = world.delegates[0]
    client.post("/sign-in", data={"email": person.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token")
    assert remember is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)  # no session cookie: the browser was closed
    assert _is_signed_in(thief)
    thief.delete_cookie("session")
    client.post("/sign-out")
    thief.delete_cookie("session")
    assert not _is_signed_in(thief)


def test_a_remember_me_cookie_older_than_30_days_is_refused_on_the_server(app, client, world):
    person = world.delegates[0]
    now = int(time.time())
    with app.test_request_context():
        young = encode_cookie(f"{person.id}:{person.session_version}:{now - 29 * 86400}")
        old = encode_cookie(f"{person.id}:{person.session_version}:{now - 31 * 86400}")
    client.set_cookie("remember_token", young)
    assert _is_signed_in(client)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", old)  # whatever expiry the browser was told, the copy is too old
    assert not _is_signed_in(fresh)


def test_remember_me_cookie_is_secure_with_session_cookies_and_lasts_30_days_at_most(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    settings = config.load(tmp_path)
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    assert config.load(tmp_path)["REMEMBER_COOKIE_SECURE"] is False


def test_the_remember_me_cookie_is_sent_secure_and_expires_within_30_days(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    person = world.delegates[0]
    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    expires = parse_date(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert expires - datetime.now(UTC) <= timedelta(days=30)


def test_sign_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one(app, client, world):
    person = world.delegates[0]
    sign_in(client, person)
    phone = app.test_client()
    sign_in(phone, person)
    laptop_copy = _copy(app, client)  # a copy taken before: it must end too
    response = client.post("/settings/sign-out-everywhere")
    assert response.status_code == 302
    assert _is_signed_in(client)
    assert not _is_signed_in(phone)
    assert not _is_signed_in(laptop_copy)


def test_sign_out_everywhere_else_keeps_this_browser_remembered(app, client, world):
    person = world.delegates[0]
    client.post("/sign-in", data={"email": person.email, "password": PASSWORD, "remember": "y"})
    assert client.post("/settings/sign-out-everywhere").status_code == 302
    client.delete_cookie("session")  # the browser is closed and opened again
    assert _is_signed_in(client)


def test_changing_the_password_ends_every_other_session(app, client, world, session):
    person = world.delegates[0]
    sign_in(client, person)
    other = app.test_client()
    sign_in(other, person)
    response = client.post(
        "/settings/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _is_signed_in(client)
    assert not _is_signed_in(other)
    assert other.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 401
    sign_in(other, person, password=NEW_PASSWORD)
    assert len(_events(session, Action.PASSWORD_CHANGED)) == 1


@pytest.mark.parametrize(
    ("current", "new", "confirm", "status", "message"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, 403, "not your current password"),
        (PASSWORD, NEW_PASSWORD, "something else entirely", 400, "The two new passwords differ"),
        (PASSWORD, "short", "short", 400, "At least 10 characters"),
        (PASSWORD, PASSWORD, PASSWORD, 422, "the one you have now"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app, client, world, session, current, new, confirm, status, message
):
    person = world.delegates[0]
    sign_in(client, person)
    other = app.test_client()
    sign_in(other, person)
    version = person.session_version
    response = client.post(
        "/settings/password", data={"current_password": current, "new_password": new, "confirm": confirm}
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    session.refresh(person)
    assert person.session_version == version
    assert _is_signed_in(other)
    assert not _events(session, Action.PASSWORD_CHANGED)


def test_the_change_password_page_asks_for_the_current_password_and_the_new_one_twice(client, world):
    sign_in(client, world.members[0])
    page = client.get("/settings/password").get_data(as_text=True)
    assert 'name="current_password"' in page and 'name="new_password"' in page and 'name="confirm"' in page
    settings = client.get("/settings").get_data(as_text=True)
    assert "/settings/password" in settings and "/settings/sign-out-everywhere" in settings


def test_a_password_reset_ends_every_other_session(app, client, world, outbox):
    person = world.members[1]
    laptop = app.test_client()
    sign_in(laptop, person)
    client.post("/reset-password", data={"email": person.email})
    mail = sorted(outbox.glob("*.eml"))[-1].read_text()
    link = re.search(r"http://localhost(/reset-password/\S+)", mail).group(1)
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302
    assert _is_signed_in(client)
    assert not _is_signed_in(laptop)


def test_sign_in_sign_out_and_failed_sign_ins_are_audit_events(client, world, session):
    person = world.delegates[0]
    client.post("/sign-in", data={"email": "Nobody@Example.org", "password": "guess one"})
    client.post("/sign-in", data={"email": person.email, "password": "guess two"})
    sign_in(client, person)
    client.post("/sign-out")

    unknown, known = _events(session, Action.SIGN_IN_FAILED)
    assert unknown.data == {"email": "Nobody@Example.org"} and unknown.actor_id is None
    assert unknown.subject_id is None
    assert known.data == {"email": person.email} and known.actor_id is None
    assert known.subject_id == person.id  # the account someone tried to enter
    for failed in (unknown, known):
        assert "guess" not in repr(failed.data) + failed.summary + failed.actor_label
        assert failed.actor_label == "someone signing in"
    (signed_in,) = _events(session, Action.SIGNED_IN)
    (signed_out,) = _events(session, Action.SIGNED_OUT)
    assert signed_in.actor_id == signed_out.actor_id == person.id


def test_a_session_from_before_versions_is_refused(client, world):
    """Flask-Login stored the bare person id before sessions had versions: such a cookie no longer works."""
    person = world.delegates[0]
    sign_in(client, person)
    with client.session_transaction() as flask_session:
        assert flask_session["_user_id"].startswith(f"{person.id}:")
        flask_session["_user_id"] = str(person.id)
    assert not _is_signed_in(client)
