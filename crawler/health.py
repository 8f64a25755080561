"""A crawl's extraction health: its yield and the fill rate of each field it stored.

Pure functions of a crawl's Scrapy stats (counted by
:class:`crawler.health_stats.HealthStatsMiddleware`): no I/O, no settings. A site
that changes its templates keeps answering 200, so a crawl that fetched every
page can still have read nothing useful from them; these numbers, kept in
``crawl_runs`` next to the counts, are how that shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from itemadapter import ItemAdapter

FIELDS = ("title", "body", "published", "authors", "section", "tags", "image")
"""The fields whose fill rates are kept, as ``crawl_runs.fill_<field>``."""

ARTICLE_PAGES = "akhbar/article_pages"
"""Stat: article pages fetched (a 2xx response to an article URL reached the spider)."""
ARTICLES_EXTRACTED = "akhbar/articles_extracted"
"""Stat: articles read from them that went through every pipeline (stored or spooled)."""
ARTICLE_URLS_REQUESTED = "akhbar/article_urls_requested"
"""Stat: article URLs discovery asked for in this crawl."""
ARTICLES_SKIPPED_KNOWN = "akhbar/articles_skipped_known"
"""Stat (the spiders'): article URLs discovery found already archived, not fetched again."""
FIELD_PREFIX = "akhbar/fields/"
"""Stat prefix: ``akhbar/fields/<field>`` counts the stored articles with that field."""


def filled_fields(item: Any) -> list[str]:
    """The :data:`FIELDS` an article item has a value for."""
    adapter = ItemAdapter(item)
    values = {
        "title": adapter.get("title"),
        "body": adapter.get("body"),
        # A day is a publication date too: many outlets print no time of day.
        "published": adapter.get("published_at") or adapter.get("published_date"),
        "authors": adapter.get("authors"),
        "section": adapter.get("section"),
        "tags": adapter.get("tags"),
        "image": adapter.get("image_url"),
    }
    return [name for name in FIELDS if values[name]]


def fill_column(field: str) -> str:
    """The ``crawl_runs`` column holding ``field``'s fill rate."""
    return f"fill_{field}"


def health_columns(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The ``crawl_runs`` health columns for a crawl's Scrapy stats.

    A fill rate is None when the crawl stored no article: nothing was measured,
    which is not the same as every article lacking the field.
    """
    extracted = int(stats.get(ARTICLES_EXTRACTED, 0))
    columns: dict[str, Any] = {
        "article_pages": int(stats.get(ARTICLE_PAGES, 0)),
        "articles_extracted": extracted,
        "article_urls_found": int(stats.get(ARTICLE_URLS_REQUESTED, 0))
        + int(stats.get(ARTICLES_SKIPPED_KNOWN, 0)),
    }
    for field in FIELDS:
        filled = int(stats.get(FIELD_PREFIX + field, 0))
        columns[fill_column(field)] = round(filled / extracted, 4) if extracted else None
    return columns
