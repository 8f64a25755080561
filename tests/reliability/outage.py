"""Database outages on demand: a TCP proxy in front of PostgreSQL that a test can cut.

:class:`DatabaseProxy` listens on 127.0.0.1 and forwards every connection to the
test server. :meth:`~DatabaseProxy.cut` drops every open connection and refuses
new ones (what a crawl sees when PostgreSQL stops or the network goes);
:meth:`~DatabaseProxy.restore` listens again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

from sqlalchemy.engine import make_url


class DatabaseProxy:
    """Forward 127.0.0.1:<port> to the PostgreSQL server of ``database_url``."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        url = make_url(database_url)
        socket_dir = url.query.get("host")
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            # The embedded server listens on a Unix socket only.
            self._target: tuple[int, str | tuple[str, int]] = (
                socket.AF_UNIX,
                f"{socket_dir}/.s.PGSQL.{url.query.get('port') or url.port or 5432}",
            )
        else:
            self._target = (socket.AF_INET, (url.host or "127.0.0.1", url.port or 5432))
        self.port = 0
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """``database_url``, through the proxy."""
        url = make_url(self.database_url)
        query = {k: v for k, v in url.query.items() if k not in ("host", "port")}
        url = url.set(host="127.0.0.1", port=self.port, query=query)
        return url.render_as_string(hide_password=False)

    def restore(self) -> DatabaseProxy:
        """Listen (again, on the same port once one was chosen) and forward."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Drop every forwarded connection and refuse new ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not, and
            # the socket would go on accepting.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            connections = list(self._connections)
        for sock in connections:
            # Shut down only: the forwarding threads still read these sockets and close them.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut: the listener is closed
                return
            try:
                server = socket.socket(self._target[0], socket.SOCK_STREAM)
                server.connect(self._target[1])
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    client.close()
                    server.close()
                    return
                self._connections.update((client, server))
            threading.Thread(target=self._forward, args=(client, server), daemon=True).start()

    def _forward(self, client: socket.socket, server: socket.socket) -> None:
        back = threading.Thread(target=_pump, args=(server, client), daemon=True)
        back.start()
        _pump(client, server)
        back.join()
        with self._lock:
            self._connections.difference_update((client, server))
        client.close()
        server.close()

    def __enter__(self) -> DatabaseProxy:
        return self.restore()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cut()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until either side goes, then shut both down (the other pump stops)."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    for sock in (source, sink):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
