"""New and edited articles written in one statement: COPY into a staging table, one upsert.

An ``INSERT ... ON CONFLICT`` executed once per row (``executemany``) starts the
executor afresh for every row, and with it every SQL function it calls: the three
``akhbar_ar_prepared_tsvector_v1`` calls inside ``akhbar_ar_document_v1`` were
planned again for each article, which cost more server time than the text parsing
they do. Here a batch is copied into a temporary table (``COPY``, no per-row
statement) and written by one ``INSERT ... SELECT``, which calls the three functions
itself, so each is planned once per batch.

The caller decides which rows to write (new or edited, no URL twice) and keeps the
previous versions; see :func:`db.articles.store_articles`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, text

from db import search_text

#: The columns of ``articles`` a writer gives, in the staging table's order.
ARTICLE_FIELDS = (
    "url",
    "outlet_id",
    "title",
    "subtitle",
    "body",
    "authors",
    "section",
    "tags",
    "language",
    "published_at",
    "published_date",
    "modified_at",
    "content_hash",
    "word_count",
    "image_url",
    "dateline",
)
#: The search text of an Arabic article (:func:`db.search_text.prepared`), NULL otherwise.
PREPARED_FIELDS = (
    "title_normalized",
    "title_stemmed",
    "subtitle_normalized",
    "subtitle_stemmed",
    "body_normalized",
    "body_stemmed",
)
#: Languages akhbar_article_tsvector_v1 indexes with PostgreSQL's own configurations.
NON_ARABIC_LANGUAGES = ("en", "fr")

_STAGING = "pg_temp.article_staging"
_TEXT_COLUMNS = ("title", "subtitle", "body", *PREPARED_FIELDS)
# ON COMMIT DELETE ROWS: the table lives as long as the connection and holds one batch.
# Its long text is stored out of line uncompressed (STORAGE EXTERNAL): a batch is read
# once and deleted, and compressing the body and its two search texts into the staging
# table cost ~0.1 ms of server CPU an article, ~6 % of the write.
_CREATE = f"""
DO $$
BEGIN
    IF to_regclass('{_STAGING}') IS NULL THEN
        CREATE TEMPORARY TABLE {_STAGING.removeprefix("pg_temp.")} (
            url text, outlet_id integer, title text, subtitle text, body text,
            authors text[], section text, tags text[], language text,
            published_at timestamptz, published_date date, modified_at timestamptz,
            content_hash text, word_count integer, image_url text, dateline text,
            title_normalized text, title_stemmed text, subtitle_normalized text,
            subtitle_stemmed text, body_normalized text, body_stemmed text
        ) ON COMMIT DELETE ROWS;
        ALTER TABLE {_STAGING}
            {", ".join(f"ALTER {column} SET STORAGE EXTERNAL" for column in _TEXT_COLUMNS)};
    END IF;
END
$$
"""
_COPY = f"COPY {_STAGING} ({', '.join((*ARTICLE_FIELDS, *PREPARED_FIELDS))}) FROM STDIN"
# akhbar_ar_document_v1(prepared), spelled out: that function is STRICT, so NULL
# prepared text (English, French) leaves search_vector NULL for the trigger to compute.
_SEARCH_VECTOR = """
CASE WHEN s.body_stemmed IS NOT NULL THEN
    public.akhbar_ar_prepared_tsvector_v1(s.title_normalized, s.title_stemmed, 'A')
    || public.akhbar_ar_prepared_tsvector_v1(s.subtitle_normalized, s.subtitle_stemmed, 'B')
    || public.akhbar_ar_prepared_tsvector_v1(s.body_normalized, s.body_stemmed, 'D')
END
"""
_UPSERT = f"""
INSERT INTO articles ({", ".join(ARTICLE_FIELDS)}, search_vector)
SELECT {", ".join(f"s.{field}" for field in ARTICLE_FIELDS)}, {_SEARCH_VECTOR}
FROM {_STAGING} s
ON CONFLICT (url) DO UPDATE SET
{", ".join(f"{field} = excluded.{field}" for field in (*ARTICLE_FIELDS[1:], "search_vector"))}
"""


def write_articles(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert or overwrite article rows (dicts of :data:`ARTICLE_FIELDS`), each URL once,
    in the caller's transaction."""
    connection.execute(text(_CREATE))
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        for row in rows:
            copy.write_row(staging_row(row))
    connection.execute(text(_UPSERT))


def staging_row(row: Mapping[str, Any]) -> list[Any]:
    """The values of one row of the staging table: the article's, then its search text."""
    values = [row.get(field) for field in ARTICLE_FIELDS]
    if row.get("language") in NON_ARABIC_LANGUAGES:
        return values + [None] * len(PREPARED_FIELDS)
    return values + search_text.prepared(row["title"], row.get("subtitle"), row["body"])
