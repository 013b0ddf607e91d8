"""Running it for real: health checks, Prometheus metrics, structured logs (and, later, backups)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Health and readiness always; metrics when METRICS_ENABLED is set."""
    from governance.ops import health, metrics

    health.register(app)
    if app.config.get("METRICS_ENABLED"):
        metrics.register(app)
