"""WARC/1.1 files of fetched responses: writing them, rotated by size, and reading them back.

Each record is its own gzip member, so a record can be read from its offset alone
and a file cut short by a killed crawl still yields every record before the cut.
A response identical to an earlier capture of its URL is written as a ``revisit``
record (profile *identical payload digest*) instead of a second copy.

Nothing here knows about Scrapy or the database: the writer takes plain values,
so the capture middleware and the tests use it alike.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import operator
import os
import pickle
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any, SupportsIndex

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
DEFAULT_MAX_FILE_SIZE = 1024**3
"""Default of ``AKHBAR_WARC_MAX_SIZE``: a file is closed and a new one begun past 1 GiB."""
SUFFIX = ".warc.gz"
# Scrapy hands the spider a decoded body; headers describing the wire encoding would lie.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class CaptureUnreadable(Exception):
    """A capture's record is missing, cut short or does not match its digest."""


@dataclass(frozen=True)
class Fetch:
    """One fetched response, as the spider saw it."""

    url: str
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes
    request_method: str
    request_headers: Sequence[tuple[str, str]]
    fetched_at: dt.datetime
    metadata: Mapping[str, str]
    """What else to keep with it (crawl run, outlet, encoding...), as a metadata record."""

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # Every page goes to the writer process this way (crawler.child_process): as
        # builtins, which the pickler handles in C, and from protocol 5 with the body out
        # of band, beside the pickle instead of copied into it and out again.
        body = pickle.PickleBuffer(self.body) if operator.index(protocol) >= 5 else self.body
        when = self.fetched_at
        # A time in UTC as whole microseconds (exact, where a float timestamp rounds).
        sent = (when - _EPOCH) // _MICROSECOND if when.tzinfo is dt.UTC else when
        values = (
            self.url,
            self.status,
            self.headers,
            body,
            self.request_method,
            self.request_headers,
            sent,
            self.metadata,
        )
        return (_fetch_from, values)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _fetch_from(
    url: str,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    request_method: str,
    request_headers: Sequence[tuple[str, str]],
    fetched_at: int | dt.datetime,
    metadata: Mapping[str, str],
) -> Fetch:
    """The :class:`Fetch` that ``Fetch.__reduce_ex__`` took apart."""
    if not isinstance(fetched_at, dt.datetime):
        fetched_at = _EPOCH + fetched_at * _MICROSECOND
    return Fetch(url, status, headers, body, request_method, request_headers, fetched_at, metadata)


@dataclass(frozen=True)
class Earlier:
    """The last capture of a URL: what a revisit record refers to."""

    digest: str
    url: str
    fetched_at: dt.datetime


@dataclass(frozen=True)
class Written:
    """Where a fetch was written: the response (or revisit) record's place in its file."""

    url: str
    fetched_at: dt.datetime
    status: int
    digest: str
    record_type: str
    """``response``, or ``revisit`` when the payload equals the URL's last capture."""
    warc_file: str
    offset: int
    length: int

    def capture_row(self, crawl_run_id: int | None) -> dict[str, Any]:
        """The ``captures`` row of this fetch (``db.captures``), without its article."""
        return {
            "url": self.url,
            "fetched_at": self.fetched_at,
            "http_status": self.status,
            "payload_digest": self.digest,
            "record_type": self.record_type,
            "warc_file": self.warc_file,
            "warc_offset": self.offset,
            "warc_length": self.length,
            "crawl_run_id": crawl_run_id,
        }


