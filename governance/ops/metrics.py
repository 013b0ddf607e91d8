"""Prometheus metrics at /metrics (METRICS_ENABLED): request latency by endpoint, and the domain's gauges.

Request latency comes from prometheus-flask-exporter (`roundtable_http_request_duration_seconds`, labelled by
endpoint, method and status). Ballots cast, open votes and the outbox backlog are read from the database at
each scrape, so every web process reports the same figures and nothing has to be counted as it happens.
With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty folder) so the request metrics of all
workers are added together.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from prometheus_flask_exporter import PrometheusMetrics

from governance.extensions import db, limiter
from governance.types import utcnow

log = logging.getLogger(__name__)

PREFIX = "roundtable"
EXCLUDED_PATHS = ["/metrics", "/static/"]

_outbox = sa.table("outbox", sa.column("done_at"), sa.column("failed_at"))


class DomainCollector(Collector):
    """Figures read from the database when Prometheus scrapes (the scrape's own session; nothing is written)."""

    def collect(self) -> Iterator[Metric]:
        try:
            figures = _figures(db.session.connection())
        except Exception:
            log.warning("metrics: the database did not answer", exc_info=True)
            return
        ballots = CounterMetricFamily(
            f"{PREFIX}_ballots_cast", "Ballots cast, replaced ones included (they stay on record)."
        )
        ballots.add_metric([], figures["ballots"])
        yield ballots
        yield GaugeMetricFamily(
            f"{PREFIX}_votes_open", "Votes that have opened and are not closed.", value=figures["open_votes"]
        )
        if "outbox" in figures:
            yield GaugeMetricFamily(
                f"{PREFIX}_outbox_backlog",
                "Mail and jobs written but neither done nor given up on.",
                value=figures["outbox"],
            )


def _figures(connection: sa.Connection) -> dict[str, int]:
    from voting.models import Ballot, Vote

    count = sa.func.count()
    figures = {
        "ballots": connection.scalar(sa.select(count).select_from(Ballot)) or 0,
        "open_votes": connection.scalar(
            sa.select(count).select_from(Vote).where(Vote.closed_at.is_(None), Vote.opens_at <= utcnow())
        )
        or 0,
    }
    if sa.inspect(connection).has_table("outbox"):
        waiting = sa.and_(_outbox.c.done_at.is_(None), _outbox.c.failed_at.is_(None))
        figures["outbox"] = connection.scalar(sa.select(count).select_from(_outbox).where(waiting)) or 0
    return figures


def register(app: Flask) -> None:
    registry = CollectorRegistry()  # one per app, so several apps in one process (tests) do not collide
    metrics = PrometheusMetrics(
        app,
        path=None,  # served below, where the domain's figures join the request metrics
        registry=registry,
        group_by="endpoint",
        defaults_prefix=PREFIX,
        excluded_paths=EXCLUDED_PATHS,
    )
    domain = DomainCollector()
    registry.register(domain)

    @metrics.do_not_track()
    @limiter.exempt
    def prometheus_metrics():
        scrape = registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            scrape = CollectorRegistry()
            multiprocess.MultiProcessCollector(scrape)
            scrape.register(domain)
        return generate_latest(scrape), 200, {"Content-Type": CONTENT_TYPE_LATEST}

    app.add_url_rule("/metrics", "metrics", prometheus_metrics)
