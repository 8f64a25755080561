"""Child processes of a crawl, and the pipe protocol between them and the crawl.

The crawl (Scrapy's reactor thread) parses pages; work that would compete with it for
the GIL runs in child processes instead: writing WARC files and storing articles
(:mod:`crawler.writer_worker`), reading article pages (:mod:`crawler.reader_worker`).
A child reads calls from stdin and answers each on stdout, in the order they came.
A frame is a pickle (protocol 5) and its out-of-band buffers: a header of 4-byte
big-endian numbers (the pickle's length, how many buffers, each one's length), the
pickle, then each buffer. A page's body goes as a buffer (``pickle.PickleBuffer``, see
:class:`crawler.warc.Fetch`), neither copied into the pickle nor out of it again. The
first frame is the child's opening argument; then a call is ``(call id, name, args)``
and an answer ``(call id, True, result)`` or ``(call id, False, exception)``.

On the crawl's side, :class:`ChildProcess` sends calls from a thread of its own and reads
answers in another; both wait in system calls, without the GIL, and take it once a call.
A child ignores SIGINT and SIGTERM (a Ctrl-C reaches the whole process group): the crawl
decides when it stops, by closing stdin. A crawl that dies closes it too; the child
still answers what it was sent, in order, then ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, BinaryIO, Protocol

logger = logging.getLogger(__name__)

NUMBER = struct.Struct(">I")

CLOSE_TIMEOUT = 60.0
"""Seconds a child is given to finish its calls once the crawl closes."""


class ChildGone(OSError):
    """The child process ended: it answers no more calls in this crawl."""


class ChildProcess:
    """A running child, ``python -m <module>``; :meth:`call` is safe from any thread."""

    def __init__(self, module: str, opening: Any) -> None:
        self.module = module
        # The crawl's own path: under scrapyd, the project's code is in an egg on it.
        path = os.pathsep.join(entry for entry in sys.path if entry)
        self._process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._outbox: queue.SimpleQueue[Frame | None] = queue.SimpleQueue()
        self._pending: dict[int, Future[Any]] = {}
        self._lock = threading.Lock()
        self._next_id = 0
        self._gone: str | None = None
        self._outbox.put(_frame(opening))
        self._threads = [
            threading.Thread(target=self._send, name=f"{module}-send", daemon=True),
            threading.Thread(target=self._receive, name=f"{module}-receive", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def waiting(self) -> int:
        """Calls sent and not answered yet."""
        return len(self._pending)

    def call(self, name: str, *args: Any) -> Future[Any]:
        """Run ``name(*args)`` in the child; the future holds its result or exception."""
        future: Future[Any] = Future()
        with self._lock:
            if self._gone is not None:
                future.set_exception(ChildGone(self._gone))
                return future
            self._next_id += 1
            self._pending[self._next_id] = future
            # Queued under the lock: the child runs calls in the order they were made.
            self._outbox.put(_frame((self._next_id, name, args)))
        return future

    def close(self, timeout: float = CLOSE_TIMEOUT) -> int | None:
        """Let the child finish what it was sent, then end; its exit status (None if it had
        to be killed)."""
        self._outbox.put(None)
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.error("%s did not end within %.0fs: killed", self.module, timeout)
            self._process.kill()
            self._process.wait()
            return None
        finally:
            for thread in self._threads:
                thread.join(timeout=5)

    def kill(self) -> None:
        self._process.kill()

    def _send(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (frame := self._outbox.get()) is not None:
                _write(stdin, frame)
        except OSError as exc:  # the child died: the receiver fails what is pending
            logger.debug("%s stdin closed: %s", self.module, exc)
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _receive(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while (frame := read_frame(stdout)) is not None:
            call_id, ok, value = _loads(frame)
            with self._lock:
                future = self._pending.pop(call_id)
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        stdout.close()
        status = self._process.wait()
        with self._lock:
            self._gone = f"{self.module} ended (exit status {status})"
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(ChildGone(self._gone))


class Service(Protocol):
    """What a child serves: its calls by name, and what to do when the crawl is done."""

    def methods(self) -> Mapping[str, Callable[..., Any]]: ...

    def close(self) -> None: ...


def run_child(service: Callable[[Any], Service]) -> None:
    """A child's main: build ``service`` from the opening frame, answer calls until stdin
    ends, close it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Answers get a descriptor of their own; a stray print goes to stderr, not into a frame.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    )
    calls = sys.stdin.buffer
    frame = read_frame(calls)
    if frame is None:
        return
    served = service(_loads(frame))
    try:
        serve(served.methods(), calls, answers)
    finally:
        served.close()


def serve(methods: Mapping[str, Callable[..., Any]], calls: BinaryIO, answers: BinaryIO) -> None:
    """Answer calls until ``calls`` ends."""
    while (frame := read_frame(calls)) is not None:
        call_id, name, args = _loads(frame)
        try:
            result = (call_id, True, methods[name](*args))
        except Exception as exc:
            result = (call_id, False, exc)
        _write(answers, _answer(*result))


Frame = list[bytes | memoryview]
"""A frame as written: its header, its pickle, its out-of-band buffers."""


def read_frame(stream: BinaryIO) -> tuple[bytes, list[bytes]] | None:
    """The next frame's pickle and buffers; None at the end of the stream."""
    numbers = _read_numbers(stream, 2)
    if numbers is None:
        return None
    size, count = numbers
    sizes = _read_numbers(stream, count)
    if sizes is None:
        return None
    lengths = (size, *sizes)
    parts = [stream.read(n) for n in lengths]
    if any(len(part) < n for part, n in zip(parts, lengths, strict=True)):
        return None
    return parts[0], parts[1:]


def _read_numbers(stream: BinaryIO, count: int) -> tuple[int, ...] | None:
    data = stream.read(NUMBER.size * count)
    if len(data) < NUMBER.size * count:
        return None
    return struct.unpack(f">{count}I", data)


def _loads(frame: tuple[bytes, list[bytes]]) -> Any:
    payload, buffers = frame
    return pickle.loads(payload, buffers=buffers)


def _frame(value: Any) -> Frame:
    buffers: list[pickle.PickleBuffer] = []
    payload = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    raw = [buffer.raw() for buffer in buffers]
    header = struct.pack(f">{2 + len(raw)}I", len(payload), len(raw), *(r.nbytes for r in raw))
    return [header, payload, *raw]


def _write(stream: BinaryIO, frame: Frame) -> None:
    for part in frame:
        stream.write(part)
    stream.flush()


def _answer(call_id: int, ok: bool, value: Any) -> Frame:
    """An answer's frame; what pickle cannot carry goes as a RuntimeError naming it."""
    try:
        return _frame((call_id, ok, value))
    except Exception as exc:
        what = f"{type(value).__name__}: {value}" if not ok else f"unpicklable answer: {exc}"
        return _frame((call_id, False, RuntimeError(what)))
