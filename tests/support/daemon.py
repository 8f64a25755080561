"""The daemon's tests' helpers: the outlets' saved sites, a slow site, crawl_runs queries and
``python -m akhbar run`` as a real subprocess (the fixtures are in tests/scheduler/conftest.py;
the cuttable database proxy is :mod:`tests.reliability.outage`)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg.rows import dict_row

from akhbar.static_server import LocalServer, QuietHTTPServer
from tests.support import REPO

OUTLETS = ("casablancatoday", "hawarnews")
FAST_CRAWLS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


def daemon_config(
    schedules: dict[str, str], scheduler: dict[str, Any] | None = None, tables: str = ""
) -> str:
    """The TOML configuration of a test daemon: quick to lead and to stop, crawling with
    FAST_CRAWLS, each outlet on its schedule; ``scheduler`` overrides the [scheduler] table,
    ``tables`` is more TOML appended as written."""
    settings = {"jitter": 0, "leader_poll": 0.5, "stop_grace": 1, "kill_grace": 5}
    settings.update(scheduler or {})
    lines = ["[scheduler]"]
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    lines.append("[scheduler.scrapy_settings]")
    lines += [f"{key} = {_toml(value)}" for key, value in FAST_CRAWLS.items()]
    for outlet, schedule in schedules.items():
        lines += [f"[outlets.{outlet}]", f"schedule = {_toml(schedule)}"]
    return "\n".join(lines) + "\n" + tables


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


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

        super().__init__(QuietHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root))))
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
