"""Snippets: the best text window around the matched words of each hit shown.

Computed in Python for the rows shown only: the document's own surface words are
stemmed with the same SQL functions that built the index (one round trip), and
those whose stem is in the query are flagged as matched. This is what
``ts_headline`` cannot do with our stemming, and it costs nothing for rows not
displayed. The result is plain data (:data:`~db.search.results.Highlighted`).
"""

from __future__ import annotations

import bisect
import itertools
import re

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from db.search.query import ARABIC_WORD
from db.search.results import Highlighted, SearchHit

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
        hit.snippet_parts = _text_window_around_matches(tokenized.get(hit.id, [""]), matched)
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
    arabic = sorted((lex for lex in lexemes if ARABIC_WORD.match(lex)), key=len, reverse=True)
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


def _text_window_around_matches(parts: list[str], matched: set[str]) -> Highlighted:
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
    out: Highlighted = [("… ", False)] if best > 0 else []
    for index in range(first, last):
        piece = parts[index]
        piece = re.sub(r"\s+", " ", piece) if index % 2 == 0 else piece
        out.append((piece, index % 2 == 1 and piece in matched))
    if last < len(parts) - 1:
        out.append((" …", False))
    return out
