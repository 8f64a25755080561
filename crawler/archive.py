"""The crawler's connection to the archive: blocking calls, run in threads by callers.

Scrapy components never run these on the reactor thread; they wrap them in
``deferToThread``. :meth:`Archive.retrying` rides out short database outages
(retries with exponential back-off, reconnecting between attempts).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from scrapy.settings import BaseSettings
from sqlalchemy import Engine

from crawler.crawl_config import crawl_config
from crawler.health import History, degraded_reasons
from crawler.outlet import OutletInfo
from db import articles, captures, runs
from db.config import HealthSettings, load_config
from db.engine import ensure_database_url, make_engine
from db.errors import brief, is_connection_error
from db.health import recent_successes
from db.spool import default_spool_dir

logger = logging.getLogger(__name__)

T = TypeVar("T")


def spool_dir(settings: BaseSettings, data_dir: Path | None = None) -> Path:
    """``AKHBAR_SPOOL_DIR``, else ``spool/`` in the data directory (the configured one
    unless ``data_dir`` is given)."""
    configured = settings.get("AKHBAR_SPOOL_DIR")
    if configured:
        return Path(configured).expanduser()
    return default_spool_dir(data_dir or load_config().data_dir)


def outlet_row(name: str, outlet: OutletInfo) -> dict[str, Any]:
    """The ``outlets`` row of an outlet."""
    return {
        "name": name,
        "title": outlet.title,
        "base_url": outlet.base_url,
        "language": outlet.language,
        "country": outlet.country,
        "timezone": outlet.timezone,
    }


class Archive:
    """Blocking access to the archive for one crawl process."""

    def __init__(
        self,
        engine: Engine,
        *,
        revisit_days: float,
        revisit_interval: dt.timedelta,
        retries: int,
        retry_backoff: float,
    ) -> None:
        self.engine = engine
        self.revisit_days = revisit_days
        self.revisit_interval = revisit_interval
        self.retries = retries
        self.retry_backoff = retry_backoff

    @classmethod
    def from_settings(cls, settings: BaseSettings, engine: Engine | None = None) -> Archive:
        """The archive as a crawl with Scrapy settings ``settings`` sees it (its database,
        revisit policy and retries), on ``engine`` if given."""
        if engine is None:
            url = ensure_database_url(crawl_config(settings))
            engine = make_engine(url, pool_size=2, max_overflow=0)
        return cls(
            engine,
            revisit_days=settings.getfloat("AKHBAR_REVISIT_DAYS"),
            revisit_interval=dt.timedelta(seconds=settings.getfloat("AKHBAR_REVISIT_INTERVAL")),
            retries=settings.getint("AKHBAR_STORE_RETRIES"),
            retry_backoff=settings.getfloat("AKHBAR_STORE_RETRY_BACKOFF"),
        )

    def close(self) -> None:
        self.engine.dispose()

    def retrying(self, operation: Callable[[], T], attempts: int | None = None) -> T:
        """Run a blocking database operation, retrying it after connection errors.

        ``attempts`` defaults to one plus the configured retries; the waits double from
        the configured back-off. Between attempts the pool is emptied so that the next
        attempt connects afresh instead of reusing a connection the outage killed.
        Other errors (the database refusing the data) are raised at once.
        """
        attempts = self.retries + 1 if attempts is None else attempts
        attempt = 1
        while True:
            try:
                return operation()
            except Exception as exc:
                if attempt >= attempts or not is_connection_error(exc):
                    raise
                delay = self.retry_backoff * 2 ** (attempt - 1)
                logger.warning(
                    "database unavailable (%s); retry %d of %d in %.1fs",
                    brief(exc),
                    attempt,
                    attempts - 1,
                    delay,
                )
            self.engine.dispose()
            time.sleep(delay)
            attempt += 1

    def register_outlet(self, name: str, outlet: OutletInfo) -> int:
        return self.upsert_outlet(outlet_row(name, outlet))

    def upsert_outlet(self, row: Mapping[str, Any]) -> int:
        with self.engine.begin() as connection:
            return articles.upsert_outlet(connection, row)

    def known_urls(self, outlet_name: str) -> dict[str, bool]:
        """Archived URLs of the outlet (see :func:`db.articles.known_urls`).

        When the database stays unreachable, none: the crawl then fetches every
        article and spools them, rather than not crawling at all.
        """
        try:
            return self.retrying(lambda: self._known_urls(outlet_name))
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            logger.warning(
                "database unavailable (%s): fetching every article of %s", brief(exc), outlet_name
            )
            return {}

    def _known_urls(self, outlet_name: str) -> dict[str, bool]:
        with self.engine.connect() as connection:
            return articles.known_urls(
                connection, outlet_name, self.revisit_days, self.revisit_interval
            )

    def last_success_started(self, outlet_name: str) -> dt.datetime | None:
        """Start of the outlet's latest successful crawl (None when unknown or unreachable)."""
        try:
            with self.engine.connect() as connection:
                return runs.last_success_started(connection, outlet_name)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            return None

    def last_captures(self, outlet_name: str) -> dict[str, tuple[str, dt.datetime]]:
        """Fetched URL -> (digest, fetched at) of its last capture; none when unreachable."""
        try:
            with self.engine.connect() as connection:
                return captures.last_captures(connection, outlet_name)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            logger.warning("database unavailable (%s): no revisit records this crawl", brief(exc))
            return {}

    def degraded_reasons(
        self, outlet_name: str, run: Mapping[str, Any], settings: HealthSettings
    ) -> list[str]:
        """Why ``run`` (its health columns) is degraded against the outlet's usual."""
        with self.engine.connect() as connection:
            history = History(
                recent=recent_successes(connection, outlet_name, settings.window),
                measured=recent_successes(
                    connection, outlet_name, settings.window, settings.min_articles
                ),
            )
        return degraded_reasons(run, history, settings)

    def record_counts(self, run_id: int, counts: Mapping[str, Any]) -> None:
        with self.engine.begin() as connection:
            runs.record_counts(connection, run_id, counts)
