"""What every template can use: the viewer's time zone, permissions, and the home page's 'waiting for you'."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from markupsafe import Markup, escape

from governance.permissions import Perm, can
from governance.timezones import format_in_zone, to_zone
from governance.types import utcnow
from governance.words import role_as, role_label, role_name

# Each feature adds a function (person, limit) -> (items, total) for the home page: at most `limit` of
# what waits for the person, each {"text", "url", optional "due_at"}, nearest "due_at" first (those with
# none last), and how many wait in all. The navigation asks every page for the total alone (limit 0), so a
# provider counts in the database rather than loading what it counts;
waiting_providers: list[Callable[[Any, int], tuple[list[dict], int]]] = []
# and (endpoint, label) pairs for the main navigation.
nav_links: list[tuple[str, Any]] = []
WAITING_PER_PAGE = 30  # what waits, on the home page


def add_nav_link(endpoint: str, label) -> None:
    """A feature's page in the main navigation, once; the label is lazy (`_l`), read in each reader's language."""
    if endpoint not in dict(nav_links):
        nav_links.append((endpoint, label))


def viewer_zone() -> str:
    return getattr(current_user, "time_zone", None) or "UTC"


def localtime(moment: datetime | None, style: str = "datetime") -> Markup:
    """A UTC time in the viewer's zone, naming the zone, in a <time> element carrying the UTC instant."""
    if moment is None:
        return Markup("")
    text = format_in_zone(moment, viewer_zone(), style)
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), escape(text))


def local_clock(zone: str) -> str:
    """Now, in a given zone: what a co-op's own clock says."""
    now = to_zone(utcnow(), zone)
    return f"{now:%H:%M} {now.tzname()}"


def waiting_page(person, page: int = 1) -> tuple[list[dict], int]:
    """One page of what waits for the person, nearest deadline first (what has none comes last), and how
    many wait in all. Each provider gives its first `page * WAITING_PER_PAGE` in that order, so merging
    them gives the first that many of all, whatever the page."""
    limit = page * WAITING_PER_PAGE
    items: list[dict] = []
    total = 0
    for provider in waiting_providers:
        found, count = provider(person, limit)
        items.extend(found)
        total += count
    g.waiting_total = total
    _keep(person, total, time.time())  # counted in full here: the navigation keeps it
    items.sort(key=lambda i: (i.get("due_at") is None, i.get("due_at") or utcnow()))
    return items[limit - WAITING_PER_PAGE : limit], total


# The navigation's count is kept in the browser's session for this long (WAITING_COUNT_SECONDS; 0: counted
# at every page). Its five counting queries were a third of a page's time; what the person does themselves
# (any POST) drops it, so only what others change waits up to this long to show.
_KEPT = "waiting"


def waiting_count(person) -> int:
    """How many things wait for the person: the navigation's count, once a request (kept on `g`, which a
    request's app context starts without), and between requests in the session for a few seconds."""
    if "waiting_total" not in g:
        g.waiting_total = _kept_count(person)
    return g.waiting_total


def _kept_count(person) -> int:
    seconds = current_app.config["WAITING_COUNT_SECONDS"]
    kept = session.get(_KEPT) if seconds > 0 else None
    now = time.time()
    if isinstance(kept, list) and len(kept) == 3 and kept[0] == person.id and now < kept[2] <= now + seconds:
        return int(kept[1])
    total = sum(provider(person, 0)[1] for provider in waiting_providers)
    _keep(person, total, now)
    return total


def _keep(person, total: int, now: float) -> None:
    seconds = current_app.config["WAITING_COUNT_SECONDS"]
    if seconds > 0:
        session[_KEPT] = [person.id, total, now + seconds]


def _drop_kept_count() -> None:
    """A person's own change (any request that is not a read) may change what waits for them."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        session.pop(_KEPT, None)


def register(app: Flask) -> None:
    app.before_request(_drop_kept_count)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["reject_page"] = lambda args: {k: v for k, v in args.items() if k != "page"}
    app.jinja_env.globals.update(
        can=lambda perm, subject=None: can(current_user, perm, subject),
        Perm=Perm,
        viewer_zone=viewer_zone,
        local_clock=local_clock,
        nav_links=nav_links,
        role_name=role_name,
        role_label=role_label,
        role_as=role_as,
    )
