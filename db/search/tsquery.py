"""Turning a parsed query into ONE ``tsquery`` string, with the database's own functions.

Each term's words are normalized and stemmed by the same SQL functions that built
the index (so documents and queries can never disagree), expanded with the
proclitic forms (و ف ب ل ك …), the ة/ت alternation, an accusative alif and the
rows of ``search_variants``. The string is bound as a parameter: no user text is
ever concatenated into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from db.search.query import ARABIC_WORD, ParsedQuery, Term, parse_query, split_words

# Proclitics a query word may carry in a document. The index never strips them
# (that is what turns بومبيو into ومب), so the query asks for each form instead.
PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", "س", "وس")

_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


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
        if ARABIC_WORD.match(normalized):
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
            for w in split_words(v)
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
            spellings.append(self._sequence(tuple(split_words(variant)), negated))
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
