"""Running it for real: health checks, Prometheus metrics, structured logs, backups."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Health and readiness always; metrics when METRICS_ENABLED is set."""
    from governance.ops import cli, health

    health.register(app)
    app.cli.add_command(cli.backup_command)
    app.cli.add_command(cli.restore_command)
    app.cli.add_command(cli.export_network_command)
    if app.config.get("METRICS_ENABLED"):
        from governance.ops import metrics  # prometheus_client only where metrics are on

        metrics.register(app)
