"""Telling people: from an audit event (or a due reminder) to in-app notifications, email and chat.

- `on_event` listens to the audit log: an action that `kinds.route` maps to a kind tells the people
  it concerns, in the transaction of the change. Mail leaves through `governance.mail.send` (after the
  commit); chat messages are rows posted by a job after the commit (`chat.post_delivery`).
- `notify` tells one person once per key: a unique (person, key) row, so a task that runs twice sends
  nothing the second time.
- Each person chooses per kind: email at once, a daily digest, or no email; the in-app list has it all.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from hashlib import sha256
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from governance import audit, i18n, mail
from governance.audit import AuditEvent
from governance.errors import NotFound
from governance.extensions import db
from governance.models import (
    CoopMembership,
    CoopRole,
    NetworkMembership,
    NetworkRole,
    NetworkRoleKind,
    Person,
)
from governance.notifications.kinds import CHAT_KINDS, DEFAULT_DELIVERY, Delivery, Kind, route
from governance.notifications.models import CalendarFeed, Notification, Preference
from governance.texts import N_, _
from governance.timezones import format_in_zone
from governance.types import utcnow
from governance.validation import invalid

DIGEST = "digest"  # the unsubscribe "kind" of the daily digest as a whole
_muted = {"email": False}


@contextlib.contextmanager
def email_muted() -> Iterator[None]:
    """Record notifications without mailing them (the demo loader: its people are made up)."""
    before = _muted["email"]
    _muted["email"] = True
    try:
        yield
    finally:
        _muted["email"] = before


# -- who is told ---------------------------------------------------------------------------------------


def audience(
    network_ids: Iterable[int], *, delegates_only: bool, coop_slugs: Iterable[str] = ()
) -> list[Person]:
    """The people of the co-ops in these networks (only their delegates, if so), and, for what every
    person hears, the networks' stewards."""
    from governance.models import Coop

    ids = list(network_ids)
    if not ids:
        return []
    query = (
        select(Person)
        .join(CoopMembership, CoopMembership.person_id == Person.id)
        .join(NetworkMembership, NetworkMembership.coop_id == CoopMembership.coop_id)
        .where(NetworkMembership.network_id.in_(ids))
    )
    if delegates_only:
        query = query.where(CoopMembership.role == CoopRole.DELEGATE)
    slugs = list(coop_slugs)
    if slugs:
        query = query.join(Coop, Coop.id == CoopMembership.coop_id).where(Coop.slug.in_(slugs))
    people = {p.id: p for p in db.session.scalars(query)}
    if not delegates_only and not slugs:
        stewards = (
            select(Person)
            .join(NetworkRole)
            .where(NetworkRole.network_id.in_(ids), NetworkRole.role == NetworkRoleKind.STEWARD)
        )
        people.update({p.id: p for p in db.session.scalars(stewards)})
    return sorted(people.values(), key=lambda p: p.id)


# -- what they are told --------------------------------------------------------------------------------

HEADLINES = {
    Kind.PROPOSAL_DISCUSSION: N_("Open for discussion: %(title)s"),
    Kind.VOTE_OPENED: N_("A vote is open: %(title)s"),
    Kind.VOTE_CLOSING: N_("24 hours left to vote: %(title)s"),
    Kind.VOTE_REMINDER: N_("A reminder to vote: %(title)s"),
    Kind.VOTE_EXTENDED: N_("More time to vote: %(title)s"),
    Kind.VOTE_RESULT: N_("Result: %(title)s"),
    Kind.CAMPAIGN_OPENED: N_("Pledges are open: %(title)s"),
    Kind.CAMPAIGN_CLOSING: N_("48 hours left to pledge: %(title)s"),
    Kind.CAMPAIGN_COMMITTED: N_("Committed: %(title)s"),
    Kind.CAMPAIGN_LAPSED: N_("Lapsed: %(title)s"),
    Kind.AGREEMENT_TO_SIGN: N_("Ready to sign: %(title)s"),
    Kind.AGREEMENT_REMINDER: N_("Still to sign: %(title)s"),
    Kind.AGREEMENT_ISSUED: N_("Agreement issued: %(title)s"),
    Kind.MEETING_PROPOSED: N_("A meeting is proposed, answer its times: %(title)s"),
    Kind.MEETING_CONFIRMED: N_("Invitation: %(title)s"),
    Kind.MEETING_SOON: N_("Starting in an hour: %(title)s"),
    Kind.MEETING_CANCELLED: N_("Cancelled: %(title)s"),
    Kind.MEETING_NOTES: N_("Notes and decisions: %(title)s"),
}
# Times an event's data may carry, and the line a message gives each.
TIME_FIELDS = (
    ("starts_at", N_("Starts: %(time)s")),
    ("closes_at", N_("Closes: %(time)s")),
    ("deadline", N_("Deadline: %(time)s")),
    ("deadline_at", N_("Deadline: %(time)s")),
    ("due_at", N_("Due: %(time)s")),
)


