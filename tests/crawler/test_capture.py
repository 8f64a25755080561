"""A real crawl keeps every article response in WARC files that warcio reads back, each one
matching its ``captures`` row; a second fetch of an unchanged page is a revisit record."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from akhbar.static_server import StaticSite
from crawler.warc import iter_records, parse_fields, payload_digest, read_record
from db import schema
from db.config import load_config
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.support import copy_outlet_site

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTLET = "hawarnews"
HOST = "www.hawarnews.com"
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


@dataclass
class CapturedArchive:
    url: str
    warc_dir: Path
    site: Path

    def crawl(self, origin: str, full: bool = False) -> CrawlResult:
        config = load_config(environ={"AKHBAR_DATABASE_URL": self.url})
        settings = {**FAST, "AKHBAR_WARC_DIR": str(self.warc_dir)}
        request = CrawlRequest(
            outlet=OUTLET, host_map={HOST: origin}, full=full, timeout=240, settings=settings
        )
        return run_crawl(config, request)

    def query(self, sql: str, **params: object) -> list[dict]:
        engine = make_engine(self.url)
        try:
            with engine.connect() as connection:
                return [dict(r._mapping) for r in connection.execute(text(sql), params)]
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def captured(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CapturedArchive]:
    """hawarnews crawled twice: once, then again in full (every page unchanged)."""
    url = databases.create("akhbar_capture")
    schema.upgrade(url)
    root = tmp_path_factory.mktemp(OUTLET) / "site"
    copy_outlet_site(OUTLET, root)
    archive = CapturedArchive(url, tmp_path_factory.mktemp("warc"), root)
    with StaticSite(root) as server:
        for full in (False, True):
            result = archive.crawl(server.origin, full=full)
            assert result.status == "succeeded", result
    yield archive


def test_every_article_has_a_capture_of_each_crawl(captured: CapturedArchive) -> None:
    articles = captured.query("SELECT id FROM articles")
    per_article = captured.query(
        "SELECT article_id, count(*) AS n, array_agg(record_type ORDER BY fetched_at) AS types,"
        " count(DISTINCT crawl_run_id) AS runs FROM captures GROUP BY article_id"
    )
    assert len(articles) > 20
    assert {row["article_id"] for row in per_article} == {row["id"] for row in articles}
    for row in per_article:
        assert (row["n"], row["types"], row["runs"]) == (2, ["response", "revisit"], 2)


def test_every_capture_row_matches_its_record(captured: CapturedArchive) -> None:
    rows = captured.query("SELECT * FROM captures")
    files = {row["warc_file"] for row in rows}
    assert {Path(f).parent for f in files} == {captured.warc_dir}
    for row in rows:
        record = read_record(row["warc_file"], row["warc_offset"], row["warc_length"])
        assert record.type == row["record_type"]
        assert record.header("WARC-Target-URI") == row["url"]
        assert record.header("WARC-Payload-Digest") == row["payload_digest"]
        assert int(record.http_headers.get_statuscode()) == row["http_status"] == 200
        if row["record_type"] == "response":
            assert payload_digest(record.content) == row["payload_digest"]


def test_warcio_reads_every_file_with_its_request_and_metadata(captured: CapturedArchive) -> None:
    runs = {row["id"] for row in captured.query("SELECT id FROM crawl_runs")}
    types: dict[str, int] = {}
    for path in sorted(captured.warc_dir.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle, check_digests=True):
                types[record.rec_type] = types.get(record.rec_type, 0) + 1
                record.content_stream().read()
        problems: list = []
        for record in iter_records(path, problems=problems):
            if record.type == "metadata":
                fields = parse_fields(record.content)
                assert fields["outlet"] == OUTLET
                assert int(fields["crawl-run"]) in runs
        assert problems == []
    warcio = Path(sys.executable).parent / "warcio"
    files = sorted(str(path) for path in captured.warc_dir.glob("*.warc.gz"))
    done = subprocess.run([warcio, "check", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    fetches = len(captured.query("SELECT id FROM captures"))
    assert types == {
        "warcinfo": 2,  # one file per crawl
        "request": fetches,
        "response": fetches // 2,
        "revisit": fetches // 2,
        "metadata": fetches,
    }


def test_a_warc_folder_that_cannot_be_written_stops_the_crawl_and_stores_nothing(
    databases, tmp_path: Path
) -> None:
    url = databases.create("akhbar_capture_unwritable")
    schema.upgrade(url)
    root = tmp_path / "site"
    copy_outlet_site(OUTLET, root)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    archive = CapturedArchive(url, blocker / "warc", root)
    with StaticSite(root) as server:
        archive.crawl(server.origin)
    [run] = archive.query("SELECT stats, status FROM crawl_runs")
    assert run["stats"]["akhbar/errors/capture_failed"] == 1
    assert run["stats"]["finish_reason"] == "capture_failed"
    assert archive.query("SELECT url FROM articles") == []
    assert archive.query("SELECT id FROM captures") == []
