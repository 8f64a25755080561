"""``akhbar import`` in batches, written by two writers (an article always by the same one),
each through a staging table that holds one batch at a time (db.article_staging): none of
that shows in the archive."""

from __future__ import annotations

import hashlib
import json

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from db.articles import revise_article, store_articles, upsert_outlet
from db.importer import import_file
from tests.support.articles import article_row

pytestmark = pytest.mark.db


def _lines(prefix: str, count: int, body: str = "نص الخبر رقم") -> list[str]:
    return [
        json.dumps(
            {
                "url": f"https://batches.test/{prefix}/{n}",
                "outlet": "batches-test",
                "title": f"عنوان {n}",
                "body": f"{body} {n}",
                "language": "ar",
            },
            ensure_ascii=False,
        )
        for n in range(count)
    ]


def _bodies(engine: Engine, prefix: str) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT url, body FROM articles WHERE url LIKE :p"),
            {"p": f"https://batches.test/{prefix}/%"},
        )
        return {url.rsplit("/", 1)[1]: body for url, body in rows}


def test_an_import_of_many_batches_stores_each_article_once(engine: Engine) -> None:
    summary = import_file(engine, _lines("many", 7), batch_size=2)
    assert (summary.new, summary.updated, summary.unchanged) == (7, 0, 0)
    assert _bodies(engine, "many") == {str(n): f"نص الخبر رقم {n}" for n in range(7)}
    again = import_file(engine, _lines("many", 7), batch_size=3)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 7)
    assert len(_bodies(engine, "many")) == 7


def test_a_later_batch_edits_an_article_of_an_earlier_one_keeping_its_revision(
    engine: Engine,
) -> None:
    lines = _lines("edit", 3) + _lines("edit", 1, body="نص معدل")
    summary = import_file(engine, lines, batch_size=2)
    assert (summary.new, summary.updated) == (3, 1)
    assert _bodies(engine, "edit")["0"] == "نص معدل 0"
    with engine.connect() as connection:
        kept = connection.execute(
            text(
                "SELECT r.body FROM article_revisions r JOIN articles a ON a.id = r.article_id"
                " WHERE a.url = 'https://batches.test/edit/0'"
            )
        ).scalars()
        assert list(kept) == ["نص الخبر رقم 0"]


def test_a_batch_the_database_refuses_stops_the_import_and_importing_again_completes_it(
    engine: Engine,
) -> None:
    # A URL whose index entry exceeds a btree page: PostgreSQL refuses the row.
    noise = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(300))
    refused = json.loads(_lines("refused", 1)[0]) | {"url": f"https://batches.test/{noise}"}
    lines = [*_lines("refused", 40), json.dumps(refused), *_lines("after", 40)]
    with pytest.raises((SQLAlchemyError, psycopg.Error)):
        import_file(engine, lines, batch_size=2)
    assert len(_bodies(engine, "refused")) + len(_bodies(engine, "after")) < 80
    again = import_file(engine, [line for line in lines if noise not in line], batch_size=2)
    assert again.new + again.unchanged == 80
    assert len(_bodies(engine, "refused")) == len(_bodies(engine, "after")) == 40


def test_storing_a_batch_writes_only_its_own_articles(engine: Engine) -> None:
    """The staging table of a connection is empty again after each transaction, whether
    it committed or rolled back."""
    with engine.begin() as connection:
        outlet = upsert_outlet(
            connection,
            {
                "name": "batches-own",
                "title": "o",
                "base_url": "https://own.test/",
                "language": "ar",
            },
        )
        store_articles(connection, [article_row(outlet, "https://own.test/1", "عنوان", "نص أول")])
    with engine.begin() as connection:
        revise_article(connection, "https://own.test/1", {"body": "نص منقح"}, "reextraction")
    with engine.connect() as connection:
        transaction = connection.begin()
        store_articles(connection, [article_row(outlet, "https://own.test/2", "ع", "ن")])
        transaction.rollback()
        with connection.begin():
            store_articles(connection, [article_row(outlet, "https://own.test/3", "ع", "ن")])
        bodies = connection.execute(
            text("SELECT url, body FROM articles WHERE url LIKE 'https://own.test/%' ORDER BY url")
        ).all()
    assert bodies == [("https://own.test/1", "نص منقح"), ("https://own.test/3", "ن")]
