"""Where a crawl runs. The daemon decides *when*; a runner decides *where*.

- :class:`LocalRunner` (``[scheduler] runner = "local"``): a ``scrapy crawl``
  process of the daemon's own (:func:`scheduler.crawl.run_crawl`).
- :class:`ScrapydRunner` (``runner = "scrapyd"``): a job on the least busy
  ``[scrapyd]`` node. The crawl there takes its outlet's advisory lock and records
  its run itself, as a plain ``scrapy crawl`` does (``crawler.extensions``); the
  daemon only tells it its trigger, node and job id (``-s`` settings), follows
  the job with listjobs.json, stops it with cancel.json at the time limit or on a
  graceful stop, and then records why it stopped.

A node that dies takes its crawl with it: the crawl's database session ends, its
lock goes, and the outlet's next crawl (on another node) records the run
``interrupted``. A node that merely stops answering the daemon keeps its crawl's
lock, so a crawl of the outlet sent elsewhere meanwhile finds the lock taken and
ends without crawling: the lock, not the daemon, keeps crawls from overlapping.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from crawler.registry import CrawlTarget, resolve
from db import runs
from db.config import Config, ScrapydNode
from db.engine import ensure_database_url, make_engine
from scheduler.crawl import POLL_SECONDS, CrawlRequest, CrawlResult, run_crawl
from scheduler.scrapyd import ScrapydClient, ScrapydError

logger = logging.getLogger(__name__)


class RunnerError(Exception):
    """The crawl could not be run or its run not found; the message says why."""


class NoNodeAvailable(RunnerError):
    """No scrapyd node answered, or every one refused the job."""


class NodeLost(RunnerError):
    """The node running the job stopped answering for ``[scrapyd] node_timeout``."""


class RunNotRecorded(RunnerError):
    """The job ended without a run in crawl_runs (lock taken, or no database on the node)."""


class Runner(Protocol):
    def run(self, request: CrawlRequest) -> CrawlResult:
        """Run one crawl to its end and return what ``crawl_runs`` recorded."""
        ...


@dataclass
class LocalRunner:
    """A crawl process of this daemon's, under the lock the daemon takes for it."""

    config: Config

    def run(self, request: CrawlRequest) -> CrawlResult:
        return run_crawl(self.config, request)


@dataclass
class _Dispatched:
    client: ScrapydClient
    job: str
    started: float


