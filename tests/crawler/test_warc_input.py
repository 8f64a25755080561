"""Reading other tools' WARC files: pages, other records, and records cut short or damaged."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc_input import NotAPage, Unreadable, WarcResponse, read_warc

PAGE = b"<html><body><h1>Title</h1><p>Text of the page.</p></body></html>"


def write_warc(path: Path, records: list[tuple[str, str, bytes, list[tuple[str, str]]]], gz: bool):
    """(url, status line, raw payload, HTTP headers) as response records; their offsets."""
    offsets = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for number, (url, status, payload, headers) in enumerate(records):
            offsets.append(handle.tell())
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(payload),
                    length=len(payload),
                    http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Date": f"2024-05-0{number + 1}T10:00:00Z"},
                )
            )
    return offsets


HTML = [("Content-Type", "text/html; charset=utf-8")]


def test_pages_are_read_decoded_and_other_records_are_not_pages(tmp_path: Path) -> None:
    compressed = gzip.compress(PAGE)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(compressed), compressed)
    records = [
        ("https://a.example/1", "200 OK", PAGE, HTML),
        (
            "https://a.example/2",
            "200 OK",
            chunked,
            [*HTML, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
        ),
        (
            "https://a.example/robots.txt",
            "200 OK",
            b"User-agent: *",
            [("Content-Type", "text/plain")],
        ),
        ("https://a.example/old", "301 Moved Permanently", b"", [("Location", "/1"), *HTML]),
    ]
    for gz in (True, False):
        path = tmp_path / ("a.warc.gz" if gz else "a.warc")
        offsets = write_warc(path, records, gz)
        events = list(read_warc(path))
        assert [type(e) for e in events] == [WarcResponse, WarcResponse, NotAPage, NotAPage]
        assert [e.offset for e in events] == offsets
        first, second = events[0], events[1]
        assert isinstance(first, WarcResponse) and isinstance(second, WarcResponse)
        assert first.body == second.body == PAGE
        assert second.fetched_at == dt.datetime(2024, 5, 2, 10, tzinfo=dt.UTC)
        assert first.url == "https://a.example/1" and first.record_id


def test_a_record_cut_short_is_reported_with_its_offset(tmp_path: Path) -> None:
    records = [(f"https://a.example/{n}", "200 OK", PAGE * 20, HTML) for n in range(3)]
    for gz in (True, False):
        path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
        offsets = write_warc(path, records, gz)
        data = path.read_bytes()
        path.write_bytes(data[: (offsets[2] + len(data)) // 2])  # a crawl killed mid-record
        events = list(read_warc(path))
        assert [type(e) for e in events] == [WarcResponse, WarcResponse, Unreadable]
        assert events[2].offset == offsets[2]


def test_a_damaged_gzip_member_costs_only_its_record(tmp_path: Path) -> None:
    records = [(f"https://a.example/{n}", "200 OK", PAGE * 20, HTML) for n in range(3)]
    path = tmp_path / "damaged.warc.gz"
    offsets = write_warc(path, records, True)
    data = bytearray(path.read_bytes())
    data[offsets[1] + 40 : offsets[1] + 60] = b"\x00" * 20
    path.write_bytes(bytes(data))
    events = list(read_warc(path))
    assert [type(e) for e in events] == [WarcResponse, Unreadable, WarcResponse]
    assert events[1].offset == offsets[1]
    assert events[2].url == "https://a.example/2"


def test_dates_written_by_akhbar_before_the_warc_date_fix_are_read(tmp_path: Path) -> None:
    path = tmp_path / "old.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(
            writer.create_warc_record(
                "https://a.example/1",
                "response",
                payload=io.BytesIO(PAGE),
                length=len(PAGE),
                http_headers=StatusAndHeaders("200 OK", HTML, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00.250000+00:00Z"},
            )
        )
    [event] = read_warc(path)
    assert isinstance(event, WarcResponse)
    assert event.fetched_at == dt.datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=dt.UTC)
