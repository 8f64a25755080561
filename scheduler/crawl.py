"""Running one crawl: its own ``scrapy crawl`` process, under the outlet's lock, recorded.

Twisted's reactor cannot restart, so every crawl is a fresh process. The parent
takes the outlet's advisory lock, creates the ``crawl_runs`` row, runs the crawl
with a time limit, and records how it ended; the child writes its counts.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field

from crawler.archive import Archive
from crawler.extensions import crawl_status
from crawler.registry import CrawlTarget, resolve
from db import runs
from db.config import Config
from db.engine import libpq_url, make_engine

logger = logging.getLogger(__name__)

LOG_TAIL_LINES = 40
STOP_GRACE_SECONDS = 30.0


class CrawlLocked(Exception):
    """Another crawl of the outlet holds its lock."""


@dataclass
class CrawlRequest:
    """What to crawl and how."""

    outlet: str
    """Outlet name: a spider's, or a configured generic site's."""
    trigger: str = "manual"
    host_map: dict[str, str] = field(default_factory=dict)
    """Added to the configured host map."""
    timeout: float | None = None
    """Seconds before the crawl is stopped and recorded as timed out."""
    full: bool = False
    """Fetch archived articles again (catch every edit), not only new ones."""
    settings: dict[str, str] = field(default_factory=dict)
    """Extra Scrapy settings (``-s KEY=VALUE``)."""
    url: str | None = None
    """Start URL for the generic spider."""


@dataclass
class CrawlResult:
    run_id: int
    outlet: str
    status: str
    pages_crawled: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    errors: int
    seconds: float
    error_summary: str | None = None

    def summary(self) -> str:
        return (
            f"{self.outlet}: {self.status} in {self.seconds:.1f}s: {self.pages_crawled} pages, "
            f"{self.articles_new} new, {self.articles_updated} updated, "
            f"{self.articles_unchanged} unchanged, {self.errors} errors"
        )


def crawl_command(request: CrawlRequest, target: CrawlTarget, run_id: int) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", target.spider]
    settings = {"AKHBAR_CRAWL_RUN_ID": str(run_id), **request.settings}
    if request.full:
        settings["AKHBAR_REFETCH_ARCHIVED"] = "True"
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    for key, value in target.spider_args.items():
        command += ["-a", f"{key}={value}"]
    return command


def crawl_environment(config: Config, request: CrawlRequest, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    env["AKHBAR_DATABASE_URL"] = database_url
    host_map = {**config.host_map, **request.host_map}
    env["AKHBAR_HOST_MAP"] = " ".join(f"{host}={origin}" for host, origin in host_map.items())
    if config.source is not None:
        env["AKHBAR_CONFIG"] = str(config.source)
    return env


def run_crawl(config: Config, request: CrawlRequest) -> CrawlResult:
    """Run one crawl to its end and return what ``crawl_runs`` recorded.

    Raises :class:`UnknownOutlet` or :class:`CrawlLocked` without starting anything.
    """
    target = resolve(request.outlet, config, request.url)
    database_url = libpq_url(config)
    archive = Archive(make_engine(database_url, pool_size=1))
    try:
        outlet_id = archive.register_outlet(target.outlet_name, target.outlet)
        with archive.engine.connect() as lock:
            if not runs.try_lock_outlet(lock, outlet_id):
                raise CrawlLocked(f"another crawl of {target.outlet_name} is running")
            run_id = runs.start_run(lock, outlet_id, request.trigger, os.getpid())
            lock.commit()
            logger.info("crawl %s of %s started", run_id, request.outlet)
            started = time.monotonic()
            status, log_tail = _run_process(
                crawl_command(request, target, run_id),
                crawl_environment(config, request, database_url),
                request.timeout,
            )
            row = runs.get_run(lock, run_id) or {}
            if status == "exited":
                stats = row.get("stats") or {}
                status = crawl_status(stats.get("finish_reason"), row.get("pages_crawled", 0))
            runs.finish_run(
                lock,
                run_id,
                status,
                error_summary=row.get("error_summary")
                or (None if status == "succeeded" else status),
                log_tail=log_tail if status != "succeeded" else None,
            )
            lock.commit()
            row = runs.get_run(lock, run_id) or {}
            runs.unlock_outlet(lock, outlet_id)
            lock.commit()
    finally:
        archive.close()
    result = CrawlResult(
        run_id=run_id,
        outlet=target.outlet_name,
        status=row["status"],
        pages_crawled=row["pages_crawled"],
        articles_new=row["articles_new"],
        articles_updated=row["articles_updated"],
        articles_unchanged=row["articles_unchanged"],
        errors=row["errors"],
        error_summary=row["error_summary"],
        seconds=time.monotonic() - started,
    )
    logger.info("crawl %s finished: %s", run_id, result.summary())
    return result


def _run_process(command: list[str], env: dict[str, str], timeout: float | None) -> tuple[str, str]:
    """Run the crawl process; return ``exited``/``failed``/``timed_out`` and its log's tail."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            returncode = process.wait(timeout=timeout)
            outcome = "exited" if returncode == 0 else "failed"
        except subprocess.TimeoutExpired:
            logger.warning("crawl exceeded %ss; stopping it", timeout)
            stop_process(process)
            outcome = "timed_out"
        except BaseException:
            stop_process(process)
            raise
        log.seek(0)
        return outcome, "".join(deque(log, maxlen=LOG_TAIL_LINES))


def stop_process(process: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM (Scrapy closes cleanly), then SIGKILL if it has not exited after ``grace``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
