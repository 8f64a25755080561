"""Searching the archive: web-style queries over ``articles.search_vector``.

A query string in web-search syntax (words, ``"quoted phrases"``, ``OR``,
``-exclude``) is parsed here into terms. Each term's words are normalized and
stemmed by the same SQL functions that built the index (so documents and
queries can never disagree), expanded at query time with the proclitic forms
(و ف ب ل ك …), the ة/ت alternation, an accusative alif and the rows of
``search_variants``, and turned into ONE ``tsquery`` string. That string is sent
as a bound parameter and cast once (``CAST(:q AS tsquery)`` in ``FROM``): no
user text is ever concatenated into SQL, and no query function runs per row.

Snippets are computed in Python for the rows shown only: the document's own
surface words are stemmed with the same SQL functions (one round trip) and
those whose stem is in the query are highlighted. This is what ``ts_headline``
cannot do with our stemming, and it costs nothing for rows not displayed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import itertools
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

logger = logging.getLogger(__name__)

# Bounds that keep one request cheap whatever a user (or a fuzzer) sends.
MAX_QUERY_CHARS = 1000
MAX_WORDS = 24
MAX_WORD_CHARS = 64
MAX_LIMIT = 100
MAX_OFFSET = 10_000
STATEMENT_TIMEOUT = "10s"

# Proclitics a query word may carry in a document. The index never strips them
# (that is what turns بومبيو into ومب), so the query asks for each form instead.
PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", "س", "وس")

SortOrder = Literal["relevance", "date"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064A]+$")


class UnknownFilter(ValueError):
    """A filter names an outlet or a language the archive does not have.

    A typo must not look like "no results": the message lists what exists.
    """

    def __init__(self, name: Literal["outlet", "lang"], value: str, known: Sequence[str]) -> None:
        self.name = name
        self.value = value
        self.known = list(known)
        what = "outlet" if name == "outlet" else "language"
        listed = ", ".join(self.known) or "none yet"
        super().__init__(f"unknown {what} {value[:40]!r}; the archive has: {listed}")


@dataclass(frozen=True)
class Term:
    """One query term: a word, or a phrase (several words in order)."""

    words: tuple[str, ...]
    phrase: bool = False


@dataclass
class Clause:
    """Terms joined by OR; a negated clause excludes what it matches."""

    terms: list[Term]
    negated: bool = False


@dataclass
class ParsedQuery:
    """The clauses of a query, ANDed together."""

    clauses: list[Clause]

    def words(self) -> list[str]:
        return [w for c in self.clauses for t in c.terms for w in t.words]


@dataclass
class SearchHit:
    """One article found, with its snippet for display."""

    id: int
    url: str
    outlet: str
    title: str
    published_at: dt.datetime | None
    language: str | None
    rank: float
    published_date: dt.date | None = None
    """The day of publication in the outlet's time zone; some pages give only this."""
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)
    title_parts: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def day(self) -> dt.date | None:
        """The publication day to show: the outlet's own, else the UTC day of the instant."""
        if self.published_date is not None:
            return self.published_date
        return self.published_at.date() if self.published_at else None

    @property
    def title_html(self) -> str:
        """The title HTML-escaped, with matched words in ``<mark>``."""
        parts = self.title_parts or [(self.title, False)]
        return "".join(
            f"<mark>{html.escape(part)}</mark>" if hit else html.escape(part) for part, hit in parts
        )

    @property
    def snippet(self) -> str:
        """The snippet as plain text."""
        return "".join(part for part, _ in self.snippet_parts)

    @property
    def snippet_html(self) -> str:
        """The snippet HTML-escaped, with matched words in ``<mark>``."""
        return "".join(
            f"<mark>{html.escape(part)}</mark>" if hit else html.escape(part)
            for part, hit in self.snippet_parts
        )

    def as_json(self) -> dict[str, Any]:
        """The fields ``akhbar search --json`` and the API print."""
        return {
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_date": self.published_date.isoformat() if self.published_date else None,
            "snippet": self.snippet,
            "rank": round(self.rank, 6),
        }


@dataclass
class SearchResult:
    """A page of hits, the total, and counts per outlet (under every filter).

    ``ranked`` is None when every match was ranked and counted per outlet; otherwise
    it is how many of the most recent matches were (the default, bounded search).
    """

    query: str
    tsquery: str | None
    total: int
    hits: list[SearchHit]
    outlet_counts: dict[str, int]
    limit: int
    offset: int
    total_exact: bool = True
    ranked: int | None = None


# ---------------------------------------------------------------------------
# Parsing


def clean_query(raw: str) -> str:
    """Bound the length, drop control characters and NFC-compose."""
    raw = unicodedata.normalize("NFC", raw[: MAX_QUERY_CHARS * 2])
    return _CONTROL.sub(" ", raw)[:MAX_QUERY_CHARS]


