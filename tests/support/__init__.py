"""Helpers shared by the tests, in one importable place (conftest.py files hold fixtures only).

``from tests.support import FIXTURES, wait_for``; the modules beside this one hold the rest:
``articles`` (article rows, the search archive), ``databases`` (throw-away databases),
``daemon`` (``akhbar run`` in a subprocess), ``hostile_crawl`` (crawls of hostile sites),
``scoring`` (token F1 of extracted text) and ``web_archive`` (the web face's archive).
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
"""The repository's root."""
FIXTURES = REPO / "tests" / "fixtures"
"""Saved sites, pages and truth files (``tests/fixtures/<outlet>/`` and the rest)."""


def copy_outlet_site(outlet: str, root: Path) -> Path:
    """Copy ``outlet``'s saved site to ``root`` (which must not exist) without its truth
    files, for a :class:`akhbar.static_server.StaticSite` to serve; return ``root``."""
    shutil.copytree(FIXTURES / outlet / "site", root, ignore=shutil.ignore_patterns("_truth"))
    return root


def wait_for(
    predicate: Callable[[], Any],
    timeout: float = 60.0,
    what: str = "the condition",
    step: float = 0.2,
) -> Any:
    """Poll ``predicate`` every ``step`` seconds until it returns something true, and return
    that; fail naming ``what`` once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
