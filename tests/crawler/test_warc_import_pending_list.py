"""``akhbar import --format warc`` lets the search index's pending list grow in its own
transactions and merges it when it ends, as ``akhbar import`` does (db.importer): searches
after a WARC backfill read no pending list, even when the backfill stopped on an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.warc_import import WarcImportSummary, import_warcs
from db import schema
from db.config import Config
from db.engine import make_engine
from tests.support.pending_list import ONE_MB_PAGES, distinct_word, pending_pages
from tests.support.warc_records import Warc

pytestmark = pytest.mark.db

ARTICLES = 300
WORDS = 240
BATCH = 50


def _page(article: int) -> bytes:
    """An article page of ``WORDS`` words no other page has: that many index entries."""
    words = [distinct_word(article * WORDS + n) for n in range(WORDS)]
    paragraphs = "\n".join(
        f"<p>{' '.join(words[start : start + 40])}.</p>" for start in range(0, WORDS, 40)
    )
    title = f"عنوان المقال رقم {article}"
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-04-01T08:00:00+00:00"></head>
<body><main><article><h1>{title}</h1>
{paragraphs}
</article></main></body></html>""".encode()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warc_pending") / "pages.warc.gz"
    warc = Warc(path)
    for n in range(ARTICLES):
        warc.response(f"https://pending-warc.example/news/{n}", _page(n))
    warc.close()
    return path


@pytest.fixture
def archive(databases) -> Iterator[tuple[str, Engine]]:
    url = databases.create("akhbar_warc_pending")
    schema.upgrade(url)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def test_a_warc_import_grows_the_pending_list_past_one_megabyte_and_merges_it_at_its_end(
    archive: tuple[str, Engine], source: Path, tmp_path: Path
) -> None:
    url, engine = archive
    seen: list[int] = []

    def progress(summary: WarcImportSummary) -> None:
        seen.append(pending_pages(url))

    summary = import_warcs(
        engine, Config(data_dir=tmp_path), [source], batch_size=BATCH, progress=progress
    )
    assert summary.new == ARTICLES
    assert max(seen) > ONE_MB_PAGES
    assert pending_pages(url) == 0


def test_a_warc_import_stopped_by_an_error_still_merges_what_it_wrote(
    archive: tuple[str, Engine], source: Path, tmp_path: Path
) -> None:
    url, engine = archive
    stored: list[int] = []

    def progress(summary: WarcImportSummary) -> None:
        stored.append(summary.new)
        if len(stored) == 3:
            raise RuntimeError("stopped midway")

    with pytest.raises(RuntimeError, match="stopped midway"):
        import_warcs(
            engine, Config(data_dir=tmp_path), [source], batch_size=BATCH, progress=progress
        )
    assert stored[-1] == 3 * BATCH
    assert pending_pages(url) == 0