@dataclass(frozen=True)
class Payload:
    """A response read back from a WARC file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    metadata: dict[str, str]


def warc_date(when: dt.datetime) -> str:
    """``WARC-Date`` of an aware time: UTC, ``2024-05-01T10:00:07.123456Z``.

    warcio formats a naive UTC time; given an aware one it writes ``...+00:00Z``, which
    WARC readers (pywb, warcio's own parser) refuse.
    """
    return datetime_to_iso_date(when.astimezone(dt.UTC).replace(tzinfo=None), use_micros=True)


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>``, as ``WARC-Payload-Digest`` spells it."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


class WarcFiles:
    """Appends fetches to ``<prefix>-<time>-<pid>-<n>.warc.gz`` files in ``directory``.

    A file is never shared between processes and is closed for a new one once it
    reaches ``max_size`` bytes. Safe to call from several threads. The records of
    one fetch are serialized and compressed outside the lock and handed to the
    operating system in one write before :meth:`write` returns: a killed process
    loses at most the fetch being written, and a record is on its way to disk
    before the article read from it is stored. No fsync: what a crash of the whole
    machine can cut is a file's tail, which readers skip and report.
    """

    def __init__(self, directory: Path, prefix: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_size = max_size
        self._lock = threading.Lock()
        self._file: IO[bytes] | None = None
        self._path: Path | None = None
        self._size = 0
        self._serial = 0
        self._started = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")

    def write(self, fetch: Fetch, earlier: Earlier | None = None) -> Written:
        """Write request, response (or revisit) and metadata records; return the response's place.

        Raises OSError when the folder cannot be written (full disk, no permission); the
        file such a write may have cut gets no more records, the next write begins a new one.
        """
        digest = payload_digest(fetch.body)
        revisit = earlier if earlier is not None and earlier.digest == digest else None
        date = warc_date(fetch.fetched_at)
        writer = _builder()
        response_record = (
            _revisit_record(writer, fetch, digest, revisit, date)
            if revisit is not None
            else _response_record(writer, fetch, digest, date)
        )
        response_id = response_record.rec_headers.get_header("WARC-Record-ID")
        request = _member(_request_record(writer, fetch, date, response_id))
        response = _member(response_record)
        metadata = _member(_metadata_record(writer, fetch, date, response_id))
        with self._lock:
            handle, path = self._current()
            offset = self._size + len(request)
            try:
                handle.write(b"".join((request, response, metadata)))
                handle.flush()
            except OSError:
                self._abandon()
                raise
            self._size += len(request) + len(response) + len(metadata)
        return Written(
            url=fetch.url,
            fetched_at=fetch.fetched_at,
            status=fetch.status,
            digest=digest,
            record_type="response" if revisit is None else "revisit",
            warc_file=str(path),
            offset=offset,
            length=len(response),
        )

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _abandon(self) -> None:
        """Stop writing to the current file, whose tail a failed write left unknown."""
        handle, self._file = self._file, None
        if handle is not None:
            with contextlib.suppress(OSError):  # the buffer it cannot flush is lost anyway
                handle.close()

    def _current(self) -> tuple[IO[bytes], Path]:
        if self._file is not None and self._path is not None:
            if self._size < self.max_size:
                return self._file, self._path
            self._file.close()
        self._serial += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self._started}-{os.getpid()}-{self._serial:05d}{SUFFIX}"
        self._path = (self.directory / name).resolve()
        self._file = self._path.open("xb")
        warcinfo = _member(_warcinfo_record(name))
        self._file.write(warcinfo)
        self._size = len(warcinfo)
        return self._file, self._path


# Writing ------------------------------------------------------------------------------------
# warcio makes and serializes every record (headers, digests, lengths). Each record is then
# compressed here as a gzip member of its own with ISA-L (isal), whose deflate is standard
# gzip that every WARC reader inflates, where warcio's gzip writer uses zlib at level 9
# through a wrapper that flushes the file after each record. On 400 of the ingest
# benchmark's ~49 KB pages of corpus text: ISA-L level 2 0.038 ms and 4,589 B a page, zlib
# level 3 (used before) 0.15 ms and 4,407 B, zlib level 9 ~0.55 ms and ~4.0 KB.

COMPRESSION_LEVEL = 2
"""ISA-L's levels run from 0 to 3; 3 is smaller (4,299 B) at three times the CPU (0.11 ms)."""


def _member(record: ArcWarcRecord) -> bytes:
    """One record, serialized by warcio, as a gzip member of its own."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return isal_zlib.compress(buffer.getvalue(), COMPRESSION_LEVEL, wbits=31)


def _builder() -> WARCWriter:
    """A writer used only to make records (its output stream is never written)."""
    return WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)


def _warcinfo_record(name: str) -> ArcWarcRecord:
    return _builder().create_warcinfo_record(
        name, {"software": "Akhbar (warcio)", "format": "WARC File Format 1.1"}
    )


def _http_response_headers(fetch: Fetch) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(fetch.status).phrase
    except ValueError:
        reason = ""
    headers = [(k, v) for k, v in fetch.headers if k.lower() not in _WIRE_HEADERS]
    headers.append(("Content-Length", str(len(fetch.body))))
    return StatusAndHeaders(f"{fetch.status} {reason}".strip(), headers, protocol="HTTP/1.1")


def _response_record(writer: WARCWriter, fetch: Fetch, digest: str, date: str) -> ArcWarcRecord:
    # warcio hashes the payload itself unless told its digest: the body would be hashed a
    # third time (ours for revisits, warcio's payload digest, its block digest).
    return writer.create_warc_record(
        fetch.url,
        "response",
        payload=io.BytesIO(fetch.body),
        length=len(fetch.body),
        http_headers=_http_response_headers(fetch),
        warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
    )


def _revisit_record(
    writer: WARCWriter, fetch: Fetch, digest: str, earlier: Earlier, date: str
) -> ArcWarcRecord:
    """A revisit (identical payload digest): the HTTP headers only, pointing at the earlier
    response that holds the payload."""
    return writer.create_revisit_record(
        fetch.url,
        digest,
        earlier.url,
        warc_date(earlier.fetched_at),
        http_headers=_http_response_headers(fetch),
        warc_headers_dict={"WARC-Date": date},
    )


def _request_record(writer: WARCWriter, fetch: Fetch, date: str, concurrent: str) -> ArcWarcRecord:
    parts = fetch.url.split("/", 3)
    path = "/" + (parts[3] if len(parts) > 3 else "")
    headers = StatusAndHeaders(
        f"{fetch.request_method} {path} HTTP/1.1", list(fetch.request_headers), is_http_request=True
    )
    return writer.create_warc_record(
        fetch.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent},
    )


def _metadata_record(writer: WARCWriter, fetch: Fetch, date: str, concurrent: str) -> ArcWarcRecord:
    fields = "".join(f"{k}: {v}\r\n" for k, v in fetch.metadata.items() if v is not None)
    data = fields.encode("utf-8")
    return writer.create_warc_record(
        fetch.url,
        "metadata",
        payload=io.BytesIO(data),
        length=len(data),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent},
    )


# Reading ------------------------------------------------------------------------------------

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Record:
    """One WARC record read back: its place in the file, headers and block."""

    offset: int
    length: int
    type: str
    headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    content: bytes
    """The block after the HTTP headers (the payload of a response)."""

    def header(self, name: str) -> str | None:
        return self.headers.get_header(name)


@dataclass(frozen=True)
class Truncated:
    """Where a file stops making sense: its last record is cut short or damaged."""

    path: Path
    offset: int
    reason: str


def _parse(data: bytes, offset: int, length: int) -> Record:
    """The record in one decompressed gzip member; EOFError when its block is cut short."""
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data), no_record_parse=False)))
    except (StopIteration, ArchiveLoadFailed, ValueError) as exc:
        raise EOFError(f"no WARC record ({exc})") from exc
    content = record.raw_stream.read()
    if record.raw_stream.limit:
        raise EOFError("record cut short")
    return Record(
        offset=offset,
        length=length,
        type=record.rec_type,
        headers=record.rec_headers,
        http_headers=record.http_headers,
        content=content,
    )


def gzip_members(handle: IO[bytes], start: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, decompressed bytes) of each complete gzip member from ``start``.

    Raises EOFError at a member the file ends inside of, zlib.error at a damaged one.
    """
    handle.seek(start)
    offset, buffer = start, b""
    while True:
        inflater = zlib.decompressobj(wbits=31)
        parts: list[bytes] = []
        consumed = 0
        while not inflater.eof:
            if not buffer:
                buffer = handle.read(_CHUNK)
                if not buffer:
                    break
            parts.append(inflater.decompress(buffer))
            used = len(buffer) - len(inflater.unused_data)
            consumed += used
            buffer = inflater.unused_data if inflater.eof else b""
        if not inflater.eof:
            if consumed:
                raise EOFError(f"file ends inside the record at {offset}")
            return
        yield offset, consumed, b"".join(parts)
        offset += consumed


def iter_records(
    path: str | Path, start: int = 0, problems: list[Truncated] | None = None
) -> Iterator[Record]:
    """Every complete record of a file from ``start``.

    Stops at a record that is cut short (a crawl killed while writing) or damaged,
    logs it and appends it to ``problems`` instead of raising.
    """
    with open(path, "rb") as handle:
        members = gzip_members(handle, start)
        offset = start
        while True:
            try:
                offset, length, data = next(members)
                record = _parse(data, offset, length)
            except StopIteration:
                return
            except (EOFError, zlib.error) as exc:
                logger.warning("%s: record at %d unreadable, skipped (%s)", path, offset, exc)
                if problems is not None:
                    problems.append(Truncated(Path(path), offset, str(exc)))
                return
            yield record
            offset += length


def read_record(path: str | Path, offset: int, length: int) -> Record:
    """The one record at ``offset`` (``length`` bytes, one gzip member).

    Raises :class:`CaptureUnreadable` when the file is missing or the record cut short
    or damaged.
    """
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
    except OSError as exc:
        raise CaptureUnreadable(f"{path}: {exc.strerror or exc}") from exc
    try:
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(data)
        if not inflater.eof or inflater.unused_data:
            raise EOFError(f"no record of {length} bytes at {offset}")
        return _parse(raw, offset, length)
    except (EOFError, zlib.error) as exc:
        raise CaptureUnreadable(f"{path}: record at {offset} unreadable ({exc})") from exc


def read_payload(path: str | Path, offset: int, length: int, digest: str) -> Payload:
    """The response recorded at ``offset``, checked against its payload digest, with the
    fields of the metadata record written with it."""
    record = read_record(path, offset, length)
    if record.type != "response":
        raise CaptureUnreadable(f"{path}: record at {offset} is a {record.type}, not a response")
    if payload_digest(record.content) != digest:
        raise CaptureUnreadable(f"{path}: record at {offset} does not match its digest")
    http = record.http_headers
    return Payload(
        url=record.header("WARC-Target-URI") or "",
        status=int(http.get_statuscode() or 0) if http else 0,
        headers=list(http.headers) if http else [],
        body=record.content,
        metadata=_metadata_after(path, record),
    )


def _metadata_after(path: str | Path, response: Record) -> dict[str, str]:
    """The fields of the metadata record written with ``response`` (the next record)."""
    record_id = response.header("WARC-Record-ID")
    for record in iter_records(path, start=response.offset + response.length):
        if record.type == "metadata" and record.header("WARC-Concurrent-To") == record_id:
            return parse_fields(record.content)
        break
    return {}


def parse_fields(content: bytes) -> dict[str, str]:
    """``application/warc-fields`` (``name: value`` lines) as a dict."""
    fields = {}
    for line in content.decode("utf-8").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields[name.strip()] = value.strip()
    return fields


# Copying -------------------------------------------------------------------------------------


def write_warcinfo(out: IO[bytes], name: str) -> None:
    """The ``warcinfo`` record that opens a WARC file of ours."""
    out.write(_member(_warcinfo_record(name)))


def copy_capture(path: str | Path, offset: int, length: int, out: IO[bytes]) -> None:
    """Copy the record at ``offset`` byte for byte, then the metadata record written with it.

    Each record is its own gzip member, so copies make a valid ``.warc.gz``. Raises
    :class:`CaptureUnreadable` when the record is missing, cut short or damaged.
    """
    record = read_record(path, offset, length)  # checks the member before it is copied
    with open(path, "rb") as handle:
        handle.seek(offset)
        out.write(handle.read(length))
        record_id = record.header("WARC-Record-ID")
        for following in iter_records(path, start=offset + length):
            if following.type == "metadata" and following.header("WARC-Concurrent-To") == record_id:
                handle.seek(following.offset)
                out.write(handle.read(following.length))
            break
