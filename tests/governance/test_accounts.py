"""Accounts: invitations, signing in and out, password reset, CSRF, slowed sign-ins."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from governance import audit, service
from governance.extensions import db
from governance.models import CoopRole, Invitation, Person
from governance.types import utcnow
from tests.factories import PASSWORD, sign_in


def _link_in_mail(outbox, path_part: str) -> str:
    mails = sorted(outbox.glob("*.eml"))
    assert mails, "no mail was written to the outbox"
    found = re.search(rf"http://localhost(/{path_part}/\S+)", mails[-1].read_text())
    assert found, mails[-1].read_text()
    return found.group(1)


def _invite(client, world, outbox, email="new.person@example.org", role="delegate") -> str:
    sign_in(client, world.admin)
    coop = world.coops[0]
    response = client.post(f"/coops/{coop.slug}/invite", data={"email": email, "role": role})
    assert response.status_code == 200
    client.post("/sign-out")
    return _link_in_mail(outbox, "invitations")


def _people_count() -> int:
    return db.session.scalar(select(func.count(Person.id)))


def test_invited_person_chooses_password_and_zone_and_joins_the_coop(client, world, outbox):
    link = _invite(client, world, outbox)
    page = client.get(link).get_data(as_text=True)
    assert "Join Thames Code" in page and "delegate" in page
    response = client.post(
        link, data={"name": "Nia New", "password": "a long enough pw", "time_zone": "Europe/Paris"}
    )
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.email == "new.person@example.org"))
    assert person.time_zone == "Europe/Paris"
    assert person.is_delegate_of(world.coops[0])
    assert client.get("/").status_code == 200  # signed in
    assert db.session.scalar(select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc())).action == (
        "invitation.accepted"
    )


def test_used_invitation_cannot_be_used_again(client, world, outbox):
    link = _invite(client, world, outbox)
    client.post(link, data={"name": "Nia", "password": "a long enough pw", "time_zone": "UTC"})
    client.post("/sign-out")
    response = client.get(link)
    assert response.status_code == 409
    assert "has been used already" in response.get_data(as_text=True)


def test_expired_invitation_is_refused(client, world, outbox):
    link = _invite(client, world, outbox)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(link, data={"name": "Nia", "password": "a long enough pw", "time_zone": "UTC"})
    assert response.status_code == 409
    assert "has expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.email == "new.person@example.org")) is None


def test_unknown_invitation_is_404_with_a_message(client, world):
    response = client.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "not known" in response.get_data(as_text=True)


def test_unknown_time_zone_is_refused_and_nothing_changes(client, world, outbox):
    link = _invite(client, world, outbox)
    before = _people_count()
    response = client.post(
        link, data={"name": "Nia", "password": "a long enough pw", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Unknown time zone" in page
    assert 'value="Nia"' in page  # what was typed is kept
    assert _people_count() == before


def test_short_password_is_refused(client, world, outbox):
    link = _invite(client, world, outbox)
    response = client.post(link, data={"name": "Nia", "password": "short", "time_zone": "UTC"})
    assert response.status_code == 400
    assert "At least 10 characters" in response.get_data(as_text=True)


def test_inviting_someone_already_in_the_coop_is_a_clear_error(client, world):
    sign_in(client, world.admin)
    coop = world.coops[0]
    response = client.post(
        f"/coops/{coop.slug}/invite", data={"email": world.delegates[0].email, "role": "member"}
    )
    assert response.status_code == 400
    assert "already in Thames Code" in response.get_data(as_text=True)


def test_a_person_with_an_account_joins_a_further_coop_only_by_accepting(client, world, outbox):
    person, other = world.delegates[0], world.coops[1]
    sign_in(client, world.admin)
    response = client.post(
        f"/coops/{other.slug}/invite", data={"email": person.email.upper(), "role": "member"}
    )
    assert response.status_code == 200
    assert person.role_in(other) is None  # not without saying yes
    link = _link_in_mail(outbox, "invitations")
    client.post("/sign-out")

    response = client.get(link)  # signed out: sent to sign in, and back
    assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]
    sign_in(client, world.members[2])
    assert client.post(link).status_code == 403  # someone else cannot take it
    client.post("/sign-out")
    sign_in(client, person)
    assert "Join Hudson Tech" in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302
    assert person.role_in(other) == CoopRole.MEMBER
    assert client.get(link).status_code == 409  # used


def test_invitation_emails_are_case_insensitive_duplicates(world, ctx):
    from governance.errors import Conflict

    service.invite_person(
        actor=world.admin, coop=world.coops[0], email="Dup@Example.org", role=CoopRole.MEMBER
    )
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "dup@example.org"
    person = Person(email="dup@example.org", name="Dup", password_hash="x")
    db.session.add(person)
    db.session.flush()
    with pytest.raises(Conflict):
        service.add_member(
            actor=world.admin, coop=world.coops[0], person=world.delegates[0], role=CoopRole.MEMBER
        )


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(
        "/sign-in", data={"email": world.delegates[0].email, "password": "not the password"}
    )
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "/%09/evil.example", "https://evil.example/", "/%0a/x", "/\\evil.example", "x"],
)
def test_sign_in_does_not_redirect_off_site(client, world, target):
    response = client.post(
        f"/sign-in?next={target}", data={"email": world.delegates[0].email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_a_page_on_this_site(client, world):
    response = client.post(
        "/sign-in?next=/networks/testnet", data={"email": world.delegates[0].email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/networks/testnet"


def test_sign_out_ends_the_session(client, world):
    sign_in(client, world.delegates[0])
    client.post("/sign-out")
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = sign_in(client, world.delegates[0])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_password_reset_by_emailed_link(client, world, outbox):
    person = world.members[1]
    response = client.post("/reset-password", data={"email": person.email})
    assert response.status_code == 302
    link = _link_in_mail(outbox, "reset-password")
    response = client.post(link, data={"password": "a brand new password"})
    assert response.status_code == 302
    client.post("/sign-out")
    sign_in(client, person, password="a brand new password")
    # The link worked once; the changed password voids it.
    client.post("/sign-out")
    assert client.get(link).status_code == 409


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client, world, outbox):
    response = client.post("/reset-password", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account has that email" in response.get_data(as_text=True)
    assert not list(outbox.glob("*.eml"))


def test_form_without_csrf_token_is_refused(app, client, world, monkeypatch):
    sign_in(client, world.admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = db.session.scalar(select(func.count(Invitation.id)))
    response = client.post(
        f"/coops/{world.coops[0].slug}/invite", data={"email": "x@example.org", "role": "member"}
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == before


def test_repeated_failed_sign_ins_are_slowed(app, client, world, monkeypatch):
    from governance.extensions import limiter

    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "5 per minute")
    limiter.reset()
    email = world.delegates[2].email
    statuses = [
        client.post("/sign-in", data={"email": email, "password": "wrong"}).status_code for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    page = client.post("/sign-in", data={"email": email, "password": PASSWORD}).get_data(as_text=True)
    assert "Too many failed sign-ins" in page
    limiter.reset()


def _session_cookie(app, client) -> dict:
    """What the browser holds: Flask's session cookie is signed, not encrypted; anyone with it can read it."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_an_invitation_link_is_shown_once_on_the_page_and_never_put_in_the_session_cookie(
    app, client, world, outbox
):
    sign_in(client, world.admin)
    response = client.post(
        f"/coops/{world.coops[0].slug}/invite", data={"email": "new.person@example.org", "role": "member"}
    )
    link = _link_in_mail(outbox, "invitations")
    token = link.rsplit("/", 1)[1]
    page = response.get_data(as_text=True)
    assert "Invitation sent to new.person@example.org" in page and token in page
    assert response.headers["Cache-Control"] == "no-store"
    held = _session_cookie(app, client)
    assert "_user_id" in held  # the cookie was read
    assert token not in repr(held)
    assert token not in client.get(f"/coops/{world.coops[0].slug}").get_data(as_text=True)  # shown once
    assert token not in repr(_session_cookie(app, client))
