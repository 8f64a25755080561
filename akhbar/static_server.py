"""A static HTTP server on 127.0.0.1 for local copies of sites (the demo and the tests).

It answers like the static servers the copies were made for: folders from their
``index.html``, a redirect when a folder is asked for without its trailing slash,
and query strings ignored.
"""

from __future__ import annotations

import logging
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

logger = logging.getLogger(__name__)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that logs its errors instead of printing them to stderr.

    A client that hangs up before its answer is written (a crawl stopped, a slow page
    still answering after its test) is routine here; the stock server prints a traceback
    for it, which lands in whatever output is being captured at that moment.
    """

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("%s hung up", client_address)
        else:
            logger.exception("error answering %s", client_address)


class LocalServer:
    """An HTTP server on 127.0.0.1 run in a thread: start, stop, and its origin."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class StaticSite(LocalServer):
    """Serve ``root`` on 127.0.0.1 (an ephemeral port unless ``port`` is given)."""

    def __init__(self, root: Path, port: int = 0) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        super().__init__(QuietHTTPServer(("127.0.0.1", port), handler))
