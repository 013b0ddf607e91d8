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

from governance.validation import bad_character

JSON_DEPTH_MAX = 32


def _strings(value: Any, where: str, depth: int = 0):
    """Every string in a parsed JSON document (keys too), with where it is; the depth is checked as we go."""
    if depth > JSON_DEPTH_MAX:
        abort(400, description=f"The JSON is nested too deeply: at most {JSON_DEPTH_MAX} levels.")
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", key
            yield from _strings(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]", depth + 1)


def _refuse(where: str, problem: str) -> None:
    abort(400, description=f"The {where} {problem}: send plain text.")


def check_request() -> None:
    if problem := bad_character(request.path):
        _refuse("address", problem)
    for source, values in (("query parameter", request.args), ("form field", request.form)):
        for name, value in values.items(multi=True):
            if problem := bad_character(name) or bad_character(value):
                _refuse(f"{source} {name!r}", problem)
    if request.is_json and request.content_length:
        try:
            document = json.loads(request.get_data(cache=True))
        except RecursionError:
            abort(400, description=f"The JSON is nested too deeply: at most {JSON_DEPTH_MAX} levels.")
        except ValueError:
            return  # not JSON: the API's parser says so, with its own message
        for where, text in _strings(document, "body"):
            if problem := bad_character(text):
                _refuse(f"JSON value at {where}", problem)


def register(app: Flask) -> None:
    app.before_request(check_request)
