"""`/healthz`: the process answers (nothing else is touched). `/readyz`: it can serve, its services answer.

A load balancer or orchestrator restarts a process whose /healthz fails, and sends no traffic to one whose
/readyz fails; so /healthz must not depend on the database (a database outage is not cured by restarting
every web process), and /readyz names what is down.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from governance.extensions import db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

REDIS_TIMEOUT_SECONDS = 2


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {"database": _database_problem()}
    if url := current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis_problem(url)
    problems = {name: problem for name, problem in checks.items() if problem}
    body = {name: problem or "ok" for name, problem in checks.items()}
    if problems:
        log.warning("not ready: %s", "; ".join(f"{name}: {problem}" for name, problem in problems.items()))
        return jsonify(status="unavailable", checks=body), 503
    return jsonify(status="ok", checks=body)


def _database_problem() -> str | None:
    """None when the database answers a query, else why not (the request's session: it is removed after)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach it is the answer, not a crash
        return f"the database does not answer: {_first_line(error)}"
    return None


def _redis_problem(url: str) -> str | None:
    import redis

    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except Exception as error:
        return f"Redis does not answer: {_first_line(error)}"
    finally:
        client.close()
    return None


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def register(app: Flask) -> None:
    limiter.exempt(bp)
    app.register_blueprint(bp)