def headline_of(kind: Kind, title: str) -> str:
    """A notification's headline, in the language being spoken (a mail's reader's)."""
    return _(HEADLINES[kind], title=title)


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _model_for(table: str):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def _proposal_of(obj, data: dict[str, Any]):
    from proposals.models import Proposal

    if isinstance(obj, Proposal):
        return obj
    if (found := getattr(obj, "proposal", None)) is not None:
        return found
    raw = data.get("proposal") or data.get("proposal_id")
    return db.session.get(Proposal, raw) if isinstance(raw, int) and not isinstance(raw, bool) else None


def subject_of(event: AuditEvent) -> tuple[str, str]:
    """The title an event is about, and the page's path."""
    cls = _model_for(event.subject_type)
    obj = db.session.get(cls, event.subject_id) if cls is not None and event.subject_id else None
    proposal = _proposal_of(obj, event.data)
    title = getattr(obj, "title", None) or (proposal.title if proposal else None)
    title = title or event.data.get("title") or event.summary or "Roundtable"
    if event.subject_type == "meetings" and obj is not None:
        return title, url_for("meetings.show", meeting_id=obj.id)
    if event.subject_type == "votes" and obj is not None:
        return title, url_for("voting.show", vote_id=obj.id)
    if proposal is not None:
        return title, url_for("proposals.show", proposal_id=proposal.id)
    return title, url_for("main.home")


def _parse(raw) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def details_for(event: AuditEvent, kind: Kind, zone: str) -> str:
    """What the event says, with every time in the reader's zone and language."""
    data, lines = event.data, []
    if sentence := data.get("sentence"):
        lines.append(str(sentence))
    for field_name, label in TIME_FIELDS:
        if moment := _parse(data.get(field_name)):
            lines.append(_(label, time=format_in_zone(moment, zone)))
    if kind == Kind.MEETING_PROPOSED:
        times = [m for m in (_parse(s) for s in data.get("slots", [])) if m]
        lines.extend(_("Candidate time: %(time)s", time=format_in_zone(m, zone)) for m in times)
    if note := data.get("note"):
        lines.append(str(note))
    if statement := data.get("statement"):  # a vote's outcome statement
        lines.append(str(statement))
    return "\n".join(lines)


# -- preferences ---------------------------------------------------------------------------------------


def preferences(person: Person) -> dict[Kind, Delivery]:
    rows = db.session.scalars(select(Preference).where(Preference.person_id == person.id))
    chosen = {r.kind: r.delivery for r in rows}
    return {k: chosen.get(k, DEFAULT_DELIVERY) for k in Kind}


def set_preferences(*, actor: Person, choices: dict[str, str]) -> dict[Kind, Delivery]:
    cleaned: dict[Kind, Delivery] = {}
    for raw_kind, raw_delivery in choices.items():
        try:
            cleaned[Kind(raw_kind)] = Delivery(raw_delivery)
        except ValueError:
            raise invalid(raw_kind, _("Choose email at once, a daily digest, or no email.")) from None
    rows = {r.kind: r for r in db.session.scalars(select(Preference).where(Preference.person_id == actor.id))}
    for kind, delivery in cleaned.items():
        row = rows.get(kind) or Preference(person_id=actor.id, kind=kind)
        row.delivery = delivery
        db.session.add(row)
    db.session.flush()
    audit.record(
        "person.notifications_set",
        actor=actor,
        subject=actor,
        data={k.value: d.value for k, d in sorted(cleaned.items())},
    )
    return preferences(actor)


def unsubscribe_what(kind: str) -> str:
    """What an unsubscribe link stops, as the sentence around it names it."""
    return _("the daily digest") if kind == DIGEST else Kind(kind).label.lower()


