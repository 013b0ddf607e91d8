"""The only module that calls WeasyPrint: agreements, counterparts and issued agreements as PDF/A-3.

Templates are Jinja files under `templates/agreements/pdf/` with the print stylesheet and the fonts under
`static/`. WeasyPrint fetches nothing but those: `StaticFetcher` answers URLs under `STATIC_BASE` from the
`static/` folder and refuses every other URL (`file:`, `http:`, `data:`, anything outside `static/`), so a
link or image in a proposal's text can never read the server's files or call out to the network.

No Flask import: the benchmark and the tests render without an app. The words are in the language being
spoken (`governance.texts`): a counterpart is rendered in its reader's (`i18n.speaking`), the agreement for
signature and the issued one in the instance's; without an app everything is English.
"""

from __future__ import annotations

import logging
import mimetypes
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import segno
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from governance import texts
from governance.agreements.terms import DEFAULT_SCHEDULE, Party, Terms
from governance.markdown import render as markdown
from governance.texts import _
from proposals.money import format_iso

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates" / "agreements" / "pdf"
# A name that never resolves (RFC 6761 reserves .invalid): the fetcher maps it to static/ itself.
STATIC_BASE = "https://static.roundtable.invalid/"
# Tagged, accessible PDF/A-3 (level A); agreement.json stays an associated file with AFRelationship Data.
PDF_VARIANT = "pdf/a-3a"
JSON_NAME = "agreement.json"


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside static/."""


class StaticFetcher(URLFetcher):
    """Serves the files under static/ at STATIC_BASE; refuses file:, outside URLs and everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            log.warning("agreement rendering refused to fetch %s", url[:200])
            raise RefusedURL(f"Agreements may use only their own stylesheet and fonts, not {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    @staticmethod
    def resolve(url: str) -> Path | None:
        """The file under static/ that `url` names, or None for anything else."""
        if not url.startswith(STATIC_BASE):
            return None
        relative = url.removeprefix(STATIC_BASE).split("?")[0].split("#")[0]
        candidate = (STATIC / relative).resolve()
        if not candidate.is_relative_to(STATIC.resolve()) or not candidate.is_file():
            return None
        return candidate


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as the app's templates, and as they are extracted
    # Newstyle gettext: the template's placeholders are filled (and escaped) by Jinja, so the callables
    # hand back the translated text as it is.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: texts._(message),
        ngettext=lambda singular, plural, n: texts._translations().ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters["money"] = _money
    env.filters["markdown"] = markdown
    env.filters["day"] = _day
    env.filters["when"] = _when
    env.filters["country"] = _country
    env.filters["enumeration"] = _enumeration
    env.filters["rates"] = _rates
    env.filters["schedule"] = _schedule
    # Data the catalogs may know (a vote method's or an option's English name), translated as plain text:
    # never `_(data)` in a template, which newstyle gettext would mark safe unescaped.
    env.filters["translated"] = _translated
    env.globals["static"] = lambda name: STATIC_BASE + name
    return env


def _locale() -> str:
    return texts.current_locale()


def _english() -> bool:
    return _locale().startswith("en")


def _money(minor: int | None, code: str | None) -> str:
    return format_iso(minor, code, locale=_locale())


def _country(code: str) -> str:
    """'GB' as the reader names it: 'United Kingdom', 'Reino Unido'."""
    try:
        return Locale.parse(_locale()).territories.get(code.upper(), code) if code else ""
    except (ValueError, TypeError):
        return code


def _enumeration(items: list[str]) -> Markup:
    """'a, b and c' / 'a, b y c' (each item escaped once, whether it came marked safe or not)."""
    return Markup(format_list([str(escape(i)) for i in items], locale=_locale()))  # noqa: S704 - escaped


def _rates(rates, base: str) -> str:
    return "; ".join(
        _(
            "1 %(currency)s = %(rate)s %(base)s",
            currency=currency,
            rate=format_decimal(Decimal(rate), locale=_locale(), decimal_quantization=False),
            base=base,
        )
        for currency, rate in rates
    )


def _translated(text: str) -> str:
    return _(text) if text else text  # gettext("") would answer with the catalog's header


def _schedule(text: str) -> str:
    """A party's schedule as the terms store it (English, for the record), in the reader's language."""
    if not text:
        return text  # gettext("") would answer with the catalog's header
    if text == DEFAULT_SCHEDULE:
        return _(DEFAULT_SCHEDULE)
    prefix = DEFAULT_SCHEDULE + " Seats: "
    if text.startswith(prefix) and text.endswith("."):
        return _(
            "Monthly, from the start of the term. Seats: %(seats)s.", seats=text.removeprefix(prefix)[:-1]
        )
    return _(text)  # a schedule the catalogs know (the demo's), else as it was written


def _parse(value: str | datetime | None) -> datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value) -> str:
    """'4 April 2026' / '4 de abril de 2026'."""
    moment = _parse(value)
    if not moment:
        return ""
    if _english():
        return f"{moment.day} {moment:%B %Y}"
    return format_date(moment, "d 'de' MMMM 'de' y", locale=_locale())


