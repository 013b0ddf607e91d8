"""Page numbers from the query string, kept within what a database can count to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask import request
from marshmallow import validate

from governance.extensions import db

MAX_PAGE = 10_000


def page_number(name: str = "page") -> int:
    """`?page=N` (or another name, where a page lists two things) within 1..MAX_PAGE: a page past the end
    is an empty list, never an overflow in the database; anything that is not a plain count (x, ², 1.5,
    -3) is the first page."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is True, and int() refuses it
        return 1
    if len(raw) > len(str(MAX_PAGE)):  # int() refuses over 4,300 digits; any such number is past the end
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


class PageQuerySchema(ma.Schema):
    """`?page=N` in the API: a bad one is a 422 that says so (pages are for people: there, `page_number`)."""

    page = ma.fields.Int(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "Which page, from 1; a page past the end is an empty list."},
    )


@dataclass(frozen=True)
class ListPage:
    """One page of a list already in hand (a page past the end is the last one), for a long table."""

    rows: list[Any]
    page: int
    pages: int

    @classmethod
    def of(cls, rows: list[Any], page: int, per_page: int) -> ListPage:
        pages = max(1, -(-len(rows) // per_page))
        page = min(page, pages)
        return cls(rows[(page - 1) * per_page : page * per_page], page, pages)


PAGINATION_HEADER = {
    "X-Pagination": {
        "description": "JSON: total, total_pages, page, first_page, last_page, previous_page, next_page.",
        "schema": {"type": "string"},
    }
}


def pagination_header(pagination) -> dict[str, str]:
    """Where a page of a list stands, in the X-Pagination header (as flask-smorest's own pagination)."""
    return page_header(pagination.page, pagination.pages, pagination.total)


def page_header(page: int, pages: int, total: int) -> dict[str, str]:
    """The X-Pagination header of page `page` of `pages` (none when the list is empty) of `total` rows."""
    about = {
        "total": total,
        "total_pages": pages,
        "page": page,
        "first_page": 1,
        "last_page": max(pages, 1),
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
    }
    return {"X-Pagination": json.dumps(about, separators=(",", ":"))}


API_PER_PAGE = 50  # a page of an API list: the X-Pagination header says how many pages there are


def api_page(query, page: int) -> tuple[list[Any], dict[str, str]]:
    """One page of a query's rows for an API list (a page past the end is empty), with its X-Pagination
    header: no list answers with every row of a large instance at once."""
    found = db.paginate(query, page=page, per_page=API_PER_PAGE, error_out=False)
    return found.items, pagination_header(found)
