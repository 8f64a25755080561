"""Real scrapyd services on 127.0.0.1 for the tests: each on a free port, in a folder of its
own, in a process group of its own (so that killing the node kills its crawls too, as a
machine that dies does)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support import free_port

STARTUP_SECONDS = 30.0
SCRAPYD_CONF = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
max_proc = 4
runner = scheduler.scrapyd_runner
eggs_dir = {root}/eggs
logs_dir = {root}/logs
dbs_dir = {root}/dbs
"""


class ScrapydNode:
    """``python -m scrapyd`` with its own scrapyd.conf, its crawls' environment from ``env``."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        root.mkdir(parents=True)
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (root / "scrapyd.conf").write_text(SCRAPYD_CONF.format(port=self.port, root=root))
        self._log = (root / "scrapyd.log").open("wb")
        # scrapyd reads scrapyd.conf from its working directory; its crawls inherit its env.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"scrapyd exited: {self.log()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/daemonstatus.json", timeout=1).ok:
                    return
            time.sleep(0.2)
        raise AssertionError(f"scrapyd did not answer in {STARTUP_SECONDS}s: {self.log()}")

    def jobs(self, project: str) -> dict[str, list[dict]]:
        return requests.get(
            f"{self.url}/listjobs.json", params={"project": project}, timeout=5
        ).json()

    def log(self) -> str:
        return (self.root / "scrapyd.log").read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL scrapyd and every crawl it started: the node dies."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()
