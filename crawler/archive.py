"""The crawler's connection to the archive: blocking calls, run in threads by callers.

Scrapy components never run these on the reactor thread; they wrap them in
``deferToThread``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.settings import BaseSettings
from sqlalchemy import Engine

from crawler.outlet import OutletInfo
from db import articles, runs
from db.config import load_config
from db.engine import libpq_url, make_engine

logger = logging.getLogger(__name__)


class Archive:
    """Blocking access to the archive for one crawl process."""

    def __init__(
        self,
        engine: Engine,
        revisit_days: float = 2.0,
        revisit_interval: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        self.engine = engine
        self.revisit_days = revisit_days
        self.revisit_interval = revisit_interval

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Archive:
        url = settings.get("AKHBAR_DATABASE_URL") or libpq_url(load_config())
        return cls(
            make_engine(url, pool_size=2, max_overflow=0),
            revisit_days=settings.getfloat("AKHBAR_REVISIT_DAYS", 2.0),
            revisit_interval=dt.timedelta(
                seconds=settings.getfloat("AKHBAR_REVISIT_INTERVAL", 3600.0)
            ),
        )

    def close(self) -> None:
        self.engine.dispose()

    def register_outlet(self, name: str, outlet: OutletInfo) -> int:
        row = {
            "name": name,
            "title": outlet.title,
            "base_url": outlet.base_url,
            "language": outlet.language,
            "country": outlet.country,
            "timezone": outlet.timezone,
        }
        with self.engine.begin() as connection:
            return articles.upsert_outlet(connection, row)

    def known_urls(self, outlet_name: str) -> dict[str, bool]:
        with self.engine.connect() as connection:
            return articles.known_urls(
                connection, outlet_name, self.revisit_days, self.revisit_interval
            )

    def store(self, rows: Sequence[Mapping[str, Any]]) -> articles.StoreResult:
        with self.engine.begin() as connection:
            return articles.store_articles(connection, rows)

    def record_counts(self, run_id: int, counts: Mapping[str, Any]) -> None:
        with self.engine.begin() as connection:
            runs.record_counts(connection, run_id, counts)
