"""``akhbar run``'s Prometheus metrics, served on ``[scheduler] metrics_address``.

The values are read from PostgreSQL when Prometheus scrapes (a custom collector,
the client library's idiom for state kept elsewhere), not counted by this
process: crawls are recorded by their own processes, on scrapyd nodes, or under
another daemon that led before this one, and every daemon, leader or standby,
shows the same archive. Only the leadership is this daemon's own. A scrape while
the database is unreachable still answers: ``akhbar_database_up 0`` and the
leadership, no outlet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.failures import ERROR_PREFIX
from db.config import Config, ConfigError
from db.engine import DatabaseUnavailable, make_engine
from db.errors import brief, is_connection_error
from db.metrics import OutletMetrics, outlet_metrics
from db.models import CRAWL_STATUSES

logger = logging.getLogger(__name__)

FINISHED_STATUSES = tuple(status for status in CRAWL_STATUSES if status != "running")


class ArchiveCollector(Collector):
    """The daemon's leadership, and each outlet's crawls and articles from the database."""

    def __init__(self, database_url: Callable[[], str | None], leads: Callable[[], bool]) -> None:
        """``database_url``: the daemon's, None until it knows it (the embedded server
        starts with the daemon's first connection); ``leads``: whether it leads now."""
        self._database_url = database_url
        self._leads = leads
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        leader = GaugeMetricFamily(
            "akhbar_daemon_leader",
            "1 when this daemon leads (schedules crawls), 0 when it stands by.",
        )
        leader.add_metric([], 1.0 if self._leads() else 0.0)
        yield leader
        outlets = self._read()
        up = GaugeMetricFamily(
            "akhbar_database_up", "1 when the archive's database answered this scrape."
        )
        up.add_metric([], 0.0 if outlets is None else 1.0)
        yield up
        if outlets is not None:
            yield from outlet_families(outlets)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _read(self) -> list[OutletMetrics] | None:
        url = self._database_url()
        if url is None:
            return None
        try:
            with self._connect(url).connect() as connection:
                return outlet_metrics(connection, ERROR_PREFIX)
        except (SQLAlchemyError, DatabaseUnavailable, OSError) as exc:
            # The daemon logs outages itself; a scrape every few seconds would repeat it.
            level = logging.DEBUG if is_connection_error(exc) else logging.WARNING
            logger.log(level, "metrics: database not read: %s", brief(exc))
            return None

    def _connect(self, url: str) -> Engine:
        with self._lock:
            if self._engine is None:
                # Scrapes are seconds apart: one connection, and a spare for an overlap.
                self._engine = make_engine(url, pool_size=1, max_overflow=1, pool_timeout=5)
            return self._engine


def outlet_families(outlets: list[OutletMetrics]) -> Iterator[Metric]:
    """The per-outlet metric families, one sample per outlet (and status, reason)."""
    status = GaugeMetricFamily(
        "akhbar_outlet_last_crawl_status",
        "1 for the status of the outlet's latest finished crawl, 0 for the others.",
        labels=["outlet", "status"],
    )
    degraded = GaugeMetricFamily(
        "akhbar_outlet_degraded",
        "1 when the outlet's latest finished crawl is degraded (extraction health).",
        labels=["outlet"],
    )
    finished = GaugeMetricFamily(
        "akhbar_outlet_last_crawl_timestamp_seconds",
        "When the outlet's latest finished crawl ended (Unix time).",
        labels=["outlet"],
    )
    duration = GaugeMetricFamily(
        "akhbar_outlet_last_crawl_duration_seconds",
        "How long the outlet's latest finished crawl ran.",
        labels=["outlet"],
    )
    succeeded = GaugeMetricFamily(
        "akhbar_outlet_last_success_timestamp_seconds",
        "When the outlet's latest succeeded crawl ended (Unix time).",
        labels=["outlet"],
    )
    errors = GaugeMetricFamily(
        "akhbar_outlet_last_crawl_errors",
        "Errors of the outlet's latest finished crawl, by reason.",
        labels=["outlet", "reason"],
    )
    articles = CounterMetricFamily(
        "akhbar_outlet_articles_stored",
        "Articles of the outlet stored in the archive.",
        labels=["outlet"],
    )
    for item in outlets:
        articles.add_metric([item.outlet], item.articles)
        if item.last_succeeded is not None:
            succeeded.add_metric([item.outlet], item.last_succeeded.timestamp())
        if item.last_status is None or item.last_finished is None or item.last_started is None:
            continue  # never crawled to the end: nothing to say about its last crawl
        for name in FINISHED_STATUSES:
            status.add_metric([item.outlet, name], 1.0 if item.last_status == name else 0.0)
        degraded.add_metric([item.outlet], 1.0 if item.last_status == "degraded" else 0.0)
        finished.add_metric([item.outlet], item.last_finished.timestamp())
        seconds = (item.last_finished - item.last_started).total_seconds()
        duration.add_metric([item.outlet], seconds)
        for reason, count in sorted(item.errors.items()):
            errors.add_metric([item.outlet, reason], count)
    yield from (status, degraded, finished, duration, succeeded, errors, articles)


class MetricsServer:
    """prometheus_client's own HTTP server, in a thread, on the configured address only."""

    def __init__(self, server: WSGIServer, thread: threading.Thread, collector: ArchiveCollector):
        self._server = server
        self._thread = thread
        self._collector = collector

    @classmethod
    def start(
        cls,
        config: Config,
        address: tuple[str, int],
        database_url: Callable[[], str | None],
        leads: Callable[[], bool],
    ) -> MetricsServer:
        """Listen on ``address``; a ConfigError naming the key when that cannot be done."""
        host, port = address
        collector = ArchiveCollector(database_url, leads)
        registry = CollectorRegistry()
        registry.register(collector)
        ProcessCollector(registry=registry)  # process_cpu_seconds_total and friends
        try:
            server, thread = start_http_server(port, addr=host, registry=registry)
        except OSError as exc:
            where = config.source or "configuration"
            raise ConfigError(
                f"{where}: scheduler.metrics_address = '{_show(host, port)}': "
                f"cannot listen there: {exc.strerror or exc}"
            ) from exc
        logger.info("metrics on http://%s/metrics", _show(host, port))
        return cls(server, thread, collector)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._collector.close()


def _show(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve_metrics(
    config: Config, database_url: Callable[[], str | None], leads: Callable[[], bool]
) -> MetricsServer | None:
    """Serve metrics when ``[scheduler] metrics_address`` is set (it is not by default)."""
    address = config.scheduler.metrics_address
    return None if address is None else MetricsServer.start(config, address, database_url, leads)
