"""Bad input refused centrally, before any view: text that cannot be stored, JSON nested too deep.

A NUL character or a lone surrogate in the path, the query, a form field or a JSON string is refused with
a 400 naming where it was (PostgreSQL cannot store a NUL; a lone surrogate is not text in any encoding),
and a JSON body nested more than JSON_DEPTH_MAX levels deep is a 400 too (Python's parser would recurse
until it failed).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, abort, request

from governance.texts import N_, _
from governance.validation import bad_character

JSON_DEPTH_MAX = 32
_QUERY = N_("The query parameter %(name)s")
_FORM = N_("The form field %(name)s")


def _strings(value: Any, where: str, depth: int = 0):
    """Every string in a parsed JSON document (keys too), with where it is; the depth is checked as we go."""
    if depth > JSON_DEPTH_MAX:
        _too_deep()
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", key
            yield from _strings(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]", depth + 1)


def _too_deep() -> None:
    abort(400, description=_("The JSON is nested too deeply: at most %(max)s levels.", max=JSON_DEPTH_MAX))


def _refuse(where: str, problem: str) -> None:
    # Translators: %(where)s says where ("the form field 'name'"), %(problem)s what ("contains a NUL character").
    abort(400, description=_("%(where)s %(problem)s: send plain text.", where=where, problem=problem))


def check_request() -> None:
    if problem := bad_character(request.path):
        _refuse(_("The address"), problem)
    for source, values in ((_QUERY, request.args), (_FORM, request.form)):
        for name, value in values.items(multi=True):
            if problem := bad_character(name) or bad_character(value):
                _refuse(_(source, name=repr(name)), problem)
    if request.is_json and request.content_length:
        try:
            document = json.loads(request.get_data(cache=True))
        except RecursionError:
            _too_deep()
        except ValueError:
            return  # not JSON: the API's parser says so, with its own message
        for where, text in _strings(document, "body"):
            if problem := bad_character(text):
                _refuse(_("The JSON value at %(where)s", where=where), problem)


def register(app: Flask) -> None:
    app.before_request(check_request)
