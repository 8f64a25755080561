"""``akhbar run``: the daemon that crawls every enabled outlet on its schedule.

The main thread owns the daemon's life: it polls the leadership lock, starts and
stops the scheduler, handles signals, and runs the graceful stop. Scheduling
itself is APScheduler's (a ``BackgroundScheduler`` whose jobs live in
PostgreSQL, ``SQLAlchemyJobStore``), started only while this daemon leads, so a
standby never runs jobs. A ``BlockingScheduler`` would hold the main thread, and
leadership would then have to be checked, and the scheduler shut down, from a
worker thread; here ``shutdown()`` is always called from the main thread.

Job defaults, on purpose:

- ``coalesce=True``: runs missed while the daemon was down (or the lead changed
  hands) are merged into one, so a crawl happens once on return, not N times.
- ``max_instances=1``: an outlet's next run is skipped while its last one still
  crawls (across daemons, the outlet's advisory lock does the same).
- ``misfire_grace_time`` (``[scheduler] misfire_grace_time``, default an hour): a
  run late by less still happens; a run later than that is dropped and the outlet
  waits for its next slot, so a daemon back after a long outage does not crawl
  on stale orders.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import time
from types import FrameType

import psycopg
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError

from db.config import Config
from db.embedded import EmbeddedServerError
from db.engine import DatabaseUnavailable, describe_server, ensure_database_url, make_engine
from db.errors import brief
from db.leadership import Leadership, LeadershipLost, identity
from db.schedules import ScheduleError
from scheduler import jobs
from scheduler.metrics import MetricsServer, serve_metrics
from scheduler.schedules import outlet_schedules, parse_schedule

logger = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"  # excluded from Alembic's autogenerate (migrations/env.py)
BACKOFF_START = 1.0
BACKOFF_MAX = 30.0
SLEEP_SLICE = 0.2
"""Signal handlers only set flags; the main thread looks at them this often."""
RECORD_WAIT = 30.0
"""After crawls were told to stop: how long to wait for them to record their outcome."""

_DATABASE_ERRORS = (
    LeadershipLost,
    psycopg.Error,
    SQLAlchemyError,
    DatabaseUnavailable,
    EmbeddedServerError,
    OSError,
)


class SchedulerStopped(LeadershipLost):
    """The scheduler's thread ended on its own (a job store error it did not survive)."""


class _CrawlExecutor(ThreadPoolExecutor):
    """APScheduler's thread pool, refusing quietly once shut down.

    The scheduler's loop can be waiting for the job store lock while ``shutdown()``
    holds it; it then hands over jobs it read due, and the stock pool would log a
    traceback for each. Once shut down, those are simply not started.
    """

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers)
        self.closed = False

    def shutdown(self, wait: bool = True) -> None:
        self.closed = True
        super().shutdown(wait)

    def submit_job(self, job: Job, run_times: list[dt.datetime]) -> None:
        if self.closed:
            logger.info("%s: not started, the scheduler is stopping", job.id)
            return
        super().submit_job(job, run_times)


