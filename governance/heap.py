"""A serving process's long-lived objects, set aside from the garbage collector once it has started.

Each request leaves cyclic garbage (ORM objects and their collections refer to each other), so CPython's
collector runs a full collection every few requests; on 3.11 that walks every object the process holds,
and the templates, catalogs, locale data and mappings that a process loads once make most of them: on a
campaign page of 200 pledges a full collection took about 300 ms, every nine requests. The standard
library's `gc.freeze()` is for this: "Freeze all the objects tracked by gc - move them to a permanent
generation and ignore all the future collections. This can be used before a POSIX fork() call to make
the gc copy-on-write friendly or to speed up collection" (the gc module's documentation, since 3.7).
Loading first what requests would load anyway makes the frozen set complete; the collections that remain
walk only what requests made (about 90 ms there).
"""

from __future__ import annotations

import gc

from babel import Locale
from flask import Flask

from governance.i18n import LOCALES
from governance.texts import _


def load_what_requests_share(app: Flask) -> None:
    """Compile every template and read every locale's data and catalogs, as the first requests would."""
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        if not name.startswith("agreements/pdf/"):  # the PDF's own environment compiles those
            app.jinja_env.get_template(name)
    for code in LOCALES:
        locale = Locale.parse(code)
        locale.currency_formats["standard"], locale.currencies, locale.territories  # read: loaded
        with app.test_request_context(headers={"Accept-Language": code.replace("_", "-")}):
            _("Home")  # the catalogs of this language


def freeze(app: Flask) -> None:
    """After start-up: load what requests share, collect once, and keep all of it out of later collections."""
    load_what_requests_share(app)
    gc.collect()
    gc.freeze()
