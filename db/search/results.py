"""What a search returns: plain data, for the CLI, the API and the page alike.

Highlighting is data too: a text in parts, each flagged when it is a word the
query matched. Turning that into markup is the face's business
(``akhbar/web/highlight.py`` for HTML, bold for the terminal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

SortOrder = Literal["relevance", "date"]

Highlighted = list[tuple[str, bool]]
"""A text as ``(part, matched)`` pairs, in order: joined, the parts are the text."""


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
    snippet_parts: Highlighted = field(default_factory=list)
    title_parts: Highlighted = field(default_factory=list)
    """Empty when no snippets were asked for: the title is then shown unmarked."""

    @classmethod
    def from_row(cls, row: Any, rank: float) -> SearchHit:
        """A hit, without its snippet, from a row of the search's SQL."""
        return cls(
            id=row.id,
            url=row.url,
            outlet=row.outlet,
            title=row.title,
            published_at=row.published_at,
            published_date=row.published_date,
            language=row.language,
            rank=rank,
        )

    @property
    def day(self) -> dt.date | None:
        """The publication day to show: the outlet's own, else the UTC day of the instant."""
        if self.published_date is not None:
            return self.published_date
        return self.published_at.date() if self.published_at else None

    @property
    def snippet(self) -> str:
        """The snippet as plain text."""
        return "".join(part for part, _ in self.snippet_parts)

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
