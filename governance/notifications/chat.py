"""A network's chat through Apprise: connections (the URL encrypted, never shown again in full), the
messages queued in the transaction of the change and posted by a job after the commit, retried.

A chat that does not answer never holds up a request: the post happens after the commit, in its own
transaction; a failure is recorded on the delivery (tried again later, up to MAX_ATTEMPTS) and on the
connection, which its network's admins then see as failing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import audit
from governance.errors import NotAllowed
from governance.extensions import db
from governance.jobs import after_commit, app_context, huey
from governance.models import Network, Person
from governance.notifications.models import ChatConnection, ChatDelivery, ChatStatus
from governance.permissions import is_admin_of
from governance.texts import _
from governance.types import utcnow
from governance.validation import clean_text, invalid

MAX_ATTEMPTS = 5
URL_MAX = 2000


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"roundtable chat urls\0" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(url: str) -> str:
    return _fernet().encrypt(url.encode()).decode()


def decrypt(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # the SECRET_KEY changed since it was stored
        return None


def hint(url: str) -> str:
    """What an admin sees of a stored URL: its scheme and host, never its path or tokens."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if _has_port(parts) else ""
    return f"{parts.scheme}://{host}{port}/…" if host else f"{parts.scheme}://…"


def _has_port(parts) -> bool:
    try:
        return parts.port is not None
    except ValueError:
        return False


def _require_admin(actor: Person, network: Network) -> None:
    if not is_admin_of(actor, network):
        raise NotAllowed(_("Only an admin of %(network)s connects its chat.", network=network.name))


def connections(network: Network) -> list[ChatConnection]:
    query = select(ChatConnection).where(
        ChatConnection.network_id == network.id, ChatConnection.removed_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(ChatConnection.id)))


def connect(network: Network, *, actor: Person, url: str, label: str = "") -> ChatConnection:
    _require_admin(actor, network)
    url = clean_text(url, "url", _("The Apprise URL"), URL_MAX)
    if not apprise.Apprise().add(url):
        raise invalid(
            "url",
            _(
                "Apprise cannot read that URL: it should look like mmosts://host/token, "
                "matrixs://user:token@host/#room, slack://T/B/C or json://host/path."
            ),
        )
    connection = ChatConnection(
        network_id=network.id,
        label=clean_text(label, "label", _("The name"), 100, required=False) or hint(url),
        url_encrypted=encrypt(url),
        url_hint=hint(url),
        created_by=actor,
    )
    db.session.add(connection)
    db.session.flush()
    audit.record(
        "network.chat_connected",
        actor=actor,
        subject=network,
        networks=[network],
        data={"connection": connection.id, "hint": connection.url_hint},
        summary=f"Connected {network.name} to a chat ({connection.url_hint})",
    )
    return connection


def disconnect(connection: ChatConnection, *, actor: Person) -> None:
    _require_admin(actor, connection.network)
    connection.removed_at = utcnow()
    db.session.flush()
    audit.record(
        "network.chat_disconnected",
        actor=actor,
        subject=connection.network,
        networks=[connection.network],
        data={"connection": connection.id, "hint": connection.url_hint},
    )


def send_test(connection: ChatConnection, *, actor: Person) -> ChatDelivery:
    _require_admin(actor, connection.network)
    stamp = utcnow()
    return queue(
        connection,
        key=f"test:{stamp.isoformat()}",
        title=_("Roundtable: a test message"),
        body=_(
            "%(person)s sent this test from %(network)s's chat settings.",
            person=actor.name,
            network=connection.network.name,
        ),
    )


def queue(connection: ChatConnection, *, key: str, title: str, body: str) -> ChatDelivery | None:
    """A message to post once the transaction commits; None if this connection has had this key."""
    exists = select(ChatDelivery.id).where(
        ChatDelivery.connection_id == connection.id, ChatDelivery.key == key
    )
    if db.session.scalar(exists) is not None:
        return None
    delivery = ChatDelivery(connection_id=connection.id, key=key[:120], title=title[:300], body=body)
    db.session.add(delivery)
    db.session.flush()  # no SAVEPOINT: see service.notify
    after_commit(db.session(), post_delivery, delivery.id)
    return delivery


def announce(network_ids: Iterable[int], *, key: str, title: str, details: str, path: str) -> None:
    from governance.notifications.service import absolute

    ids = list(network_ids)
    if not ids:
        return
    query = select(ChatConnection).where(
        ChatConnection.network_id.in_(ids), ChatConnection.removed_at.is_(None)
    )
    body = "\n".join(part for part in (details, absolute(path)) if part)
    for connection in db.session.scalars(query):
        queue(connection, key=key, title=title, body=body)


@huey.task()
def post_delivery(delivery_id: int) -> None:
    with app_context():
        attempt(delivery_id)


def _post(url: str | None, title: str, body: str) -> tuple[bool, str]:
    if url is None:
        return False, "The stored URL cannot be read any more (the secret key changed): connect it again."
    sender = apprise.Apprise()
    if not sender.add(url):
        return False, "Apprise cannot read the stored URL."
    with apprise.LogCapture(level=logging.WARNING) as captured:
        try:
            ok = sender.notify(body=body, title=title)
        except Exception as error:  # a plugin's own failure is the chat failing, not us
            ok, captured_text = False, f"{type(error).__name__}: {error}"
        else:
            captured_text = captured.getvalue().strip().splitlines()[-1:] if not ok else []
            captured_text = " ".join(captured_text)
    return bool(ok), ("" if ok else (captured_text or "The chat did not accept the message."))[:500]


def attempt(delivery_id: int, now: datetime | None = None) -> ChatStatus | None:
    """Post one delivery in a transaction of its own, and record how it went."""
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as session:
        delivery = session.get(ChatDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status != ChatStatus.PENDING:
            return None
        connection = delivery.connection
        now = now or utcnow()
        ok, error = _post(decrypt(connection.url_encrypted), delivery.title, delivery.body)
        delivery.attempts += 1
        if ok:
            delivery.status, delivery.sent_at, delivery.last_error = ChatStatus.SENT, now, ""
            connection.last_ok_at, connection.failing_since, connection.last_error = now, None, ""
        else:
            delivery.last_error = error
            connection.failing_since = connection.failing_since or now
            connection.last_error = error
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = ChatStatus.FAILED
            else:
                delivery.next_attempt_at = now + timedelta(minutes=2**delivery.attempts)
        status = delivery.status
        session.commit()
        return status


def retry_due(now: datetime | None = None) -> int:
    """Try again every pending delivery whose time has come (a first try is the job's, unless it was
    lost: still untried five minutes on); returns how many were tried."""
    now = now or utcnow()
    query = select(ChatDelivery.id).where(
        ChatDelivery.status == ChatStatus.PENDING,
        ChatDelivery.next_attempt_at <= now,
        (ChatDelivery.attempts > 0) | (ChatDelivery.created_at <= now - timedelta(minutes=5)),
    )
    ids = list(db.session.scalars(query))
    db.session.commit()
    for delivery_id in ids:
        attempt(delivery_id, now)
    return len(ids)
