"""All mail leaves through here: SMTP when MAIL_SERVER is set, else an outbox folder and the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from governance.extensions import db
from governance.jobs import after_commit, app_context, huey
from governance.types import utcnow

log = logging.getLogger(__name__)


def send(to: str, subject: str, body: str) -> None:
    """Queue a plain-text mail to go out once the current transaction commits."""
    after_commit(db.session(), deliver, to, subject, body)


@huey.task(retries=3, retry_delay=60)
def deliver(to: str, subject: str, body: str) -> None:
    with app_context():
        message = _build(to, subject, body)
        config = current_app.config
        if config["MAIL_SERVER"]:
            _send_smtp(message, config)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX"]))


def _build(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="roundtable")
    # 8bit rather than quoted-printable, so links in the outbox file are not broken across lines.
    message.set_content(body, cte="8bit")
    return message


def _send_smtp(message: EmailMessage, config) -> None:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    path = outbox / f"{stamp}-{message['To'].replace('@', '_at_')}.eml"
    path.write_bytes(bytes(message))
    log.info(
        "mail to %s (%s) written to %s:\n%s", message["To"], message["Subject"], path, message.get_content()
    )
