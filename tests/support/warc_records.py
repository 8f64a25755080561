"""WARC files written for tests, as crawlers write them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HTML = [("Content-Type", "text/html; charset=utf-8")]


class Warc:
    """Writes response records (with a request record before each, as crawlers do)."""

    def __init__(self, path: Path, gz: bool = True) -> None:
        self.handle = path.open("wb")
        self.writer = WARCWriter(self.handle, gzip=gz)
        self.clock = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
        self.offsets: list[int] = []

    def response(
        self, url: str, payload: bytes, headers: list[tuple[str, str]] = HTML, status="200 OK"
    ) -> None:
        self.clock += dt.timedelta(seconds=7)
        date = self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request,
                warc_headers_dict={"WARC-Date": date},
            )
        )
        self.offsets.append(self.handle.tell())
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": date},
            )
        )

    def close(self) -> None:
        self.handle.close()
