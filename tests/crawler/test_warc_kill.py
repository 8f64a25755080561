"""A WARC writer killed with SIGKILL while writing leaves a file whose complete records all
read back, and whose cut-short last record is reported, never raised.

The writer is :class:`crawler.warc.WarcFiles`, what a crawl's capture middleware writes
with, in a process of its own writing large records so that the kill lands mid-record.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.warc import Truncated, iter_records

WRITER = """
import datetime as dt, os, sys
from pathlib import Path
from crawler.warc import Fetch, WarcFiles
files = WarcFiles(Path(sys.argv[1]), "akhbar-kill")
body = os.urandom(4 << 20)  # incompressible: each record takes a while to write
for n in range(10_000):
    files.write(Fetch(f"https://a.example/{n}", 200, [("Content-Type", "text/html")], body,
                      "GET", [], dt.datetime.now(dt.UTC), {"outlet": "a"}))
"""


def test_a_writer_killed_mid_record_leaves_a_readable_file(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=Path.cwd())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            files = list(tmp_path.glob("*.warc.gz"))
            if files and files[0].stat().st_size > 30 << 20:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    [path] = tmp_path.glob("*.warc.gz")
    problems: list[Truncated] = []
    records = list(iter_records(path, problems=problems))
    kinds = [r.type for r in records]
    assert kinds[0] == "warcinfo"
    triplets = kinds[1:]
    complete = len(triplets) // 3
    assert complete >= 5
    assert triplets[: 3 * complete] == ["request", "response", "metadata"] * complete
    end = records[-1].offset + records[-1].length
    if end < path.stat().st_size:  # the kill landed inside a record: reported, not raised
        assert [(p.path, p.offset) for p in problems] == [(path, end)]
    else:
        assert problems == []
