"""The article item: what every spider yields and every pipeline reads.

Every field means the same thing for every outlet. Extraction fills it from one
page with no I/O; the pipelines validate, normalize, dedupe and store it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ArticleItem:
    """One article as read from one page."""

    url: str
    """Canonical URL on the production origin (``link rel=canonical``, else normalized)."""

    outlet: str
    """Spider name of the outlet (``casablancatoday``, ``hawarnews``, ``generic``...)."""

    title: str
    """Headline as published (the page's ``h1``)."""

    body: str
    """Article paragraphs as published, each trimmed, joined by a blank line (``"\\n\\n"``)."""

    subtitle: str | None = None
    """Kicker or spot shown next to the title, or None."""

    authors: list[str] = field(default_factory=list)
    """Named people credited on the page; empty when only the organisation is named."""

    section: str | None = None
    """Section name as shown on the page."""

    tags: list[str] = field(default_factory=list)
    """Tags as shown on the page, in page order."""

    language: str | None = None
    """ISO 639-1 code of the text (``ar``, ``fr``, ``en``), detected or declared."""

    published_at: datetime | None = None
    """Publication instant, timezone-aware UTC, when the page gives a time of day."""

    published_date: date | None = None
    """Publication date in the outlet's own time zone; set whenever a date is known."""

    modified_at: datetime | None = None
    """Last modification instant (timezone-aware UTC) when the page states one."""

    image_url: str | None = None
    """Absolute URL of the lead image on the production origin."""

    dateline: str | None = None
    """Place label or dateline (``واشنطن ـ المغرب اليوم``), kept out of the body."""

    fetched_url: str | None = None
    """The URL the page was actually fetched from (before canonicalization)."""