def _words(chunk: str) -> list[str]:
    # Harakat, tatweel and format characters are not word characters for ``re``:
    # remove them first so that a vocalized word stays one word.
    chunk = "".join(
        ch for ch in chunk if ch != "\u0640" and unicodedata.category(ch) not in ("Mn", "Cf")
    )
    return [w[:MAX_WORD_CHARS] for w in _WORD.findall(chunk)]


def parse_query(raw: str) -> ParsedQuery:
    """Parse web-search syntax; never raises.

    ``a b`` is a AND b; ``a OR b`` (or ``a | b``) binds tighter, as in web search;
    ``"a b"`` is a phrase; ``-a`` / ``-"a b"`` excludes. An unbalanced quote runs
    to the end of the input; lone operators are ignored.
    """
    text_ = clean_query(raw)
    tokens: list[tuple[str, Term | None]] = []  # ("term"|"or"|"neg", term)
    pos, count = 0, 0
    pattern = re.compile(r'\s*(-?)(?:"([^"]*)"?|(\S+))')
    while pos < len(text_) and count < MAX_WORDS:
        match = pattern.match(text_, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
        negated = bool(match.group(1))
        token = match.group(3)
        if token is not None and not negated and token in ("OR", "|"):
            tokens.append(("or", None))
            continue
        # A quoted phrase, or "word-word" / "a.b" inside one token: a phrase of its parts.
        words = _words(match.group(2) if token is None else token)
        if not words:
            continue
        words = words[: MAX_WORDS - count]
        count += len(words)
        tokens.append(("neg" if negated else "term", Term(tuple(words), phrase=len(words) > 1)))

    clauses: list[Clause] = []
    join_next = False
    for kind, term in tokens:
        if kind == "or":
            join_next = bool(clauses) and not clauses[-1].negated
            continue
        assert term is not None
        if kind == "neg":
            clauses.append(Clause([term], negated=True))
        elif join_next:
            clauses[-1].terms.append(term)
        else:
            clauses.append(Clause([term]))
        join_next = False
    return ParsedQuery(clauses)


# ---------------------------------------------------------------------------
# Expansion and the tsquery


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class _WordInfo:
    normalized: str
    stem: str
    stop: bool
    variants: list[str]


_WORD_INFO_SQL = text(
    """
    WITH item AS (
        SELECT i.item,
               public.akhbar_ar_normalize_v1(i.item) AS n,
               public.akhbar_ar_stem_v1(public.akhbar_ar_normalize_v1(i.item)) AS s
        FROM unnest(CAST(:items AS text[])) AS i(item)
    ), variant AS (
        SELECT pg_catalog.btrim(public.akhbar_ar_stem_v1(
                   public.akhbar_ar_normalize_v1(term))) AS key,
               variant AS other
        FROM search_variants
        UNION
        SELECT pg_catalog.btrim(public.akhbar_ar_stem_v1(
                   public.akhbar_ar_normalize_v1(variant))), term
        FROM search_variants
    )
    SELECT item.item, item.n, item.s,
           (item.n = ANY(public.akhbar_ar_stopwords_v1())
            OR item.s = ANY(public.akhbar_ar_stopwords_v1())) AS stop,
           coalesce(array(SELECT DISTINCT v.other FROM variant v
                          WHERE v.key = pg_catalog.btrim(item.s)), '{}') AS variants
    FROM item
    """
)

_FORMS_SQL = text(
    """
    SELECT f.form,
           public.akhbar_ar_stem_v1(f.form) AS stem,
           f.form = ANY(public.akhbar_ar_stopwords_v1())
               OR public.akhbar_ar_stem_v1(f.form) = ANY(public.akhbar_ar_stopwords_v1())
    FROM unnest(CAST(:forms AS text[])) AS f(form)
    """
)

_LATIN_SQL = text(
    """
    SELECT w.word,
           pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.english', w.word))
           || pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.french', w.word))
    FROM unnest(CAST(:words AS text[])) AS w(word)
    """
)


FORMS_CACHE_SIZE = 100_000
_FORMS_CACHE: dict[str, tuple[str, bool]] = {}


class QueryBuilder:
    """Turns a :class:`ParsedQuery` into a tsquery string, using the database's functions."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._info: dict[str, _WordInfo] = {}
        self._forms: dict[str, tuple[str, bool]] = {}
        self._latin: dict[str, list[str]] = {}
        self.positive_lexemes: set[str] = set()
        self._matching = False

    def _load(self, items: Iterable[str]) -> None:
        missing = sorted({i for i in items if i not in self._info})
        if not missing:
            return
        for item, n, s, stop, variants in self.connection.execute(
            _WORD_INFO_SQL, {"items": missing}
        ):
            self._info[item] = _WordInfo(n.strip(), s.strip(), bool(stop), list(variants))

    def _load_forms(self, forms: Iterable[str]) -> None:
        wanted = set(forms)
        # The stem and stop-word functions are IMMUTABLE (a change is a new _v2):
        # what they said once holds for the life of the process.
        self._forms.update((f, _FORMS_CACHE[f]) for f in wanted if f in _FORMS_CACHE)
        missing = sorted(f for f in wanted if f not in self._forms)
        if missing:
            for form, stem, stop in self.connection.execute(_FORMS_SQL, {"forms": missing}):
                self._forms[form] = (stem.strip().lower(), bool(stop))
            if len(_FORMS_CACHE) > FORMS_CACHE_SIZE:
                _FORMS_CACHE.clear()
            _FORMS_CACHE.update((f, self._forms[f]) for f in missing if f in self._forms)

    def _load_latin(self, words: Iterable[str]) -> None:
        missing = sorted({w for w in words if w not in self._latin and _LATIN.search(w)})
        if missing:
            for word, lexemes in self.connection.execute(_LATIN_SQL, {"words": missing}):
                self._latin[word] = list(lexemes)

    @staticmethod
    def surface_forms(normalized: str) -> list[str]:
        """The spellings a word may take in a document: proclitics, ة/ت, accusative alif."""
        bases = [normalized]
        if _ARABIC_WORD.match(normalized):
            if normalized.endswith("ه") and len(normalized) > 2:
                bases.append(normalized[:-1] + "ت")  # حكومة ~ حكومتها
            if not normalized.endswith("ا"):
                bases.append(normalized + "ا")  # accusative alif (تهديدا)
            forms = list(bases)
            for base in bases:
                forms += [prefix + base for prefix in PROCLITICS]
            return forms
        return bases

    def build(self, parsed: ParsedQuery, *, matching: bool = False) -> str | None:
        """The tsquery text for ``parsed``, or None when nothing searchable is left.

        ``matching=True`` leaves out what cannot change which articles match: the
        exact form of a word whose stem is asked too (every article holding the form
        has its stem indexed). Finding matches then reads about half as many GIN
        postings for a common word; ranking keeps the full query, where an exact
        form counts extra.
        """
        self._matching = matching
        self._load(parsed.words() + [" ".join(t.words) for c in parsed.clauses for t in c.terms])
        variant_words = [
            w
            for c in parsed.clauses
            for t in c.terms
            for v in self._term_variants(t)
            for w in _words(v)
        ]
        self._load(variant_words)
        every = [w for w in parsed.words() + variant_words if w in self._info]
        self._load_forms(f for w in every for f in self.surface_forms(self._info[w].normalized))
        self._load_latin(every)

        positive: list[str] = []
        negative: list[str] = []
        for clause in parsed.clauses:
            alternatives = [q for term in clause.terms if (q := self._term(term, clause.negated))]
            if not alternatives:
                continue
            expression = (
                alternatives[0]
                if len(alternatives) == 1
                else ("(" + " | ".join(alternatives) + ")")
            )
            (negative if clause.negated else positive).append(expression)
        if not positive:
            return None  # only stop words, only exclusions, or nothing at all
        return " & ".join(positive + [f"!{e}" for e in negative])

    def _term_variants(self, term: Term) -> list[str]:
        info = self._info.get(" ".join(term.words))
        return info.variants if info else []

    def _term(self, term: Term, negated: bool) -> str | None:
        """``(word | variant ...)`` for a word, a ``<->`` chain for a phrase."""
        spellings = [self._sequence(term.words, negated)]
        for variant in self._term_variants(term):
            spellings.append(self._sequence(tuple(_words(variant)), negated))
        spellings = list(dict.fromkeys(s for s in spellings if s))
        if not spellings:
            return None
        return spellings[0] if len(spellings) == 1 else "(" + " | ".join(spellings) + ")"

    def _sequence(self, words: Sequence[str], negated: bool) -> str | None:
        parts: list[str] = []
        gap = 1
        for word in words:
            group = self._word_group(word, negated)
            if group is None:
                # A stop word inside a phrase: not indexed, but it keeps its position.
                gap += 1 if parts else 0
                continue
            if parts:
                parts.append(f" <{gap}> " if gap > 1 else " <-> ")
            parts.append(group)
            gap = 1
        return "".join(parts) or None

    def _word_group(self, word: str, negated: bool) -> str | None:
        info = self._info.get(word)
        if info is None or info.stop or not info.normalized:
            return None
        own_stem, stop = self._forms.get(info.normalized, ("", True))
        redundant = self._matching and bool(own_stem) and not stop
        lexemes: list[str] = [] if redundant else [info.normalized.lower()]
        for form in self.surface_forms(info.normalized):
            stem, stop = self._forms.get(form, ("", True))
            if stem and not stop:
                lexemes.append(stem)
        lexemes += self._latin.get(word, [])
        lexemes = [lex for lex in dict.fromkeys(lexemes) if lex and " " not in lex]
        if not lexemes:
            return None
        if not negated:
            self.positive_lexemes.update(lexemes)
        if len(lexemes) == 1:
            return _quote(lexemes[0])
        return "(" + " | ".join(_quote(lex) for lex in lexemes) + ")"


def build_tsquery(connection: Connection, query: str) -> str | None:
    """The tsquery text (to be bound as a parameter) for a web-syntax query."""
    return QueryBuilder(connection).build(parse_query(query))


# ---------------------------------------------------------------------------
# Searching
#
# Ranking costs ~10 µs per matching row (ts_rank detoasts each search_vector), so
# ranking every match of a common word in a large archive takes seconds. The
# default search ranks only the CANDIDATES most recent matches: for news, a reader
# asking for a common word wants the best of what is recent, not a 2015 article
# that happens to repeat it more often. The candidates are found without ranking
# anything, through a recency window: the match query is ANDed with the week
# lexemes of the window ('#w2968' | '#w2969' ...) on ix_articles_search_recent
# (search_vector plus the article's week, migration c3f8a1d5e7b2), so GIN reads
# the postings of those weeks and skips through the long list of a common word.
# The first window suits the commonest words (the newest
# CANDIDATES * WINDOW_SLACK / COMMON_FRACTION articles, read off the statistics
# ANALYZE keeps); it widens by the density it found until it holds more than
# CANDIDATES matches, the last pass being the whole archive on the words alone
# (their postings in the same index). A rare word costs a few cheap passes, a
# common one a single pass over a small window. ``exhaustive=True`` ranks every match instead.

CANDIDATES = 500
WINDOW_SLACK = 1.5  # aim each window at 1.5x the candidates the density predicts
COMMON_FRACTION = 0.3  # the first window suits words in 30 % of the articles
MAX_WINDOWS = 4  # the last one is the whole archive
# When the archive is expected to hold no more matches than this, the next pass
# takes them all (a wide btree range would cost more than fetching them).
FULL_PASS_MATCHES = 2000
# Up to this many weeks a window is matched on week lexemes; GIN then tests every
# week's postings against the whole query, which costs more than a btree range.
MAX_WEEKS = 16
# Under a filter that leaves few of a common word's matches, the plain GIN
# postings of the word are long: week lexemes stay cheaper up to about a year.
MAX_WEEKS_COMMON = 40
COMMON_DENSITY = 0.05
# A btree range entry costs about an eighth of fetching a matching row: past this
# many window rows per expected match, testing the matches' own rows is cheaper.
RANGE_ROWS_PER_MATCH = 8

# Per-search settings. The tsquery must be planned as a constant (a generic plan
# guesses 0.5 % for any @@); bitmaps of common words must stay exact (a lossy page
# forces rechecks). The planner does not know that reading a search_vector means
# detoasting ~5 KB, so it would test @@ row by row on a sequential or recency-index
# scan; the GIN index (alone or ANDed with a btree) is the right path for every
# search, so the others are disabled for the search's transaction.
_SETTINGS_SQL = text(
    "SELECT pg_catalog.set_config('statement_timeout', :timeout, true),"
    " pg_catalog.set_config('plan_cache_mode', 'force_custom_plan', true),"
    " pg_catalog.set_config('work_mem', '32MB', true),"
    " pg_catalog.set_config('enable_seqscan', 'off', true),"
    " pg_catalog.set_config('enable_indexscan', 'off', true),"
    # Parallel workers only slow a search down when many run at once on few cores.
    " pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)"
)

# Publication instant, else the UTC midnight of the date: the expression of
# ix_articles_recency and ix_articles_outlet_id_recency (migration c3f8a1d5e7b2).
RECENCY = (
    "coalesce(a.published_at, pg_catalog.timezone('UTC', CAST(a.published_date AS timestamp)))"
)


@dataclass(frozen=True)
class _Filters:
    outlet_id: int | None
    lang: str | None
    since: dt.datetime | None
    until: dt.datetime | None

    def sql(self, with_outlet: bool = True) -> str:
        """The WHERE conditions of the filters that are set: fixed fragments, bound values."""
        parts = []
        if with_outlet and self.outlet_id is not None:
            parts.append("a.outlet_id = :outlet_id")
        if self.lang is not None:
            parts.append("a.language = :lang")
        if self.since is not None:
            parts.append(f"{RECENCY} >= :since")
        if self.until is not None:
            parts.append(f"{RECENCY} < :until")
        return "".join(f" AND {part}" for part in parts)

    def params(self) -> dict[str, Any]:
        return {
            "outlet_id": self.outlet_id,
            "lang": self.lang,
            "since": self.since,
            "until": self.until,
        }


_ORDER = {
    "relevance": f"rank DESC, {RECENCY} DESC NULLS LAST, a.id DESC",
    "date": f"{RECENCY} DESC NULLS LAST, rank DESC, a.id DESC",
}


# The expression of ix_articles_search_recent, the one search index (migration
# 9d4f2a6c8e31): the document plus its week lexeme. Every match is found through it
# (the week lexeme matches no word), so no second GIN index is kept up to date.
_WITH_WEEK = "(a.search_vector || public.akhbar_recency_week_v1(a.published_at, a.published_date))"
_MATCH = f"{_WITH_WEEK} @@ m.q"


# Both tsqueries are bound parameters cast once in FROM, never a function per row:
# :mq finds the matches, :tsq (the full query) ranks them.
def _exhaustive_hits_sql(sort: SortOrder, conditions: str) -> Any:
    return text(
        f"""
        SELECT a.id, a.url, o.name AS outlet, a.title, a.published_at, a.published_date, a.language,
               pg_catalog.ts_rank(a.search_vector, q.q) AS rank
        FROM CAST(:tsq AS tsquery) AS q(q), CAST(:mq AS tsquery) AS m(q), articles a
        JOIN outlets o ON o.id = a.outlet_id
        WHERE {_MATCH} {conditions}
        ORDER BY {_ORDER[sort]}
        LIMIT :limit OFFSET :offset
        """
    )


def _exhaustive_counts_sql(conditions: str) -> Any:
    return text(
        f"""
        SELECT o.name, count(*)
        FROM CAST(:mq AS tsquery) AS m(q), articles a
        JOIN outlets o ON o.id = a.outlet_id
        WHERE {_MATCH} {conditions}
        GROUP BY o.name
        ORDER BY count(*) DESC, o.name
        """
    )


Window = Literal["weeks", "range", "filter", None]


def _candidates_sql(conditions: str, window: Window, ranked: bool) -> Any:
    """The :k most recent matches (in the window), ranked, and how many the window holds.

    ``weeks``: a window of a few weeks, matched on the week lexemes of
    ix_articles_search_recent. Wider, where GIN would test many week postings for
    every article: ``range``, a range of ix_articles_recency ANDed with the words'
    GIN postings, or, when the word has few matches in all (reading a long btree range would
    cost more than fetching them), ``filter``: the words' GIN postings, the window tested
    on the rows (OFFSET 0 keeps the planner from turning the test into a btree scan).
    ``None``: every match.
    """
    match = {
        "weeks": f"{_WITH_WEEK} @@ (m.q && w.q)",
        "range": f"{_MATCH} AND {RECENCY} >= :cutoff",
        "filter": _MATCH,
        None: _MATCH,
    }[window]
    weeks = ", CAST(:wq AS tsquery) AS w(q)" if window == "weeks" else ""
    rank = "pg_catalog.ts_rank(c.search_vector, q.q)" if ranked else "0"
    matches = f"""
        SELECT a.id, a.outlet_id, {RECENCY} AS recency, a.search_vector
        FROM CAST(:mq AS tsquery) AS m(q){weeks}, articles a
        WHERE {match} {conditions}
    """
    if window == "filter":
        matches = f"SELECT * FROM ({matches} OFFSET 0) f WHERE f.recency >= :cutoff"
    return text(
        f"""
        SELECT c.id, o.name AS outlet, c.recency, {rank} AS rank, c.in_window
        FROM CAST(:tsq AS tsquery) AS q(q),
             LATERAL (
                 SELECT s.*, count(*) OVER () AS in_window
                 FROM ({matches}) s
                 ORDER BY s.recency DESC NULLS LAST, s.id DESC
                 LIMIT :k
             ) c
        JOIN outlets o ON o.id = c.outlet_id
        """
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_WEEK = dt.timedelta(days=7)


def weeks_tsquery(start: dt.datetime, end: dt.datetime) -> str:
    """The tsquery of the week lexemes from ``start``'s week to ``end``'s (see the migration)."""
    first, last = (start - _EPOCH) // _WEEK, (end - _EPOCH) // _WEEK
    return " | ".join(f"'#w{week}'" for week in range(first, last + 1))


# The archive's recency distribution, from the statistics ANALYZE keeps for the
# expression index: equal-count buckets, oldest first.
_HISTOGRAM_SQL = text(
    """
    SELECT CAST(CAST(s.histogram_bounds AS text) AS timestamptz[]), c.reltuples
    FROM pg_catalog.pg_stats s, pg_catalog.pg_class c
    WHERE s.schemaname = current_schema() AND s.tablename = 'ix_articles_recency'
      AND c.oid = CAST('ix_articles_recency' AS regclass)
    """
)

_PAGE_SQL = text(
    """
    SELECT a.id, a.url, o.name AS outlet, a.title, a.published_at, a.published_date, a.language
    FROM articles a JOIN outlets o ON o.id = a.outlet_id
    WHERE a.id = ANY(:ids)
    """
)


def _cutoff(bounds: Sequence[dt.datetime], total: float, rows: float) -> dt.datetime | None:
    """The recency above which the newest ``rows`` of ``total`` articles lie.

    Interpolated inside a histogram bucket; None when that is the whole archive
    (or there are no statistics yet).
    """
    buckets = len(bounds) - 1
    if buckets < 1 or total <= 0 or rows >= total:
        return None
    position = buckets * (1 - rows / total)  # in buckets, from the oldest bound
    low = min(int(position), buckets - 1)
    return bounds[low] + (bounds[low + 1] - bounds[low]) * (position - low)


def _rows_before(bounds: Sequence[dt.datetime], total: float, when: dt.datetime) -> float:
    """How many of ``total`` articles are older than ``when``, by the histogram."""
    buckets = len(bounds) - 1
    if buckets < 1 or when <= bounds[0]:
        return 0.0
    if when >= bounds[-1]:
        return total
    low = bisect.bisect_right(bounds, when) - 1
    fraction = (when - bounds[low]) / (bounds[low + 1] - bounds[low] or _WEEK)
    return total * (low + fraction) / buckets


def _window_kind(
    attempt: int,
    cutoff: dt.datetime | None,
    newest: dt.datetime,
    rows: float,
    matches: float,
    common: bool = False,
) -> Window:
    """How to read a window of ``rows`` articles for a word expected in ``matches``."""
    if cutoff is None:
        return None
    # The first window is small by design.
    if attempt == 0 or (newest - cutoff) / _WEEK <= (MAX_WEEKS_COMMON if common else MAX_WEEKS):
        return "weeks"
    return "range" if rows <= RANGE_ROWS_PER_MATCH * matches else "filter"


@dataclass
class _Candidates:
    """The matches ranked by the bounded search, and what is known of all matches."""

    matches: int  # counted over the whole archive, or estimated from a window
    rows: list[Any]  # (id, outlet, recency, rank): every match, or the k most recent
    complete: bool  # rows are every match
    exact: bool  # matches is a count, not an estimate
    density: float = 0.0  # matches per article of the archive


def _recent_candidates(
    connection: Connection,
    params: dict[str, Any],
    conditions: str,
    k: int,
    ranked: bool = True,
    common: bool = False,
) -> _Candidates:
    """The ``k`` most recent matches, found through a recency window of the right size.

    ``common``: the words are known to be common without the filters (an outlet): the
    plain GIN postings would be long, so wider windows are still read on week lexemes.
    """
    stats = connection.execute(_HISTOGRAM_SQL).first()
    bounds, total = (stats[0] or [], float(stats[1])) if stats else ([], 0.0)
    # The window runs to the newest week (articles stored since the last ANALYZE
    # too), or back from ``until``, the articles after it not counting.
    newest = max([dt.datetime.now(dt.UTC), *bounds[-1:]]) + _WEEK
    since, until = params.get("since"), params.get("until")
    later = 0.0
    if until is not None and until < newest:
        newest, later = until, total - _rows_before(bounds, total, until)
    wanted = k * WINDOW_SLACK / COMMON_FRACTION  # archive rows in the first window
    final, expected = False, math.inf
    for attempt in range(MAX_WINDOWS):
        cutoff = None if final else _cutoff(bounds, total, wanted + later)
        final = final or cutoff is None or attempt == MAX_WINDOWS - 1
        if since is not None and (final or cutoff <= since):
            cutoff, final = since, True  # the filter bounds the search: the window is all of it
        elif final:
            cutoff = None
        window = _window_kind(attempt, cutoff, newest, wanted, expected, common)
        rows = connection.execute(
            _candidates_sql(conditions, window, ranked),
            {
                **params,
                "k": k + 1,
                "cutoff": cutoff,
                "wq": weeks_tsquery(cutoff, newest) if window == "weeks" else None,
            },
        ).all()
        in_window = rows[0].in_window if rows else 0
        if final:
            density = in_window / max(total, 1.0)
            return _Candidates(in_window, rows[:k], in_window <= k, exact=True, density=density)
        # Whole weeks: the window starts at the beginning of the cutoff's week.
        start = _EPOCH + (cutoff - _EPOCH) // _WEEK * _WEEK if window == "weeks" else cutoff
        window_rows = max(total - later - _rows_before(bounds, total, start), 1.0)
        expected = in_window * (total - later) / window_rows  # matches, extrapolated
        if in_window > k:
            density = expected / max(total - later, 1.0)
            estimate = max(in_window, round(expected))
            return _Candidates(estimate, rows[:k], False, exact=False, density=density)
        # Few matches in the whole archive: take them all rather than widen again.
        final = expected <= FULL_PASS_MATCHES
        wanted = window_rows * max(4.0, k * WINDOW_SLACK / max(in_window, 1))
    raise AssertionError("the last window is the whole archive")


def _sort_key(sort: SortOrder) -> Any:
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)

    def by_recency(row: Any) -> dt.datetime:
        return row.recency or oldest

    if sort == "date":
        return lambda row: (by_recency(row), row.rank, row.id)
    return lambda row: (row.rank, by_recency(row), row.id)


def _as_utc(value: dt.datetime | dt.date | None, end: bool = False) -> dt.datetime | None:
    """A filter bound as an aware datetime; a date means its whole day (UTC)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
        if end:
            value += dt.timedelta(days=1)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _outlet_id(connection: Connection, outlet: str | None) -> int | None:
    """The id of the outlet named; :class:`UnknownFilter` lists the names when there is none."""
    if not outlet:
        return None
    # The outlets table is small: one read both finds the name and lists the others.
    ids = dict(connection.execute(text("SELECT name, id FROM outlets ORDER BY name")).all())
    if outlet not in ids:
        raise UnknownFilter("outlet", outlet, list(ids))
    return ids[outlet]


_LANGUAGE_SQL = text("SELECT EXISTS (SELECT 1 FROM articles WHERE language = :lang)")
_LANGUAGES_SQL = text(
    "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY language"
)


def _check_language(connection: Connection, lang: str) -> None:
    """Raise :class:`UnknownFilter`, listing the archive's languages, if no article has ``lang``.

    A valid ISO 639-1 code that no article has is refused too: "unknown language,
    the archive has ar, en" tells more than "0 articles".
    """
    if not connection.execute(_LANGUAGE_SQL, {"lang": lang}).scalar():
        raise UnknownFilter("lang", lang, connection.execute(_LANGUAGES_SQL).scalars().all())


def search(
    connection: Connection,
    query: str,
    *,
    outlet: str | None = None,
    lang: str | None = None,
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: SortOrder = "relevance",
    snippets: bool = True,
    exhaustive: bool = False,
) -> SearchResult:
    """Search the archive; malformed queries give an empty result, never an error.

    An ``outlet`` not in the outlets table, or a ``lang`` no article has, raises
    :class:`UnknownFilter`. ``since`` is inclusive, ``until`` exclusive (a date
    ``until`` includes that day). Counts per outlet apply every filter. By default only the
    :data:`CANDIDATES` most recent matches are ranked and counted per outlet (all
    of them when there are no more); ``exhaustive=True`` ranks and counts every
    match, at a cost that grows with their number.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    sort = sort if sort in _ORDER else "relevance"
    connection.execute(_SETTINGS_SQL, {"timeout": STATEMENT_TIMEOUT})
    lang = lang.strip().lower() if lang and lang.strip() else None  # codes are stored lower case
    # The outlet first: a misspelt one is an error even for a query that finds nothing.
    filters = _Filters(
        _outlet_id(connection, outlet), lang, _as_utc(since), _as_utc(until, end=True)
    )
    builder = QueryBuilder(connection)
    parsed = parse_query(query or "")
    tsq = builder.build(parsed)
    if tsq is None:
        result = SearchResult(query, None, 0, [], {}, limit, offset)
    else:
        params = {
            "tsq": tsq,
            "mq": builder.build(parsed, matching=True),
            **filters.params(),
            "limit": limit,
            "offset": offset,
        }
        run = _search_exhaustive if exhaustive else _search_recent
        result = run(connection, tsq, filters, params, sort)
        result.query = query
    if lang is not None and not result.total:
        # Only an empty answer can hide a misspelt language: checking then spares every
        # other search a scan (articles.language has no index).
        _check_language(connection, lang)
    if snippets and result.hits:
        add_snippets(connection, result.hits, builder.positive_lexemes)
    return result


def _search_exhaustive(
    connection: Connection, tsq: str, filters: _Filters, params: dict[str, Any], sort: SortOrder
) -> SearchResult:
    counts = dict(connection.execute(_exhaustive_counts_sql(filters.sql()), params).all())
    total = sum(counts.values())
    hits = [
        _hit(row, float(row.rank))
        for row in connection.execute(_exhaustive_hits_sql(sort, filters.sql()), params)
    ]
    return SearchResult("", tsq, total, hits, counts, params["limit"], params["offset"])


def _search_recent(
    connection: Connection, tsq: str, filters: _Filters, params: dict[str, Any], sort: SortOrder
) -> SearchResult:
    limit, offset = params["limit"], params["offset"]
    # Deep pages (past CANDIDATES) rank more: the first pages never change with depth.
    k = max(CANDIDATES, offset + limit)
    if filters.outlet_id is None:
        found = _recent_candidates(connection, params, filters.sql(), k)
    else:
        # How common the words are without the outlet decides how its windows are read.
        everywhere = _recent_candidates(
            connection, params, filters.sql(with_outlet=False), k, ranked=False
        )
        common = everywhere.density >= COMMON_DENSITY
        found = _recent_candidates(connection, params, filters.sql(), k, common=common)
    counts = Counter(row.outlet for row in found.rows)
    page = sorted(found.rows, key=_sort_key(sort), reverse=True)[offset : offset + limit]
    details = {row.id: row for row in connection.execute(_PAGE_SQL, {"ids": [r.id for r in page]})}
    hits = [_hit(details[row.id], float(row.rank)) for row in page if row.id in details]
    return SearchResult(
        "",
        tsq,
        found.matches,
        hits,
        dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
        limit,
        offset,
        total_exact=found.exact,
        ranked=None if found.complete else len(found.rows),
    )


def _hit(row: Any, rank: float) -> SearchHit:
    return SearchHit(
        id=row.id,
        url=row.url,
        outlet=row.outlet,
        title=row.title,
        published_at=row.published_at,
        published_date=row.published_date,
        language=row.language,
        rank=rank,
    )


# ---------------------------------------------------------------------------
# Snippets

SNIPPET_WORDS = 32
_TOKEN = re.compile(r"([^\W_][\w\u0640]*)", re.UNICODE)

_STEMS_SQL = text(
    """
    SELECT w.word,
           pg_catalog.lower(public.akhbar_ar_normalize_v1(w.word)),
           pg_catalog.lower(public.akhbar_ar_stem_v1(public.akhbar_ar_normalize_v1(w.word)))
    FROM unnest(CAST(:words AS text[])) AS w(word)
    """
).bindparams(bindparam("words", type_=ARRAY(Text)))


def add_snippets(connection: Connection, hits: list[SearchHit], lexemes: set[str]) -> None:
    """Fill ``snippet_parts`` of the hits shown: the best window of the body, highlighted."""
    ids = [hit.id for hit in hits]
    bodies = dict(
        connection.execute(
            text("SELECT id, concat_ws(E'\\n', subtitle, body) FROM articles WHERE id = ANY(:ids)"),
            {"ids": ids},
        ).all()
    )
    tokenized = {i: _TOKEN.split(body[:20_000]) for i, body in bodies.items()}
    titles = {hit.id: _TOKEN.split(hit.title or "") for hit in hits}
    surface = sorted({p for parts in [*tokenized.values(), *titles.values()] for p in parts[1::2]})
    surface = _may_match(surface, lexemes)
    matched: set[str] = set()
    if surface and lexemes:
        for word, normalized, stem in connection.execute(_STEMS_SQL, {"words": surface}):
            if (normalized or "").strip() in lexemes or (stem or "").strip() in lexemes:
                matched.add(word)
    for hit in hits:
        hit.snippet_parts = _window(tokenized.get(hit.id, [""]), matched)
        hit.title_parts = [(p, i % 2 == 1 and p in matched) for i, p in enumerate(titles[hit.id])]


# The letter folds of akhbar_ar_normalize_v1 (and the marks it deletes), for a cheap
# first test in Python only.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "ء",
        "ئ": "ء",
        "\u0640": None,
        "\u0670": None,
        **{chr(mark): None for mark in range(0x064B, 0x0660)},
    }
)
_NOT_ARABIC = re.compile(r"[^\u0621-\u063A\u0641-\u064A\n]")


def _may_match(words: list[str], lexemes: set[str]) -> list[str]:
    """The words worth stemming in SQL, found by scanning all of them at once.

    A plain Arabic word can only match if a lexeme is a substring of its folded
    form (the stemmer only cuts prefixes and suffixes); ASCII digits only if they
    are a lexeme; anything else (Latin, rarer letters) is always sent.
    """
    arabic = sorted((lex for lex in lexemes if _ARABIC_WORD.match(lex)), key=len, reverse=True)
    if not arabic or not words:
        return words
    folded = "\n".join(words).translate(_FOLD)
    starts = list(itertools.accumulate((len(w) + 1 for w in folded.split("\n")), initial=0))
    pattern = re.compile("|".join(map(re.escape, arabic)))
    found = {bisect.bisect_right(starts, m.start()) - 1 for m in pattern.finditer(folded)}
    other = {bisect.bisect_right(starts, m.start()) - 1 for m in _NOT_ARABIC.finditer(folded)}
    other = {i for i in other if not (words[i].isascii() and words[i].isdigit())}
    digits = {i for i, w in enumerate(words) if w in lexemes}
    return [words[i] for i in sorted(found | other | digits)]


def _window(parts: list[str], matched: set[str]) -> list[tuple[str, bool]]:
    """The ``SNIPPET_WORDS``-word window with the most distinct matched words.

    Windows start every 4 words (and at the last possible start); the first best
    one wins. Only windows that hold a match can beat the first window, so only
    those are scored.
    """
    words = parts[1::2]
    if not words:
        return [(" ".join(parts)[:200], False)] if parts and parts[0].strip() else []
    last_start = max(0, len(words) - SNIPPET_WORDS)
    candidates = {0}
    for position in (i for i, w in enumerate(words) if w in matched):
        low = max(0, position - SNIPPET_WORDS + 1)
        candidates.update(range(-(-low // 4) * 4, min(position, last_start - 1) + 1, 4))
        if low <= last_start <= position:
            candidates.add(last_start)
    best, best_score = 0, -1
    for start in sorted(candidates):
        score = len({w for w in words[start : start + SNIPPET_WORDS] if w in matched})
        if score > best_score:
            best, best_score = start, score
    first, last = 2 * best + 1, min(len(parts), 2 * (best + SNIPPET_WORDS))
    out: list[tuple[str, bool]] = [("… ", False)] if best > 0 else []
    for index in range(first, last):
        piece = parts[index]
        piece = re.sub(r"\s+", " ", piece) if index % 2 == 0 else piece
        out.append((piece, index % 2 == 1 and piece in matched))
    if last < len(parts) - 1:
        out.append((" …", False))
    return out
