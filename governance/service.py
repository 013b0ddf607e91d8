"""Use cases of the foundation: networks, co-ops, people, roles, invitations, tokens.

Each takes the actor, authorises, changes state, appends the audit event and flushes;
the caller (a request or a command) commits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from flask import current_app, url_for
from sqlalchemy import select

from governance import audit, i18n, mail
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from governance.extensions import db
from governance.models import (
    AccessToken,
    Coop,
    CoopMembership,
    CoopRole,
    Invitation,
    Network,
    NetworkMembership,
    NetworkRole,
    NetworkRoleKind,
    Person,
    person_by_email,
)
from governance.permissions import Perm, may_invite_first_delegate, require
from governance.security import MIN_PASSWORD_LENGTH, digest, hash_password, new_api_token, new_secret
from governance.texts import _, ngettext
from governance.timezones import is_valid_zone
from governance.types import utcnow
from governance.validation import clean_name, clean_text, invalid, name_key
from governance.words import role_as

TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # how finely a token's "last used" time is kept
EMAIL_MAX = 254  # RFC 5321 4.5.3.1.3: a path is at most 256 octets, with its angle brackets


class Action(StrEnum):
    NETWORK_CREATED = "network.created"
    COOP_CREATED = "coop.created"
    COOP_ADMITTED = "coop.admitted"
    PERSON_INVITED = "person.invited"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_CANCELLED = "invitation.cancelled"
    MEMBER_ADDED = "coop.member_added"
    COOP_ROLE_CHANGED = "coop.role_changed"
    NETWORK_ROLE_GRANTED = "network.role_granted"
    NETWORK_ROLE_REVOKED = "network.role_revoked"
    PROFILE_UPDATED = "person.profile_updated"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    INSTANCE_ADMIN_MADE = "person.instance_admin_made"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64] or "item"


def _unique_slug(model, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        suffix = f"-{n}"
        slug, n = base[: 64 - len(suffix)] + suffix, n + 1
    return slug


def _require_zone(zone: str | None, field: str = "time_zone") -> str:
    if not is_valid_zone(zone):
        raise InvalidInput(
            _("Unknown time zone %(zone)s: use an IANA name such as Europe/London.", zone=repr(zone)),
            errors={field: [_("Unknown time zone.")]},
        )
    return zone  # type: ignore[return-value]


def _website(value: str | None) -> str:
    """An http(s) address or nothing: the page shows it as a link."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if value and (parts.scheme not in {"http", "https"} or not parts.netloc or len(value) > 300):
        raise InvalidInput(
            _("The website must be an http:// or https:// address."),
            errors={"website": [_("Not a web address.")]},
        )
    return value


def _require_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        message = _("Choose a password of at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
        raise InvalidInput(message, errors={"password": [message]})
    return password


# Networks and co-ops


def _same_name(model, name: str) -> str | None:
    """The existing network or co-op whose name reads as this one (case, spacing and compatibility forms
    aside), or None. Names are few enough to compare here; the unique slug catches a race."""
    key = name_key(name)
    return next((n for n in db.session.scalars(select(model.name)) if name_key(n) == key), None)


def create_network(*, actor: Person, name: str, description: str = "") -> Network:
    require(actor, Perm.NETWORK_CREATE)
    name = clean_name(name, "name", _("A name"))
    if taken := _same_name(Network, name):
        raise Conflict(
            _("A network called %(name)s exists already.", name=taken), errors={"name": [_("Already taken.")]}
        )
    network = Network(name=name, slug=_unique_slug(Network, name), description=description.strip())
    db.session.add(network)
    db.session.flush()
    audit.record(
        Action.NETWORK_CREATED, actor=actor, subject=network, networks=[network], data={"name": name}
    )
    return network


def create_coop(
    *,
    actor: Person,
    network: Network,
    name: str,
    country: str,
    time_zone: str,
    worker_members: int = 0,
    city: str = "",
    website: str = "",
) -> Coop:
    """Create a co-op and admit it to the network at once."""
    require(actor, Perm.NETWORK_ADMIN, network)
    name = clean_name(name, "name", _("A name"))
    country = clean_text(country, "country", _("A country")).upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput(
            _("Give the country as a two-letter ISO code, such as GB."),
            errors={"country": [_("Two letters.")]},
        )
    if worker_members is None or worker_members < 0:
        raise InvalidInput(
            _("Worker-members cannot be negative."), errors={"worker_members": [_("Not negative.")]}
        )
    if taken := _same_name(Coop, name):
        raise Conflict(
            _("A co-op called %(name)s exists already; admit it instead.", name=taken),
            errors={"name": [_("Already taken.")]},
        )
    coop = Coop(
        name=name,
        slug=_unique_slug(Coop, name),
        country=country,
        city=city.strip(),
        time_zone=_require_zone(time_zone),
        worker_members=worker_members,
        website=_website(website),
    )
    db.session.add(coop)
    db.session.flush()
    data = {"name": name, "country": country, "time_zone": time_zone, "worker_members": worker_members}
    audit.record(Action.COOP_CREATED, actor=actor, subject=coop, networks=[network], data=data)
    admit_coop(actor=actor, network=network, coop=coop)
    return coop


def admit_coop(*, actor: Person, network: Network, coop: Coop) -> NetworkMembership:
    """Admit a co-op to a network; a co-op already in other networks is admitted only by someone who
    administers it there, so no admin can pull another network's co-op into theirs."""
    require(actor, Perm.NETWORK_ADMIN, network)
    if coop.network_memberships:
        require(
            actor,
            Perm.COOP_ADMIT,
            coop,
            _("Only an admin of a network %(coop)s is in can admit it here.", coop=coop.name),
        )
    if any(m.network_id == network.id for m in coop.network_memberships):
        raise Conflict(_("%(coop)s is already in %(network)s.", coop=coop.name, network=network.name))
    membership = NetworkMembership(network=network, coop=coop)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        Action.COOP_ADMITTED, actor=actor, subject=coop, networks=[network], data={"network": network.slug}
    )
    return membership


