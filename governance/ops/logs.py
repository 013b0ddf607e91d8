"""Logging: plain lines by default; one JSON object per line when LOG_FORMAT=json (for a log collector)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import Flask, has_request_context, request

from governance.log_redaction import redact

_HANDLER_MARK = "_roundtable_json"


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message"}`, with the request's method and path, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = redact(request.path)  # invitation and reset links carry their secret in the path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    root = logging.getLogger()
    if app.config.get("LOG_FORMAT") == "json":
        if not any(getattr(handler, _HANDLER_MARK, False) for handler in root.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(JsonFormatter())
            setattr(handler, _HANDLER_MARK, True)
            # Replace the plain stream handlers, so each line is written once and all of it is JSON.
            for other in [h for h in root.handlers if type(h) is logging.StreamHandler]:
                root.removeHandler(other)
            root.addHandler(handler)
    elif not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("governance").setLevel(logging.INFO)
