"""Crawls of hostile sites into a database of their own, for the reliability tests.

Crawls run as real ``scrapy crawl`` processes through ``scheduler.crawl.run_crawl``
(what ``akhbar crawl generic --url`` does), with the production settings except
for what makes a local test fast: no AutoThrottle, short timeouts, one retry,
short waits for ``Retry-After``, a shallow trap bound. Each crawl's log goes to
a file so tests can read what it said about each fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from db.config import load_config
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.reliability.hostile_server import HostileSite, Robots

MAX_LISTING_PAGES = 5
#: A local crawl of hostile pages: fast, but every limit and guard of production in place.
FAULT_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "AKHBAR_RETRY_AFTER_MAX": "5",
    "AKHBAR_MAX_LISTING_PAGES": str(MAX_LISTING_PAGES),
}


@dataclass
class SiteCrawl:
    """One crawl of a hostile site: its result, its log, and what the site saw."""

    host: str
    site: HostileSite
    result: CrawlResult
    log: str
    database_url: str

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        with psycopg.connect(self.database_url, row_factory=dict_row, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def articles(self) -> dict[str, dict[str, Any]]:
        """The archived articles of this site, by path."""
        rows = self.query(
            "SELECT a.* FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE o.name = %s",
            self.host,
        )
        return {row["url"].removeprefix(f"https://{self.host}"): row for row in rows}

    def errors(self) -> dict[str, int]:
        """``crawl_runs.error_summary`` of the crawl, as reason -> count."""
        [run] = self.query("SELECT error_summary FROM crawl_runs WHERE id = %s", self.result.run_id)
        lines = (run["error_summary"] or "").splitlines()
        return {k: int(v) for k, _, v in (line.partition(": ") for line in lines)}


class HostileCrawler:
    """Serves hostile sites under production-looking host names and crawls them."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.database_url = database_url
        self.logs = logs
        # The host every offsite redirect points at: it must never be asked for anything.
        self.elsewhere = HostileSite(faults=False).start()
        self.sites = [self.elsewhere]

    def crawl(self, host: str, robots: Robots = "allow", faults: bool = True) -> SiteCrawl:
        site = HostileSite(robots=robots, faults=faults).start()
        self.sites.append(site)
        log = self.logs / f"{host}.log"
        config = load_config(environ={"AKHBAR_DATABASE_URL": self.database_url})
        request = CrawlRequest(
            outlet="generic",
            url=f"https://{host}/",
            host_map={host: site.origin, "elsewhere.test": self.elsewhere.origin},
            timeout=60,
            settings={**FAULT_SETTINGS, "LOG_FILE": str(log)},
        )
        result = run_crawl(config, request)
        return SiteCrawl(host, site, result, log.read_text("utf-8"), self.database_url)

    def stop(self) -> None:
        for site in self.sites:
            site.stop()
