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

import datetime as dt
import html
import logging
import re
import unicodedata
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


class SearchError(Exception):
    """A search could not run (the database failed); the message is safe to show."""


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
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)
    title_parts: list[tuple[str, bool]] = field(default_factory=list)

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
            "snippet": self.snippet,
            "rank": round(self.rank, 6),
        }


@dataclass
class SearchResult:
    """A page of hits, the total, and counts per outlet (ignoring the outlet filter)."""

    query: str
    tsquery: str | None
    total: int
    hits: list[SearchHit]
    outlet_counts: dict[str, int]
    limit: int
    offset: int


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


class QueryBuilder:
    """Turns a :class:`ParsedQuery` into a tsquery string, using the database's functions."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._info: dict[str, _WordInfo] = {}
        self._forms: dict[str, tuple[str, bool]] = {}
        self._latin: dict[str, list[str]] = {}
        self.positive_lexemes: set[str] = set()

    def _load(self, items: Iterable[str]) -> None:
        missing = sorted({i for i in items if i not in self._info})
        if not missing:
            return
        for item, n, s, stop, variants in self.connection.execute(
            _WORD_INFO_SQL, {"items": missing}
        ):
            self._info[item] = _WordInfo(n.strip(), s.strip(), bool(stop), list(variants))

    def _load_forms(self, forms: Iterable[str]) -> None:
        missing = sorted({f for f in forms if f not in self._forms})
        if missing:
            for form, stem, stop in self.connection.execute(_FORMS_SQL, {"forms": missing}):
                self._forms[form] = (stem.strip().lower(), bool(stop))

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

    def build(self, parsed: ParsedQuery) -> str | None:
        """The tsquery text for ``parsed``, or None when nothing searchable is left."""
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
        lexemes: list[str] = [info.normalized.lower()]
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


_FILTERS = """
    AND (CAST(:lang AS text) IS NULL OR a.language = CAST(:lang AS text))
    AND (CAST(:since AS timestamptz) IS NULL
         OR coalesce(a.published_at, CAST(a.published_date AS timestamptz))
            >= CAST(:since AS timestamptz))
    AND (CAST(:until AS timestamptz) IS NULL
         OR coalesce(a.published_at, CAST(a.published_date AS timestamptz))
            < CAST(:until AS timestamptz))
"""

_ORDER = {
    "relevance": "rank DESC, a.published_at DESC NULLS LAST, a.id DESC",
    "date": (
        "coalesce(a.published_at, CAST(a.published_date AS timestamptz)) DESC NULLS LAST,"
        " rank DESC, a.id DESC"
    ),
}


def _hits_sql(sort: SortOrder) -> Any:
    # The tsquery is a bound parameter cast once in FROM, never a function per row.
    return text(
        f"""
        SELECT a.id, a.url, o.name AS outlet, a.title, a.published_at, a.language,
               pg_catalog.ts_rank(a.search_vector, q.q) AS rank
        FROM CAST(:tsq AS tsquery) AS q(q), articles a
        JOIN outlets o ON o.id = a.outlet_id
        WHERE a.search_vector @@ q.q
          AND (CAST(:outlet AS text) IS NULL OR o.name = CAST(:outlet AS text))
          {_FILTERS}
        ORDER BY {_ORDER[sort]}
        LIMIT :limit OFFSET :offset
        """
    )


_COUNTS_SQL = text(
    f"""
    SELECT o.name, count(*)
    FROM CAST(:tsq AS tsquery) AS q(q), articles a
    JOIN outlets o ON o.id = a.outlet_id
    WHERE a.search_vector @@ q.q
      {_FILTERS}
    GROUP BY o.name
    ORDER BY count(*) DESC, o.name
    """
)


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
) -> SearchResult:
    """Search the archive; malformed queries give an empty result, never an error.

    ``since`` is inclusive, ``until`` exclusive (a date ``until`` includes that day).
    Counts per outlet apply every filter except ``outlet``.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    sort = sort if sort in _ORDER else "relevance"
    connection.execute(text(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'"))
    builder = QueryBuilder(connection)
    tsq = builder.build(parse_query(query or ""))
    if tsq is None:
        return SearchResult(query, None, 0, [], {}, limit, offset)
    params = {
        "tsq": tsq,
        "outlet": outlet or None,
        "lang": lang or None,
        "since": _as_utc(since),
        "until": _as_utc(until, end=True),
        "limit": limit,
        "offset": offset,
    }
    counts = {name: n for name, n in connection.execute(_COUNTS_SQL, params)}
    total = counts.get(outlet, 0) if outlet else sum(counts.values())
    hits = [
        SearchHit(
            id=row.id,
            url=row.url,
            outlet=row.outlet,
            title=row.title,
            published_at=row.published_at,
            language=row.language,
            rank=float(row.rank),
        )
        for row in connection.execute(_hits_sql(sort), params)
    ]
    if snippets and hits:
        add_snippets(connection, hits, builder.positive_lexemes)
    return SearchResult(query, tsq, total, hits, counts, limit, offset)


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
    matched: set[str] = set()
    if surface and lexemes:
        for word, normalized, stem in connection.execute(_STEMS_SQL, {"words": surface}):
            if (normalized or "").strip() in lexemes or (stem or "").strip() in lexemes:
                matched.add(word)
    for hit in hits:
        hit.snippet_parts = _window(tokenized.get(hit.id, [""]), matched)
        hit.title_parts = [(p, i % 2 == 1 and p in matched) for i, p in enumerate(titles[hit.id])]


def _window(parts: list[str], matched: set[str]) -> list[tuple[str, bool]]:
    """The ``SNIPPET_WORDS``-word window with the most distinct matched words."""
    words = parts[1::2]
    if not words:
        return [(" ".join(parts)[:200], False)] if parts and parts[0].strip() else []
    flags = [w in matched for w in words]
    best, best_score = 0, -1
    last_start = max(0, len(words) - SNIPPET_WORDS)
    for start in [*range(0, last_start, 4), last_start]:
        window = words[start : start + SNIPPET_WORDS]
        score = len({w for w, f in zip(window, flags[start:], strict=False) if f})
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
