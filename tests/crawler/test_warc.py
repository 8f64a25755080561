"""WARC files written and read back: one gzip member per record, rotation by size, revisit
records, files cut short by a killed crawl, and a disk that refuses a write."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.warc import (
    CaptureUnreadable,
    Earlier,
    Fetch,
    Truncated,
    WarcFiles,
    iter_records,
    payload_digest,
    read_payload,
    read_record,
)

BODY = "<html><body><h1>أخبار</h1><p>نص المقال</p></body></html>".encode()


def fetch(url: str = "https://news.test/a/1", body: bytes = BODY) -> Fetch:
    return Fetch(
        url=url,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
        body=body,
        request_method="GET",
        request_headers=[("User-Agent", "Akhbar")],
        fetched_at=dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC),
        metadata={"outlet": "news", "crawl-run": "7", "encoding": "utf-8"},
    )


def test_a_response_reads_back_with_its_metadata(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "t")
    written = files.write(fetch())
    files.close()
    payload = read_payload(written.warc_file, written.offset, written.length, written.digest)
    assert (payload.url, payload.status, payload.body) == ("https://news.test/a/1", 200, BODY)
    assert payload.metadata == {"outlet": "news", "crawl-run": "7", "encoding": "utf-8"}
    # The body is the decoded one: no header may claim a transfer encoding.
    assert ("Content-Length", str(len(BODY))) in payload.headers
    assert not [k for k, _ in payload.headers if k.lower() == "content-encoding"]


def test_an_identical_response_is_a_revisit_a_changed_one_a_response(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "t")
    first = files.write(fetch())
    earlier = Earlier(first.digest, first.url, first.fetched_at)
    again = files.write(fetch(), earlier)
    changed = files.write(fetch(body=BODY + b"<!-- edited -->"), earlier)
    files.close()
    assert [w.record_type for w in (first, again, changed)] == ["response", "revisit", "response"]
    record = read_record(again.warc_file, again.offset, again.length)
    assert record.type == "revisit" and record.content == b""
    assert record.header("WARC-Refers-To-Target-URI") == first.url
    assert record.header("WARC-Payload-Digest") == payload_digest(BODY)


def test_files_rotate_by_size(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "t", max_size=1)
    written = [files.write(fetch(f"https://news.test/a/{n}")) for n in range(3)]
    files.close()
    assert len({w.warc_file for w in written}) == 3
    assert sorted(str(p) for p in tmp_path.glob("t-*.warc.gz")) == sorted(
        w.warc_file for w in written
    )


@pytest.mark.parametrize("cut", [1, 20, 200])
def test_a_truncated_last_record_is_skipped_and_reported(tmp_path: Path, cut: int) -> None:
    files = WarcFiles(tmp_path, "t")
    first = files.write(fetch("https://news.test/a/1"))
    last = files.write(fetch("https://news.test/a/2"))
    files.close()
    path = Path(last.warc_file)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - cut])  # the crawl was killed while writing

    problems: list = []
    records = list(iter_records(path, problems=problems))
    assert [r.type for r in records][-1] in ("response", "request")
    assert [r.type for r in records][:4] == ["warcinfo", "request", "response", "metadata"]
    assert len(problems) == 1 and problems[0].offset > first.offset
    assert read_payload(path, first.offset, first.length, first.digest).body == BODY


def test_a_capture_cut_short_is_unreadable(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "t")
    written = files.write(fetch())
    files.close()
    path = Path(written.warc_file)
    path.write_bytes(path.read_bytes()[: written.offset + written.length - 5])
    with pytest.raises(CaptureUnreadable):
        read_payload(path, written.offset, written.length, written.digest)
    with pytest.raises(CaptureUnreadable):
        read_payload(tmp_path / "missing.warc.gz", 0, 10, written.digest)


FULL_DISK = """
import datetime as dt, os, resource, signal, sys
from pathlib import Path
from crawler.warc import Fetch, WarcFiles
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
files = WarcFiles(Path(sys.argv[1]), "t")
fetch = lambda n: Fetch(f"https://news.test/a/{n}", 200, [], os.urandom(20_000), "GET", [],
                        dt.datetime.now(dt.UTC), {})
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))  # a disk that fills up
written = 0
try:
    while True:
        files.write(fetch(written))
        written += 1
except OSError:
    pass
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # room again
files.write(fetch(written))
files.close()
print(written)
"""


def test_a_write_the_disk_refuses_leaves_a_readable_file_and_the_next_begins_another(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    written = int(done.stdout)
    first, second = sorted(tmp_path.glob("*.warc.gz"))
    problems: list[Truncated] = []
    responses = [r for r in iter_records(first, problems=problems) if r.type == "response"]
    assert len(responses) == written >= 1
    assert [p.path for p in problems] == [first]  # the refused write's cut, reported
    assert [r.type for r in iter_records(second)] == ["warcinfo", "request", "response", "metadata"]
