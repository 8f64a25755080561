"""Parsing a query in web-search syntax into clauses of terms; no database needed.

``a b`` is a AND b, ``a OR b`` (or ``a | b``) binds tighter, ``"a b"`` is a
phrase and ``-a`` excludes. Whatever is sent, the result is bounded
(:data:`MAX_QUERY_CHARS`, :data:`MAX_WORDS`, :data:`MAX_WORD_CHARS`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Bounds that keep one request cheap whatever a user (or a fuzzer) sends.
MAX_QUERY_CHARS = 1000
MAX_WORDS = 24
MAX_WORD_CHARS = 64

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W_]+")
ARABIC_WORD = re.compile(r"^[\u0621-\u064A]+$")


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


def clean_query(raw: str) -> str:
    """Bound the length, drop control characters and NFC-compose."""
    raw = unicodedata.normalize("NFC", raw[: MAX_QUERY_CHARS * 2])
    return _CONTROL.sub(" ", raw)[:MAX_QUERY_CHARS]


def split_words(chunk: str) -> list[str]:
    """The words of a piece of query text, each cut to :data:`MAX_WORD_CHARS`."""
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
        words = split_words(match.group(2) if token is None else token)
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
