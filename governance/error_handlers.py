"""The one place that maps errors to HTTP: a JSON body under /api/, a page (or a flashed message) elsewhere."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, flash, g, jsonify, redirect, render_template, request
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from governance.errors import Conflict, DomainError
from governance.extensions import COMMITTED_FLAG, db, login_manager
from governance.texts import N_, _

log = logging.getLogger(__name__)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, errors: dict | None = None):
    body: dict[str, Any] = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


# What an HTTP error says when whoever raised it gave no reason of its own (Werkzeug's are in English).
DESCRIPTIONS = {
    400: N_("The request was not understood: check what was sent."),
    401: N_("Sign in to see this page."),
    403: N_("You are not allowed to do that."),
    404: N_("There is nothing at this address. Check the link, or go back to your home page."),
    405: N_("That cannot be done at this address."),
    409: N_("That cannot happen now: the page may be out of date. Reload it and try again."),
    413: N_("What was sent is too large."),
    415: N_("That kind of content is not accepted here."),
    422: N_("What was sent could not be used: check it and try again."),
    429: N_("Too many attempts. Wait a moment, then try again."),
    500: N_("Something went wrong on our side; nothing was saved. Please try again in a moment."),
}


def describe(error: HTTPException) -> str:
    """The error's own reason when it was given one, else the status's, in the reader's language."""
    if isinstance(error, RateLimitExceeded) and not error.limit.error_message:
        return _(DESCRIPTIONS[429])  # not "5 per 1 minute"
    if error.description and error.description != type(error).description:
        return str(error.description)
    if error.code in DESCRIPTIONS:
        return _(DESCRIPTIONS[error.code])
    return str(error.description or HTTPStatus(error.code or 500).phrase)


# Headers an error's meaning depends on: Allow (405), WWW-Authenticate (401), Retry-After (429, 503).
_KEPT_HEADERS = {"allow", "www-authenticate", "retry-after"}


def _http_error(error: HTTPException):
    kept = [(k, v) for k, v in error.get_headers() if k.lower() in _KEPT_HEADERS]
    if is_api_request():
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message") or describe(error)
        response, status = json_error(error.code or 500, message, errors)
        for key, value in [*kept, *(data.get("headers") or {}).items()]:
            response.headers[key] = value
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="Roundtable"'
        return response, status
    return render_template("error.html", message=describe(error), status=error.code), error.code, kept


def _domain_error(error: DomainError):
    if is_api_request():
        # The documented error shape has no other keys: what a conflict is about goes under `errors`.
        return json_error(error.status, error.message, {**error.errors, **error.details})
    if request.method == "POST" and request.referrer:
        # A refused form action goes back to where the person was, with the reason shown there.
        flash(error.message, "error")
        return redirect(request.referrer)
    return render_template("error.html", message=error.message, status=error.status), error.status


def _integrity_error(error: IntegrityError):
    """A constraint the database holds (one current ballot, one vote, one account per email) refused a
    write that raced another request's: the same answer as any conflict, never a server error."""
    db.session.rollback()
    log.info("refused by a database constraint on %s %s: %s", request.method, request.path, error.orig)
    return _domain_error(
        Conflict(
            _("Someone else changed this at the same moment, so nothing was saved: reload and try again.")
        )
    )


def _unexpected(error: Exception):
    """A fault (a bug, the database gone): roll back first, then answer without touching the database, so
    a signed-in person still gets a page; say truthfully whether their change was saved."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be what failed
        log.warning("could not roll back after the error", exc_info=True)
    if "_login_user" not in g:
        # Flask-Login would load the person from the database, to choose the language of the message or
        # for the page's template: whoever is not loaded yet reads the language their browser asks for.
        g._login_user = login_manager.anonymous_user()
    if g.get(COMMITTED_FLAG):
        message = _(
            "Your change was saved, but something went wrong on our side afterwards. Reload the page."
        )
    else:
        message = _(DESCRIPTIONS[500])
    if is_api_request():
        return json_error(500, message)
    return render_template("error.html", status=500, message=message, bare=True), 500


RETRY_AFTER_SECONDS = 30


def _database_unavailable(error: OperationalError):
    """The database does not answer (restarted, the network cut): 503, saying whether anything was saved.
    Nothing here touches the database; the pool checks each connection before use (`pool_pre_ping`), so
    the first request after it is back gets a fresh connection, with no restart of the app."""
    log.warning("the database is unavailable on %s %s: %s", request.method, request.path, error.orig)
    if "_login_user" not in g:  # Flask-Login (the page, the reader's language) would load the person
        g._login_user = login_manager.anonymous_user()
    try:
        db.session.rollback()
    except Exception:
        log.warning("could not roll back while the database is unavailable", exc_info=True)
    if g.get(COMMITTED_FLAG):
        message = _("Your change was saved, but the database stopped answering afterwards. Reload the page.")
    else:
        message = _(
            "The database is not answering just now, so nothing was saved. Please try again in a minute."
        )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_request():
        response, status = json_error(503, message)
        response.headers.update(headers)
        return response, status
    return render_template("error.html", status=503, message=message, bare=True), 503, headers


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(
        OperationalError, _database_unavailable
    )  # an outage, not a bug: tests see it too
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
