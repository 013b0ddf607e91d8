"""Security headers on every response, and the proxies in front of the app.

The Content-Security-Policy allows nothing inline: scripts and styles come from our own static files
only (templates carry no `style=` attributes and no inline `<script>`), no page may be framed, and forms
post only to this site. HSTS is sent once cookies are Secure (the app is served over HTTPS).
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def no_store(response: Response) -> Response:
    """For a page that shows a secret once (a new API token, an invitation link): keep it out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    if count := app.config.get("PROXY_COUNT"):
        # Trust X-Forwarded-For/-Proto/-Host from exactly this many proxies, and no more.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    secure = app.config["SESSION_COOKIE_SECURE"]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint and not request.endpoint.endswith("static") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "private, no-cache"  # pages are per person: never in a shared cache
        return response
