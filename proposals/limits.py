"""How fast one person may post comments: one limit shared by the page and the API, counted per person
(in Redis when `REDIS_URL` is set, so every worker counts together) and set by `COMMENT_LIMIT`."""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_login import current_user

from governance.extensions import limiter
from governance.texts import _, ngettext


def _per_person() -> str:
    return f"person:{current_user.get_id()}"


def _limit() -> str:
    return current_app.config["COMMENT_LIMIT"]


def _window(item) -> str:
    """'a minute', '10 minutes': the limit's window, in the reader's language."""
    n, unit = item.multiples, item.GRANULARITY.name
    if unit == "second":
        return ngettext("a second", "%(num)s seconds", n)
    if unit == "minute":
        return ngettext("a minute", "%(num)s minutes", n)
    if unit == "hour":
        return ngettext("an hour", "%(num)s hours", n)
    if unit == "day":
        return ngettext("a day", "%(num)s days", n)
    if unit == "month":
        return ngettext("a month", "%(num)s months", n)
    return ngettext("a year", "%(num)s years", n)


def too_many_comments() -> str:
    """Why a comment was refused, and when the next one will be taken."""
    breached = limiter.current_limit  # during a breach: the limit that was hit
    if breached is None:
        return _("You have posted too many comments just now; wait a little, then post again.")
    item = breached.limit
    wait = max(1, math.ceil(breached.reset_at - time.time()))
    if wait < 120:
        when = ngettext("%(num)s second", "%(num)s seconds", wait)
    else:
        when = ngettext("%(num)s minute", "%(num)s minutes", math.ceil(wait / 60))
    return _(
        "You have posted as many comments as one person may (%(amount)s in %(window)s). "
        "Wait %(when)s, then post again.",
        amount=item.amount,
        window=_window(item),
        when=when,
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
