"""Page numbers from the query string, kept within what a database can count to."""

from flask import request

MAX_PAGE = 10_000


def page_number() -> int:
    """`?page=N` within 1..MAX_PAGE: a page past the end is an empty list, never an overflow in the
    database; anything that is not a plain count (x, ², 1.5, -3) is the first page."""
    raw = request.args.get("page", "")
    if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is True, and int() refuses it
        return 1
    if len(raw) > len(str(MAX_PAGE)):  # int() refuses over 4,300 digits; any such number is past the end
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)
