"""Running one crawl: its own ``scrapy crawl`` process, under the outlet's lock, recorded.

Twisted's reactor cannot restart, so every crawl is a fresh process. The parent
takes the outlet's advisory lock, creates the ``crawl_runs`` row, runs the crawl
with a time limit, and records how it ended; the child writes its counts.

A crawl can be asked to stop (:class:`CrawlStop`, the daemon's graceful stop):
the child gets SIGTERM, Scrapy closes cleanly and writes its counts, and the run
is recorded ``interrupted``. The child runs in a process group of its own, so a
Ctrl-C at the terminal reaches the parent only and the parent decides; and it is
stopped by the kernel if the parent dies (:mod:`scheduler.child`).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from sqlalchemy import Connection

from crawler.archive import Archive
from crawler.extensions import LOG_TAIL_LINES, crawl_status
from crawler.lock_keeper import LOCK_TAKEN, TAKEN, LockKeeper
from crawler.registry import CrawlTarget, crawl_scrapy_settings, resolve
from db import runs
from db.config import Config
from db.engine import ensure_database_url, make_engine

logger = logging.getLogger(__name__)

FINE = ("succeeded", "degraded")
"""Statuses of a crawl that ran to its end and stored articles: no error summary of their own."""
STOP_GRACE_SECONDS = 30.0
POLL_SECONDS = 0.2
"""How often the parent looks at its child, its time limit and stop requests."""


class CrawlLocked(Exception):
    """Another crawl of the outlet holds its lock."""


class CrawlStop:
    """Asks running crawls to stop, from another thread (the daemon's main thread).

    :meth:`request` sends SIGTERM to the crawl process and gives it its grace to
    close; :meth:`force` (a second signal to the daemon) kills it at once.
    """

    def __init__(self) -> None:
        self._requested = threading.Event()
        self._forced = threading.Event()

    def request(self) -> None:
        self._requested.set()

    def force(self) -> None:
        self._forced.set()
        self._requested.set()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    @property
    def forced(self) -> bool:
        return self._forced.is_set()


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
    stop: CrawlStop | None = None
    """Set it to stop the crawl before its end; the run is recorded ``interrupted``."""
    kill_grace: float = STOP_GRACE_SECONDS
    """Seconds the crawl process has to close after SIGTERM before it is killed."""


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
    degraded_reason: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any], seconds: float) -> CrawlResult:
        """What a finished run's row (``db.runs.get_run``) records, ``seconds`` after it began."""
        return cls(
            run_id=row["id"],
            outlet=row["outlet"],
            status=row["status"],
            pages_crawled=row["pages_crawled"],
            articles_new=row["articles_new"],
            articles_updated=row["articles_updated"],
            articles_unchanged=row["articles_unchanged"],
            errors=row["errors"],
            error_summary=row["error_summary"],
            degraded_reason=row["degraded_reason"],
            seconds=seconds,
        )

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
    A KeyboardInterrupt stops the crawl, records it ``interrupted``, and is raised again.
    """
    target = resolve(request.outlet, config, request.url)
    database_url = ensure_database_url(config)
    settings = crawl_scrapy_settings(config)
    settings.setdict(request.settings, priority="cmdline")
    # The parent's share of the crawl (its lock, its record) follows the crawl's settings.
    archive = Archive.from_settings(settings, make_engine(database_url, pool_size=1))
    try:
        outlet_id = archive.register_outlet(target.outlet_name, target.outlet)
        with archive.engine.connect() as lock:
            run_id = runs.begin_locked_run(
                lock, outlet_id, target.outlet_name, request.trigger, os.getpid()
            )
            lock.commit()
            if run_id is None:
                raise CrawlLocked(f"another crawl of {target.outlet_name} is running")
            logger.info("crawl %s of %s started", run_id, request.outlet)
            started = time.monotonic()
            # A database failover interrupts nothing: the keeper takes the lock again after it,
            # and the crawl stops only if another crawl took it meanwhile.
            keeper = LockKeeper(
                archive.engine,
                lock,
                outlet_id,
                run_id,
                settings.getfloat("AKHBAR_LOCK_CHECK_INTERVAL"),
            )
            try:
                outcome = _run_process(
                    crawl_command(request, target, run_id),
                    crawl_environment(config, request, database_url),
                    request,
                    keeper.check,
                )
                row = _record_end(archive, keeper, run_id, outcome)
            finally:
                keeper.release()
    finally:
        archive.close()
    result = CrawlResult.from_row(row, time.monotonic() - started)
    # No log line of the summary here: the commands print it, the daemon's job logs it.
    if outcome.keyboard_interrupt:
        raise KeyboardInterrupt
    return result


def _record_end(
    archive: Archive, keeper: LockKeeper, run_id: int, outcome: _ProcessOutcome
) -> dict[str, Any]:
    """Record how the crawl ended and return its row.

    On the lock's connection if it still works, else on a new one, retried with
    back-off: a database that went away and came back during the crawl must not
    leave the run ``running``.
    """

    def finish() -> dict[str, Any]:
        ended = outcome
        if keeper.check(now=True) == TAKEN and outcome.error_summary is None:
            ended = replace(outcome, status="interrupted", error_summary=LOCK_TAKEN)
        with keeper.connection() as connection:
            return _finish(connection, run_id, ended)

    return archive.retrying(finish)


def _finish(connection: Connection, run_id: int, outcome: _ProcessOutcome) -> dict[str, Any]:
    status = outcome.status
    row = runs.get_run(connection, run_id) or {}
    if status == "exited":
        # The crawl process judged its health against the outlet's usual (crawler.health).
        status = crawl_status(row.get("stats") or {}, row.get("degraded_reason"))
    runs.finish_run(
        connection,
        run_id,
        status,
        error_summary=outcome.error_summary
        or row.get("error_summary")
        or (None if status in FINE else status),
        log_tail=_log_tail(row, outcome, status),
    )
    connection.commit()
    return runs.get_run(connection, run_id) or {}


def _log_tail(row: dict[str, Any], outcome: _ProcessOutcome, status: str) -> str | None:
    """The log tail to record, None to leave the row's as it is.

    The crawl process records its own (first error, last lines) when it closes;
    the end of its output stands in when it never got that far (killed, crashed,
    no database), for a run that failed or counted errors.
    """
    if row.get("log_tail") or (status == "succeeded" and not row.get("errors")):
        return None
    return outcome.log_tail


@dataclass
class _ProcessOutcome:
    status: str
    """``exited``, ``failed``, ``timed_out`` or ``interrupted``."""
    log_tail: str
    keyboard_interrupt: bool = False
    error_summary: str | None = None
    """Why the parent stopped the crawl, when the run's own summary would not say."""


def launcher_command(command: list[str]) -> list[str]:
    """``command``, started so that it is stopped when this process dies."""
    return [sys.executable, "-m", "scheduler.child", str(os.getpid()), "--", *command]


def _run_process(
    command: list[str],
    env: dict[str, str],
    request: CrawlRequest,
    lock_state: Callable[[], str],
) -> _ProcessOutcome:
    """Run the crawl process to its end, its time limit, a stop request, or another crawl
    taking its lock during a database outage (``lock_state``: a :class:`LockKeeper`'s check)."""
    stop = request.stop
    with (
        tempfile.NamedTemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log,
        open(log.name, encoding="utf-8", errors="replace") as reader,
    ):
        # -v (debug logging) shows the crawl's own log, errors and tracebacks, as it goes;
        # otherwise only its tail is kept, in crawl_runs.log_tail.
        echo = reader if logger.isEnabledFor(logging.DEBUG) else None
        process = subprocess.Popen(
            launcher_command(command),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        deadline = None if request.timeout is None else time.monotonic() + request.timeout
        keyboard_interrupt = False
        error_summary = None
        try:
            while True:
                try:
                    returncode = process.wait(timeout=POLL_SECONDS)
                    outcome = "exited" if returncode == 0 else "failed"
                    break
                except subprocess.TimeoutExpired:
                    _echo(echo)
                now = time.monotonic()
                if stop is not None and stop.requested:
                    logger.info("stopping the crawl of %s (pid %s)", request.outlet, process.pid)
                    stop_process(process, request.kill_grace, stop)
                    outcome = "interrupted"
                    break
                if deadline is not None and now >= deadline:
                    logger.warning(
                        "crawl of %s exceeded its %ss time limit; stopping it",
                        request.outlet,
                        request.timeout,
                    )
                    stop_process(process, request.kill_grace, stop)
                    outcome = "timed_out"
                    break
                if lock_state() == TAKEN:
                    # Another crawl of the outlet runs (or ran) meanwhile: ours must not go on.
                    logger.error("crawl of %s: %s; stopping it", request.outlet, LOCK_TAKEN)
                    stop_process(process, request.kill_grace, stop)
                    outcome, error_summary = "interrupted", LOCK_TAKEN
                    break
        except KeyboardInterrupt:
            stop_process(process, request.kill_grace, stop)
            outcome = "interrupted"
            keyboard_interrupt = True
        except BaseException:
            stop_process(process, request.kill_grace, stop)
            raise
        _echo(echo)
        log.seek(0)
        tail = "".join(deque(log, maxlen=LOG_TAIL_LINES))
        return _ProcessOutcome(outcome, tail, keyboard_interrupt, error_summary)


def _echo(reader: TextIO | None) -> None:
    """Copy to stderr what the crawl process wrote since the last call, if asked to."""
    if reader is None:
        return
    sys.stderr.write(reader.read())
    sys.stderr.flush()


def stop_process(
    process: subprocess.Popen[bytes],
    grace: float = STOP_GRACE_SECONDS,
    stop: CrawlStop | None = None,
) -> None:
    """SIGTERM (Scrapy closes cleanly), then SIGKILL after ``grace`` or when ``stop`` is forced."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not (stop is not None and stop.forced):
        try:
            process.wait(timeout=POLL_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue
    if process.poll() is None:
        logger.warning("crawl process %s did not close in time; killing it", process.pid)
        process.kill()
    process.wait()
