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


# The records of a fetch are serialized by crawler.warc itself; warcio's RecordBuilder and
# WARCWriter, as the writer used them before, are the reference they must equal byte for byte.


def warcio_records(fetch: Fetch, ids: list[str], earlier: Earlier | None) -> list[bytes]:
    """request, response (or revisit) and metadata records as warcio makes and writes them."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from crawler.warc import _http_response_headers, warc_date

    ids = list(ids)
    builder = WARCWriter(io.BytesIO(), gzip=False, warc_version="WARC/1.1")
    builder._make_warc_id = lambda: ids.pop(0)  # type: ignore[method-assign]
    date = warc_date(fetch.fetched_at)
    digest = payload_digest(fetch.body)
    if earlier is not None and earlier.digest == digest:
        response = builder.create_revisit_record(
            fetch.url,
            digest,
            earlier.url,
            warc_date(earlier.fetched_at),
            http_headers=_http_response_headers(fetch),
            warc_headers_dict={"WARC-Date": date},
        )
    else:
        response = builder.create_warc_record(
            fetch.url,
            "response",
            payload=io.BytesIO(fetch.body),
            length=len(fetch.body),
            http_headers=_http_response_headers(fetch),
            warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
        )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    concurrent = {"WARC-Date": date, "WARC-Concurrent-To": response_id}
    parts = fetch.url.split("/", 3)
    path = "/" + (parts[3] if len(parts) > 3 else "")
    request = builder.create_warc_record(
        fetch.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"{fetch.request_method} {path} HTTP/1.1",
            list(fetch.request_headers),
            is_http_request=True,
        ),
        warc_headers_dict=dict(concurrent),
    )
    fields = "".join(f"{k}: {v}\r\n" for k, v in fetch.metadata.items()).encode()
    metadata = builder.create_warc_record(
        fetch.url,
        "metadata",
        payload=io.BytesIO(fields),
        length=len(fields),
        warc_content_type="application/warc-fields",
        warc_headers_dict=dict(concurrent),
    )
    out = []
    for record in (request, response, metadata):
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=False, warc_version="WARC/1.1").write_record(record)
        out.append(buffer.getvalue())
    return out


FETCHES = {
    "page": fetch(),
    "wire headers dropped, odd status": Fetch(
        "https://news.test/a?q=1",
        599,
        [("content-length", "9"), ("Transfer-Encoding", "chunked"), ("X-A", "1"), ("X-A", "")],
        b"",
        "POST",
        [("Referer", "https://news.test/"), ("Cookie", "a=b")],
        dt.datetime(2026, 12, 6, 15, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        {},
    ),
    "non-ASCII headers, percent-encoded": Fetch(
        "https://news.test/%D8%A3/",
        301,
        [("Location", "/أخبار/1"), ("Content-Disposition", 'attachment; filename="é.txt"')],
        BODY,
        "GET",
        [("Referer", "https://news.test/أخبار")],
        dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC),
        {"outlet": "أخبار"},
    ),
    "host only, no method": Fetch(
        "https://news.test", 200, [], BODY, "", [], dt.datetime(2026, 1, 1, tzinfo=dt.UTC), {}
    ),
}


@pytest.mark.parametrize("name", FETCHES)
@pytest.mark.parametrize("revisit", [False, True])
def test_records_are_written_as_warcio_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, revisit: bool
) -> None:
    import zlib

    import crawler.warc
    from crawler.warc import gzip_members

    given = FETCHES[name]
    ids = [f"<urn:uuid:00000000-0000-4000-8000-00000000000{n}>" for n in range(3)]
    monkeypatch.setattr(crawler.warc, "_record_ids", lambda: tuple(ids))
    earlier = Earlier(payload_digest(given.body), "https://news.test/before", given.fetched_at)
    files = WarcFiles(tmp_path, "t")
    written = files.write(given, earlier if revisit else None)
    files.close()

    with open(written.warc_file, "rb") as handle:
        members = list(gzip_members(handle, 0))[1:]  # after the warcinfo
    # warcio makes the response's id first: the writer's ids are response, request, metadata
    expected = warcio_records(given, ids, earlier if revisit else None)
    assert [data for _, _, data in members] == expected
    # the members' bytes too: level 3 of each record, as before
    with open(written.warc_file, "rb") as handle:
        raw = handle.read()
    assert [raw[o : o + n] for o, n, _ in members] == [
        zlib.compress(r, 3, wbits=31) for r in expected
    ]
    assert (written.offset, written.length) == members[1][:2]
    assert written.record_type == ("revisit" if revisit else "response")


def test_record_ids_are_random_uuids_as_warcio_makes_them() -> None:
    import uuid

    from crawler.warc import _record_ids

    made = [i for _ in range(200) for i in _record_ids()]
    assert len(set(made)) == len(made)
    for record_id in made:
        assert record_id.startswith("<urn:uuid:") and record_id.endswith(">")
        parsed = uuid.UUID(record_id[len("<urn:uuid:") : -1])
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert f"<urn:uuid:{parsed}>" == record_id
