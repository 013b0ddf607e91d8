"""Finds words people read that no translation can reach: template text outside `_()`/`{% trans %}`, and
Python messages (flash, errors, form labels, mail subjects) written as plain strings or f-strings.

    .venv/bin/python -m tests.language_check [ROOM ...]    # prints what is left, room by room

`tests/governance/test_languages.py` fails while anything is printed.
"""

from __future__ import annotations

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

from governance.i18n import ROOMS, ROOT, source_files

# Text that is the same in every language: the product's name, symbols, and markup-like fragments.
SAME_IN_EVERY_LANGUAGE = {
    "Roundtable",
    "API",
    "OpenAPI",
    "JSON",
    "PDF",
    "PDF/A-3",
    "SHA-256",
    "UTC",
    "iCal",
    "URL",
}
ATTRIBUTES_PEOPLE_READ = {"title", "alt", "placeholder", "aria-label", "aria-description", "content"}
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Calls in templates whose string arguments are names for the machine, not words for people.
MACHINE_CALLS = {
    "url_for",
    "can",
    "localtime",
    "get",
    "pop",
    "format",
    "startswith",
    "endswith",
    "replace",
    "split",
    "join",
    "attr",
    "selectattr",
    "rejectattr",
    "map",
    "groupby",
    "sort",
    "default",
    "d",
    "time_left",
    "money",
    "field_value",
    "getattr",
    "include",
    "extends",
    "import",
    "dict",
    "static",
    "csrf_token",
    "hidden_tag",
    "render_kw",
    "items",
    "strftime",
    "reject_page",
    "zone_list",
    "local_clock",
    "currency_name",
}
# Python calls whose string arguments people read, and where.
MESSAGE_CALLS = {
    "flash",
    "invalid",
    "DomainError",
    "NotAllowed",
    "NotFound",
    "Conflict",
    "InvalidTransition",
    "VoteClosed",
    "InvalidInput",
    "InvalidBallot",
    "PledgingClosed",
    "ValidationError",
    "StopValidation",
}
FIELD_CALLS = re.compile(r"^\w*Field$")
VALIDATOR_MESSAGE_KEYWORDS = {"message", "label", "description"}
TRANSLATING_CALLS = {"_", "_l", "ngettext", "gettext", "lazy_gettext", "N_"}


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre", "kbd", "samp"):
            self._skip += 1
        machine = tag == "meta" and dict(attrs).get("name") == "viewport"  # content="width=device-width"
        for name, value in attrs:
            if name in ATTRIBUTES_PEOPLE_READ and value and _is_words(value) and not machine:
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre", "kbd", "samp") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _is_words(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def _is_words(text: str) -> bool:
    text = text.strip()
    if not text or text in SAME_IN_EVERY_LANGUAGE:
        return False
    # Only names and symbols ("Roundtable · Roundtable", a page title's default) are not words to translate.
    return any(word not in SAME_IN_EVERY_LANGUAGE for word in LETTERS.findall(text))


JINJA_TRANS = re.compile(r"{%-?\s*trans\b.*?%}.*?{%-?\s*endtrans\s*-?%}", re.S)
JINJA_COMMENT = re.compile(r"{#.*?#}", re.S)
JINJA_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)


def _skeleton(source: str) -> str:
    """The template's HTML with its Jinja taken out (line breaks kept, so line numbers hold): what is left
    is text the template prints as it is written."""

    def blank(match: re.Match) -> str:
        return "\n" * match.group(0).count("\n") + " "

    for pattern in (JINJA_TRANS, JINJA_COMMENT, JINJA_TAG):
        source = pattern.sub(blank, source)
    return source


def template_findings(path: Path, env: Environment) -> list[tuple[int, str]]:
    source = path.read_text()
    tree = env.parse(source)
    findings: list[tuple[int, str]] = []
    finder = _TextFinder()
    finder.feed(_skeleton(source))
    finder.close()
    findings.extend(finder.found)
    for call in tree.find_all(nodes.Call):
        name = _call_name(call.node)
        if name in TRANSLATING_CALLS or name in MACHINE_CALLS:
            continue
        arguments = list(call.args) + [keyword.value for keyword in call.kwargs]
        for argument in arguments:
            if (
                isinstance(argument, nodes.Const)
                and isinstance(argument.value, str)
                and _reads_as_words(argument.value)
            ):
                findings.append((call.lineno, repr(argument.value)))
    return findings


def _call_name(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return node.attr
    return ""


def _reads_as_words(value: str) -> bool:
    """'Sign out', 'Revoke' read as words; 'danger', 'main.home', 'zones' are names for the machine."""
    value = value.strip()
    if not _is_words(value) or value.startswith(("/", "#", ".", "http")) or "_" in value:
        return False
    return value[0].isupper() or " " in value


def python_findings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    findings: list[tuple[int, str]] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        candidates: list[ast.expr] = []
        if name == "invalid":  # invalid(field_name, message)
            candidates = call.args[1:2]
        elif name in MESSAGE_CALLS:
            candidates = call.args[:1] + [
                k.value for k in call.keywords if k.arg in VALIDATOR_MESSAGE_KEYWORDS
            ]
        elif FIELD_CALLS.match(name) or name in (
            "Length",
            "NumberRange",
            "DataRequired",
            "InputRequired",
            "Email",
            "Optional",
            "Regexp",
            "EqualTo",
            "AnyOf",
        ):
            candidates = (call.args[:1] if FIELD_CALLS.match(name) else []) + [
                k.value for k in call.keywords if k.arg in VALIDATOR_MESSAGE_KEYWORDS
            ]
        elif (
            name == "send"
            and isinstance(call.func, ast.Attribute)
            and getattr(call.func.value, "id", "") == "mail"
        ):
            candidates = call.args[1:3] + [k.value for k in call.keywords if k.arg in ("subject", "body")]
        for candidate in candidates:
            if isinstance(candidate, ast.JoinedStr) or (
                isinstance(candidate, ast.Constant)
                and isinstance(candidate.value, str)
                and _is_words(candidate.value)
            ):
                findings.append((candidate.lineno, ast.unparse(candidate)[:90]))
    return findings


def findings(rooms: set[str] | None = None) -> dict[str, list[str]]:
    from governance import create_app

    env = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).jinja_env
    found: dict[str, list[str]] = {}
    for room, path in source_files():
        if rooms and room not in rooms:
            continue
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("governance/texts.py", "governance/i18n.py")):
            continue
        items = python_findings(path) if path.suffix == ".py" else template_findings(path, env)
        found.setdefault(room, []).extend(f"{relative}:{line}: {text}" for line, text in items)
    return found


def main(argv: list[str]) -> int:
    rooms = set(argv) or {room.name for room in ROOMS}
    total = 0
    for room, items in findings(rooms).items():
        print(f"== {room}: {len(items)}")
        for item in items:
            print(item)
        total += len(items)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
