"""Searching the archive: web-style queries over ``articles.search_vector``.

A query string in web-search syntax (words, ``"quoted phrases"``, ``OR``,
``-exclude``) is parsed into terms, expanded with the spellings a word takes in
a document and turned into ONE ``tsquery`` string, sent as a bound parameter and
cast once (``CAST(:q AS tsquery)`` in ``FROM``): no user text is ever
concatenated into SQL, and no query function runs per row.

The modules, in the order a search runs through them:

- :mod:`db.search.query`: parsing the web syntax (no database).
- :mod:`db.search.tsquery`: the tsquery, built with the index's own SQL functions.
- :mod:`db.search.filters`: outlet, language and date filters.
- :mod:`db.search.searching`: :func:`search`, the entry point, and the exhaustive search.
- :mod:`db.search.recency`: the bounded search through recency windows.
- :mod:`db.search.snippets`: the text window around the matches of each hit shown.
- :mod:`db.search.results`: what a search returns, plain data (no HTML).

The names below are what callers import. The constants are re-exported for
reading; a test that changes one sets it on the module that uses it
(``db.search.recency.CANDIDATES``).
"""

from db.search.filters import UnknownFilter
from db.search.query import (
    MAX_QUERY_CHARS,
    MAX_WORD_CHARS,
    MAX_WORDS,
    Clause,
    ParsedQuery,
    Term,
    clean_query,
    parse_query,
)
from db.search.recency import CANDIDATES, weeks_tsquery
from db.search.results import Highlighted, SearchHit, SearchResult, SortOrder
from db.search.searching import MAX_LIMIT, MAX_OFFSET, STATEMENT_TIMEOUT, search
from db.search.snippets import SNIPPET_WORDS, add_snippets
from db.search.tsquery import PROCLITICS, QueryBuilder, build_tsquery

__all__ = [
    "CANDIDATES",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "MAX_WORD_CHARS",
    "PROCLITICS",
    "SNIPPET_WORDS",
    "STATEMENT_TIMEOUT",
    "Clause",
    "Highlighted",
    "ParsedQuery",
    "QueryBuilder",
    "SearchHit",
    "SearchResult",
    "SortOrder",
    "Term",
    "UnknownFilter",
    "add_snippets",
    "build_tsquery",
    "clean_query",
    "parse_query",
    "search",
    "weeks_tsquery",
]
