"""Languages: which one a person reads, the catalogs that hold them, and speaking someone else's in a mail.

English is written in the code and the templates; Spanish is in `translations/<room>/es/LC_MESSAGES/
messages.po`, one catalog per room (`ROOMS`), so each room's strings live beside its own and two rooms never
edit one file. The catalogs are compiled into the instance folder when they are newer than what is there
(the code may be installed read-only), and Flask-Babel merges them.

A person's locale (`Person.locale`, a Babel identifier such as `es_AR`) gives the language and the way
dates, numbers and money are written. Until they choose one it follows their browser; on their first sign-in
Roundtable keeps what the browser asked for and says so (`suggest_on_sign_in`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_login import current_user

from governance import texts

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"
LANGUAGES = ("en", "es")  # English is the source; every other language has a catalog per room
DEFAULT_LOCALE = "en_GB"
# What a person may choose on the settings page: a language, and the country whose way of writing dates,
# numbers and money they read.
LOCALES = ("en_GB", "en_US", "en_CA", "es_AR", "es_ES", "es_MX", "es_UY", "es_CO")
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


@dataclass(frozen=True)
class Room:
    """A part of the code and its templates, whose strings share one catalog."""

    name: str
    python: tuple[str, ...]
    templates: tuple[str, ...]


# First match wins, so the governance room, which takes the rest, comes last.
ROOMS = (
    Room("voting", ("voting/*",), ("templates/voting/*",)),
    Room("proposals", ("proposals/*",), ("templates/proposals/*", "templates/pledging/*")),
    Room(
        "features",
        ("governance/meetings/*", "governance/notifications/*", "governance/agreements/*"),
        ("templates/meetings/*", "templates/notifications/*", "templates/agreements/*"),
    ),
    Room("governance", ("governance/*",), ("templates/*",)),
)

babel = Babel()


def init(app: Flask) -> None:
    directories = compile_catalogs(Path(app.instance_path) / "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in directories)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_zone)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks' whitespace squeezed, as extracted
    texts.install(get_translations, lambda: str(get_locale() or DEFAULT_LOCALE))
    app.jinja_env.globals.update(html_lang=html_lang, locale_choices=locale_choices)


# Which language


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return browser_locale() or DEFAULT_LOCALE


def select_zone() -> str:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.time_zone or "UTC"
    return "UTC"


def browser_locale() -> str | None:
    """What the browser's Accept-Language asks for, among the locales offered ('es-419' finds Spanish), or
    None when it asks for none of them (or says nothing)."""
    if not has_request_context():
        return None
    offered = [code.replace("_", "-") for code in LOCALES]
    best = request.accept_languages.best_match(offered)
    return best.replace("-", "_") if best else None


def normalise(code: str | None) -> str | None:
    """A locale a person may choose, as Babel names it ('es-ar' -> 'es_AR'), or None."""
    if not code:
        return None
    try:
        parsed = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    name = str(parsed)
    return name if name in LOCALES else None


def locale_choices() -> list[tuple[str, str]]:
    """Each locale named in its own language: 'español (Argentina)', 'English (United Kingdom)'."""
    return [(code, Locale.parse(code).get_display_name(code) or code) for code in LOCALES]


def html_lang() -> str:
    """The page's `lang`: 'es-AR'."""
    return str(get_locale() or DEFAULT_LOCALE).replace("_", "-")


def suggest_on_sign_in(person) -> str | None:
    """On a first sign-in, keep the locale the browser asks for; returns it when it was chosen so."""
    suggested = browser_locale()
    if person.locale in LOCALES or suggested is None:
        return None
    person.locale = suggested
    return suggested


@contextlib.contextmanager
def speaking(person_or_locale) -> Iterator[None]:
    """Write in a reader's language: a mail to a person, a counterpart for whoever downloads it."""
    code = getattr(person_or_locale, "locale", person_or_locale)
    with force_locale(code if code in LOCALES else DEFAULT_LOCALE):
        yield


