"""Security headers: a strict Content-Security-Policy (nothing inline), no framing, no sniffing, a
Referrer-Policy, no-store on a page that shows a secret, HSTS once cookies are Secure, ProxyFix on demand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from governance import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_carries_the_security_headers(client, world):
    sign_in(client, world.delegates[0])
    for path in ["/", "/sign-in", "/networks", "/settings", "/api/v1/me", "/no-such-page"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP in tests: no HSTS


def test_no_template_carries_inline_styles_or_scripts():
    """Under the policy, a style= attribute or an inline <script> would be ignored by the browser."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\sstyle\s*=", text) or re.search(r"<script(?![^>]*\bsrc=)", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_a_new_api_token_is_shown_on_a_page_no_cache_keeps(client, world):
    sign_in(client, world.delegates[0])
    response = client.post("/settings/tokens", data={"name": "laptop"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def secure_app(database_url, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("PROXY_COUNT", "1")
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url})


def test_behind_https_pages_send_hsts_and_the_proxy_says_the_scheme(secure_app):
    seen = {}

    @secure_app.get("/scheme")
    def scheme():
        from flask import request

        seen["scheme"], seen["remote"] = request.scheme, request.remote_addr
        return "ok"

    response = secure_app.test_client().get(
        "/scheme", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert seen == {"scheme": "https", "remote": "203.0.113.7"}
