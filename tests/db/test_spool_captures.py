"""An article spooled during a database outage keeps its capture: the spool line carries the
``captures`` row, and replay records it linked to the stored article, once."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from db import spool
from db.captures import CAPTURE_FIELDS

pytestmark = pytest.mark.db

OUTLET = {
    "name": "spoolcapture",
    "title": "المغرب اليوم",
    "base_url": "https://spoolcapture.example",
    "language": "ar",
    "country": "MA",
    "timezone": "Africa/Casablanca",
}


def article_with_capture() -> dict[str, object]:
    url = f"https://spoolcapture.example/{uuid.uuid4().hex}.html"
    return {
        "url": url,
        "outlet_id": 1,
        "title": "سوريا: الأمم المتحدة تدعو إلى وقف إطلاق النار",
        "subtitle": None,
        "body": "الفقرة الأولى.\n\nالفقرة الثانية.",
        "authors": [],
        "section": None,
        "tags": [],
        "language": "ar",
        "published_at": dt.datetime(2019, 7, 17, 14, 22, 5, tzinfo=dt.UTC),
        "published_date": dt.date(2019, 7, 17),
        "modified_at": None,
        "content_hash": uuid.uuid4().hex,
        "word_count": 5,
        "image_url": None,
        "dateline": None,
        "fetched_url": url + "?utm_source=feed",
        "capture": {
            "url": url + "?utm_source=feed",
            "fetched_at": dt.datetime(2026, 12, 6, 21, 0, 7, 123456, tzinfo=dt.UTC),
            "http_status": 200,
            "payload_digest": "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
            "record_type": "response",
            "warc_file": "/var/lib/akhbar/warc/akhbar-spoolcapture-1-00001.warc.gz",
            "warc_offset": 4242,
            "warc_length": 5150,
            "crawl_run_id": None,
        },
    }


def captures_of(engine: Engine, url: str) -> list[dict]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.*, a.url AS article_url FROM captures c"
                " LEFT JOIN articles a ON a.id = c.article_id WHERE a.url = :url"
            ),
            {"url": url},
        )
        return [dict(row._mapping) for row in rows]


def test_a_spooled_capture_is_recorded_with_its_article_on_replay(
    tmp_path: Path, engine: Engine
) -> None:
    row = article_with_capture()
    writer = spool.SpoolWriter(tmp_path, OUTLET["name"])
    writer.write(OUTLET, [row])
    writer.close()

    spool.replay(engine, tmp_path)

    [capture] = captures_of(engine, str(row["url"]))
    assert {f: capture[f] for f in CAPTURE_FIELDS} == row["capture"]


def test_replaying_the_same_spooled_capture_twice_records_it_once(
    tmp_path: Path, engine: Engine
) -> None:
    row = article_with_capture()
    writer = spool.SpoolWriter(tmp_path / "first", OUTLET["name"])
    path = writer.write(OUTLET, [row])
    writer.close()
    (tmp_path / "again").mkdir()
    shutil.copy(path, tmp_path / "again")

    spool.replay(engine, tmp_path / "first")
    spool.replay(engine, tmp_path / "again")

    assert len(captures_of(engine, str(row["url"]))) == 1
