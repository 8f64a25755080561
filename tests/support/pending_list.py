"""The search index's GIN pending list, as tests of bulk loads observe it."""

from __future__ import annotations

import psycopg

from db.importer import SEARCH_INDEX

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
#: Pages of a 1 MB pending list (8 kB pages).
ONE_MB_PAGES = 128


def distinct_word(number: int) -> str:
    """A distinct made-up Arabic word for each number: one index entry of its own."""
    letters = []
    while True:
        number, digit = divmod(number, len(LETTERS))
        letters.append(LETTERS[digit])
        if not number:
            return "".join(letters) + "ة"


def pending_pages(url: str) -> int:
    """Pages in the search index's pending list."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        row = conn.execute("SELECT pending_pages FROM pgstatginindex(%s)", (SEARCH_INDEX,))
        return int(row.fetchone()[0])  # type: ignore[index]
