"""Markdown to sanitised HTML, for proposals and comments.

markdown-it-py renders CommonMark (with tables and strikethrough, raw HTML allowed), then nh3 keeps only
an allow-list: no scripts or styles (removed with their content), no event handlers or other unlisted
attributes, only http, https and mailto links, every link marked `rel="noopener nofollow"`, no images
(they would load outside assets). Headings start at h3 so a body never outranks the page's own headings.
What was typed is kept as typed, and rendered once, when it is written: the models keep the HTML beside
the source (`body` and `body_html`), so a page with hundreds of comments renders none of them again.
A change to the allow-list therefore comes with a migration that renders the stored rows anew.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "em", "h3", "h4", "h5", "h6", "hr", "i",
    "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener nofollow"
HEADING_SHIFT = 2  # markdown '#' becomes <h3>


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def render(text: str | None) -> Markup:
    """Markdown as HTML that is safe to put in a page."""
    if not text:
        return Markup("")
    return Markup(sanitise(_parser().render(text)))  # noqa: S704 - nh3 has just sanitised it
