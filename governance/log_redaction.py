"""Secrets in URLs stay out of the logs the app writes: invitation, reset, feed and unsubscribe links carry
their secret in the path, and the development server's access log would print it.

Features with a secret URL add its first path segment to SECRET_PATH_SEGMENTS.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH_SEGMENTS = ["invitations", "reset-password", "feeds", "calendar", "unsubscribe"]
_SECRET_QUERY = re.compile(r"([?&](?:token|key|secret)=)[^&\s\"]+", re.IGNORECASE)


def redact(text: str) -> str:
    segments = "|".join(re.escape(s) for s in SECRET_PATH_SEGMENTS)
    text = re.sub(rf"(/(?:{segments})/)[^/\s?\"]+", r"\1[redacted]", text)
    return _SECRET_QUERY.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """On the development server's access log (werkzeug) and gunicorn's, if it runs us."""
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
