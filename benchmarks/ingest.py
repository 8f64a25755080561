"""Ingest benchmark: Akhbar's whole crawl against bare Scrapy and news-please, same local site.

A generated copy of casablancatoday.com with N articles (:mod:`benchmarks.site`) is served on
127.0.0.1 by nginx (Python's server when nginx is missing). Then, one after the other (with
``--repeat``, even rounds in the opposite order, so that a drift in the machine's speed
favours no crawler):

- ``akhbar crawl casablancatoday`` (``scheduler.crawl.run_crawl``: lock, ``crawl_runs`` row,
  ``scrapy crawl`` process) into a fresh PostgreSQL database, through the host map: discovery
  (robots.txt, sitemaps, feed, listings), extraction, normalization, dedupe and storage, with
  WARC capture on (into a folder of the benchmark's own, measured) and again with it off
  (``AKHBAR_CAPTURE=False``);
- a bare Scrapy spider that only fetches the N article pages (no parsing);
- a bare Scrapy spider that extracts title, date and body paragraphs with CSS selectors
  and stores nothing;
- news-please on its own copy of the site, served on port 80 inside a network namespace
  (it keeps ``:port`` in its allowed domain, so on another port it fetches nothing).

Every crawl runs with AutoThrottle and download delays off and 16 requests in flight
(``benchmarks._common.FAST_CRAWL``); the two bare spiders get the same concurrency and
``CONCURRENT_ITEMS`` as Akhbar, so the difference is our code. Articles/s is articles over
the spider's own elapsed time (Scrapy's ``elapsed_time_seconds``, start-up excluded); CPU
seconds and peak RSS are the crawl process tree's (``os.wait4``).

    .venv/bin/python -m benchmarks.ingest --articles 5000

The bare spiders are this module too: ``scrapy runspider benchmarks/ingest.py -a mode=css``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import scrapy

from benchmarks import _newsplease
from benchmarks._common import (
    FAST_CRAWL,
    REPO,
    fresh_database,
    machine_info,
    print_report,
    run_akhbar_crawl,
    run_measured,
)
from benchmarks.site import HOST, SiteServer, article, load_texts, write_site

logger = logging.getLogger("benchmarks.ingest")

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "akhbar_bench_ingest"

#: Targets of issue #6.
TARGET_VS_CSS = 0.70
TARGET_VS_NEWSPLEASE = 15.0
TARGET_RSS_MB = 300.0
#: Target of issue #14: the crawl with WARC capture on keeps 90 % of its throughput with it off.
TARGET_CAPTURE_ON_VS_OFF = 0.90

#: Scrapy settings of the bare spiders: Scrapy's defaults plus what Akhbar's crawl runs with
#: (concurrency, CONCURRENT_ITEMS = 8, no delays), so only the work per page differs.
BARE_SETTINGS = {
    **FAST_CRAWL,
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_ITEMS": "8",
    "ROBOTSTXT_OBEY": "False",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


class BareSpider(scrapy.Spider):
    """The baselines: fetch a list of URLs and either do nothing or extract with CSS."""

    name = "bare"

    def __init__(self, mode: str = "fetch", urls: str = "", stats: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.mode = mode
        self.urls_file = urls
        self.stats_file = stats

    async def start(self) -> Any:
        with open(self.urls_file, encoding="utf-8") as urls:
            for url in urls:
                yield scrapy.Request(url.strip(), callback=self.parse)

    def parse(self, response: Any) -> Iterator[dict[str, Any]]:
        if self.mode != "css":
            return
        # What a minimal article scraper does: three selectors, text joined, nothing stored.
        yield {
            "url": response.url,
            "title": response.css("h1.article-title::text").get(default="").strip(),
            "date": response.css("div.article-date::text").getall()[-1:],
            "body": "\n\n".join(
                t.strip() for t in response.css("div.article-body > p::text").getall() if t.strip()
            ),
        }

    def closed(self, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        # CoreStats sets elapsed_time_seconds after this handler runs: measure it the same way.
        elapsed = dt.datetime.now(dt.UTC) - stats["start_time"]
        stats["elapsed_time_seconds"] = elapsed.total_seconds()
        with open(self.stats_file, "w", encoding="utf-8") as out:
            json.dump(stats, out, default=str)


def run_bare(mode: str, urls: Sequence[str], workdir: Path) -> dict[str, Any]:
    """One bare Scrapy spider in its own process, outside the Akhbar project's settings."""
    urls_file = workdir / f"{mode}.urls"
    urls_file.write_text("\n".join(urls), encoding="utf-8")
    stats_file = workdir / f"{mode}.stats.json"
    argv = [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve())]
    argv += ["-a", f"mode={mode}", "-a", f"urls={urls_file}", "-a", f"stats={stats_file}"]
    for key, value in BARE_SETTINGS.items():
        argv += ["-s", f"{key}={value}"]
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    with open(workdir / f"{mode}.log", "wb") as log:
        # cwd outside the repository: no scrapy.cfg, so no Akhbar settings or pipelines.
        usage = run_measured(argv, env=env, cwd=str(workdir), stdout=log, stderr=log)
    if usage.returncode != 0:
        raise RuntimeError(f"bare {mode} spider failed, see {workdir / f'{mode}.log'}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    elapsed = float(stats["elapsed_time_seconds"])
    pages = int(stats.get("response_received_count", 0))
    items = int(stats.get("item_scraped_count", 0))
    return {
        "pages": pages,
        "articles": items if mode == "css" else None,
        "elapsed_s": elapsed,
        "pages_per_s": pages / elapsed,
        "articles_per_s": items / elapsed if mode == "css" else None,
        "cpu_s": usage.cpu_s,
        "peak_rss_mb": usage.peak_rss_mb,
    }


def run_akhbar(server_url: str, origin: str, warc_dir: Path | None) -> dict[str, Any]:
    """One ``akhbar crawl`` into a fresh database: WARC capture into ``warc_dir`` (a fresh
    folder), or capture off when None; with what the crawl left on disk, per article."""
    url = fresh_database(server_url, DATABASE)
    settings = dict(FAST_CRAWL)
    if warc_dir is None:
        settings["AKHBAR_CAPTURE"] = "False"
    else:
        shutil.rmtree(warc_dir, ignore_errors=True)
        settings["AKHBAR_WARC_DIR"] = str(warc_dir)
    crawl = run_akhbar_crawl(url, {HOST: origin}, settings=settings)
    if crawl.status != "succeeded":
        raise RuntimeError(f"akhbar crawl {crawl.status}: {crawl.stats}")
    stored = crawl.articles_new + crawl.articles_updated + crawl.articles_unchanged
    warc_bytes = sum(f.stat().st_size for f in warc_dir.iterdir()) if warc_dir else 0
    return {
        "pages": crawl.requests,
        "articles": stored,
        "elapsed_s": crawl.elapsed_s,
        "pages_per_s": crawl.requests / crawl.elapsed_s,
        "articles_per_s": stored / crawl.elapsed_s,
        "cpu_s": crawl.usage.cpu_s,
        "peak_rss_mb": crawl.usage.peak_rss_mb,
        "errors": {k: v for k, v in crawl.stats.items() if k.startswith("akhbar/errors/")},
        "captures": int(crawl.stats.get("akhbar/captures_response", 0)),
        "warc_bytes_per_article": warc_bytes / max(1, stored),
        **_database_bytes(url, stored),
    }


def _database_bytes(url: str, articles: int) -> dict[str, float]:
    """Bytes per article of the ``captures`` table and of everything else the archive holds
    (tables, indexes and TOAST of the public schema), vacuumed first so that both are what a
    settled archive keeps."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM")
        captures, total = conn.execute(
            "SELECT pg_total_relation_size('captures'),"
            " (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            "  JOIN pg_namespace n ON n.oid = c.relnamespace"
            "  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm'))"
        ).fetchone()
    return {
        "captures_db_bytes_per_article": captures / max(1, articles),
        "database_bytes_per_article": float(total) / max(1, articles),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (figures of one real run, not a blend)."""
    key = "articles_per_s" if runs[0].get("articles_per_s") is not None else "pages_per_s"
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[(len(ordered) - 1) // 2]


def _row(name: str, result: dict[str, Any] | None) -> dict[str, Any]:
    if result is None:
        return {"crawler": name, "articles/s": None}
    articles = result.get("articles") or result.get("pages") or 0
    return {
        "crawler": name,
        "pages": result.get("pages"),
        "articles": result.get("articles"),
        "seconds": round(result["elapsed_s"], 2),
        "pages/s": round(result["pages_per_s"], 1) if result.get("pages_per_s") else None,
        "articles/s": round(result["articles_per_s"], 1) if result.get("articles_per_s") else None,
        "CPU s/1000": round(result["cpu_s"] * 1000 / articles, 2) if articles else None,
        "peak RSS MB": round(result["peak_rss_mb"], 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=5000, help="articles on the site")
    parser.add_argument("--page-kb", type=float, default=49.0, help="size of an article page")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each crawler (median)")
    parser.add_argument(
        "--newsplease-articles",
        type=int,
        default=1000,
        help="articles on news-please's copy of the site (it runs at ~4-9 articles/s); 0: skip",
    )
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="PostgreSQL server")
    parser.add_argument("--python-server", action="store_true", help="serve without nginx")
    parser.add_argument("--keep", action="store_true", help="keep the generated site")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="akhbar-bench-ingest-"))
    try:
        texts, text_source = load_texts()
        site = write_site(
            workdir / "site",
            args.articles,
            page_kb=args.page_kb,
            texts=texts,
            text_source=text_source,
        )
        local = [article(i, texts).path for i in range(args.articles)]
        runs: dict[str, list[dict[str, Any]]] = {
            "akhbar": [],
            "akhbar_no_capture": [],
            "fetch": [],
            "css": [],
        }
        with SiteServer(site.root, prefer_nginx=not args.python_server) as server:
            urls = [server.origin + path for path in local]
            logger.info(
                "site of %d articles served by %s at %s", args.articles, server.kind, server.origin
            )
            for round_ in range(1, args.repeat + 1):
                # Even rounds run everything in the opposite order, so that a drift in the
                # machine's speed during a round favours no crawler over two rounds.
                order = ["akhbar", "akhbar_no_capture", "fetch", "css"]
                for key in order if round_ % 2 else order[::-1]:
                    logger.info("round %d: %s", round_, key)
                    if key in ("fetch", "css"):
                        runs[key].append(run_bare(key, urls, workdir))
                    else:
                        warc_dir = workdir / "warc" if key == "akhbar" else None
                        runs[key].append(run_akhbar(args.server_url, server.origin, warc_dir))
            server_kind = server.kind
        newsplease, newsplease_reason = None, None
        if args.newsplease_articles > 0:
            logger.info("news-please on a site of %d articles", args.newsplease_articles)
            newsplease, newsplease_reason = _newsplease.measure(
                workdir / "newsplease",
                args.newsplease_articles,
                page_kb=args.page_kb,
                texts=texts,
                text_source=text_source,
            )
        else:
            newsplease_reason = "skipped (--newsplease-articles 0)"
    finally:
        if args.keep:
            logger.info("generated sites and crawl logs kept in %s", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    akhbar, bare, fetch, css = (
        _median_run(runs[k]) for k in ("akhbar", "akhbar_no_capture", "fetch", "css")
    )
    ratio_css = akhbar["articles_per_s"] / css["articles_per_s"]
    ratio_capture = akhbar["articles_per_s"] / bare["articles_per_s"]
    ratio_np = akhbar["articles_per_s"] / newsplease["articles_per_s"] if newsplease else None
    figures: dict[str, Any] = {
        "articles": args.articles,
        "page_kb": round(site.article_bytes / max(1, site.article_pages_written) / 1024, 1),
        "text_source": text_source,
        "server": server_kind,
        "repeat": args.repeat,
        "akhbar_articles_per_s": round(akhbar["articles_per_s"], 1),
        "akhbar_requests": akhbar["pages"],
        "akhbar_cpu_s_per_1000": round(akhbar["cpu_s"] * 1000 / akhbar["articles"], 2),
        "akhbar_peak_rss_mb": round(akhbar["peak_rss_mb"], 1),
        "akhbar_errors": akhbar["errors"],
        "akhbar_captures": akhbar["captures"],
        "akhbar_no_capture_articles_per_s": round(bare["articles_per_s"], 1),
        "akhbar_no_capture_cpu_s_per_1000": round(bare["cpu_s"] * 1000 / bare["articles"], 2),
        "akhbar_no_capture_peak_rss_mb": round(bare["peak_rss_mb"], 1),
        "capture_on_vs_off": round(ratio_capture, 3),
        "capture_on_vs_off_runs": [
            round(on["articles_per_s"] / off["articles_per_s"], 3)
            for on, off in zip(runs["akhbar"], runs["akhbar_no_capture"], strict=True)
        ],
        "capture_cpu_on_vs_off": round(akhbar["cpu_s"] / bare["cpu_s"], 3),
        "capture_cpu_on_vs_off_runs": [
            round(on["cpu_s"] / off["cpu_s"], 3)
            for on, off in zip(runs["akhbar"], runs["akhbar_no_capture"], strict=True)
        ],
        "warc_bytes_per_article": round(akhbar["warc_bytes_per_article"]),
        "captures_db_bytes_per_article": round(akhbar["captures_db_bytes_per_article"]),
        "database_bytes_per_article": round(akhbar["database_bytes_per_article"]),
        "database_bytes_per_article_no_capture": round(bare["database_bytes_per_article"]),
        "css_only_articles_per_s": round(css["articles_per_s"], 1),
        "css_only_cpu_s_per_1000": round(css["cpu_s"] * 1000 / css["articles"], 2),
        "css_only_peak_rss_mb": round(css["peak_rss_mb"], 1),
        "fetch_only_pages_per_s": round(fetch["pages_per_s"], 1),
        "fetch_only_cpu_s_per_1000": round(fetch["cpu_s"] * 1000 / fetch["pages"], 2),
        "fetch_only_peak_rss_mb": round(fetch["peak_rss_mb"], 1),
        "newsplease_articles_per_s": round(newsplease["articles_per_s"], 2) if newsplease else None,
        "newsplease_articles": newsplease["articles"] if newsplease else None,
        "newsplease_site_articles": args.newsplease_articles or None,
        "newsplease_peak_rss_mb": round(newsplease["peak_rss_mb"], 1) if newsplease else None,
        "newsplease_cpu_s_per_1000": round(newsplease["cpu_s"] * 1000 / newsplease["articles"], 1)
        if newsplease
        else None,
        "newsplease_reason": newsplease_reason,
        "akhbar_vs_css_only": round(ratio_css, 3),
        # Each round's own ratio: the two crawls of a round ran minutes apart at most.
        "akhbar_vs_css_only_runs": [
            round(on["articles_per_s"] / css_run["articles_per_s"], 3)
            for on, css_run in zip(runs["akhbar"], runs["css"], strict=True)
        ],
        "akhbar_vs_fetch_only": round(akhbar["articles_per_s"] / fetch["pages_per_s"], 3),
        "akhbar_vs_newsplease": round(ratio_np, 1) if ratio_np else None,
        "targets": {
            "akhbar_vs_css_only>=0.70": ratio_css >= TARGET_VS_CSS,
            "akhbar_vs_newsplease>=15": None
            if ratio_np is None
            else ratio_np >= TARGET_VS_NEWSPLEASE,
            "akhbar_peak_rss_mb<=300": akhbar["peak_rss_mb"] <= TARGET_RSS_MB,
            "capture_on_vs_off>=0.90": ratio_capture >= TARGET_CAPTURE_ON_VS_OFF,
        },
        "settings": {"akhbar": FAST_CRAWL, "bare": BARE_SETTINGS},
    }
    rows = [
        _row("fetch only (bare Scrapy)", fetch),
        _row("CSS only (bare Scrapy)", css),
        _row("akhbar crawl casablancatoday", akhbar),
        _row("akhbar crawl, capture off", bare),
        _row(f"news-please ({args.newsplease_articles} articles)", newsplease),
    ]
    notes = [
        f"site: {args.articles} articles of ~{figures['page_kb']} KB ({text_source}), "
        f"served by {server_kind} on 127.0.0.1",
        "AutoThrottle and download delays off in every crawl; 16 requests in flight",
        "akhbar: requests include discovery (robots.txt, sitemaps, feed, listings)",
        f"WARC capture: on / off = {ratio_capture:.3f} articles/s, "
        f"{akhbar['cpu_s'] / bare['cpu_s']:.3f} CPU s; on disk per article: "
        f"{figures['warc_bytes_per_article']:,} B of WARC, "
        f"{figures['captures_db_bytes_per_article']:,} B of captures rows and indexes, "
        f"{figures['database_bytes_per_article']:,} B of database in all",
    ]
    if newsplease_reason:
        notes.append(f"news-please: {newsplease_reason}")
    print_report(
        "ingest",
        rows,
        figures,
        machine=machine_info(database_url=args.server_url),
        notes=notes,
    )


if __name__ == "__main__":
    main()