# People


def invite_person(*, actor: Person, coop: Coop, email: str, role: CoopRole) -> Invitation:
    """Invite a person by a single-use link: someone new chooses a password and time zone; someone
    with an account accepts while signed in. Nobody joins a co-op without saying yes.

    The co-op's delegates invite its people; a network admin invites its first delegate on admission."""
    role = CoopRole(role)
    if not (role == CoopRole.DELEGATE and may_invite_first_delegate(actor, coop)):
        require(actor, Perm.COOP_ADMIN, coop)
    email = clean_text(email, "email", _("An email address"), EMAIL_MAX).lower()
    if "@" not in email:
        raise InvalidInput(_("That is not an email address."), errors={"email": [_("Not an email address.")]})
    existing = person_by_email(email)
    if existing is not None and existing.role_in(coop) is not None:
        message = _("%(person)s is already in %(coop)s.", person=existing.name, coop=coop.name)
        raise Conflict(message, errors={"email": [message]})
    replaced = _cancel_pending(coop, email)  # one pending invitation per person and co-op: the newest
    secret = new_secret()
    hours = current_app.config["INVITATION_TTL_HOURS"]
    invitation = Invitation(
        token_hash=digest(secret),
        email=email,
        coop=coop,
        role=role,
        invited_by=actor,
        expires_at=utcnow() + timedelta(hours=hours),
        person_id=existing.id if existing is not None else None,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        Action.PERSON_INVITED,
        actor=actor,
        subject=invitation,
        networks=coop.networks,
        data={"email": email, "coop": coop.slug, "role": role.value, "replaces": replaced},
    )
    link = current_app.config["BASE_URL"] + url_for("auth.accept_invitation", token=secret)
    with i18n.speaking_to(existing):  # their language if they chose one, else the inviter's
        _mail_invitation(email, actor=actor, coop=coop, role=role, link=link, hours=hours, known=existing)
    invitation.link = link  # shown once to the admin, who may pass it on by hand
    return invitation


def _mail_invitation(
    email: str, *, actor: Person, coop: Coop, role: CoopRole, link: str, hours: int, known: Person | None
) -> None:
    params = {"name": actor.name, "coop": coop.name, "role": role_as(role), "link": link, "num": hours}
    if known is not None:
        step = ngettext(
            "Sign in and accept here (the link works once, for %(num)s hour):\n%(link)s",
            "Sign in and accept here (the link works once, for %(num)s hours):\n%(link)s",
            hours,
            **params,
        )
    else:
        step = ngettext(
            "Choose your password and time zone here (the link works once, for %(num)s hour):\n%(link)s",
            "Choose your password and time zone here (the link works once, for %(num)s hours):\n%(link)s",
            hours,
            **params,
        )
    mail.send(
        email,
        _("You are invited to %(coop)s on Roundtable", **params),
        _("%(name)s invited you to join %(coop)s on Roundtable as %(role)s.", **params)
        + "\n\n"
        + step
        + "\n",
    )


