"""All mail leaves through here: an outbox row in the transaction of the change (`governance.outbox`), then
SMTP when MAIL_SERVER is set, else the outbox folder (and, in debug mode, the log)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from governance import outbox
from governance.types import utcnow

log = logging.getLogger(__name__)


def send(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Write a mail to the outbox; it goes out once the current transaction commits. Plain text, and
    optionally an HTML alternative, extra headers (List-Unsubscribe...) and text attachments as
    (filename, mime type, text)."""
    payload = {"to": to, "subject": subject, "body": body}
    payload.update(
        {k: v for k, v in (("html", html), ("headers", headers), ("attachments", attachments)) if v}
    )
    outbox.put("mail", payload, summary=f"Mail to {to}: {subject}")


@outbox.handler("mail")
def deliver(payload: dict) -> None:
    extra = {k: payload[k] for k in ("html", "headers", "attachments") if payload.get(k)}
    message = _build(payload["to"], payload["subject"], payload["body"], **extra)
    config = current_app.config
    if config["MAIL_SERVER"]:
        _send_smtp(message, config)
    else:
        _write_outbox(message, Path(config["MAIL_OUTBOX"]))


def _build(to: str, subject: str, body: str, *, html=None, headers=None, attachments=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="roundtable")
    for name, value in (headers or {}).items():
        message[name] = value
    # 8bit rather than quoted-printable, so links in the outbox file are not broken across lines.
    message.set_content(body, cte="8bit")
    if html:
        message.add_alternative(html, subtype="html", cte="8bit")
    for filename, mime, text in attachments or []:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(text.encode(), maintype=maintype, subtype=subtype, filename=filename)
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
    # The address is only a hint in the name (cut short: a file name has at most 255 bytes).
    hint = "".join(c if c.isalnum() or c in ".-_" else "_" for c in message["To"].replace("@", "_at_"))[:80]
    path = outbox / f"{stamp}-{hint}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s (%s) written to %s", message["To"], message["Subject"], path)
    if current_app.debug:  # bodies carry invitation and reset links: only a developer's own log shows them
        log.info("mail body:\n%s", _plain(message))


def _plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    return part.get_content() if part is not None else ""
