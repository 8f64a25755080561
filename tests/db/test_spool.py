"""The spool file: what a crawl writes when the database is down, and its replay."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from akhbar.cli import cli
from db import spool
from db.engine import make_engine
from db.errors import is_connection_error

pytestmark = pytest.mark.db

OUTLET = {
    "name": "spooltest",
    "title": "المغرب اليوم",
    "base_url": "https://spool.example",
    "language": "ar",
    "country": "MA",
    "timezone": "Africa/Casablanca",
}


def article(n: int = 0, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "url": f"https://spool.example/{uuid.uuid4().hex}/{n}.html",
        "outlet_id": 123,  # the crawl's id for its own archive: not spooled
        "title": "سوريا: الأمم المتحدة تدعو إلى وقف إطلاق النار",
        "subtitle": None,
        "body": "الفقرة الأولى.\n\nالفقرة الثانية، ١٢٣ مرة.",
        "authors": ["محمد الأمين"],
        "section": "عربي ودولي",
        "tags": ["سوريا", "الأمم المتحدة"],
        "language": "ar",
        "published_at": dt.datetime(2019, 7, 17, 14, 22, 5, tzinfo=dt.UTC),
        "published_date": dt.date(2019, 7, 17),
        "modified_at": None,
        "content_hash": uuid.uuid4().hex,
        "word_count": 9,
        "image_url": None,
        "dateline": "واشنطن ـ المغرب اليوم",
        "fetched_url": "http://127.0.0.1:8000/ignored",  # not an archive column: not spooled
    }
    row.update(changes)
    return row


def stored(engine: Engine, urls: list[str]) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT url FROM articles WHERE url = ANY(:urls) ORDER BY url"),
                {"urls": urls},
            ).scalars()
        )


def test_spooled_rows_round_trip_datetimes_and_arabic_text(tmp_path: Path) -> None:
    row = article()
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    path = writer.write(OUTLET, [row])
    writer.close()

    [(outlet, read)] = spool.read_spool_file(path).lines
    assert outlet == OUTLET
    assert read == {k: v for k, v in row.items() if k not in ("outlet_id", "fetched_url")}
    assert "سوريا" in path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes


def test_each_batch_is_one_line_per_article_ending_in_a_newline(tmp_path: Path) -> None:
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    writer.write(OUTLET, [article(1), article(2)])
    path = writer.write(OUTLET, [article(3)])
    writer.close()
    data = path.read_bytes()
    assert data.endswith(b"\n") and data.count(b"\n") == 3


def test_truncated_last_line_is_skipped_and_reported_on_replay(
    tmp_path: Path, engine: Engine
) -> None:
    whole, cut = article(1), article(2)
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    path = writer.write(OUTLET, [whole, cut])
    writer.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # a crash in the middle of the second line

    result = spool.replay(engine, tmp_path)

    assert stored(engine, [whole["url"], cut["url"]]) == [whole["url"]]
    assert result.damaged == [f"{path.name}:2"]
    assert (result.articles, result.new) == (1, 1)


def test_replay_stores_spooled_articles_and_removes_the_file(
    tmp_path: Path, engine: Engine
) -> None:
    rows = [article(n) for n in range(3)]
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    writer.write(OUTLET, rows)
    writer.close()

    result = spool.replay(engine, tmp_path)

    assert stored(engine, [r["url"] for r in rows]) == sorted(r["url"] for r in rows)
    assert (result.files, result.new, result.kept, result.damaged) == (1, 3, 0, [])
    assert spool.pending_files(tmp_path) == []


def test_replaying_the_same_articles_twice_stores_nothing_new(
    tmp_path: Path, engine: Engine
) -> None:
    rows = [article(1), article(2)]
    writer = spool.SpoolWriter(tmp_path / "first", "spooltest")
    writer.write(OUTLET, rows)
    writer.close()
    shutil.copytree(tmp_path / "first", tmp_path / "again")

    first = spool.replay(engine, tmp_path / "first")
    again = spool.replay(engine, tmp_path / "again")

    assert (first.new, again.new, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert spool.replay(engine, tmp_path / "first").articles == 0
    urls = sorted(str(r["url"]) for r in rows)
    assert stored(engine, urls) == urls


def test_replay_leaves_a_file_a_running_crawl_still_writes(tmp_path: Path, engine: Engine) -> None:
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    row = article()
    path = writer.write(OUTLET, [row])
    try:
        result = spool.replay(engine, tmp_path)
        assert result.busy == [path]
        assert stored(engine, [row["url"]]) == []
        assert spool.in_use(path)
    finally:
        writer.close()
    assert not spool.in_use(path)


def test_replay_keeps_only_the_rows_the_database_refuses(tmp_path: Path, engine: Engine) -> None:
    good, bad = article(1), article(2, title=None)  # articles.title is NOT NULL
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    path = writer.write(OUTLET, [good, bad])
    writer.close()

    result = spool.replay(engine, tmp_path)

    assert stored(engine, [good["url"], bad["url"]]) == [good["url"]]
    assert (result.new, result.kept, result.files) == (1, 1, 0)
    assert [row["url"] for _, row in spool.read_spool_file(path).lines] == [bad["url"]]


def test_replay_keeps_the_spool_when_the_database_is_unreachable(tmp_path: Path) -> None:
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    path = writer.write(OUTLET, [article()])
    writer.close()
    before = path.read_bytes()
    unreachable = make_engine("postgresql://postgres@127.0.0.1:9/akhbar")  # discard port
    try:
        with pytest.raises(Exception) as raised:
            spool.replay(unreachable, tmp_path)
    finally:
        unreachable.dispose()
    assert is_connection_error(raised.value)
    assert path.read_bytes() == before


def test_spool_status_lists_pending_files_and_their_articles(tmp_path: Path) -> None:
    writer = spool.SpoolWriter(tmp_path, "spooltest")
    path = writer.write(OUTLET, [article(1), article(2)])
    writer.close()

    result = CliRunner().invoke(cli, ["spool", "status", "--dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert f"{path.name}: 2 articles of spooltest" in result.stdout
    assert f"2 articles in 1 spool files in {tmp_path}" in result.stderr
