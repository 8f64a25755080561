"""Reading WARC files other tools wrote (Common Crawl's CC-NEWS, wget, Heritrix, ours).

:func:`read_warc` walks one file, gzipped (a gzip member per record, as every WARC
writer does) or not, and yields, in file order, one event per record: a
:class:`WarcResponse` for a response of an HTML page (its body decoded from
``Transfer-Encoding`` and ``Content-Encoding``, as a crawler reads it), a
:class:`NotAPage` for anything else, and an :class:`Unreadable` with the record's
byte offset for a record that is cut short or damaged. It never raises for the
file's content: a damaged gzip member is skipped up to the next member, and a file
that ends inside a record (a crawl killed while writing) ends there, reported.

Pure reading, no database and no Scrapy: the importer decides what to do with each page.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_datetime

from crawler.warc import gzip_members

_GZIP_MAGIC = b"\x1f\x8b\x08"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class WarcResponse:
    """The response of an HTML page, as a crawler would have read it."""

    path: str
    offset: int
    """Byte offset of its record (of its gzip member, in a gzipped file)."""
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: dt.datetime
    """``WARC-Date``, in UTC."""
    record_id: str | None


@dataclass(frozen=True)
class NotAPage:
    """A record that is no response of an HTML page: request, metadata, image, redirect..."""

    path: str
    offset: int


@dataclass(frozen=True)
class Unreadable:
    """A record cut short or damaged."""

    path: str
    offset: int
    reason: str


Event = WarcResponse | NotAPage | Unreadable


def read_warc(path: str | Path) -> Iterator[Event]:
    """One event per record of the file at ``path``, in file order."""
    name = str(path)
    with open(path, "rb") as handle:
        gzipped = handle.read(3) == _GZIP_MAGIC
        handle.seek(0)
        if gzipped:
            yield from _gzipped(name, handle)
        else:
            yield from _records(name, handle, base=None)


def _gzipped(name: str, handle: IO[bytes]) -> Iterator[Event]:
    """Member by member, so that a damaged member costs that record only."""
    position = 0
    while True:
        try:
            for offset, length, data in gzip_members(handle, position):
                yield from _records(name, io.BytesIO(data), base=offset)
                position = offset + length
            return
        except EOFError:
            yield Unreadable(name, position, "the file ends inside this record (cut short)")
            return
        except zlib.error as exc:
            yield Unreadable(name, position, f"damaged gzip data ({exc}); skipped")
            following = _next_member(handle, position + 1)
            if following is None:
                return
            position = following


def _next_member(handle: IO[bytes], start: int) -> int | None:
    """Offset of the next gzip header from ``start``, if any."""
    handle.seek(start)
    carried = b""
    offset = start
    while chunk := handle.read(_SCAN_CHUNK):
        data = carried + chunk
        found = data.find(_GZIP_MAGIC)
        if found >= 0:
            return offset - len(carried) + found
        carried = data[-(len(_GZIP_MAGIC) - 1) :]
        offset += len(chunk)
    return None


def _records(name: str, stream: IO[bytes], base: int | None) -> Iterator[Event]:
    """The records of an uncompressed stream: a gzip member's (at file offset ``base``) or
    a whole plain file's (``base`` None: offsets are the stream's own)."""
    iterator = ArchiveIterator(stream)
    offset = base or 0
    try:
        for record in iterator:
            offset = base if base is not None else iterator.offset
            yield _event(name, offset, record)
    except (ArchiveLoadFailed, ValueError, AttributeError, EOFError) as exc:
        # warcio meets a header it cannot parse (AttributeError on one cut short): the
        # records after it cannot be found in a plain file, so the file ends here.
        offset = base if base is not None else iterator.offset
        yield Unreadable(name, offset, f"not a WARC record ({type(exc).__name__}: {exc})")


def _event(name: str, offset: int, record: ArcWarcRecord) -> Event:
    http = record.http_headers
    kind = (http.get_header("Content-Type") or "") if http is not None else ""
    is_page = (
        record.rec_type == "response"
        and http is not None
        and http.get_statuscode() == "200"
        and kind.split(";")[0].strip().lower() in _HTML_TYPES
    )
    body = b""
    if is_page:
        try:
            body = record.content_stream().read()
        except (OSError, ValueError, zlib.error) as exc:  # a Content-Encoding that lies
            return Unreadable(name, offset, f"body does not decode ({exc})")
    if _cut_short(record):
        return Unreadable(name, offset, "record cut short")
    if not is_page:
        return NotAPage(name, offset)
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    date = record.rec_headers.get_header("WARC-Date") or ""
    if not url.startswith(("http://", "https://")):
        return Unreadable(name, offset, f"no http(s) WARC-Target-URI: {url[:80]!r}")
    try:
        # Akhbar's own files before the warc_date fix say "...+00:00Z": read them too.
        fetched_at = iso_date_to_datetime(date.replace("+00:00Z", "Z"), tz_aware=True)
    except (ValueError, TypeError):
        return Unreadable(name, offset, f"WARC-Date is not a date: {date[:40]!r}")
    return WarcResponse(
        path=name,
        offset=offset,
        url=url,
        status=200,
        headers=list(http.headers) if http is not None else [],
        body=body,
        fetched_at=fetched_at,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _cut_short(record: ArcWarcRecord) -> bool:
    """Whether the record's block ends before its ``Content-Length`` (read to its end)."""
    while record.raw_stream.read(_SCAN_CHUNK):
        pass
    return bool(record.raw_stream.limit)
