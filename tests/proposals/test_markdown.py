"""Markdown becomes HTML that is safe to show: governance.markdown, shared by proposals and comments."""

import pytest

from governance.markdown import render


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_unsafe_markup_is_removed(text):
    html = str(render(text))
    for bad in ("<script", "onerror", "onclick", "<style", "<iframe", "<img", 'href="javascript'):
        assert bad not in html


def test_external_links_get_noopener_nofollow():
    assert str(render("[site](https://example.org)")) == (
        '<p><a href="https://example.org" rel="noopener nofollow">site</a></p>\n'
    )


def test_headings_start_below_the_page_headings():
    assert str(render("# Why")) == "<h3>Why</h3>\n"


def test_tables_lists_and_emphasis_survive():
    html = str(render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- **two**"))
    assert "<table>" in html and "<li><strong>two</strong></li>" in html


def test_nothing_renders_as_nothing():
    assert str(render("")) == "" and str(render(None)) == ""
