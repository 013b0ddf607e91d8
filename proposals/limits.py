"""How fast one person may post comments: one limit shared by the page and the API, counted per person
(in Redis when `REDIS_URL` is set, so every worker counts together) and set by `COMMENT_LIMIT`."""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_login import current_user

from governance.extensions import limiter


def _per_person() -> str:
    return f"person:{current_user.get_id()}"


def _limit() -> str:
    return current_app.config["COMMENT_LIMIT"]


def _window(item) -> str:
    unit = item.GRANULARITY.name
    return f"a {unit}" if item.multiples == 1 else f"{item.multiples} {unit}s"


def too_many_comments() -> str:
    """Why a comment was refused, and when the next one will be taken."""
    breached = limiter.current_limit  # during a breach: the limit that was hit
    if breached is None:
        return "You have posted too many comments just now; wait a little, then post again."
    item = breached.limit
    wait = max(1, math.ceil(breached.reset_at - time.time()))
    when = f"{wait} seconds" if wait < 120 else f"{math.ceil(wait / 60)} minutes"
    return (
        f"You have posted as many comments as one person may ({item.amount} in {_window(item)}). "
        f"Wait {when}, then post again."
    )


# Only comments that were posted count: a refused one (empty, too long) costs nothing.
comment_limit = limiter.shared_limit(
    _limit,
    scope="comments",
    key_func=_per_person,
    methods=["POST"],
    deduct_when=lambda response: response.status_code in (201, 302),
    error_message=too_many_comments,
)
