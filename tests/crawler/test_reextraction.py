"""``akhbar reextract`` repairs the archive from its WARC captures, with the site gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from akhbar.cli import cli
from akhbar.static_server import StaticSite
from db import schema
from db.config import load_config
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, run_crawl
from tests.support import copy_outlet_site

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTLET = "casablancatoday"
HOST = "www.casablancatoday.com"
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
CORRUPTED = 5


def query(url: str, sql: str, **params: object) -> list[dict]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [dict(r._mapping) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def crawled(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An archive of casablancatoday, crawled with capture on; the site is gone afterwards."""
    url = databases.create("akhbar_reextract")
    schema.upgrade(url)
    root = tmp_path_factory.mktemp(OUTLET) / "site"
    copy_outlet_site(OUTLET, root)
    settings = {**FAST, "AKHBAR_WARC_DIR": str(tmp_path_factory.mktemp("warc"))}
    with StaticSite(root) as server:
        request = CrawlRequest(
            outlet=OUTLET, host_map={HOST: server.origin}, timeout=240, settings=settings
        )
        result = run_crawl(load_config(environ={"AKHBAR_DATABASE_URL": url}), request)
    assert result.status == "succeeded", result
    yield url


def reextract(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["reextract", *args], env={"AKHBAR_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_reextract_restores_corrupted_articles_exactly_and_once(crawled: str) -> None:
    before = query(crawled, "SELECT * FROM articles ORDER BY id")
    victims = [row["id"] for row in before[:CORRUPTED]]
    query(
        crawled,
        "UPDATE articles SET body = 'corrupted', content_hash = 'x', word_count = 1"
        " WHERE id = ANY(:ids)",
        ids=victims,
    )

    code, out, err = reextract(crawled, OUTLET, "--dry-run")
    assert code == 0, err
    assert f"{CORRUPTED} articles changed (body {CORRUPTED})" in out
    assert "dry run" in out
    assert query(crawled, "SELECT count(*) AS n FROM article_revisions") == [{"n": 0}]

    code, out, err = reextract(crawled, OUTLET)
    assert code == 0, err
    assert out.strip() == (
        f"{OUTLET}: {len(before)} captures read, {CORRUPTED} articles changed "
        f"(body {CORRUPTED}), {len(before) - CORRUPTED} unchanged"
    )
    assert query(crawled, "SELECT * FROM articles ORDER BY id") == before
    revisions = query(crawled, "SELECT * FROM article_revisions ORDER BY article_id")
    assert [r["article_id"] for r in revisions] == victims
    assert {(r["reason"], r["body"], r["content_hash"]) for r in revisions} == {
        ("reextraction", "corrupted", "x")
    }

    code, out, err = reextract(crawled)  # every outlet with captures: this one
    assert code == 0, err
    assert f"{OUTLET}: {len(before)} captures read, 0 articles changed," in out
    assert query(crawled, "SELECT * FROM articles ORDER BY id") == before
    assert len(query(crawled, "SELECT id FROM article_revisions")) == CORRUPTED


def test_reextract_reports_captures_it_cannot_read(crawled: str) -> None:
    [last] = query(
        crawled, "SELECT * FROM captures ORDER BY warc_file DESC, warc_offset DESC LIMIT 1"
    )
    path = Path(last["warc_file"])
    path.write_bytes(path.read_bytes()[: last["warc_offset"] + 10])  # a crawl killed mid-write
    code, out, err = reextract(crawled, OUTLET)
    assert code == 1
    assert "1 unreadable" in out
    assert f"unreadable: capture {last['id']} {last['url']}" in err


def test_reextract_of_an_outlet_without_captures_says_so(crawled: str) -> None:
    code, _, err = reextract(crawled, "hawarnews")
    assert code == 1 and "no captures of 'hawarnews'" in err
