"""The write-path migrations (#16) upgrade an archive that holds articles, and go back.

3b9e1c7a5d20 turns the generated search_vector into a plain column kept by a trigger,
9d4f2a6c8e31 leaves one GIN search index, 5e8b3d1f7a42 moves last_seen_at into
article_last_seen: the stored values must survive both ways.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from db import schema

pytestmark = pytest.mark.db

BEFORE = "7c836014085f"
SEEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
VECTORS_DIFFERING = (
    "SELECT count(*) FROM articles WHERE search_vector IS DISTINCT FROM"
    " public.akhbar_article_tsvector_v1(language, title, subtitle, body)"
)
GIN_INDEXES = (
    "SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_index i"
    " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
    " WHERE i.indrelid = 'articles'::regclass AND am.amname = 'gin'"
)


def _one(url: str, query: str) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def test_upgrade_and_downgrade_keep_vectors_and_last_seen(empty_database_url: str) -> None:
    url = empty_database_url
    schema.upgrade(url, BEFORE)
    with psycopg.connect(url) as conn:
        outlet = conn.execute(
            "INSERT INTO outlets (name, title, base_url, language)"
            " VALUES ('o', 'o', 'https://o.test/', 'ar') RETURNING id"
        ).fetchone()
        assert outlet is not None
        conn.execute(
            "INSERT INTO articles (url, outlet_id, title, body, language, content_hash,"
            " word_count, last_seen_at) VALUES"
            " ('https://o.test/1', %(o)s, 'وزير الخارجية', 'قالت الحكومة السورية', 'ar', 'a', 3,"
            "  %(seen)s),"
            " ('https://o.test/2', %(o)s, 'Ministers met', 'in Paris', 'en', 'b', 2, %(seen)s)",
            {"o": outlet[0], "seen": SEEN},
        )

    schema.upgrade(url)
    assert _one(url, VECTORS_DIFFERING) == 0
    assert _one(url, "SELECT count(*) FROM articles WHERE search_vector = ''") == 0
    assert _one(url, GIN_INDEXES) == ["ix_articles_search_recent"]
    assert _one(url, "SELECT array_agg(DISTINCT last_seen_at) FROM article_last_seen") == [SEEN]
    with psycopg.connect(url) as conn:  # an SQL writer after the upgrade
        conn.execute("UPDATE articles SET body = 'لبنان' WHERE url = 'https://o.test/1'")
    assert _one(url, VECTORS_DIFFERING) == 0

    schema.downgrade(url, BEFORE)
    assert _one(url, VECTORS_DIFFERING) == 0
    assert _one(url, GIN_INDEXES) == ["ix_articles_search_recent", "ix_articles_search_vector"]
    assert _one(url, "SELECT array_agg(DISTINCT last_seen_at) FROM articles") == [SEEN]
    assert (
        _one(
            url,
            "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'articles'::regclass"
            " AND attname = 'search_vector'",
        )
        == "s"
    )
