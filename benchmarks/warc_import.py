"""WARC import benchmark: ``akhbar import --format warc`` over a few thousand pages.

Writes two WARC files (a gzip member per record, a ``request`` record before every
``response``, as crawlers write them) into a temporary folder:

* ``outlet.warc.gz``: generated casablancatoday article pages (:mod:`benchmarks.site`,
  about 49 KB each like the saved ones, real Arabic texts when ``../shared/corpora`` is
  there) and its listing pages, read by the casablancatoday spider;
* ``other.warc.gz``: the same articles under another host, read by the generic extraction.

Each is imported into a throw-away database through :class:`crawler.warc_import.WarcImport`
(what the command runs, copies of the responses included), then imported again (the
idempotent re-run), and ``other.warc.gz`` once more with ``--outlet casablancatoday``:
every record read and skipped, what a CC-NEWS backfill of one outlet mostly does.

    .venv/bin/python -m benchmarks.warc_import --articles 2000 \\
        --server-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks._common import fresh_database, machine_info, print_report
from benchmarks.site import (
    ORIGIN,
    PER_PAGE,
    SECTIONS,
    Article,
    article,
    article_page,
    listing_page,
    load_texts,
)
from crawler.warc import WarcFiles
from crawler.warc_import import WarcImport, WarcImportSummary
from db.config import load_config
from db.engine import make_engine

OTHER_ORIGIN = "https://www.othernews.example"
PAGE_BYTES = 49 * 1024
_HTML = [("Content-Type", "text/html; charset=utf-8")]


def write_warc(path: Path, pages: Iterator[tuple[str, bytes]]) -> int:
    """Request and response records of ``(url, html)`` pages; the bytes of HTML written."""
    html_bytes = 0
    clock = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, html in pages:
            html_bytes += len(html)
            clock += dt.timedelta(seconds=3)
            date = clock.strftime("%Y-%m-%dT%H:%M:%SZ")
            request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            response = StatusAndHeaders("200 OK", _HTML, protocol="HTTP/1.1")
            for kind, payload, headers in (("request", b"", request), ("response", html, response)):
                writer.write_record(
                    writer.create_warc_record(
                        url,
                        kind,
                        payload=io.BytesIO(payload),
                        length=len(payload),
                        http_headers=headers,
                        warc_headers_dict={"WARC-Date": date},
                    )
                )
    return html_bytes


def outlet_pages(articles: Sequence[Article], texts: Sequence[Any]) -> Iterator[tuple[str, bytes]]:
    """Every article page, then the listing pages of each section (not articles)."""
    for art in articles:
        yield art.url, article_page(art, texts, PAGE_BYTES).encode()
    for section, label in SECTIONS.items():
        items = [a for a in articles if a.section == section]
        pages = max(1, -(-len(items) // PER_PAGE))
        for number in range(1, pages + 1):
            chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
            url = f"{ORIGIN}/{section}/" + (f"page/{number}/" if number > 1 else "")
            yield url, listing_page(section, label, chunk, number, pages).encode()


def other_pages(articles: Sequence[Article], texts: Sequence[Any]) -> Iterator[tuple[str, bytes]]:
    """The article pages under another host: no spider knows it, the generic extraction reads."""
    for art in articles:
        html = article_page(art, texts, PAGE_BYTES).replace(ORIGIN, OTHER_ORIGIN)
        yield OTHER_ORIGIN + art.path, html.encode()


def run_import(
    database_url: str, warc_dir: Path, path: Path, only: Sequence[str] = ()
) -> tuple[WarcImportSummary, float]:
    config = load_config(environ={"AKHBAR_DATABASE_URL": database_url})
    engine = make_engine(database_url)
    try:
        started = time.perf_counter()
        summary = WarcImport(engine, config, WarcFiles(warc_dir, "akhbar-import"), only).run([path])
        return summary, time.perf_counter() - started
    finally:
        engine.dispose()


def row(
    name: str, path: Path, html_bytes: int, summary: WarcImportSummary, seconds: float
) -> dict[str, Any]:
    megabytes = path.stat().st_size / 1e6
    return {
        "run": name,
        "WARC MB": round(megabytes, 1),
        "HTML MB": round(html_bytes / 1e6, 1),
        "records": summary.records,
        "pages": summary.pages,
        "articles stored": summary.stored,
        "already": summary.already,
        "skipped (outlet)": summary.other_outlets,
        "seconds": round(seconds, 1),
        "records/s": round(summary.records / seconds),
        "articles/s": round(summary.stored / seconds, 1),
        "ms/page": round(1000 * seconds / max(summary.pages + summary.other_outlets, 1), 2),
        "HTML MB/s": round(html_bytes / 1e6 / seconds, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # trafilatura warns of every page it trims
    texts, source = load_texts()
    articles = [article(i, texts) for i in range(args.articles)]
    database_url = fresh_database(args.server_url, "akhbar_bench_warc_import")
    rows = []
    with tempfile.TemporaryDirectory(prefix="akhbar-warc-bench-") as folder:
        tmp = Path(folder)
        outlet, other = tmp / "outlet.warc.gz", tmp / "other.warc.gz"
        html = {
            outlet: write_warc(outlet, outlet_pages(articles, texts)),
            other: write_warc(other, other_pages(articles, texts)),
        }
        runs = (
            ("outlet spider", outlet, ()),
            ("outlet spider, again", outlet, ()),
            ("generic extraction", other, ()),
            ("other host, --outlet casablancatoday", other, ("casablancatoday",)),
        )
        for name, path, only in runs:
            summary, seconds = run_import(database_url, tmp / "warc", path, only)
            rows.append(row(name, path, html[path], summary, seconds))
        copies = sum(p.stat().st_size for p in (tmp / "warc").glob("*.warc.gz")) / 1e6
    print_report(
        "WARC import",
        rows,
        {"articles": args.articles, "texts": source, "copies_mb": round(copies, 1)},
        machine=machine_info(database_url=database_url),
        notes=[
            f"pages of {PAGE_BYTES // 1024} KB; a request record before each response",
            f"copies of the stored articles' responses kept: {copies:.1f} MB",
        ],
    )


if __name__ == "__main__":
    main()