def _when(value) -> str:
    """'4 April 2026, 17:30 UTC' / '4 de abril de 2026, 17:30 UTC'."""
    moment = _parse(value)
    if not moment:
        return ""
    if _english():
        return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
    return format_datetime(moment.astimezone(UTC), "d 'de' MMMM 'de' y, HH:mm 'UTC'", locale=_locale())


@dataclass(frozen=True)
class Issue:
    """What the last page of an issued agreement prints, and the JSON it embeds."""

    data_json: bytes
    data_sha256: str
    signatures: list[dict[str, Any]]
    audit_head: dict[str, Any] | None
    verify_url: str
    issued_at: datetime
    previous_sha256: str | None = None
    certificate_sha256: str = ""


@dataclass(frozen=True)
class Document:
    """One thing to render: the agreement (for reading, or issued) or one party's counterpart."""

    terms: Terms
    agreement_id: int
    version: int
    created_at: datetime
    counterpart: Party | None = None
    issue: Issue | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def qr_svg(url: str) -> Markup:
    """The verify address as an inline SVG QR code (segno), so nothing is fetched to draw it."""
    code = segno.make(url, error="m", micro=False)
    # segno writes the SVG itself from the code's modules; the URL is encoded as modules, never as markup.
    return Markup(code.svg_inline(scale=3, border=2, dark="#000", light="#fff", omitsize=False))  # noqa: S704


def page_label() -> tuple[str, str, str]:
    """The words before, between and after the page numbers ('Page ', ' of ', ''), cut from one whole
    translated sentence, for the print stylesheet's footer."""
    sentence = _("Page %(page)s of %(pages)s")
    before, found, rest = sentence.partition("%(page)s")
    between, found_too, after = rest.partition("%(pages)s")
    if not (found and found_too):  # a translation that puts the total first: keep the English order
        return "Page ", " of ", ""
    return before, between, after


def html_of(document: Document) -> str:
    """The HTML WeasyPrint will lay out (public so tests can read it)."""
    issue = document.issue
    stamp = document.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        _environment()
        .get_template("agreement.html")
        .render(
            terms=document.terms,
            agreement_id=document.agreement_id,
            version=document.version,
            counterpart=document.counterpart,
            issue=issue,
            qr=qr_svg(issue.verify_url) if issue else None,
            stamp=stamp,
            lang=_locale().replace("_", "-"),
            page_label=page_label(),
            **document.extra,
        )
    )


def render(document: Document, *, fetcher: StaticFetcher | None = None) -> bytes:
    """The document as PDF/A-3 bytes, with fixed creation dates; an issued one embeds agreement.json."""
    fetcher = fetcher or StaticFetcher()
    attachments = []
    if document.issue is not None:
        moment = document.issue.issued_at.astimezone(UTC)
        attachments.append(
            Attachment(
                string=document.issue.data_json,
                name=JSON_NAME,
                description="The agreement's data: parties, contributions, vote, signatures, audit head",
                relationship="Data",
                created=moment,
                modified=moment,
                url_fetcher=fetcher,
            )
        )
    with warnings.catch_warnings():
        # WeasyPrint 70 leaves the file of its sRGB output profile to the garbage collector.
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        pdf = HTML(string=html_of(document), base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT,
            attachments=attachments,
            font_config=FontConfiguration(),
            uncompressed_pdf=False,
        )
    assert pdf is not None
    return pdf
