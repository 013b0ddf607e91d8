"""Use cases of signing in: passwords, sessions that end, password reset.

Each changes state, appends the audit event and flushes; the request commits. A change of password or
of sessions first locks the person's row and reads it afresh, so two at once take turns and the second
sees what the first did (a second change with the old password is then refused).
"""

from __future__ import annotations

from enum import StrEnum

from flask import current_app, url_for
from sqlalchemy import select

from governance import audit, i18n, mail
from governance.errors import Conflict, InvalidInput, NotAllowed
from governance.extensions import db
from governance.models import Person, person_by_email
from governance.security import (
    MIN_PASSWORD_LENGTH,
    check_password,
    hash_password,
    make_reset_token,
    needs_rehash,
    read_reset_token,
    reset_token_matches,
)
from governance.texts import N_, _, ngettext

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a path; a longer "email" is kept only cut to it


class Action(StrEnum):
    SIGNED_IN = "person.signed_in"
    SIGN_IN_FAILED = "person.sign_in_failed"
    SIGNED_OUT = "person.signed_out"
    SIGNED_OUT_EVERYWHERE = "person.signed_out_everywhere"
    PASSWORD_CHANGED = "person.password_changed"
    PASSWORD_RESET = "person.password_reset"


def _lock(person: Person) -> Person:
    """Hold the person's row until the transaction ends, and read it afresh (SQLite: BEGIN IMMEDIATE
    already holds the database's write lock)."""
    db.session.flush()
    query = select(Person).where(Person.id == person.id).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def _require_password(password: str | None, field: str = "password") -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        message = _("Choose a password of at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
        raise InvalidInput(message, errors={field: [message]})
    return password


def _end_sessions(person: Person) -> None:
    """Every cookie carrying the person's present version stops working."""
    person.session_version += 1


# Signing in and out


def sign_in(email: str, password: str) -> Person | None:
    """The person whose email and password these are; None otherwise.
    Both outcomes are audit events; a failure records the email tried (never the password), and as
    nobody is signed in then, the event has no actor."""
    email = (email or "").strip()
    person = person_by_email(email)
    # An unknown email verifies a dummy hash: it takes as long as a known one (security.check_password).
    if not check_password(person.password_hash if person else None, password or ""):
        audit.record(
            Action.SIGN_IN_FAILED,
            actor=None,
            actor_label="someone signing in",
            subject=person,
            subject_type="people",
            data={"email": email[:MAX_EMAIL_LENGTH]},
        )
        return None
    assert person is not None and person.password_hash is not None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    audit.record(Action.SIGNED_IN, actor=person, subject=person)
    return person


def sign_out(*, actor: Person) -> None:
    """End the session on the server, not only in this browser: a copied cookie stops working too.
    The server keeps no list of sessions (they live in signed cookies), only the person's version, so
    this ends the person's sessions on every device."""
    _end_sessions(_lock(actor))
    db.session.flush()
    audit.record(Action.SIGNED_OUT, actor=actor, subject=actor)


def sign_out_everywhere_else(*, actor: Person) -> None:
    """End every session of the actor but this one (the caller signs this one in again, as it was)."""
    _end_sessions(_lock(actor))
    db.session.flush()
    audit.record(Action.SIGNED_OUT_EVERYWHERE, actor=actor, subject=actor)


def change_password(*, actor: Person, current_password: str, new_password: str) -> Person:
    """A new password for someone who knows the present one; every other session ends."""
    person = _lock(actor)
    if not check_password(person.password_hash, current_password or ""):
        message = _("That is not your current password.")
        raise NotAllowed(message, errors={"current_password": [message]})
    new_password = _require_password(new_password, "new_password")
    if new_password == current_password:
        message = _("The new password is the one you have now: choose another.")
        raise InvalidInput(message, errors={"new_password": [message]})
    person.password_hash = hash_password(new_password)
    _end_sessions(person)
    db.session.flush()
    audit.record(Action.PASSWORD_CHANGED, actor=person, subject=person)
    return person


# Password reset


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way, so addresses cannot be probed."""
    person = person_by_email(email or "")
    if person is None:
        return
    link = current_app.config["BASE_URL"] + url_for("auth.reset_password", token=make_reset_token(person))
    minutes = current_app.config["RESET_TTL_SECONDS"] // 60
    with i18n.speaking_to(person):  # their language if they chose one, else the one they asked in
        body = "\n\n".join(
            (
                _("Someone asked to reset the password of your Roundtable account."),
                ngettext(
                    "Choose a new password here (the link works once, for %(num)s minute):\n%(link)s",
                    "Choose a new password here (the link works once, for %(num)s minutes):\n%(link)s",
                    minutes,
                    link=link,
                ),
                _("If it was not you, ignore this mail: nothing changes."),
            )
        )
        mail.send(person.email, _("Reset your Roundtable password"), body + "\n")


_USED_LINK = N_("This reset link has expired or has been used. Ask for a new one.")


def person_for_reset(token: str, *, lock: bool = False) -> Person:
    """The person a reset link is for, while the link holds. `lock=True` (using it) holds the row and
    checks the link again under the lock: the same link used twice at once works once."""
    found = read_reset_token(token)
    person = db.session.get(Person, found[0]) if found else None
    if person is not None and lock:
        person = _lock(person)
    if person is None or found is None or not reset_token_matches(person, found[1]):
        raise Conflict(_(_USED_LINK))
    return person


def reset_password(*, token: str, password: str) -> Person:
    """A new password from an emailed link, which then stops working; every other session ends."""
    password = _require_password(password)
    person = person_for_reset(token, lock=True)
    person.password_hash = hash_password(password)
    _end_sessions(person)
    db.session.flush()
    audit.record(Action.PASSWORD_RESET, actor=person, subject=person)
    return person
