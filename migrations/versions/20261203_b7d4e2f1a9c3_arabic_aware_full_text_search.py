"""Arabic-aware full-text search: normalize/stem functions, search_vector, search_variants

Revision ID: b7d4e2f1a9c3
Revises: 5a1e0c7d9b21
Create Date: 2026-12-03 09:00:00

Adds, all in plain SQL that runs on a stock (managed) PostgreSQL 15+ with no
extensions and no server-side files:

- ``public.akhbar_ar_normalize_v1(text)``: orthographic folding (hamza forms of
  alef, alef maqsura, teh marbuta, hamza carriers, harakat, tatweel, Persian
  letters and digits, Arabic punctuation to spaces).
- ``public.akhbar_ar_stem_v1(text)``: a light news stemmer (one article-type
  prefix, pronoun and plural suffixes with minimum lengths; no single-letter
  proclitic stripping, which is what destroys names: those are expanded at query
  time instead).
- ``public.akhbar_ar_stopwords_v1()``: the stop words, as normalized and as stemmed.
- ``public.akhbar_ar_tsvector_v1(text, "char")`` and
  ``public.akhbar_article_tsvector_v1(language, title, subtitle, body)``.
- ``articles.search_vector``: a stored generated tsvector (title A, subtitle B,
  body D; French and English by their own configurations) with a GIN index.
- ``search_variants``: spellings no rule can fold, read at query time.

The functions are versioned: an IMMUTABLE function that changes does not
recompute stored values, so a new behaviour is a new ``_v2`` function and a new
revision that rewrites the generated column.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "b7d4e2f1a9c3"
down_revision: str | None = "5a1e0c7d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Folds. translate() scans its whole table for every character of the text (it
# was 80% of the cost of normalizing a 2 KB body), so the common letters are
# folded with replace() (a fast substring scan each), punctuation with one regex
# class, and the rare Persian letters and non-ASCII digits with translate() only
# when they occur at all.
LETTER_FOLDS = [
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ى", "ي"),
    ("ة", "ه"),
    ("ؤ", "ء"),
    ("ئ", "ء"),
]  # ؤ ئ → ء so that مسؤول = مسئول
RARE_FOLDS = ("یکگە٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "يككه01234567890123456789")
# Arabic and typographic punctuation to spaces: under LC_CTYPE=C the default
# parser takes every non-ASCII character for a letter and glues these onto words.
PUNCTUATION = "،؛؟«»…“”„‘’–—•٪"

# Lucene's Arabic stop words (the ones news text is full of), as written; they
# are normalized and stemmed by the functions at migration time. على is left out
# on purpose: it folds onto the name علي.
STOP_WORDS_TEXT = """
من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اي أي أى لا ولا الا ألا إلا
لكن ما وما كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن
وان وأن وإن التى التي الذى الذي الذين الى إلى إلي عليه عليها تم ضد بعد بعض حتى احد
أحد بين هو هي كان كانت يكون تكون وكان وكانت لم لن له لها هذا هذه ذلك تلك هناك هنا قد
وقد كل وكل الان الآن اما أما ايضا أيضا يا خلال حيث حين غير عند عندما لدى لقد منذ نحو
هم هن انا أنا نحن انت أنت انتم أنتم كذلك التي اللذين اللتين اللذان اللتان الذين اللاتي
وهو وهي وهذا وهذه ولم وقال قال وقالت قالت فقد لكنه ولكن وأن وإن كي لكي مثل
"""
STOP_WORDS = STOP_WORDS_TEXT.split()

# Spellings no rule folds (transliterations, orthographic traditions, names).
VARIANTS = [
    ("سورية", "سوريا", "Syria: Levantine/Gulf ة vs. ا spelling."),
    ("أميركي", "أمريكي", "American: ير vs. ري transliteration."),
    ("أميركا", "أمريكا", "America: ير vs. ري transliteration."),
    ("ترمب", "ترامب", "Trump: with or without the long vowel."),
    ("جوتيريس", "غوتيريش", "Guterres: ج/غ and س/ش transliterations."),
    ("غوتيريس", "غوتيريش", "Guterres: س/ش transliteration."),
    ("داعش", "الدولة الإسلامية", "ISIS: acronym vs. the group's own name."),
    ("بيونغيانغ", "بيونغ يانغ", "Pyongyang: one word or two."),
    ("إيبولا", "ايبولا", "Ebola (alef forms are folded; kept as an example row)."),
]

LETTER = r"[\u0621-\u064A]"  # after normalization every Arabic letter is in ء..ي
NON_LETTER = r"[^\u0621-\u064A]"
# Suffixes are matched with capture groups rather than lookbehind: PostgreSQL's
# regex engine ran the lookbehind form 5x slower on news bodies.


def _exec(statement: str) -> None:
    """Run raw SQL as written: the regular expressions contain ``(?:`` and colons
    that ``sqlalchemy.text()`` would take for bind parameters."""
    op.get_bind().exec_driver_sql(statement)


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def upgrade() -> None:
    assert len(RARE_FOLDS[0]) == len(RARE_FOLDS[1])
    folded = (
        "CASE WHEN doc ~ '[\\uFB50-\\uFDFF\\uFE70-\\uFEFC]' THEN normalize(doc, NFKC) ELSE doc END"
    )
    folded = (
        f"pg_catalog.regexp_replace({folded}, '[\\u064B-\\u065F\\u0670\\u0640"
        "\\u06D6-\\u06ED\\u200B-\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF\\u00AD]', '', 'g')"
    )
    folded = f"pg_catalog.regexp_replace({folded}, '[{PUNCTUATION}]', ' ', 'g')"
    for source, target in LETTER_FOLDS:
        folded = f"pg_catalog.replace({folded}, '{source}', '{target}')"
    _exec(
        f"""
        CREATE FUNCTION public.akhbar_ar_normalize_v1(doc text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        BEGIN ATOMIC
            SELECT CASE WHEN f.t ~ '[{RARE_FOLDS[0][:4]}٠-٩۰-۹]'
                        THEN pg_catalog.translate(f.t, '{RARE_FOLDS[0]}', '{RARE_FOLDS[1]}')
                        ELSE f.t END
            FROM (SELECT {folded} AS t OFFSET 0) f;
        END
        """
    )
    _exec(
        f"""
        CREATE FUNCTION public.akhbar_ar_stem_v1(doc text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN pg_catalog.regexp_replace(pg_catalog.regexp_replace(
               pg_catalog.regexp_replace(pg_catalog.regexp_replace(doc,
            -- one article-type prefix, only when 3+ letters remain
            '(?<!{LETTER})(?:وال|بال|كال|فال|ولل|فلل|لل|ال)(?={LETTER}{{3}})', '', 'g'),
            -- one pronoun suffix, 3+ letters remaining; not نا, which ends names
            -- (كورونا, فيينا, أستانا) more often than it means "our" in news
            '({LETTER}{{3}})(?:هما|كما|هم|هن|ها|كم|كن)({NON_LETTER}|$)', '\\1\\2', 'g'),
            -- feminine/plural ات and ة (folded to ه) or pronoun ه, 3+ letters remaining
            '({LETTER}{{3}})(?:ات|ه)({NON_LETTER}|$)', '\\1\\2', 'g'),
            -- masculine plural, 4+ letters remaining (بوتين, فلسطين stay whole)
            '({LETTER}{{4}})(?:ون|ين)({NON_LETTER}|$)', '\\1\\2', 'g')
        """
    )
    words = ", ".join(_sql_literal(w) for w in dict.fromkeys(STOP_WORDS))
    stop_words = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT array_agg(DISTINCT f ORDER BY f) FROM unnest(ARRAY["
            + words
            + "]) w, LATERAL (VALUES (public.akhbar_ar_normalize_v1(w)),"
            " (public.akhbar_ar_stem_v1(public.akhbar_ar_normalize_v1(w)))) v(f)"
            # عليه/عليها stem to علي, which is also the name Ali: keep it searchable.
            " WHERE f <> 'علي'"
        )
        .scalar_one()
    )
    array = "ARRAY[" + ", ".join(_sql_literal(w) for w in stop_words) + "]::text[]"
    _exec(
        f"""
        CREATE FUNCTION public.akhbar_ar_stopwords_v1() RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN {array}
        """
    )
    _exec(
        """
        CREATE FUNCTION public.akhbar_ar_tsvector_v1(doc text, weight "char") RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        BEGIN ATOMIC
            SELECT pg_catalog.ts_delete(
                       pg_catalog.setweight(
                           v.stemmed || pg_catalog.ts_delete(
                               v.exact, pg_catalog.tsvector_to_array(v.stemmed)),
                           weight),
                       public.akhbar_ar_stopwords_v1())
            FROM (SELECT pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                                                public.akhbar_ar_stem_v1(n.t)) AS stemmed,
                         pg_catalog.to_tsvector('pg_catalog.simple'::regconfig, n.t) AS exact
                  -- OFFSET 0 keeps the planner from pulling the subquery up, which
                  -- would normalize the text twice (once per reference).
                  FROM (SELECT public.akhbar_ar_normalize_v1(coalesce(doc, '')) AS t
                        OFFSET 0) n) v;
        END
        """
    )
    _exec(
        """
        CREATE FUNCTION public.akhbar_article_tsvector_v1(
            language text, title text, subtitle text, body text
        ) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN CASE language
            WHEN 'en' THEN
                pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.english'::regconfig, coalesce(title, '')), 'A')
                || pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.english'::regconfig, coalesce(subtitle, '')), 'B')
                || pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.english'::regconfig, coalesce(body, '')), 'D')
            WHEN 'fr' THEN
                pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.french'::regconfig, coalesce(title, '')), 'A')
                || pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.french'::regconfig, coalesce(subtitle, '')), 'B')
                || pg_catalog.setweight(pg_catalog.to_tsvector(
                    'pg_catalog.french'::regconfig, coalesce(body, '')), 'D')
            ELSE
                public.akhbar_ar_tsvector_v1(title, 'A')
                || public.akhbar_ar_tsvector_v1(subtitle, 'B')
                || public.akhbar_ar_tsvector_v1(body, 'D')
        END
        """
    )
    comments = {
        "akhbar_ar_normalize_v1(text)": (
            "Arabic orthographic normalization for search (same for documents and queries): "
            "deletes harakat, tatweel, Quranic marks, zero-width/bidi controls; folds "
            "أ إ آ ٱ→ا, ى→ي, ة→ه, ؤ ئ→ء, Persian letters and digits; Arabic punctuation "
            "to spaces; NFKC only when presentation forms occur."
        ),
        "akhbar_ar_stem_v1(text)": (
            "Light Arabic news stemmer over normalized text: at most one article prefix "
            "(ال وال بال كال فال لل ولل فلل) when 3+ letters remain; one pronoun suffix (not نا); "
            "ات/ة; ون/ين when 4+ letters remain. Keeps -ان and the nisba ي; never strips "
            "single-letter proclitics (expanded at query time instead)."
        ),
        "akhbar_ar_stopwords_v1()": (
            "Arabic stop words, normalized and stemmed, removed with ts_delete() "
            "(positions kept, so phrases still match). على is kept (it folds onto علي)."
        ),
        'akhbar_ar_tsvector_v1(text, "char")': (
            "tsvector of Arabic text with the given weight: stems, plus the exact "
            "(normalized) forms that stemming changed, minus stop words."
        ),
        "akhbar_article_tsvector_v1(text, text, text, text)": (
            "search_vector of an article: title A, subtitle B, body D; 'en' and 'fr' "
            "through PostgreSQL's english/french configurations, anything else Arabic."
        ),
    }
    for signature, comment in comments.items():
        _exec(f"COMMENT ON FUNCTION public.{signature} IS {_sql_literal(comment)}")

    _exec(
        """
        ALTER TABLE articles ADD COLUMN search_vector tsvector
            GENERATED ALWAYS AS (
                public.akhbar_article_tsvector_v1(language, title, subtitle, body)
            ) STORED
        """
    )
    _exec(
        "COMMENT ON COLUMN articles.search_vector IS "
        + _sql_literal(
            "Full-text search document (generated): akhbar_article_tsvector_v1(language, "
            "title, subtitle, body). Query it with @@ and a tsquery; see README."
        )
    )
    # fastupdate off: with the pending list on, queries slowed ~30x after a burst of
    # upserts until vacuum; an archive that ingests while it serves pays at write time.
    _exec(
        "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)"
        " WITH (fastupdate = off)"
    )
    _exec(
        """
        CREATE TABLE search_variants (
            id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,
            term text NOT NULL,
            variant text NOT NULL,
            note text,
            CONSTRAINT pk_search_variants PRIMARY KEY (id),
            CONSTRAINT uq_search_variants_term UNIQUE (term, variant)
        )
        """
    )
    table_comments = {
        "": (
            "Spelling variants searched together (symmetric: a query for term also "
            "finds variant and vice versa). Read at query time: add a row, no re-index."
        ),
        "id": "Surrogate key.",
        "term": "One spelling as written (a word or a phrase), e.g. سورية.",
        "variant": "Another spelling of the same thing, e.g. سوريا.",
        "note": "Why these are the same, for the next editor.",
    }
    for column, comment in table_comments.items():
        target_name = f"COLUMN search_variants.{column}" if column else "TABLE search_variants"
        _exec(f"COMMENT ON {target_name} IS {_sql_literal(comment)}")
    values = ", ".join(
        f"({_sql_literal(a)}, {_sql_literal(b)}, {_sql_literal(note)})" for a, b, note in VARIANTS
    )
    _exec(f"INSERT INTO search_variants (term, variant, note) VALUES {values}")
    _exec(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'akhbar_reader') THEN
                GRANT SELECT ON search_variants TO akhbar_reader;
            END IF;
        END
        $$;
        """
    )


def downgrade() -> None:
    _exec("DROP TABLE search_variants")
    _exec("DROP INDEX ix_articles_search_vector")
    _exec("ALTER TABLE articles DROP COLUMN search_vector")
    _exec("DROP FUNCTION public.akhbar_article_tsvector_v1(text, text, text, text)")
    _exec('DROP FUNCTION public.akhbar_ar_tsvector_v1(text, "char")')
    _exec("DROP FUNCTION public.akhbar_ar_stopwords_v1()")
    _exec("DROP FUNCTION public.akhbar_ar_stem_v1(text)")
    _exec("DROP FUNCTION public.akhbar_ar_normalize_v1(text)")
