"""search_vector written from text normalized and stemmed by the writer, not generated

Revision ID: 3b9e1c7a5d20
Revises: 7c836014085f
Create Date: 2026-12-07 19:00:00

``articles.search_vector`` was a stored generated column: every insert ran
``akhbar_article_tsvector_v1`` (~1.9 ms of server CPU per Arabic article, its regular
expressions run over every word), and every UPDATE of the row, even of
``last_seen_at`` alone, computed it again. Now:

- ``public.akhbar_ar_prepared_tsvector_v1(normalized, stemmed, weight)``: the tsvector
  of ``akhbar_ar_tsvector_v1`` from text already normalized and stemmed (two parses
  with the ``simple`` configuration, same lexemes and positions).
- ``public.akhbar_ar_document_v1(prepared text[])``: the search_vector of an Arabic
  article from ``[title, stemmed title, subtitle, stemmed subtitle, body, stemmed
  body]``, normalized as ``akhbar_ar_normalize_v1`` and stemmed as
  ``akhbar_ar_stem_v1`` do (``db/search_text.py`` does it once per distinct word).
- ``search_vector`` is a plain column (``DROP EXPRESSION``: values kept, no rewrite),
  and the trigger ``articles_search_vector`` computes it with
  ``akhbar_article_tsvector_v1`` whenever a writer does not give it: an INSERT
  without it, or an UPDATE that changes the text and leaves it as it was. SQL users
  and ``akhbar reextract`` need do nothing; an UPDATE of ``last_seen_at`` computes
  nothing.

Going down, the generated column and its two GIN indexes are built again (the
table is rewritten: minutes per 100,000 articles).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "3b9e1c7a5d20"
down_revision: str | None = "7c836014085f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENERATED_COMMENT = (
    "Full-text search document (generated): akhbar_article_tsvector_v1(language, "
    "title, subtitle, body). Query it with @@ and a tsquery; see README."
)
COLUMN_COMMENT = (
    "Full-text search document, always akhbar_article_tsvector_v1(language, title, "
    "subtitle, body): given by the writer (akhbar_ar_document_v1 of its prepared text) "
    "or computed by the trigger articles_search_vector. Query it with @@ and a tsquery; "
    "see README."
)


def _exec(statement: str) -> None:
    op.get_bind().exec_driver_sql(statement)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def upgrade() -> None:
    _exec(
        """
        CREATE FUNCTION public.akhbar_ar_prepared_tsvector_v1(
            normalized text, stemmed text, weight "char"
        ) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        BEGIN ATOMIC
            SELECT pg_catalog.ts_delete(
                       pg_catalog.setweight(
                           v.stemmed || pg_catalog.ts_delete(
                               v.exact, pg_catalog.tsvector_to_array(v.stemmed)),
                           weight),
                       public.akhbar_ar_stopwords_v1())
            FROM (SELECT pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                                                coalesce(stemmed, '')) AS stemmed,
                         pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                                                coalesce(normalized, '')) AS exact
                  OFFSET 0) v;
        END
        """
    )
    _exec(
        """
        CREATE FUNCTION public.akhbar_ar_document_v1(prepared text[]) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN public.akhbar_ar_prepared_tsvector_v1(prepared[1], prepared[2], 'A')
            || public.akhbar_ar_prepared_tsvector_v1(prepared[3], prepared[4], 'B')
            || public.akhbar_ar_prepared_tsvector_v1(prepared[5], prepared[6], 'D')
        """
    )
    _exec(
        """
        CREATE FUNCTION public.akhbar_articles_search_vector_v1() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.search_vector IS NULL
               OR (TG_OP = 'UPDATE'
                   AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
                   AND (NEW.language, NEW.title, NEW.subtitle, NEW.body)
                       IS DISTINCT FROM (OLD.language, OLD.title, OLD.subtitle, OLD.body))
            THEN
                NEW.search_vector := public.akhbar_article_tsvector_v1(
                    NEW.language, NEW.title, NEW.subtitle, NEW.body);
            END IF;
            RETURN NEW;
        END
        $$
        """
    )
    comments = {
        'FUNCTION public.akhbar_ar_prepared_tsvector_v1(text, text, "char")': (
            "akhbar_ar_tsvector_v1 of a text from that text normalized "
            "(akhbar_ar_normalize_v1) and its normalized form stemmed (akhbar_ar_stem_v1)."
        ),
        "FUNCTION public.akhbar_ar_document_v1(text[])": (
            "search_vector of an Arabic article from [title, stemmed title, subtitle, stemmed "
            "subtitle, body, stemmed body], each normalized: equals "
            "akhbar_article_tsvector_v1 of the article, for a fraction of its cost."
        ),
        "FUNCTION public.akhbar_articles_search_vector_v1()": (
            "Trigger of articles: search_vector := akhbar_article_tsvector_v1(...) when a "
            "writer inserts without it, or changes the text and leaves it as it was."
        ),
    }
    _exec("ALTER TABLE articles ALTER COLUMN search_vector DROP EXPRESSION")
    _exec(
        "CREATE TRIGGER articles_search_vector"
        " BEFORE INSERT OR UPDATE OF language, title, subtitle, body, search_vector"
        " ON articles FOR EACH ROW EXECUTE FUNCTION public.akhbar_articles_search_vector_v1()"
    )
    comments["TRIGGER articles_search_vector ON articles"] = (
        "Keeps search_vector = akhbar_article_tsvector_v1(language, title, subtitle, body) "
        "for writers that do not give it."
    )
    comments["COLUMN articles.search_vector"] = COLUMN_COMMENT
    for target, comment in comments.items():
        _exec(f"COMMENT ON {target} IS {_literal(comment)}")


def downgrade() -> None:
    _exec("DROP TRIGGER articles_search_vector ON articles")
    _exec("DROP FUNCTION public.akhbar_articles_search_vector_v1()")
    # A column cannot become generated again in place: drop it (and its GIN indexes),
    # add it back generated, and build the indexes of the previous revision.
    _exec("ALTER TABLE articles DROP COLUMN search_vector")
    _exec(
        """
        ALTER TABLE articles ADD COLUMN search_vector tsvector
            GENERATED ALWAYS AS (
                public.akhbar_article_tsvector_v1(language, title, subtitle, body)
            ) STORED
        """
    )
    _exec(f"COMMENT ON COLUMN articles.search_vector IS {_literal(GENERATED_COMMENT)}")
    _exec(
        "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)"
        " WITH (fastupdate = off)"
    )
    _exec(
        "CREATE INDEX ix_articles_search_recent ON articles USING gin"
        " ((search_vector || public.akhbar_recency_week_v1(published_at, published_date)))"
        " WITH (fastupdate = off)"
    )
    _exec("DROP FUNCTION public.akhbar_ar_document_v1(text[])")
    _exec('DROP FUNCTION public.akhbar_ar_prepared_tsvector_v1(text, text, "char")')
