"""Page numbers from the query string, kept within what a database can count to."""

from flask import request

MAX_PAGE = 10_000


def page_number() -> int:
    """`?page=N` as 1..MAX_PAGE; anything else is page 1 (a page past the end is simply empty)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
