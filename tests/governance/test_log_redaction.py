"""No secrets in logs: links that carry a secret are redacted in the access log, mail bodies are logged
only in debug mode."""

from __future__ import annotations

import logging

from governance import mail
from governance.extensions import db
from governance.log_redaction import RedactSecrets


def test_secret_links_are_redacted_in_the_access_log():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s -',
        ("127.0.0.1", "GET /invitations/s3cr3t-token HTTP/1.1", "200"),
        None,
    )
    RedactSecrets().filter(record)
    line = record.getMessage()
    assert "s3cr3t-token" not in line and "/invitations/[redacted]" in line
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"%s"', ("GET /reset-password/abc.def HTTP/1.1",), None
    )
    RedactSecrets().filter(record)
    assert "abc.def" not in record.getMessage()


def test_mail_bodies_stay_out_of_the_log_unless_debugging(app, ctx, outbox, caplog):
    caplog.set_level(logging.INFO, logger="governance.mail")
    mail.send("someone@example.org", "Your invitation", "Follow https://example.org/invitations/s3cr3t")
    db.session.commit()
    assert "mail to someone@example.org" in caplog.text
    assert "s3cr3t" not in caplog.text
