"""The crawl's writer process: calls answered in order, failures brought back, no orphans.

Each test starts the real process (``python -m crawler.writer_worker``). Storage through
it is specified by the crawl tests (tests/crawler/test_crawl.py, test_capture.py and the
outage tests), which store every article through it.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.child_process import ChildGone, ChildProcess
from crawler.warc import Fetch, iter_records
from db.errors import is_connection_error
from tests.support import REPO, wait_for

# Nothing listens there: a connection attempt is refused at once.
UNREACHABLE = "postgresql://postgres@127.0.0.1:9/nothing"


def fetch(n: int) -> Fetch:
    return Fetch(
        url=f"https://news.test/a/{n}",
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=f"<html><body><p>article {n}</p></body></html>".encode() * 200,
        request_method="GET",
        request_headers=[("User-Agent", "test")],
        fetched_at=dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC),
        metadata={"outlet": "test"},
    )


@pytest.fixture
def writer() -> Iterator[ChildProcess]:
    process = ChildProcess("crawler.writer_worker", UNREACHABLE)
    yield process
    process.close(timeout=10)


def test_writes_are_answered_in_order_with_their_place_in_the_file(
    writer: ChildProcess, tmp_path: Path
) -> None:
    writer.call("open_warc", tmp_path, "akhbar-test", 1024**3, {})
    futures = [writer.call("write_warc", fetch(n)) for n in range(20)]
    written = [future.result(timeout=30) for future in futures]
    assert [w.url for w in written] == [f"https://news.test/a/{n}" for n in range(20)]
    assert [w.offset for w in written] == sorted(w.offset for w in written)
    [path] = tmp_path.glob("akhbar-test-*.warc.gz")
    responses = [r for r in iter_records(path) if r.type == "response"]
    assert [r.headers.get_header("WARC-Target-URI") for r in responses] == [w.url for w in written]
    assert [r.offset for r in responses] == [w.offset for w in written]


def test_an_error_in_the_process_is_raised_to_the_caller(writer: ChildProcess) -> None:
    with pytest.raises(RuntimeError, match="write_warc before open_warc"):
        writer.call("write_warc", fetch(1)).result(timeout=30)


def test_a_database_the_process_cannot_reach_is_a_connection_error_here(
    writer: ChildProcess,
) -> None:
    with pytest.raises(Exception) as raised:
        writer.call("store", [], []).result(timeout=60)
    assert is_connection_error(raised.value)


def test_closing_lets_the_process_finish_what_it_was_sent(tmp_path: Path) -> None:
    writer = ChildProcess("crawler.writer_worker", UNREACHABLE)
    writer.call("open_warc", tmp_path, "akhbar-test", 1024**3, {})
    futures = [writer.call("write_warc", fetch(n)) for n in range(50)]
    assert writer.close(timeout=60) == 0
    assert all(future.result(timeout=0).url for future in futures)
    [path] = tmp_path.glob("*.warc.gz")
    assert sum(r.type == "response" for r in iter_records(path)) == 50


def test_a_process_that_died_fails_every_later_call_with_child_gone(
    writer: ChildProcess,
) -> None:
    writer.kill()
    error = wait_for(
        lambda: (
            isinstance(e := writer.call("store", [], []).exception(timeout=30), ChildGone) and e
        ),
        30,
        "calls to fail with ChildGone",
    )
    assert isinstance(error, OSError)


def test_ctrl_c_to_the_process_group_leaves_the_crawl_to_decide(
    writer: ChildProcess, tmp_path: Path
) -> None:
    writer.call("open_warc", tmp_path, "akhbar-test", 1024**3, {}).result(timeout=30)
    os.kill(writer.pid, signal.SIGINT)
    os.kill(writer.pid, signal.SIGTERM)
    assert writer.call("write_warc", fetch(1)).result(timeout=30).status == 200


def test_the_process_ends_when_the_crawl_process_is_killed() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from crawler.child_process import ChildProcess
                writer = ChildProcess("crawler.writer_worker", {UNREACHABLE!r})
                print(writer.pid, flush=True)
                time.sleep(60)
                """
            ),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    ) as crawl:
        assert crawl.stdout is not None
        worker = int(crawl.stdout.readline())
        crawl.kill()
    wait_for(lambda: not _alive(worker), 30, "the writer process to end")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
