"""Configuration read from the environment; nothing secret lives in the code."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """The SECRET_KEY from the environment, else one generated once and kept under instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'roundtable.db'}"
    # Heroku-style URLs name the driver implicitly; SQLAlchemy wants it explicit.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _engine_options() -> dict:
    """Connections give up rather than hang: a connect timeout, and on PostgreSQL a statement timeout."""
    connect_timeout = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    statement_timeout_ms = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "30000"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return {"pool_pre_ping": True}  # SQLite: its busy timeout is set per connection (database.py)
    connect_args = {
        "connect_timeout": connect_timeout,
        "options": f"-c statement_timeout={statement_timeout_ms}",
    }
    return {"pool_pre_ping": True, "connect_args": connect_args}


def fit_engine_options(settings: dict) -> None:
    """PostgreSQL's connect arguments only on a PostgreSQL URL (an override may put the app on SQLite)."""
    if not str(settings["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        options = settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {k: v for k, v in options.items() if k != "connect_args"}


def instance_path(default: Path) -> Path:
    """The instance folder (secret key, mail outbox, the SQLite file): INSTANCE_PATH, else `default`.

    Set apart per instance, so two can share a machine and the code itself can be read-only.
    """
    return Path(os.environ.get("INSTANCE_PATH") or default).expanduser().resolve()


def load(instance_path: Path) -> dict:
    """Settings for the app factory, from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("REDIS_URL") or None
    secure_cookies = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(),
        "REDIS_URL": redis_url,
        # No form or JSON body here needs more; a larger one is refused (413) before anything parses it.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # How many reverse proxies stand in front (their X-Forwarded-* headers are trusted); 0: none.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # governance.auth.sessions refuses older sessions on the server too, whatever a cookie says.
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "true").lower() in {"1", "true", "yes"},
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Roundtable <roundtable@localhost>"),
        "MAIL_OUTBOX": str(instance_path / "outbox"),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: count in this process's memory (and log it) rather than refuse every sign-in.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_LIMIT": os.environ.get("SIGN_IN_LIMIT", "5 per minute;20 per hour"),
        "SIGN_IN_ADDRESS_LIMIT": os.environ.get("SIGN_IN_ADDRESS_LIMIT", "20 per minute;100 per hour"),
        # Without Redis, each web process runs the periodic work (closing due votes, handing on the outbox)
        # this often (0: never; reads close due votes anyway). VOTE_CLOSER_SECONDS is its older name.
        "SCHEDULER_SECONDS": int(
            os.environ.get("SCHEDULER_SECONDS") or os.environ.get("VOTE_CLOSER_SECONDS") or "30"
        ),
        "COMMENT_LIMIT": os.environ.get("COMMENT_LIMIT", "5 per minute;60 per hour"),
        # How long a browser's session keeps the navigation's count of what waits (0: counted on every page);
        # the person's own changes drop it at once, so only what others change waits this long to show.
        "WAITING_COUNT_SECONDS": int(os.environ.get("WAITING_COUNT_SECONDS", "30")),
        # The PostgreSQL role the app runs as: the migrations let it only SELECT and INSERT on the audit log.
        "AUDIT_APP_ROLE": os.environ.get("AUDIT_APP_ROLE") or None,
        "INVITATION_TTL_HOURS": int(os.environ.get("INVITATION_TTL_HOURS", "168")),
        "RESET_TTL_SECONDS": int(os.environ.get("RESET_TTL_SECONDS", "7200")),
        # Prometheus metrics at /metrics (keep the path off the public proxy); LOG_FORMAT=json: JSON lines.
        "METRICS_ENABLED": os.environ.get("METRICS_ENABLED", "").lower() in {"1", "true", "yes"},
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text").lower(),
        "API_TITLE": "Roundtable",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "Roundtable's JSON API. Authenticate with `Authorization: Bearer <token>`."
            },
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
    }
