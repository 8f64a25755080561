"""End to end: crawl the saved copies of both outlets through the host map into PostgreSQL.

Each outlet's site is copied to a temporary folder and served on 127.0.0.1; the
crawls run as real ``scrapy crawl`` processes through ``scheduler.crawl.run_crawl``
(what ``akhbar crawl`` does). The archive is compared with the truth files
(``tests/fixtures/<outlet>/expected/``, generated from ``site/_truth/``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from akhbar.static_server import StaticSite
from crawler.extensions import crawl_status
from crawler.registry import outlet_spiders
from db import schema
from db.articles import copies_of
from db.config import load_config
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.support import FIXTURES, copy_outlet_site
from tests.support.scoring import token_f1

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTLETS = {
    "casablancatoday": "https://www.casablancatoday.com",
    "hawarnews": "https://www.hawarnews.com",
}
# Local crawls need no politeness delay; everything else is the production configuration.
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


@dataclass
class Site:
    outlet: str
    root: Path
    server: StaticSite


@dataclass
class Archive:
    url: str
    sites: dict[str, Site]

    def crawl(self, outlet: str, full: bool = False) -> CrawlResult:
        site = self.sites[outlet]
        host = OUTLETS[outlet].removeprefix("https://")
        config = load_config(environ={"AKHBAR_DATABASE_URL": self.url})
        request = CrawlRequest(
            outlet=outlet,
            host_map={host: site.server.origin},
            full=full,
            timeout=240,
            settings=FAST,
        )
        return run_crawl(config, request)

    def query(self, sql: str, **params: object) -> list[dict]:
        engine = make_engine(self.url)
        try:
            with engine.connect() as connection:
                return [dict(r._mapping) for r in connection.execute(text(sql), params)]
        finally:
            engine.dispose()


def expected_articles(outlet: str) -> dict[str, dict]:
    folder = FIXTURES / outlet / "expected"
    found = {}
    for path in sorted(folder.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        found[expected["url"]] = expected
    return found


def folded(text_: str | None) -> str:
    return " ".join((text_ or "").split())


# Every article with when it was last seen (kept in article_last_seen, apart from the row).
ARTICLES_SEEN = (
    "SELECT a.*, l.last_seen_at FROM articles a"
    " JOIN article_last_seen l ON l.article_id = a.id ORDER BY a.url"
)


@pytest.fixture(scope="module")
def archive(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    url = databases.create("akhbar_crawl")
    schema.upgrade(url)
    sites = {}
    for outlet in OUTLETS:
        root = tmp_path_factory.mktemp(outlet) / "site"
        copy_outlet_site(outlet, root)
        sites[outlet] = Site(outlet, root, StaticSite(root).start())
    yield Archive(url, sites)
    for site in sites.values():
        site.server.stop()


@pytest.fixture(scope="module")
def first_crawls(archive: Archive) -> dict[str, CrawlResult]:
    return {outlet: archive.crawl(outlet) for outlet in OUTLETS}


@pytest.fixture(scope="module")
def second_crawls(archive: Archive, first_crawls) -> dict[str, CrawlResult]:
    return {outlet: archive.crawl(outlet) for outlet in OUTLETS}


@pytest.fixture(scope="module")
def snapshot_before_full(archive: Archive, second_crawls) -> list[dict]:
    return archive.query(ARTICLES_SEEN)


@pytest.fixture(scope="module")
def full_crawls(archive: Archive, snapshot_before_full) -> dict[str, CrawlResult]:
    return {outlet: archive.crawl(outlet, full=True) for outlet in OUTLETS}


@pytest.fixture(scope="module")
def edited_crawls(archive: Archive, full_crawls) -> dict[str, CrawlResult]:
    for outlet, site in archive.sites.items():
        v2 = FIXTURES / outlet / "updates" / "v2"
        shutil.copytree(v2, site.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("_truth"))
    return {outlet: archive.crawl(outlet, full=True) for outlet in OUTLETS}


@pytest.mark.parametrize("outlet", OUTLETS)
def test_first_crawl_succeeds_and_counts_every_article_as_new(first_crawls, outlet) -> None:
    result = first_crawls[outlet]
    assert result.status == "succeeded", result.error_summary
    assert result.articles_new == len(expected_articles(outlet))
    assert result.errors == 0, result.error_summary


@pytest.mark.parametrize("outlet", OUTLETS)
def test_crawl_run_is_recorded(archive, first_crawls, outlet) -> None:
    result = first_crawls[outlet]
    [run] = archive.query("SELECT * FROM crawl_runs WHERE id = :id", id=result.run_id)
    assert run["status"] == "succeeded"
    assert run["trigger"] == "manual"
    assert run["finished_at"] >= run["started_at"]
    assert run["articles_new"] == result.articles_new
    assert run["pages_crawled"] == result.pages_crawled > result.articles_new


@pytest.mark.parametrize("outlet", OUTLETS)
def test_archive_holds_every_article_and_nothing_else(archive, first_crawls, outlet) -> None:
    stored = archive.query(
        "SELECT a.url FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE o.name = :o",
        o=outlet,
    )
    assert {row["url"] for row in stored} == set(expected_articles(outlet))


@pytest.mark.parametrize("outlet", OUTLETS)
def test_archived_articles_match_the_truth(archive, first_crawls, outlet, capsys) -> None:
    rows = {
        row["url"]: row
        for row in archive.query(
            "SELECT a.* FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE o.name = :o",
            o=outlet,
        )
    }
    f1s = []
    for url, want in expected_articles(outlet).items():
        got = rows[url]
        assert got["title"] == want["title"], url
        assert got["subtitle"] == want["subtitle"], url
        assert folded(got["body"]) == folded(want["body"]), url
        f1s.append(token_f1(got["body"], want["body"]))
        published = (
            dt.datetime.fromisoformat(want["published"]) if "T" in want["published"] else None
        )
        if published is None:
            assert got["published_at"] is None, url
            assert got["published_date"] == dt.date.fromisoformat(want["published"]), url
        else:
            assert got["published_at"] == published, url
        assert got["authors"] == ([want["authors"][0]] if want["authors"] else []), url
        assert got["section"] == want["section"], url
        assert got["tags"] == want["tags"], url
        assert got["language"] == "ar", url
        assert got["dateline"] == want["dateline"], url
    with capsys.disabled():
        print(f"\n{outlet}: {len(f1s)} articles, body token F1 mean {sum(f1s) / len(f1s):.4f}")


def test_word_for_word_copies_share_a_content_hash(archive, first_crawls) -> None:
    casablanca = "https://www.casablancatoday.com/world/2019/07/17/248673.html"
    hawar = (
        "https://www.hawarnews.com/ar/haber/2019/07/18/"
        "mnzmt-alsht-alaalmyt-taln-tfshy-iybwla-fy-h13973/"
    )
    engine = make_engine(archive.url)
    try:
        with engine.connect() as connection:
            assert copies_of(connection, casablanca) == [hawar]
            assert copies_of(connection, hawar) == [casablanca]
    finally:
        engine.dispose()


@pytest.mark.parametrize("outlet", OUTLETS)
def test_second_crawl_fetches_no_archived_article_and_stores_nothing(second_crawls, outlet) -> None:
    result = second_crawls[outlet]
    assert result.status == "succeeded"
    assert (result.articles_new, result.articles_updated, result.articles_unchanged) == (0, 0, 0)


@pytest.mark.parametrize("outlet", OUTLETS)
def test_second_crawl_skips_sitemaps_and_listing_pages_unchanged_since_the_first(
    archive, second_crawls, outlet
) -> None:
    (stats,) = [
        row["stats"]
        for row in archive.query(
            "SELECT stats FROM crawl_runs WHERE id = :id", id=second_crawls[outlet].run_id
        )
    ]
    index = (FIXTURES / outlet / "site" / "sitemap.xml").read_text("utf-8")
    assert stats["akhbar/sitemaps_skipped_unchanged"] == index.count("<sitemap>")
    assert stats.get("akhbar/listings_stopped_archived", 0) >= 1
    # What is left is the entry documents: robots.txt (twice: Scrapy's robots middleware
    # reads it, and the spider for its Sitemap: lines), sitemaps, feeds, first listing pages.
    info = outlet_spiders()[outlet].outlet
    entry_documents = 2 + len(info.sitemap_urls) + len(info.feed_urls) + len(info.listing_urls)
    assert second_crawls[outlet].pages_crawled == entry_documents


@pytest.mark.parametrize("outlet", OUTLETS)
def test_full_recrawl_of_unchanged_site_only_touches_last_seen_at(
    archive, snapshot_before_full, full_crawls, outlet
) -> None:
    result = full_crawls[outlet]
    assert (result.articles_new, result.articles_updated) == (0, 0)
    assert result.articles_unchanged == len(expected_articles(outlet))
    after = archive.query(ARTICLES_SEEN)
    assert len(after) == len(snapshot_before_full)
    for old, new in zip(snapshot_before_full, after, strict=True):
        assert new["last_seen_at"] >= old["last_seen_at"]
        assert {k: v for k, v in old.items() if k != "last_seen_at"} == {
            k: v for k, v in new.items() if k != "last_seen_at"
        }
    assert archive.query("SELECT count(*) AS n FROM article_revisions") == [{"n": 0}]


@pytest.mark.parametrize("outlet", OUTLETS)
def test_edited_article_is_updated_and_keeps_its_earlier_version(
    archive, edited_crawls, outlet
) -> None:
    result = edited_crawls[outlet]
    assert result.articles_updated == 1
    v1 = json.loads(
        next((FIXTURES / outlet / "expected" / "updates" / "v1").glob("*.json")).read_text("utf-8")
    )
    v2 = json.loads(
        next((FIXTURES / outlet / "expected" / "updates" / "v2").glob("*.json")).read_text("utf-8")
    )
    [article] = archive.query("SELECT * FROM articles WHERE url = :u", u=v2["url"])
    assert article["title"] == v2["title"]
    assert folded(article["body"]) == folded(v2["body"])
    assert article["modified_at"] == dt.datetime.fromisoformat(v2["modified"])
    revisions = archive.query(
        "SELECT r.* FROM article_revisions r JOIN articles a ON a.id = r.article_id"
        " JOIN outlets o ON o.id = a.outlet_id WHERE o.name = :o",
        o=outlet,
    )
    assert len(revisions) == 1
    assert revisions[0]["article_id"] == article["id"]
    assert revisions[0]["title"] == v1["title"]
    assert folded(revisions[0]["body"]) == folded(v1["body"])


# --------------------------------------------------------------------------- failing crawls

HAWARNEWS_SITE = FIXTURES / "hawarnews" / "site"
BROKEN_TRAFILATURA = (
    '"""Stands for trafilatura on lxml 6.2 without lxml_html_clean: importing it fails."""\n'
    'raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")\n'
)


def small_site(root: Path, articles: int = 3) -> Path:
    """A start page linking ``articles`` real article pages of the saved hawarnews site."""
    links = []
    for page in sorted((HAWARNEWS_SITE / "ar" / "haber").glob("*/*/*/*/index.html"))[:articles]:
        path = page.relative_to(HAWARNEWS_SITE)
        (root / path).parent.mkdir(parents=True)
        shutil.copy(page, root / path)
        links.append(f'<li><a href="/{path.parent.as_posix()}/">{path.parent.name}</a></li>')
    (root / "index.html").write_text(
        f"<!doctype html><html><body><h1>Latest</h1><ul>{''.join(links)}</ul></body></html>",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def fresh_archive(databases) -> str:
    url = databases.create("akhbar_failing")
    schema.upgrade(url)
    return url


@pytest.fixture
def broken_extraction(fresh_archive: str, tmp_path: Path) -> dict[str, str]:
    """The environment of the issue's crawl: trafilatura cannot be imported.

    Every page the generic spider reads then raises in parsing, as it did on
    lxml 6.2 without ``lxml_html_clean``; the crawl's processes inherit it.
    """
    shadow = tmp_path / "shadow" / "trafilatura"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(BROKEN_TRAFILATURA, encoding="utf-8")
    return {
        **os.environ,
        "AKHBAR_DATABASE_URL": fresh_archive,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(shadow.parent), os.getenv("PYTHONPATH")])),
    }


def assert_failed_with_traceback(database_url: str) -> None:
    [run] = Archive(database_url, {}).query("SELECT * FROM crawl_runs")
    assert run["status"] == "failed"
    assert run["errors"] == 3 and run["error_summary"] == "parse_error: 3"
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, 0)
    assert "Traceback (most recent call last)" in run["log_tail"]
    assert "lxml_html_clean" in run["log_tail"]


def test_crawl_whose_every_article_page_raises_fails_with_the_traceback(
    fresh_archive: str, broken_extraction: dict[str, str], tmp_path: Path
) -> None:
    """``akhbar -v crawl generic --url ...`` exits 1, says ``failed``, shows the
    crawl's errors on stderr, and ``crawl_runs.log_tail`` keeps the first traceback."""
    with StaticSite(small_site(tmp_path / "site")) as site:
        done = subprocess.run(
            [sys.executable, "-m", "akhbar", "-v", "crawl", "generic", "--url", site.origin + "/"],
            env=broken_extraction,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 1, done.stderr
    assert ": failed in " in done.stdout
    assert "lxml_html_clean" in done.stderr  # -v shows the crawl's own log
    assert_failed_with_traceback(fresh_archive)


def test_plain_scrapy_crawl_records_the_same_failure(
    fresh_archive: str, broken_extraction: dict[str, str], tmp_path: Path
) -> None:
    with StaticSite(small_site(tmp_path / "site")) as site:
        command = ["scrapy", "crawl", "generic", "-a", f"url={site.origin}/"]
        done = subprocess.run(
            [sys.executable, "-m", *command, "-s", "AUTOTHROTTLE_ENABLED=False"],
            env=broken_extraction,
            cwd=Path(__file__).parents[2],  # scrapy.cfg
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr  # Scrapy's exit status says nothing of the crawl
    assert_failed_with_traceback(fresh_archive)


def test_crawl_with_one_bad_article_page_among_good_ones_succeeds_and_keeps_its_log(
    fresh_archive: str, tmp_path: Path
) -> None:
    root = small_site(tmp_path / "site")
    empty = root / "ar" / "haber" / "2019" / "01" / "01" / "empty-h1" / "index.html"
    empty.parent.mkdir(parents=True)
    empty.write_text("", encoding="utf-8")
    index = root / "index.html"
    index.write_text(
        index.read_text("utf-8").replace(
            "</ul>", '<li><a href="/ar/haber/2019/01/01/empty-h1/">empty</a></li></ul>'
        ),
        encoding="utf-8",
    )
    config = load_config(environ={"AKHBAR_DATABASE_URL": fresh_archive})
    with StaticSite(root) as site:
        result = run_crawl(
            config,
            CrawlRequest(outlet="generic", url=site.origin + "/", settings=FAST, timeout=120),
        )
    assert (result.status, result.articles_new, result.errors) == ("succeeded", 3, 1), result
    [run] = Archive(fresh_archive, {}).query("SELECT * FROM crawl_runs")
    assert run["error_summary"] == "empty_page: 1"
    assert "error empty_page on " in run["log_tail"]


@pytest.mark.parametrize(
    ("stats", "status"),
    [
        ({"akhbar/errors/parse_error": 2, "akhbar/articles_new": 1}, "succeeded"),
        ({"akhbar/errors/parse_error": 2}, "failed"),
        ({"akhbar/errors/no_article_found": 1}, "failed"),
        ({"akhbar/errors/item_missing_body": 1}, "failed"),
        ({"akhbar/errors/no_article_found": 1, "akhbar/articles_spooled": 1}, "succeeded"),
        # The generic spider's guesses that were no article, and HTTP errors: not article pages.
        ({"akhbar/pages_not_article": 5}, "succeeded"),
        ({"akhbar/errors/http_404": 3}, "succeeded"),
        # A re-crawl that found nothing new fetched no article page.
        ({"akhbar/articles_skipped_known": 9}, "succeeded"),
        ({"finish_reason": "shutdown"}, "failed"),
        ({"response_received_count": 0}, "failed"),
    ],
)
def test_crawl_status(stats: dict, status: str) -> None:
    assert crawl_status({"finish_reason": "finished", "response_received_count": 9, **stats}) == (
        status
    )