def _cancel_pending(coop: Coop, email: str) -> list[int]:
    """Cancel the pending invitations of this email to this co-op (a newer one takes their place)."""
    pending = db.session.scalars(
        select(Invitation)
        .where(Invitation.coop_id == coop.id, Invitation.email == email)
        .where(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
        .with_for_update()
    ).all()
    for invitation in pending:
        invitation.cancelled_at = utcnow()
    db.session.flush()
    return [i.id for i in pending]


def pending_invitations(coop: Coop) -> list[Invitation]:
    """The co-op's invitations still waiting for an answer, newest first."""
    rows = db.session.scalars(
        select(Invitation).where(Invitation.coop_id == coop.id).order_by(Invitation.created_at.desc())
    )
    return [i for i in rows if i.is_pending]


def cancel_invitation(invitation: Invitation, *, actor: Person) -> Invitation:
    """An admin of the co-op withdraws a pending invitation: its link stops working."""
    require(actor, Perm.COOP_ADMIN, invitation.coop)
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer pending: it was used, cancelled or it expired."))
    invitation.cancelled_at = utcnow()
    db.session.flush()
    audit.record(
        Action.INVITATION_CANCELLED,
        actor=actor,
        subject=invitation,
        networks=invitation.coop.networks,
        data={"email": invitation.email, "coop": invitation.coop.slug},
    )
    return invitation


def resend_invitation(invitation: Invitation, *, actor: Person) -> Invitation:
    """A fresh link for a pending invitation (the old one stops working), mailed again."""
    require(actor, Perm.COOP_ADMIN, invitation.coop)
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer pending: invite the person again instead."))
    return invite_person(actor=actor, coop=invitation.coop, email=invitation.email, role=invitation.role)


def add_member(*, actor: Person, coop: Coop, person: Person, role: CoopRole) -> CoopMembership:
    require(actor, Perm.COOP_ADMIN, coop)
    if person.role_in(coop) is not None:
        message = _("%(person)s is already in %(coop)s.", person=person.name, coop=coop.name)
        raise Conflict(message, errors={"email": [message]})
    membership = CoopMembership(person=person, coop=coop, role=CoopRole(role))
    db.session.add(membership)
    db.session.flush()
    audit.record(
        Action.MEMBER_ADDED,
        actor=actor,
        subject=coop,
        networks=coop.networks,
        data={"person": person.email, "role": membership.role.value},
    )
    return membership


def find_invitation(secret: str, *, lock: bool = False) -> Invitation:
    """The pending invitation behind a link, or a clear reason why it cannot be used.

    `lock=True` (accepting it) holds its row until the transaction ends and reads it afresh, so the same
    link followed twice at once is accepted once and the second is told it has been used."""
    query = select(Invitation).where(Invitation.token_hash == digest(secret or ""))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    invitation = db.session.scalar(query)
    if invitation is None:
        raise NotFound(_("This invitation link is not known. Ask your network admin for a new one."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has been used already. Sign in, or reset your password."))
    if invitation.cancelled_at is not None:
        raise Conflict(
            _("This invitation was cancelled or replaced by a newer one. Use the latest link you were sent.")
        )
    if invitation.expires_at <= utcnow():
        raise Conflict(_("This invitation has expired. Ask your network admin for a new one."))
    return invitation


def join_by_invitation(*, secret: str, actor: Person) -> CoopMembership:
    """Someone who already has an account accepts an invitation into a further co-op."""
    invitation = find_invitation(secret, lock=True)
    if invitation.email != actor.email.lower():
        raise NotAllowed(
            _(
                "This invitation is for %(email)s: sign in as that person to accept it.",
                email=invitation.email,
            )
        )
    if actor.role_in(invitation.coop) is not None:
        raise Conflict(_("You are already in %(coop)s.", coop=invitation.coop.name))
    return _accept(invitation, actor)


def _accept(invitation: Invitation, person: Person) -> CoopMembership:
    """The person joins the invitation's co-op with its role; the invitation is used up."""
    membership = CoopMembership(person=person, coop=invitation.coop, role=invitation.role)
    db.session.add(membership)
    invitation.accepted_at = utcnow()
    db.session.flush()
    invitation.person_id = person.id
    audit.record(
        Action.INVITATION_ACCEPTED,
        actor=person,
        subject=invitation,
        networks=invitation.coop.networks,
        data={"coop": invitation.coop.slug, "role": invitation.role.value},
    )
    return membership


def accept_invitation(*, secret: str, name: str, password: str, time_zone: str) -> Person:
    invitation = find_invitation(secret, lock=True)
    name = clean_name(name, "name", _("Your name"))
    password = _require_password(password)
    time_zone = _require_zone(time_zone)
    if person_by_email(invitation.email) is not None:
        raise Conflict(_("An account with this email exists already. Sign in instead."))
    person = Person(
        email=invitation.email, name=name, time_zone=time_zone, password_hash=hash_password(password)
    )
    db.session.add(person)
    _accept(invitation, person)
    return person


def set_coop_role(*, actor: Person, coop: Coop, person: Person, role: CoopRole) -> CoopMembership:
    require(actor, Perm.COOP_ADMIN, coop)
    membership = next((m for m in coop.people if m.person_id == person.id), None)
    if membership is None:
        raise NotFound(_("%(person)s is not in %(coop)s.", person=person.name, coop=coop.name))
    role = CoopRole(role)
    if membership.role == role:
        raise Conflict(
            _(
                "%(person)s is already %(role)s of %(coop)s.",
                person=person.name,
                role=role_as(role),
                coop=coop.name,
            )
        )
    before = membership.role
    membership.role = role
    db.session.flush()
    audit.record(
        Action.COOP_ROLE_CHANGED,
        actor=actor,
        subject=coop,
        networks=coop.networks,
        data={"person": person.email, "from": before.value, "to": role.value},
    )
    return membership


def grant_network_role(
    *, actor: Person, network: Network, person: Person, role: NetworkRoleKind
) -> NetworkRole:
    require(actor, Perm.NETWORK_ADMIN, network)
    role = NetworkRoleKind(role)
    if person.has_network_role(network, role):
        raise Conflict(
            _(
                "%(person)s is already %(role)s of %(network)s.",
                person=person.name,
                role=role_as(role),
                network=network.name,
            )
        )
    grant = NetworkRole(network=network, person=person, role=role)
    db.session.add(grant)
    db.session.flush()
    audit.record(
        Action.NETWORK_ROLE_GRANTED,
        actor=actor,
        subject=network,
        networks=[network],
        data={"person": person.email, "role": role.value},
    )
    return grant


def revoke_network_role(*, actor: Person, network: Network, person: Person, role: NetworkRoleKind) -> None:
    require(actor, Perm.NETWORK_ADMIN, network)
    role = NetworkRoleKind(role)
    grant = next((r for r in network.roles if r.person_id == person.id and r.role == role), None)
    if grant is None:
        raise NotFound(
            _(
                "%(person)s is not %(role)s of %(network)s.",
                person=person.name,
                role=role_as(role),
                network=network.name,
            )
        )
    admins = network.people_with(NetworkRoleKind.ADMIN)
    if role == NetworkRoleKind.ADMIN and admins == [person] and not actor.is_superuser:
        raise Conflict(
            _(
                "%(network)s needs at least one admin: name another before stepping down.",
                network=network.name,
            )
        )
    network.roles.remove(grant)
    db.session.flush()
    audit.record(
        Action.NETWORK_ROLE_REVOKED,
        actor=actor,
        subject=network,
        networks=[network],
        data={"person": person.email, "role": role.value},
    )


def update_profile(*, actor: Person, name: str, time_zone: str, locale: str | None = None) -> Person:
    actor.name = clean_name(name, "name", _("Your name"))
    actor.time_zone = _require_zone(time_zone)
    if locale is not None:
        chosen = i18n.normalise(locale)
        if chosen is None:
            raise invalid("locale", _("Choose one of the languages offered."))
        actor.locale = chosen
    db.session.flush()
    audit.record(
        Action.PROFILE_UPDATED,
        actor=actor,
        subject=actor,
        data={"name": actor.name, "time_zone": time_zone, "locale": actor.locale},
    )
    return actor


def make_instance_admin(*, email: str, name: str, time_zone: str = "UTC") -> tuple[Person, bool]:
    """The instance's admin, from the command line (`flask --app wsgi admin create EMAIL`): a new account
    with no password yet, or an existing one raised. Returns (person, whether they still need a password)."""
    email = clean_text(email, "email", _("An email address"), EMAIL_MAX).lower()
    if "@" not in email:
        raise InvalidInput(_("That is not an email address."), errors={"email": [_("Not an email address.")]})
    person = person_by_email(email)
    if person is None:
        person = Person(
            email=email,
            name=clean_name(name, "name", _("Your name")),
            time_zone=_require_zone(time_zone),
            is_superuser=True,
        )
        db.session.add(person)
    else:
        person.is_superuser = True
    db.session.flush()
    audit.record(
        Action.INSTANCE_ADMIN_MADE,
        actor=None,
        actor_label="command line",
        subject=person,
        data={"email": person.email},
        summary=f"Made {person.email} an instance admin from the command line",
    )
    return person, person.password_hash is None


# API tokens


def create_token(*, actor: Person, name: str) -> tuple[AccessToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    name = clean_text(name, "name", _("A name for the token"))[:100]
    secret = new_api_token()
    token = AccessToken(person=actor, name=name, token_hash=digest(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    audit.record(
        Action.TOKEN_CREATED, actor=actor, subject=token, data={"name": name, "prefix": token.prefix}
    )
    return token, secret


def revoke_token(*, actor: Person, token: AccessToken) -> None:
    if token.person_id != actor.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is not None:
        raise Conflict(_("This token was revoked already."))
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(Action.TOKEN_REVOKED, actor=actor, subject=token, data={"prefix": token.prefix})


def person_for_token(secret: str) -> Person | None:
    token = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        # Reads do not write: a busy token updates its row once a minute, not on every request.
        token.last_used_at = now
    return token.person
