"""Frames between the crawl and its child processes: a pickle, and a page's body beside it."""

from __future__ import annotations

import datetime as dt
import io
import pickle

import pytest

from crawler import child_process
from crawler.warc import Fetch

BODY = "<html><body><p>نص المقال</p></body></html>".encode() * 2000


def _fetch(fetched_at: dt.datetime) -> Fetch:
    return Fetch(
        url="https://www.casablancatoday.com/morocco/2019/01/01/300001.html",
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")],
        body=BODY,
        request_method="GET",
        request_headers=[("User-Agent", "Akhbar")],
        fetched_at=fetched_at,
        metadata={"outlet": "casablancatoday", "crawl-run": "7"},
    )


def _through_a_pipe(value: object) -> object:
    stream = io.BytesIO()
    child_process._write(stream, child_process._frame(value))
    stream.seek(0)
    frame = child_process.read_frame(stream)
    assert frame is not None
    return child_process._loads(frame)


def test_a_page_body_travels_beside_the_pickle_not_inside_it() -> None:
    _header, payload, *buffers = child_process._frame(
        (1, "write_warc", (_fetch(dt.datetime.now(dt.UTC)),))
    )
    assert [bytes(buffer) for buffer in buffers] == [BODY]
    assert len(payload) < 1000


@pytest.mark.parametrize(
    "fetched_at",
    [
        dt.datetime(2026, 12, 7, 9, 58, 1, 123457, tzinfo=dt.UTC),
        dt.datetime(2019, 1, 1, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ],
    ids=["utc", "another-zone"],
)
def test_a_fetch_comes_out_as_it_went_in(fetched_at: dt.datetime) -> None:
    fetch = _fetch(fetched_at)
    call_id, name, (received,) = _through_a_pipe((3, "write_warc", (fetch,)))
    assert (call_id, name) == (3, "write_warc")
    assert received == fetch
    assert type(received.body) is bytes
    assert received.fetched_at.utcoffset() == fetched_at.utcoffset()


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_a_fetch_pickles_with_every_protocol(protocol: int) -> None:
    fetch = _fetch(dt.datetime.now(dt.UTC))
    assert pickle.loads(pickle.dumps(fetch, protocol=protocol)) == fetch


def test_a_stream_ending_inside_a_frame_ends_the_calls() -> None:
    stream = io.BytesIO()
    child_process._write(stream, child_process._frame(_fetch(dt.datetime.now(dt.UTC))))
    whole = stream.getvalue()
    for cut in (0, 3, 9, len(whole) - len(BODY), len(whole) - 1):
        assert child_process.read_frame(io.BytesIO(whole[:cut])) is None
