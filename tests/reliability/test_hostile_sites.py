"""A site that fails in every way at once: each fault is logged, counted, and contained.

One crawl of the hostile site (:mod:`tests.reliability.hostile_server`) with
the generic spider, as ``akhbar crawl generic --url`` runs it. Every failing
page must show up in the log and in ``crawl_runs`` under its own reason, and
every good page of the same site must be archived with its text intact, in
whatever charset it came.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.reliability.hostile_server import (
    FAILING,
    GOOD,
    RETRIED,
    UNTRUSTED_PATH,
    Article,
    good_articles,
)
from tests.support.hostile_crawl import MAX_LISTING_PAGES, HostileCrawler, SiteCrawl

pytestmark = [pytest.mark.db, pytest.mark.crawl]


def folded(text: str) -> str:
    return " ".join(text.split())


def test_the_crawl_of_a_hostile_site_succeeds(hostile: SiteCrawl) -> None:
    assert hostile.result.status == "succeeded", hostile.result.error_summary
    assert "Traceback" not in hostile.log


@pytest.mark.parametrize("article", good_articles(), ids=lambda a: a.path.rsplit("/", 1)[1])
def test_every_good_article_is_archived_with_its_text_intact(
    hostile: SiteCrawl, article: Article
) -> None:
    stored = hostile.articles()[article.path]
    assert stored["title"] == article.title
    assert folded(stored["body"]) == folded(" ".join(article.body))
    assert "\ufffd" not in stored["title"] + stored["body"]


def test_nothing_but_the_good_articles_is_archived(hostile: SiteCrawl) -> None:
    expected = {a.path for a in good_articles()} | {UNTRUSTED_PATH}
    assert set(hostile.articles()) == expected


@pytest.mark.parametrize(("path", "reason"), FAILING.items(), ids=list(FAILING))
def test_each_fault_is_logged_with_its_reason(hostile: SiteCrawl, path: str, reason: str) -> None:
    assert f"error {reason} on https://hostile.test{path}" in hostile.log


def test_crawl_run_counts_each_fault_under_its_reason(hostile: SiteCrawl) -> None:
    expected = Counter(FAILING.values())
    expected["listing_depth_limit"] = 1  # the trap, below
    assert hostile.errors() == dict(expected)
    assert hostile.result.errors == sum(expected.values())


def test_retry_after_is_waited_for_and_the_page_then_archived(hostile: SiteCrawl) -> None:
    for path in RETRIED:
        first, second = hostile.site.hits[path]
        assert second - first >= 0.9, path
        assert path in hostile.articles()


def test_retry_after_longer_than_the_crawl_waits_is_not_retried(hostile: SiteCrawl) -> None:
    assert len(hostile.site.hits["/2024/05/14/rate-limited-429-for-an-hour.html"]) == 1
    assert "Retry-After 3600s is over AKHBAR_RETRY_AFTER_MAX" in hostile.log


def test_errors_without_retry_after_are_retried_then_given_up(hostile: SiteCrawl) -> None:
    for path in ("/2024/05/14/broken-500.html", "/2024/05/14/unavailable-503.html"):
        assert len(hostile.site.hits[path]) == 2, path  # RETRY_TIMES = 1
    for path in ("/2024/05/14/forbidden-403.html", "/2024/05/14/missing-404.html"):
        assert len(hostile.site.hits[path]) == 1, path


def test_size_limits_cut_downloads_and_say_so(hostile: SiteCrawl) -> None:
    # Announced by Content-Length: refused before the body; streamed: cut at the limit.
    assert (
        "Expected to receive 52428800 bytes which is larger than download max size" in hostile.log
    )
    assert re.search(r"Received \d+ bytes which is larger than download max size", hostile.log)
    assert "exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression" in hostile.log
    assert "larger than download warn size" in hostile.log


def test_a_redirect_to_another_host_is_not_followed(
    hostile: SiteCrawl, crawler: HostileCrawler
) -> None:
    assert not crawler.elsewhere.hits


def test_a_pagination_trap_is_followed_only_to_the_listing_depth_bound(
    hostile: SiteCrawl,
) -> None:
    trap = [path for path in hostile.site.hits if path.startswith("/trap/")]
    assert len(trap) == MAX_LISTING_PAGES - 1
    assert all(len(hostile.site.hits[path]) == 1 for path in trap)


@pytest.fixture(scope="module")
def robots_crawls(crawler: HostileCrawler) -> dict[str, SiteCrawl]:
    """The good articles alone, behind each kind of bad robots.txt (crawled side by side)."""
    modes = ("missing", "broken", "disallow_all")
    with ThreadPoolExecutor(len(modes)) as pool:
        crawls = pool.map(
            lambda mode: crawler.crawl(f"robots-{mode.replace('_', '-')}.test", mode, False),
            modes,
        )
        return dict(zip(modes, crawls, strict=True))


@pytest.mark.parametrize("robots", ["missing", "broken"])
def test_a_missing_or_broken_robots_txt_does_not_stop_the_crawl(
    robots_crawls: dict[str, SiteCrawl], robots: str
) -> None:
    crawl = robots_crawls[robots]
    assert crawl.result.status == "succeeded"
    assert set(crawl.articles()) == {a.path for a in GOOD}
    assert crawl.errors() == {}


def test_a_robots_txt_that_disallows_everything_is_obeyed_and_counted(
    robots_crawls: dict[str, SiteCrawl],
) -> None:
    crawl = robots_crawls["disallow_all"]
    assert set(crawl.site.hits) == {"/robots.txt"}
    assert crawl.articles() == {}
    assert set(crawl.errors()) == {"robots_forbidden"}
    assert f"error robots_forbidden on https://{crawl.host}/" in crawl.log
