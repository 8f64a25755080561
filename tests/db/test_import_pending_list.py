"""The search index's pending list: 1 MB for every session, larger inside an import's own
transactions, merged when the import ends (migration bfbe808b93c7, db.importer)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from db import schema
from db.articles import store_articles, upsert_outlet
from db.importer import SEARCH_INDEX, ImportSummary, grow_pending_list, import_file
from tests.support.articles import article_row
from tests.support.pending_list import ONE_MB_PAGES, distinct_word, pending_pages

pytestmark = pytest.mark.db


def _body(article: int, words: int = 200) -> str:
    """An article of ``words`` words no other article has: ``words`` index entries."""
    return " ".join(distinct_word(article * words + n) for n in range(words))


def _lines(prefix: str, count: int) -> Iterator[str]:
    for n in range(count):
        record = {
            "url": f"https://pending.test/{prefix}/{n}",
            "outlet": "pending-test",
            "title": f"عنوان {n}",
            "body": _body(n),
            "language": "ar",
        }
        yield json.dumps(record, ensure_ascii=False)


def _setting(engine: Engine, name: str) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text(f"SHOW {name}")).scalar_one())


def test_every_session_has_a_one_megabyte_pending_list_and_the_index_none_of_its_own(
    engine: Engine,
) -> None:
    assert _setting(engine, "gin_pending_list_limit") == "1MB"
    with engine.connect() as connection:
        options = connection.execute(
            text("SELECT reloptions FROM pg_class WHERE relname = :index"), {"index": SEARCH_INDEX}
        ).scalar_one()
    assert options == ["fastupdate=on"]


def test_an_import_grows_the_pending_list_past_one_megabyte_and_merges_it_at_its_end(
    engine: Engine, database_url: str
) -> None:
    seen: list[int] = []

    def progress(summary: ImportSummary) -> None:
        seen.append(pending_pages(database_url))

    summary = import_file(
        engine, _lines("grow", 400), batch_size=50, pending_list_kb=16 * 1024, progress=progress
    )
    assert summary.new == 400
    assert max(seen) > ONE_MB_PAGES
    assert pending_pages(database_url) == 0


def test_an_import_stopped_by_an_error_merges_its_pending_list(
    engine: Engine, database_url: str
) -> None:
    batches: list[int] = []

    def stop_at_the_third_batch(summary: ImportSummary) -> None:
        batches.append(summary.new)
        if len(batches) == 3:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        import_file(
            engine,
            _lines("stopped", 400),
            batch_size=50,
            pending_list_kb=16 * 1024,
            progress=stop_at_the_third_batch,
        )
    assert pending_pages(database_url) == 0


def test_nothing_of_an_imports_settings_outlives_it(engine: Engine) -> None:
    work_mem = _setting(engine, "work_mem")
    import_file(engine, _lines("settings", 3), pending_list_kb=8 * 1024)
    assert _setting(engine, "gin_pending_list_limit") == "1MB"
    assert _setting(engine, "work_mem") == work_mem


def test_what_an_import_killed_before_its_end_left_is_merged_by_the_next_write(
    engine: Engine, database_url: str
) -> None:
    """A killed import has committed batches written with a large list and never merged it:
    the next writer with the ordinary 1 MB list does, so searches read a long list only
    until then."""
    with engine.begin() as connection:
        outlet = upsert_outlet(
            connection,
            {
                "name": "pending-killed",
                "title": "o",
                "base_url": "https://killed.test/",
                "language": "ar",
            },
        )
    with engine.begin() as connection:
        grow_pending_list(connection, 16 * 1024)
        rows = [
            article_row(outlet, f"https://killed.test/{n}", "عنوان", _body(n)) for n in range(400)
        ]
        store_articles(connection, rows)
    assert pending_pages(database_url) > ONE_MB_PAGES
    with engine.begin() as connection:
        store_articles(connection, [article_row(outlet, "https://killed.test/next", "ع", "نص")])
    assert pending_pages(database_url) <= 1


def test_going_down_gives_the_index_its_one_megabyte_limit_back(empty_database_url: str) -> None:
    schema.upgrade(empty_database_url, "bfbe808b93c7")
    schema.downgrade(empty_database_url, "-1")
    with psycopg.connect(empty_database_url) as conn:
        options = conn.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", (SEARCH_INDEX,)
        ).fetchone()
        database_settings = conn.execute(
            "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
            " WHERE d.datname = current_database()"
        ).fetchone()
    assert options == (["fastupdate=on", "gin_pending_list_limit=1024"],)
    assert database_settings == (0,)
