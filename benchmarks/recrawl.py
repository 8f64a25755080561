"""Re-crawl cost: what a scheduled crawl of an already archived site fetches again.

For each N: a generated copy of casablancatoday.com with N articles (:mod:`benchmarks.site`)
is crawled into a fresh database with ``akhbar crawl casablancatoday`` (through the host
map, AutoThrottle and delays off); then, for each k, k new articles are added to the site
(new pages, the feed, sitemaps and listings rewritten, as a live site would) and the site
is crawled again. Each re-crawl reports its requests and time.

The target (issue #6) is ``requests <= discovery documents + k + revisits``, the same for
every N. Discovery documents are what a re-crawl must read to learn what is new: the
spider's entry points (robots.txt, which Scrapy's robots.txt middleware also fetches, its
sitemaps, its feed and the first page of each listing) and the sitemaps of the index whose
``lastmod`` changed. Revisits are the archived articles that the revisit policy wants
again (recent and not seen for an hour), counted in the archive before the re-crawl.

    .venv/bin/python -m benchmarks.recrawl --articles 1000 10000 --new 0 10
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from benchmarks._common import (
    FAST_CRAWL,
    AkhbarCrawl,
    fresh_database,
    machine_info,
    print_report,
    run_akhbar_crawl,
)
from benchmarks.site import HOST, SiteServer, Text, load_texts, write_site
from crawler import discovery, settings
from crawler.archive import Archive
from crawler.spiders.casablancatoday import CasablancatodaySpider

logger = logging.getLogger("benchmarks.recrawl")

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "akhbar_bench_recrawl"


def entry_documents() -> int:
    """Documents every crawl of the outlet starts from, whatever the site's size."""
    outlet = CasablancatodaySpider.outlet
    robots = 2  # the spider's own request, and Scrapy's RobotsTxtMiddleware's
    return robots + len(outlet.sitemap_urls) + len(outlet.feed_urls) + len(outlet.listing_urls)


def changed_sitemaps(before: dict[str, str], after: dict[str, str]) -> int:
    """Sitemaps of the index that are new or have another ``lastmod``, beyond the entry
    points (``news.xml`` is one of the spider's own sitemap URLs)."""
    entry = set(CasablancatodaySpider.outlet.sitemap_urls)
    return sum(1 for loc, mod in after.items() if loc not in entry and before.get(loc) != mod)


def sitemap_lastmods(root: Path) -> dict[str, str]:
    """``loc -> lastmod`` of the site's sitemap index."""
    index = discovery.parse_sitemap((root / "sitemap.xml").read_bytes())
    assert index is not None and index.is_index
    return {entry.url: entry.lastmod or "" for entry in index.entries}


def revisits_due(database_url: str) -> int:
    """Archived articles the revisit policy would fetch again now (production settings)."""
    values = Settings()
    values.setmodule(settings)
    values.set("AKHBAR_DATABASE_URL", database_url)
    archive = Archive.from_settings(values)
    try:
        return sum(archive.known_urls(CasablancatodaySpider.name).values())
    finally:
        archive.close()


def _row(n: int, k: int | None, crawl: AkhbarCrawl, bound: int | None) -> dict[str, Any]:
    return {
        "N": n,
        "k": "first crawl" if k is None else k,
        "requests": crawl.requests,
        "bound": bound,
        "articles new": crawl.articles_new,
        "skipped known": int(crawl.stats.get("akhbar/articles_skipped_known", 0)),
        "seconds": round(crawl.elapsed_s, 2),
        "CPU s": round(crawl.usage.cpu_s, 2),
    }


def measure_size(
    n: int,
    new_counts: Sequence[int],
    *,
    server_url: str,
    workdir: Path,
    texts: Sequence[Text],
    text_source: str,
    page_kb: float,
    prefer_nginx: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """First crawl of a site of ``n`` articles, then one re-crawl per k (k added each time)."""
    root = workdir / f"site-{n}"
    write_site(root, n, page_kb=page_kb, texts=texts, text_source=text_source)
    database_url = fresh_database(server_url, DATABASE)
    rows, results = [], []
    with SiteServer(root, prefer_nginx=prefer_nginx) as server:
        logger.info("N=%d: first crawl (%s at %s)", n, server.kind, server.origin)
        first = run_akhbar_crawl(database_url, {HOST: server.origin})
        rows.append(_row(n, None, first, None))
        size = n
        for k in new_counts:
            before = sitemap_lastmods(root)
            if k:
                write_site(root, size + k, first=size, page_kb=page_kb, texts=texts)
                size += k
            revisits = revisits_due(database_url)
            discovery = entry_documents() + changed_sitemaps(before, sitemap_lastmods(root))
            bound = discovery + k + revisits
            logger.info("N=%d: re-crawl with k=%d new", n, k)
            crawl = run_akhbar_crawl(database_url, {HOST: server.origin})
            rows.append(_row(n, k, crawl, bound))
            results.append(
                {
                    "N": n,
                    "k": k,
                    "requests": crawl.requests,
                    "discovery_documents": discovery,
                    "revisits": revisits,
                    "bound": bound,
                    "within_bound": crawl.requests <= bound,
                    "articles_new": crawl.articles_new,
                    "seconds": round(crawl.elapsed_s, 2),
                    "cpu_s": round(crawl.usage.cpu_s, 2),
                    "first_crawl_requests": first.requests,
                    "first_crawl_seconds": round(first.elapsed_s, 2),
                }
            )
        kind = server.kind
    shutil.rmtree(root, ignore_errors=True)
    return rows, results, kind


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000], help="N")
    parser.add_argument("--new", type=int, nargs="+", default=[0, 10], help="k, in order")
    parser.add_argument("--page-kb", type=float, default=49.0, help="size of an article page")
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="PostgreSQL server")
    parser.add_argument("--python-server", action="store_true", help="serve without nginx")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    texts, text_source = load_texts()
    workdir = Path(tempfile.mkdtemp(prefix="akhbar-bench-recrawl-"))
    rows: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    try:
        for n in args.articles:
            size_rows, size_results, kind = measure_size(
                n,
                args.new,
                server_url=args.server_url,
                workdir=workdir,
                texts=texts,
                text_source=text_source,
                page_kb=args.page_kb,
                prefer_nginx=not args.python_server,
            )
            rows += size_rows
            results += size_results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    by_k: dict[int, set[int]] = {}
    for result in results:
        by_k.setdefault(result["k"], set()).add(result["requests"])
    figures = {
        "articles": args.articles,
        "new": args.new,
        "server": kind,
        "text_source": text_source,
        "requests": {f"N={r['N']},k={r['k']}": r["requests"] for r in results},
        "results": results,
        "targets": {
            "requests<=discovery+k+revisits": all(r["within_bound"] for r in results),
            "independent_of_N": all(len(counts) == 1 for counts in by_k.values()),
        },
        "settings": FAST_CRAWL,
    }
    print_report(
        "recrawl",
        rows,
        figures,
        machine=machine_info(database_url=args.server_url),
        notes=[
            f"bound = discovery documents ({entry_documents()} entry points + changed "
            "sitemaps) + k + revisits due",
            "AutoThrottle and download delays off; each k is added to the site left by the "
            "previous re-crawl",
        ],
    )


if __name__ == "__main__":
    main()
