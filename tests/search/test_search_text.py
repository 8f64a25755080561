"""The write path's search text: Python's normalize/stem equal the SQL functions, and
every stored search_vector is what akhbar_article_tsvector_v1 gives, whoever wrote it.

The vocabulary sample (tests/fixtures/search/vocabulary.txt) was saved by
``benchmarks/search_vocabulary.py``, which checks the whole corpus vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from db import schema, search_text
from db.articles import revise_article, store_articles, upsert_outlet
from db.engine import make_engine
from tests.support.articles import article_row

pytestmark = pytest.mark.db

VOCABULARY = Path(__file__).parent.parent / "fixtures" / "search" / "vocabulary.txt"
# Cases the rules turn on: presentation forms (NFKC), Persian letters and digits, each
# prefix with too few letters left, stacked suffixes, punctuation glued to words.
EDGE_CASES = [
    "ﻻ",
    "ﷲ",
    "ﺍﻟﺴﻼﻡ",
    "کتاب۱۲۳",
    "٢٠٢٦م",
    "والد",
    "والدها",
    "بالمسؤولين",
    "للبيت",
    "لله",
    "كتابهما",
    "مسئولياتهم",
    "فلسطين",
    "بوتين",
    "المعلمون",
    "«سوريا»،",
    "أميـــركا",
    "مُحَمَّد",
    "ABC-def",
    "",
]
EXACT = """
    SELECT count(*) FILTER (WHERE search_vector IS DISTINCT FROM
               public.akhbar_article_tsvector_v1(language, title, subtitle, body)),
           count(*)
    FROM articles
"""


def test_python_normalize_and_stem_equal_the_sql_functions(search_engine: Engine) -> None:
    words = [w for w in VOCABULARY.read_text(encoding="utf-8").split("\n") if w] + EDGE_CASES
    assert len(words) > 5000
    with search_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT public.akhbar_ar_normalize_v1(w),"
                " public.akhbar_ar_stem_v1(public.akhbar_ar_normalize_v1(w))"
                " FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS u(w, i) ORDER BY i"
            ),
            {"words": words},
        ).all()
    python = [(search_text.normalize(w), search_text.stem(search_text.normalize(w))) for w in words]
    pairs = zip(words, rows, python, strict=True)
    wrong = [(w, tuple(sql), mine) for w, sql, mine in pairs if tuple(sql) != mine]
    assert wrong == []


def test_stored_articles_have_exactly_the_sql_lexemes(search_engine: Engine) -> None:
    with search_engine.connect() as connection:
        differing, total = connection.execute(text(EXACT)).one()
    assert total > 20
    assert differing == 0


@pytest.fixture
def archive(empty_database_url: str) -> Iterator[Engine]:
    schema.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def _vector(connection: Connection, url: str) -> str:
    return connection.execute(
        text("SELECT CAST(search_vector AS text) FROM articles WHERE url = :url"), {"url": url}
    ).scalar_one()


def test_every_writer_gets_the_sql_search_vector(archive: Engine) -> None:
    """store_articles (Arabic and English), a plain SQL INSERT, an edit through
    revise_article and a re-crawl's edit all leave search_vector equal to the SQL
    function's; a re-visit does not touch it."""
    with archive.begin() as connection:
        outlet = upsert_outlet(
            connection, {"name": "o", "title": "o", "base_url": "https://o.test/", "language": "ar"}
        )
        store_articles(
            connection,
            [
                article_row(outlet, "https://o.test/1", "الرئيس الأميركي", "قالت الحكومة السورية"),
                article_row(outlet, "https://o.test/2", "Ministers", "met", language="en"),
            ],
        )
        connection.execute(
            text(
                "INSERT INTO articles (url, outlet_id, title, body, content_hash, word_count)"
                " VALUES ('https://o.test/3', :outlet, 'بالمسؤولين', 'في سوريا', 'h', 2)"
            ),
            {"outlet": outlet},
        )
    with archive.begin() as connection:
        assert "'اميركي':2A" in _vector(connection, "https://o.test/1")
        assert "'minist':1A" in _vector(connection, "https://o.test/2")
        before = _vector(connection, "https://o.test/3")
        assert "'مسءول':1A" in before
        revise_article(connection, "https://o.test/3", {"body": "لبنان"}, "reextraction")
        edited = article_row(outlet, "https://o.test/1", "الرئيس الأميركي", "وزير الخارجية")
        store_articles(connection, [edited])
        assert connection.execute(text(EXACT)).one() == (0, 3)
        vector = _vector(connection, "https://o.test/1")
        store_articles(connection, [edited])  # seen again, unchanged
        assert _vector(connection, "https://o.test/1") == vector
        # Every article has its row (the plain INSERT's too); a re-visit moves it on.
        seen = connection.execute(
            text(
                "SELECT a.url, a.first_seen_at, l.last_seen_at FROM articles a"
                " JOIN article_last_seen l ON l.article_id = a.id ORDER BY a.url"
            )
        ).all()
        assert [url for url, _, _ in seen] == [f"https://o.test/{n}" for n in (1, 2, 3)]
        assert seen[0].last_seen_at > seen[0].first_seen_at
        assert seen[1].last_seen_at == seen[1].first_seen_at
        assert seen[0].last_seen_at <= dt.datetime.now(dt.UTC)
        assert connection.execute(text(EXACT)).one() == (0, 3)