@contextlib.contextmanager
def speaking_to(person) -> Iterator[None]:
    """Write a mail to someone who may not have chosen a language (or may have no account yet): in theirs
    when they have chosen one, else in the language of whoever is being answered (the sender's request)."""
    if person is not None and getattr(person, "locale", None) in LOCALES:
        with speaking(person):
            yield
    else:
        yield


# The catalogs


def catalog_path(room: str, language: str) -> Path:
    return CATALOGS / room / language / "LC_MESSAGES" / "messages.po"


def room_of(relative_path: str) -> str:
    for room in ROOMS:
        patterns = room.templates if relative_path.startswith("templates/") else room.python
        if any(fnmatch.fnmatch(relative_path, pattern) for pattern in patterns):
            return room.name
    raise LookupError(relative_path)


def source_files() -> Iterator[tuple[str, Path]]:
    """(room, file) for every Python module and template whose strings people read."""
    for folder in ("governance", "proposals", "voting", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            yield room_of(relative), path


def extract(room: str) -> Catalog:
    """The room's strings as they stand in the code, as a fresh catalog (what `pybabel extract` finds)."""
    catalog = Catalog(project="Roundtable", domain="messages", charset="utf-8")
    for name, path in source_files():
        if name != room:
            continue
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        options = {} if path.suffix == ".py" else {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
        for line, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, comment_tags=("Translators:",), options=options
        ):
            catalog.add(
                message,
                None,
                [(path.relative_to(ROOT).as_posix(), line)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def compile_catalogs(target: Path) -> list[Path]:
    """Compile each room's catalogs into `target/<room>` when the .po is newer; returns the directories."""
    directories = []
    for room in ROOMS:
        directory = target / room.name
        directories.append(directory)
        for language in LANGUAGES[1:]:
            source = catalog_path(room.name, language)
            if not source.exists():
                continue
            compiled = directory / language / "LC_MESSAGES" / "messages.mo"
            if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
                continue
            compiled.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            # Written aside and moved into place: two processes starting at once never read half a file.
            handle_fd, partial = tempfile.mkstemp(dir=compiled.parent, suffix=".mo")
            with os.fdopen(handle_fd, "wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            os.replace(partial, compiled)
    return directories


# Keeping the catalogs


def update_catalogs() -> dict[str, tuple[int, int]]:
    """Bring every room's catalogs up to the code: new strings added untranslated, gone ones dropped.

    Returns, per room and language, (strings, untranslated)."""
    figures = {}
    for room in ROOMS:
        template = extract(room.name)
        for language in LANGUAGES[1:]:
            path = catalog_path(room.name, language)
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
            else:
                catalog = Catalog(
                    locale=language,
                    project="Roundtable",
                    domain="messages",
                    charset="utf-8",
                    copyright_holder="the Roundtable contributors",
                    msgid_bugs_address="",
                    last_translator="the Roundtable contributors",
                    language_team=f"{language} <>",
                )
            catalog.header_comment = (
                f"# {Locale.parse(language).english_name} for Roundtable, room '{room.name}'.\n"
                "# Kept with `flask --app wsgi translations update`; see governance/i18n.py."
            )
            catalog.fuzzy = False
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            catalog.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(
                    handle, catalog, width=0, omit_header=False, include_previous=False, sort_output=False
                )
            figures[f"{room.name}/{language}"] = (len(catalog), len(untranslated(catalog)))
    return figures


def untranslated(catalog: Catalog) -> list[str]:
    """The strings of a catalog with no translation yet, or only a guessed (fuzzy) one."""

    def done(message) -> bool:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        return not message.fuzzy and all(strings)

    return [str(m.id) for m in catalog if m.id and not done(m)]


def register_commands(app: Flask) -> None:
    import click

    @app.cli.group("translations")
    def translations_cli() -> None:
        """The catalogs of every language, one per room, under translations/."""

    @translations_cli.command("update")
    def update_command() -> None:
        """Add the code's new strings to every catalog (untranslated) and drop the strings that are gone."""
        for name, (total, missing) in update_catalogs().items():
            click.echo(f"{name}: {total} strings, {missing} untranslated")