def unsubscribe_token(person: Person, kind: Kind | str) -> str:
    return _serializer().dumps([person.id, str(kind)])


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications.unsubscribe")


def read_unsubscribe_token(token: str) -> tuple[Person, str]:
    try:
        person_id, kind = _serializer().loads(token)
        person = db.session.get(Person, int(person_id))
    except (BadSignature, ValueError, TypeError):
        person = None
        kind = ""
    if person is None or (kind != DIGEST and kind not in set(Kind)):
        raise NotFound(_("This unsubscribe link is not valid: it may have been altered or cut short."))
    return person, kind


def unsubscribe(person: Person, kind: str) -> list[Kind]:
    """One kind's email off; for the digest, every kind that went to it. Returns the kinds changed."""
    current = preferences(person)
    if kind == DIGEST:
        changed = [k for k, d in current.items() if d == Delivery.DIGEST]
    else:
        changed = [Kind(kind)] if current[Kind(kind)] != Delivery.OFF else []
    if changed:
        set_preferences(actor=person, choices={k.value: Delivery.OFF.value for k in changed})
    return changed


# -- telling one person --------------------------------------------------------------------------------


def notify(
    person: Person,
    kind: Kind,
    *,
    key: str,
    headline: str,
    details: str = "",
    path: str = "",
    event: AuditEvent | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Tell one person once per key; None when they were told already. The caller writes `headline` and
    `details` in the person's language (inside `i18n.speaking(person)`), and the mail is composed in it."""
    told = notify_each(
        [person],
        kind,
        key=key,
        compose=lambda _: (headline, details, attachments),
        path=path,
        event=event,
        now=now,
    )
    return told[0] if told else None


# How many people one IN (...) names: well inside SQLite's and PostgreSQL's limits on bound parameters.
_ID_CHUNK = 500


def notify_each(
    people: Iterable[Person],
    kind: Kind,
    *,
    key: str,
    compose: Callable[[Person], tuple[str, str, list[tuple[str, str, str]] | None]],
    path: str = "",
    event: AuditEvent | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell each person once per key (the rows made, in order; nobody who holds the key already).
    `compose(person)` gives (headline, details, attachments), called inside `i18n.speaking(person)` so it
    writes them in the person's language, as the mail is composed. Who holds the key and how each person
    takes this kind are read a chunk of people at a time, and the rows written in one flush: a handful of
    statements for an audience of any size."""
    now = now or utcnow()
    key = key[:120]
    people = list({p.id: p for p in people}.values())
    told: set[int] = set()
    chosen: dict[int, Delivery] = {}
    for start in range(0, len(people), _ID_CHUNK):
        ids = [p.id for p in people[start : start + _ID_CHUNK]]
        told.update(
            db.session.scalars(
                select(Notification.person_id).where(Notification.key == key, Notification.person_id.in_(ids))
            )
        )
        chosen.update(
            db.session.execute(
                select(Preference.person_id, Preference.delivery).where(
                    Preference.kind == kind, Preference.person_id.in_(ids)
                )
            ).all()
        )
    made: list[Notification] = []
    for person in people:
        if person.id in told:
            continue
        delivery = chosen.get(person.id, DEFAULT_DELIVERY)
        with i18n.speaking(person):
            headline, details, attachments = compose(person)
            row = Notification(
                person_id=person.id,
                kind=kind,
                key=key,
                headline=headline[:300],
                details=details,
                url=path,
                event_id=event.id if event is not None else None,
                created_at=now,
                delivery=delivery,
            )
            # No SAVEPOINT here: SQLAlchemy dispatches after_commit when one is released, which would send
            # the transaction's queued mail early. Two runs at once collide on the unique key when the rows
            # are flushed below, and the loser rolls back (its mail, queued in the same transaction, too).
            db.session.add(row)
            if delivery == Delivery.IMMEDIATE:
                row.emailed_at = now
                if not _muted["email"]:
                    _email(
                        person, [row], unsubscribe_kind=kind.value, subject=headline, attachments=attachments
                    )
        made.append(row)
    db.session.flush()
    return made


def _email(
    person: Person, rows: list[Notification], *, unsubscribe_kind: str, subject: str, attachments=None
):
    """One mail to a person (a notification or their digest); called inside `i18n.speaking(person)`."""
    link = absolute(url_for("notifications.unsubscribe", token=unsubscribe_token(person, unsubscribe_kind)))
    context = {
        "person": person,
        "rows": rows,
        "absolute": absolute,
        "unsubscribe_url": link,
        "settings_url": absolute(url_for("main.settings")),
        "is_digest": unsubscribe_kind == DIGEST,
        "what": unsubscribe_what(unsubscribe_kind),
    }
    mail.send(
        person.email,
        _("[Roundtable] %(subject)s", subject=subject),
        render_template("notifications/email.txt", **context),
        html=render_template("notifications/email.html", **context),
        headers={
            # RFC 2369 names the link; RFC 8058 lets a mail client unsubscribe with one POST to it.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments=attachments,
    )


# -- from the audit log --------------------------------------------------------------------------------


@contextlib.contextmanager
def links() -> Iterator[None]:
    """A request context for building links, when a job or command has none."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def on_event(event: AuditEvent) -> None:
    """The audit listener: tell whoever an event concerns, in the event's own transaction."""
    kind = route(event.action, event.data)
    if kind is None:
        return
    with links():
        _tell(event, kind)


def _tell(event: AuditEvent, kind: Kind) -> None:
    network_ids = event.network_ids
    title, path = subject_of(event)
    slugs = event.data.get("coops") if isinstance(event.data.get("coops"), list) else ()
    people = audience(network_ids, delegates_only=kind.is_for_delegates, coop_slugs=slugs or ())
    attachments = _invitation(event) if kind == Kind.MEETING_CONFIRMED else None
    notify_each(  # each person reads it, and its mail, in their own language
        [p for p in people if p.id != event.actor_id],
        kind,
        key=f"event:{event.id}",
        compose=lambda person: (
            headline_of(kind, title),
            details_for(event, kind, person.time_zone),
            attachments(person) if attachments else None,
        ),
        path=path,
        event=event,
    )
    if kind in CHAT_KINDS:
        from governance.notifications import chat

        with i18n.speaking(i18n.DEFAULT_LOCALE):  # a network's chat is shared: the instance's language
            chat.announce(
                network_ids,
                key=f"event:{event.id}",
                title=headline_of(kind, title),
                details=details_for(event, kind, "UTC"),
                path=path,
            )


def _invitation(event: AuditEvent):
    """A confirmed meeting's invitation carries its calendar file, in each reader's zone."""
    from governance.meetings.calendar import entry
    from governance.meetings.models import Meeting
    from governance.notifications.calendar import calendar

    meeting = db.session.get(Meeting, event.subject_id)
    if meeting is None or meeting.starts_at is None:
        return None
    return lambda person: [
        (
            f"meeting-{meeting.id}.ics",
            "text/calendar",
            calendar([entry(meeting)], zone=person.time_zone, name=meeting.title).decode(),
        )
    ]


# -- the in-app list -----------------------------------------------------------------------------------


def recent(person: Person, limit: int = 100) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.person_id == person.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def unread_count(person: Person) -> int:
    query = select(func.count()).where(Notification.person_id == person.id, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def mark_read(person: Person, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    for row in db.session.scalars(
        select(Notification).where(Notification.person_id == person.id, Notification.read_at.is_(None))
    ):
        row.read_at = now
    db.session.flush()


# -- the personal calendar feed ------------------------------------------------------------------------


def _hash(token: str) -> str:
    return sha256(token.encode()).hexdigest()


def active_feed(person: Person) -> CalendarFeed | None:
    query = select(CalendarFeed).where(CalendarFeed.person_id == person.id, CalendarFeed.revoked_at.is_(None))
    return db.session.scalar(query)


def new_feed(*, actor: Person) -> str:
    """A new secret feed link (the old one, if any, stops working); only its hash is kept."""
    revoke_feed(actor=actor, quiet=True)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(person_id=actor.id, token_hash=_hash(token)))
    db.session.flush()
    audit.record("person.calendar_feed_created", actor=actor, subject=actor)
    return token


def revoke_feed(*, actor: Person, quiet: bool = False) -> bool:
    feed = active_feed(actor)
    if feed is None:
        return False
    feed.revoked_at = utcnow()
    db.session.flush()
    if not quiet:
        audit.record("person.calendar_feed_revoked", actor=actor, subject=actor)
    return True


def feed_person(token: str) -> Person:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or not feed.is_active:
        raise NotFound(
            _("This calendar link was revoked or never existed: make a new one on your settings page.")
        )
    feed.last_read_at = utcnow()
    return feed.person