class _Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler, surviving a job store that drops its connection.

    APScheduler 3 guards reading due jobs but not the next-run-time query that ends each
    pass of its loop: a lost connection there ends the loop's thread with a traceback.
    Here that pass waits ``jobstore_retry_interval`` instead, as for the guarded read, and
    the main loop, which sees the outage on its own connection, stops or keeps the scheduler.
    """

    def _process_jobs(self) -> float | None:
        try:
            return super()._process_jobs()
        except _DATABASE_ERRORS as exc:
            logger.warning("job store unavailable: %s", brief(exc))
            return self.jobstore_retry_interval


class Backoff:
    """Delays that double from ``start`` up to ``cap``, for retrying the database."""

    def __init__(self, start: float = BACKOFF_START, cap: float = BACKOFF_MAX) -> None:
        self.start, self.cap = start, cap
        self.delay = start

    def next(self) -> float:
        delay = self.delay
        self.delay = min(self.delay * 2, self.cap)
        return delay

    def reset(self) -> None:
        self.delay = self.start


class Daemon:
    """One ``akhbar run`` process."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.settings = config.scheduler
        self.context = jobs.JobContext(config)
        self.scheduler: BackgroundScheduler | None = None
        self.leadership: Leadership | None = None
        self.signals: list[str] = []
        self.metrics: MetricsServer | None = None

    # Life --------------------------------------------------------------------

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit status (0 after a clean stop)."""
        # First, so that an address already in use stops the daemon before it does anything.
        self.metrics = serve_metrics(
            self.config,
            lambda: self.leadership.url if self.leadership else None,
            lambda: self.leadership is not None and self.leadership.is_leader,
        )
        jobs.install(self.context)
        self._install_signal_handlers()
        # One line per crawl start/finish is ours; APScheduler's own per-run lines are noise.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)
        logger.info("daemon %s starting", identity())
        backoff = Backoff()
        standing_by = False
        failing = False
        while not self.signals:
            try:
                leadership = self._leadership()
                if leadership.connection is None:
                    leadership.connect()
                    if failing:
                        logger.info("database %s is back", describe_server(leadership.url))
                if self.scheduler is None:
                    if leadership.try_acquire():
                        logger.info("leader: scheduling crawls")
                        self._start_scheduler(leadership.url)
                        standing_by = False
                    elif not standing_by:
                        logger.info("standby: another daemon leads; taking over if it stops")
                        standing_by = True
                else:
                    leadership.check()
                    self._check_scheduler()
                failing = False
                backoff.reset()
                self._sleep(self.settings.leader_poll)
            except _DATABASE_ERRORS as exc:
                paused = self.scheduler is not None
                self._stop_scheduler()
                if self.leadership is not None:
                    self.leadership.close()
                delay = backoff.next()
                where = describe_server(self.leadership.url) if self.leadership else "database"
                logger.error(
                    "database %s unavailable: %s; %sretrying in %.0fs",
                    where,
                    brief(exc),
                    "scheduling paused; " if paused else "",
                    delay,
                )
                failing = True
                standing_by = False
                self._sleep(delay)
        self._graceful_stop()
        return 0

    def _leadership(self) -> Leadership:
        if self.leadership is None:
            # The embedded server (no URL configured) is started here, retried like the rest.
            self.leadership = Leadership(ensure_database_url(self.config))
        return self.leadership

    # Signals -----------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: the main thread may hold locks (logging, APScheduler) right now.
        self.signals.append(signal.Signals(signum).name)

    def _sleep(self, seconds: float) -> None:
        """Sleep, waking early when a signal arrives."""
        seen = len(self.signals)
        deadline = time.monotonic() + seconds
        while len(self.signals) == seen and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(SLEEP_SLICE, left))

    # The scheduler -----------------------------------------------------------

    def _start_scheduler(self, url: str) -> None:
        store = SQLAlchemyJobStore(engine=make_engine(url, pool_size=2), tablename=JOBSTORE_TABLE)
        scheduler = _Scheduler(
            jobstores={"default": store},
            executors={"default": _CrawlExecutor(self.settings.max_crawls)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.settings.misfire_grace_time,
            },
            timezone=dt.UTC,
            jobstore_retry_interval=5,
        )
        try:
            scheduler.start(paused=True)  # creates the job table; runs nothing yet
            self._sync_jobs(scheduler)
            scheduler.resume()
        except BaseException:
            _shutdown(scheduler)
            raise
        self.scheduler = scheduler

    def _sync_jobs(self, scheduler: BackgroundScheduler) -> None:
        """Make the stored jobs match the configuration.

        A job whose schedule is unchanged is left alone, so that its stored next
        run time survives restarts and changes of leader (a run missed meanwhile
        happens on return); a new or changed one is written with its stable id and
        ``replace_existing=True``; the jobs of outlets gone or disabled are removed.
        A job stored under the job function's former name is pointed at the current one,
        its next run time kept.
        """
        existing = {
            job.id: job for job in scheduler.get_jobs() if job.id.startswith(jobs.JOB_ID_PREFIX)
        }
        wanted: set[str] = set()
        for outlet in outlet_schedules(self.config).values():
            if not outlet.enabled:
                logger.info("%s: disabled in the configuration; not scheduled", outlet.outlet)
                continue
            try:
                trigger = parse_schedule(outlet.schedule, self.settings.jitter)
            except ScheduleError as exc:
                logger.error("%s: not scheduled: %s", outlet.outlet, exc)
                continue
            job_id = jobs.job_id(outlet.outlet)
            wanted.add(job_id)
            name = f"crawl {outlet.outlet} ({outlet.schedule}, jitter {self.settings.jitter:g}s)"
            job = existing.get(job_id)
            if job is not None and job.name == name and job.func_ref in jobs.FORMER_JOB_REFERENCES:
                job = scheduler.modify_job(job_id, func=jobs.JOB_REFERENCE)
            if job is not None and job.name == name and job.func_ref == jobs.JOB_REFERENCE:
                logger.info("%s: every %s, next at %s", outlet.outlet, outlet.schedule, _when(job))
                continue
            job = scheduler.add_job(
                jobs.JOB_REFERENCE,
                trigger,
                args=[outlet.outlet],
                id=job_id,
                name=name,
                replace_existing=True,
            )
            logger.info("%s: every %s, next at %s", outlet.outlet, outlet.schedule, _when(job))
        for job_id in sorted(set(existing) - wanted):
            logger.info("%s: no longer scheduled", job_id.removeprefix(jobs.JOB_ID_PREFIX))
            scheduler.remove_job(job_id)

    def _check_scheduler(self) -> None:
        # APScheduler's loop dies if the job store fails between reading due jobs and
        # writing their next run; then start it again rather than lead without scheduling.
        thread = getattr(self.scheduler, "_thread", None)
        if thread is not None and not thread.is_alive():
            raise SchedulerStopped("the scheduler's loop ended")

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            _shutdown(self.scheduler)
            self.scheduler = None

    # Stopping ----------------------------------------------------------------

    def _graceful_stop(self) -> None:
        """No new crawls; running ones get ``stop_grace`` to end, then are stopped."""
        logger.info("received %s: stopping", self.signals[0])
        self.context.stopping.set()
        self._stop_scheduler()
        crawls = self.context.crawls
        if crawls.names():
            logger.info(
                "waiting up to %gs for running crawls to finish: %s (signal again to force)",
                self.settings.stop_grace,
                ", ".join(crawls.names()),
            )
            deadline = time.monotonic() + self.settings.stop_grace
            while crawls.names() and time.monotonic() < deadline and len(self.signals) < 2:
                crawls.wait_idle(SLEEP_SLICE)
        if crawls.names():
            forced = len(self.signals) >= 2
            logger.info(
                "%s running crawls: %s",
                "killing" if forced else "stopping",
                ", ".join(crawls.names()),
            )
            crawls.stop_all(force=forced)
            deadline = time.monotonic() + self.settings.kill_grace + RECORD_WAIT
            while crawls.names() and time.monotonic() < deadline:
                if len(self.signals) >= 2 and not forced:
                    logger.info("second signal: killing running crawls")
                    crawls.stop_all(force=True)
                    forced = True
                crawls.wait_idle(SLEEP_SLICE)
            if crawls.names():
                # The database does not answer to record them; do not hang forever.
                logger.error("crawls did not finish recording: %s", ", ".join(crawls.names()))
                logging.shutdown()
                os._exit(1)
        if self.leadership is not None:
            self.leadership.close()
        if self.metrics is not None:  # served until now: a stop's crawls show in the metrics
            self.metrics.stop()
        logger.info("daemon %s stopped", identity())


def _shutdown(scheduler: BackgroundScheduler) -> None:
    try:
        scheduler.shutdown(wait=False)  # running crawls finish on their own threads
    except Exception as exc:  # already stopped, or the job store's database is gone
        logger.debug("scheduler shutdown: %s", exc)


def _when(job: object) -> str:
    next_run = getattr(job, "next_run_time", None)
    return next_run.strftime("%Y-%m-%d %H:%M:%S UTC") if next_run else "never (paused)"


def run_daemon(config: Config) -> int:
    """Run the daemon in this process until it is told to stop."""
    return Daemon(config).run()
