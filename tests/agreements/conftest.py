"""Agreements' fixtures: a seal made once per run under a temporary folder, never under instance/."""

from __future__ import annotations

import pytest

from governance.agreements import seal


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seal")


@pytest.fixture(scope="session")
def credentials(seal_dir) -> seal.Credentials:
    return seal.credentials(seal_dir)


@pytest.fixture(autouse=True)
def _agreement_settings(app, seal_dir, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_DIR", str(seal_dir))
    monkeypatch.setitem(app.config, "VERIFY_LIMIT", "1000 per minute")


QUICK_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="dcterms.created" content="2026-11-30T12:00:00Z"><meta name="dcterms.modified" content="2026-11-30T12:00:00Z">
</head><body><h1>{title}</h1><p>{what}</p></body></html>"""


@pytest.fixture
def quick_render(monkeypatch):
    """Lay out a one-line page instead of the whole agreement, for tests about the workflow, not the PDF:
    the real WeasyPrint run, PDF/A-3 and agreement.json, only much less to lay out."""
    from governance.agreements import render

    def html_of(document):
        what = f"counterpart for {document.counterpart.name}" if document.counterpart else "agreement"
        return QUICK_HTML.format(title=f"Agreement {document.agreement_id} v{document.version}", what=what)

    monkeypatch.setattr(render, "html_of", html_of)
