"""The scheduled job: crawl one outlet. Referenced by text,
``"scheduler.jobs:run_scheduled_crawl"``.

APScheduler stores a job as that reference and its arguments (the outlet's name)
in PostgreSQL, so a stored job must not carry the configuration or the daemon's
state. The daemon installs them here (:func:`install`) before it schedules.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from crawler.registry import UnknownOutlet, crawl_settings
from db.config import Config
from db.engine import DatabaseUnavailable
from db.errors import brief
from scheduler.alerts import alert_for_run
from scheduler.crawl import CrawlLocked, CrawlRequest, CrawlStop
from scheduler.runners import Runner, RunnerError, make_runner

logger = logging.getLogger(__name__)

JOB_REFERENCE = "scheduler.jobs:run_scheduled_crawl"
FORMER_JOB_REFERENCES = ("scheduler.jobs:run_crawl",)
"""What stored jobs referred to before; the daemon rewrites them to :data:`JOB_REFERENCE`."""
JOB_ID_PREFIX = "crawl:"


class JobsNotInstalled(Exception):
    """A job ran in a process whose daemon did not call :func:`install`."""


def job_id(outlet: str) -> str:
    """The stable id of an outlet's job: the same on every daemon and every restart."""
    return f"{JOB_ID_PREFIX}{outlet}"


@dataclass
class RunningCrawls:
    """The crawls this process runs now, each with its stop handle."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stops: dict[str, CrawlStop] = field(default_factory=dict)
    _idle: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._idle = threading.Condition(self._lock)

    def begin(self, outlet: str) -> CrawlStop | None:
        """Register a crawl of ``outlet``; None when this process already crawls it."""
        with self._lock:
            if outlet in self._stops:
                return None
            stop = self._stops[outlet] = CrawlStop()
            return stop

    def end(self, outlet: str) -> None:
        with self._lock:
            self._stops.pop(outlet, None)
            self._idle.notify_all()

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._stops)

    def stop_all(self, force: bool = False) -> None:
        with self._lock:
            for stop in self._stops.values():
                stop.force() if force else stop.request()

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every crawl to end; True when none runs."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._stops, timeout)


@dataclass
class JobContext:
    """What a job needs from the daemon that runs it."""

    config: Config
    crawls: RunningCrawls = field(default_factory=RunningCrawls)
    stopping: threading.Event = field(default_factory=threading.Event)
    runner: Runner = field(init=False)
    """Where crawls run ([scheduler] runner): the daemon decides when, the runner where."""

    def __post_init__(self) -> None:
        self.runner = make_runner(self.config)


_context: JobContext | None = None


def install(context: JobContext) -> None:
    """Make ``context`` the one jobs of this process use."""
    global _context
    _context = context


def run_scheduled_crawl(outlet: str) -> None:
    """Crawl ``outlet`` once (trigger ``scheduled``); never raises, so one bad crawl
    cannot stop the daemon: every outcome is logged, and recorded when it ran."""
    context = _context
    if context is None:
        raise JobsNotInstalled("scheduler.jobs.install() was not called in this process")
    if context.stopping.is_set():
        logger.info("%s: not starting, the daemon is stopping", outlet)
        return
    stop = context.crawls.begin(outlet)
    if stop is None:
        # An older crawl of ours (from before a lost and regained leadership) still runs.
        logger.warning("%s: skipped, this daemon is still crawling it", outlet)
        return
    settings = context.config.scheduler
    request = CrawlRequest(
        outlet=outlet,
        trigger="scheduled",
        timeout=settings.crawl_timeout,
        settings=crawl_settings(context.config),
        stop=stop,
        kill_grace=settings.kill_grace,
    )
    try:
        result = context.runner.run(request)
        logger.info("crawl %s finished: %s", result.run_id, result.summary())
        if result.status == "degraded":
            logger.warning(
                "%s: crawl %s degraded: %s", outlet, result.run_id, result.degraded_reason
            )
        alert_for_run(context.config, result.run_id)
    except CrawlLocked:
        logger.warning("%s: skipped, another crawl of it is running", outlet)
    except UnknownOutlet as exc:
        logger.error("%s: skipped: %s", outlet, exc)
    except RunnerError as exc:
        logger.warning("%s: %s", outlet, exc)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        logger.error("%s: crawl not run or not recorded, database error: %s", outlet, brief(exc))
    except Exception:
        logger.exception("%s: crawl failed unexpectedly", outlet)
    finally:
        context.crawls.end(outlet)


# The job's former name, kept because APScheduler resolves a stored job's reference when it
# loads the job, before the daemon's _sync_jobs can rewrite it: without this name, a job
# stored by an earlier Akhbar would be deleted on load ("Unable to restore job") and lose its
# next run time. Not for new code: use run_scheduled_crawl.
run_crawl = run_scheduled_crawl