class ScrapydRunner:
    """Crawls as scrapyd jobs on the configured nodes; safe to call from many threads."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.settings = config.scrapyd
        self._choosing = threading.Lock()
        self._turn = itertools.count()

    def run(self, request: CrawlRequest) -> CrawlResult:
        target = resolve(request.outlet, self.config, request.url)
        dispatched = self._dispatch(target, request)
        try:
            outcome = self._follow(dispatched, request)
        finally:
            dispatched.client.close()
        where = f"job {dispatched.job} on {dispatched.client.node.url}"
        if outcome == "lost":
            raise NodeLost(
                f"{where} given up: the node stopped answering (if the crawl died with it, "
                "the outlet's next crawl records its run interrupted)"
            )
        row = self._record(dispatched, outcome)
        if row is None and outcome != "exited":
            raise RunNotRecorded(f"{where} was stopped before its crawl recorded a run")
        if row is None:
            raise RunNotRecorded(
                f"{where} ended without recording a run: another crawl of the outlet held "
                "its lock, or the crawl could not reach the database (see the node's log)"
            )
        return CrawlResult.from_row(row, time.monotonic() - dispatched.started)

    # Sending ---------------------------------------------------------------------

    def _dispatch(self, target: CrawlTarget, request: CrawlRequest) -> _Dispatched:
        """Queue the crawl on the least busy node that answers."""
        job = uuid.uuid4().hex
        # One choice at a time: a job queued on a node counts in its load (pending) for
        # the next choice, so two outlets due together go to two idle nodes.
        with self._choosing:
            for client in self._by_load():
                try:
                    client.schedule(
                        self.settings.project,
                        target.spider,
                        job,
                        self._crawl_settings(request, client.node, job),
                        target.spider_args,
                    )
                except ScrapydError as exc:
                    logger.warning("%s: not sent to this node: %s", request.outlet, exc)
                    client.close()
                    continue
                logger.info("crawl of %s sent to %s (job %s)", request.outlet, client.node.url, job)
                return _Dispatched(client, job, time.monotonic())
        raise NoNodeAvailable("no scrapyd node answered or took the job")

    def _by_load(self) -> list[ScrapydClient]:
        """Nodes that answer daemonstatus.json, least busy first; ties taken in turn."""
        nodes = self.settings.nodes
        start = next(self._turn) % len(nodes)
        answering: list[tuple[int, int, ScrapydClient]] = []
        for rank, node in enumerate(nodes[start:] + nodes[:start]):
            client = ScrapydClient(node)
            try:
                answering.append((client.load(), rank, client))
            except ScrapydError as exc:
                logger.warning("scrapyd node skipped: %s", exc)
                client.close()
        return [client for _, _, client in sorted(answering, key=lambda item: item[:2])]

    def _crawl_settings(self, request: CrawlRequest, node: ScrapydNode, job: str) -> dict[str, str]:
        """The ``-s`` settings of the job: the crawl records its run with these."""
        settings = {
            **request.settings,
            "AKHBAR_CRAWL_TRIGGER": request.trigger,
            "AKHBAR_CRAWL_NODE": node.url,
            "AKHBAR_SCRAPYD_JOB": job,
        }
        host_map = {**self.config.host_map, **request.host_map}
        if host_map:
            settings["AKHBAR_HOST_MAP"] = " ".join(f"{h}={o}" for h, o in host_map.items())
        if request.full:
            settings["AKHBAR_REFETCH_ARCHIVED"] = "True"
        return settings

    # Following -------------------------------------------------------------------

    def _follow(self, dispatched: _Dispatched, request: CrawlRequest) -> str:
        """Wait for the job's end; return ``exited``, ``timed_out``, ``interrupted`` or
        ``lost`` (the node stopped answering for ``node_timeout``)."""
        client, job, project = dispatched.client, dispatched.job, self.settings.project
        stop = request.stop
        deadline = None if request.timeout is None else dispatched.started + request.timeout
        answered = time.monotonic()
        outcome, cancelled, killed = "exited", 0.0, False
        while True:
            now = time.monotonic()
            try:
                state = client.job_state(project, job)
                answered = now
                if state in (None, "finished"):
                    return outcome
                if outcome == "exited" and stop is not None and stop.requested:
                    logger.info("stopping the crawl of %s (job %s)", request.outlet, job)
                    outcome, cancelled = "interrupted", now
                    client.cancel(project, job)
                elif outcome == "exited" and deadline is not None and now >= deadline:
                    logger.warning(
                        "crawl of %s exceeded its %ss time limit; stopping it",
                        request.outlet,
                        request.timeout,
                    )
                    outcome, cancelled = "timed_out", now
                    client.cancel(project, job)
                elif outcome != "exited" and not killed and _kill_due(request, cancelled, now):
                    logger.warning("crawl job %s did not close in time; killing it", job)
                    killed = True
                    client.cancel(project, job, signal="KILL")
            except ScrapydError as exc:
                if now - answered >= self.settings.node_timeout:
                    logger.error("%s: giving up on job %s: %s", request.outlet, job, exc)
                    return "lost"
            _wait(self.settings.poll, request)

    # Recording -------------------------------------------------------------------

    def _record(self, dispatched: _Dispatched, outcome: str) -> dict[str, Any] | None:
        """The job's run, its status set to why the daemon stopped it (if it did).

        The job is over when this runs, so the crawl wrote what it could; a run
        still ``running`` was left by a process killed or crashed.
        """
        engine = make_engine(ensure_database_url(self.config), pool_size=1)
        try:
            with engine.connect() as connection:
                row = runs.job_run(connection, dispatched.job)
                if row is None:
                    return None
                summary = row["error_summary"] or outcome
                if outcome == "exited" and row["status"] == "running":
                    outcome, summary = "failed", "the crawl process ended without recording its end"
                if outcome != "exited":
                    runs.finish_run(connection, row["id"], outcome, error_summary=summary)
                    connection.commit()
                return runs.get_run(connection, row["id"])
        finally:
            engine.dispose()


def _kill_due(request: CrawlRequest, cancelled: float, now: float) -> bool:
    forced = request.stop is not None and request.stop.forced
    return forced or now - cancelled >= request.kill_grace


def _wait(seconds: float, request: CrawlRequest) -> None:
    """Sleep ``seconds``, waking early when a stop is requested (or forced)."""
    stop = request.stop
    deadline = time.monotonic() + seconds
    requested = stop is not None and stop.requested
    forced = stop is not None and stop.forced
    while (left := deadline - time.monotonic()) > 0:
        if stop is not None and (stop.requested != requested or stop.forced != forced):
            return
        time.sleep(min(POLL_SECONDS, left))


def make_runner(config: Config) -> Runner:
    """The runner ``[scheduler] runner`` names."""
    if config.scheduler.runner == "scrapyd":
        return ScrapydRunner(config)
    return LocalRunner(config)
