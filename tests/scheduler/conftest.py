"""Helpers for the daemon's tests: fixture sites, a slow site, and ``python -m akhbar run``
as a real subprocess (the cuttable database proxy is :mod:`tests.reliability.outage`)."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest
from psycopg.rows import dict_row

from akhbar.static_server import LocalServer, StaticSite
from db import schema

FIXTURES = Path(__file__).parent.parent / "fixtures"
REPO = Path(__file__).parent.parent.parent
OUTLETS = ("casablancatoday", "hawarnews")
FAST_CRAWLS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    """Poll ``predicate`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def runs(url: str) -> list[dict[str, Any]]:
    return query(
        url,
        "SELECT r.*, o.name AS outlet FROM crawl_runs r JOIN outlets o ON o.id = r.outlet_id"
        " ORDER BY r.id",
    )


def assert_no_overlaps(url: str) -> None:
    """No outlet has two runs whose [started_at, finished_at] intervals overlap."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for run in runs(url):
        by_outlet.setdefault(run["outlet"], []).append(run)
    for outlet, items in by_outlet.items():
        items.sort(key=lambda r: r["started_at"])
        for earlier, later in itertools.pairwise(items):
            assert earlier["finished_at"] is not None, f"{outlet} run {earlier['id']} unfinished"
            assert later["started_at"] >= earlier["finished_at"], (
                f"{outlet}: runs {earlier['id']} and {later['id']} overlap"
            )


class SlowSite(LocalServer):
    """A local copy of a site whose every answer waits ``delay`` seconds first."""

    def __init__(self, root: Path, delay: float) -> None:
        self.requests = 0
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests += 1
                time.sleep(delay)
                super().do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        server.daemon_threads = True
        super().__init__(server)
        self.start()


class DaemonProcess:
    """``python -m akhbar run`` in a subprocess, its stderr in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "akhbar", "run"],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def sites() -> Iterator[dict[str, str]]:
    """Both outlets' saved sites served on 127.0.0.1: production host -> origin."""
    started = [StaticSite(FIXTURES / name / "site").start() for name in OUTLETS]
    yield {f"www.{name}.com": site.origin for name, site in zip(OUTLETS, started, strict=True)}
    for site in started:
        site.stop()


@pytest.fixture
def migrated_url(databases: Any) -> str:
    """A fresh database of this test's own, migrated to head."""
    url = databases.create("akhbar_sched")
    schema.upgrade(url)
    return url


@pytest.fixture
def start_daemon(tmp_path: Path) -> Iterator[Callable[..., DaemonProcess]]:
    """Start daemons; every one still running at the end is killed with its children."""
    started: list[DaemonProcess] = []

    def start(
        database_url: str,
        host_map: dict[str, str],
        schedules: dict[str, str],
        scheduler: dict[str, Any] | None = None,
        name: str = "daemon",
        tables: str = "",
    ) -> DaemonProcess:
        """``tables``: more TOML, appended to the configuration as written."""
        settings = {"jitter": 0, "leader_poll": 0.5, "stop_grace": 1, "kill_grace": 5}
        settings.update(scheduler or {})
        lines = ["[scheduler]"]
        lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
        lines.append("[scheduler.scrapy_settings]")
        lines += [f"{key} = {_toml(value)}" for key, value in FAST_CRAWLS.items()]
        for outlet, schedule in schedules.items():
            lines += [f"[outlets.{outlet}]", f"schedule = {_toml(schedule)}"]
        config = tmp_path / f"{name}.toml"
        config.write_text("\n".join(lines) + "\n" + tables, encoding="utf-8")
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            AKHBAR_DATABASE_URL=database_url,
            AKHBAR_CONFIG=str(config),
            AKHBAR_HOST_MAP=" ".join(f"{h}={o}" for h, o in host_map.items()),
            AKHBAR_DATA_DIR=str(tmp_path / "data"),
        )
        daemon = DaemonProcess(env, tmp_path / f"{name}.log")
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        leftovers = daemon.children()
        daemon.kill()
        for child in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.send_signal(signal.SIGKILL)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
