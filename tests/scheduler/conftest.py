"""Fixtures for the daemon's tests: the outlets' saved sites, a migrated database, and
``python -m akhbar run`` as a real subprocess (helpers: :mod:`tests.support.daemon`)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from akhbar.static_server import StaticSite
from db import schema
from tests.support import FIXTURES
from tests.support.daemon import OUTLETS, DaemonProcess, daemon_config
from tests.support.databases import DatabaseMaker


@pytest.fixture
def sites() -> Iterator[dict[str, str]]:
    """Both outlets' saved sites served on 127.0.0.1: production host -> origin."""
    started = [StaticSite(FIXTURES / name / "site").start() for name in OUTLETS]
    yield {f"www.{name}.com": site.origin for name, site in zip(OUTLETS, started, strict=True)}
    for site in started:
        site.stop()


@pytest.fixture
def migrated_url(databases: DatabaseMaker) -> str:
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
        config = tmp_path / f"{name}.toml"
        config.write_text(daemon_config(schedules, scheduler, tables), encoding="utf-8")
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
