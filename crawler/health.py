"""A crawl's extraction health: its yield, its fields' fill rates, whether it is degraded.

Pure functions of a crawl's Scrapy stats (counted by
:class:`crawler.health_stats.HealthStatsMiddleware`) and of its outlet's earlier
runs: no I/O. A site that changes its templates keeps answering 200, so a crawl
that fetched every page can still have read nothing useful from them; these
numbers, kept in ``crawl_runs`` next to the counts, are how that shows, and
:func:`degraded_reasons` compares them with what the outlet usually gives.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from itemadapter import ItemAdapter

from db.config import HealthSettings

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


Run = Mapping[str, Any]
"""A ``crawl_runs`` row, or this crawl's :func:`health_columns`."""


@dataclass(frozen=True)
class History:
    """An outlet's last successful runs, newest first (``db.health.history``)."""

    recent: Sequence[Run] = ()
    """The last ``window`` of them: what discovery usually finds."""
    measured: Sequence[Run] = ()
    """The last ``window`` of them that fetched ``min_articles`` article pages or more:
    the usual yield and fill rates (a re-crawl that found nothing new measures none)."""


def degraded_reasons(run: Run, history: History, settings: HealthSettings) -> list[str]:
    """Why ``run`` read far less than its outlet usually does; empty when it did not.

    Each reason names what dropped, from what to what, e.g. ``"authors filled in 0%
    of articles, usually 87%"``. Nothing is compared without ``min_history`` runs to
    compare with: a new outlet has no usual yet.
    """
    reasons = _discovery(run, history.recent, settings)
    measured = history.measured
    if run["article_pages"] >= settings.min_articles and len(measured) >= settings.min_history:
        reasons += _yield(run, measured, settings)
        reasons += _fields(run, measured, settings)
    return reasons


def _discovery(run: Run, recent: Sequence[Run], settings: HealthSettings) -> list[str]:
    if run["article_urls_found"] or len(recent) < settings.min_history:
        return []
    usual = statistics.median(r["article_urls_found"] for r in recent)
    if usual < settings.min_urls_found:
        return []
    return [f"discovery found no article URL, usually {usual:g}"]


def _yield(run: Run, measured: Sequence[Run], settings: HealthSettings) -> list[str]:
    now = run["articles_extracted"] / run["article_pages"]
    usual = statistics.median(r["articles_extracted"] / r["article_pages"] for r in measured)
    if now >= usual * settings.yield_ratio:
        return []
    return [
        f"{run['articles_extracted']} articles from {run['article_pages']} article pages "
        f"({now:.0%}), usually {usual:.0%}"
    ]


def _fields(run: Run, measured: Sequence[Run], settings: HealthSettings) -> list[str]:
    reasons = []
    for name in FIELDS:
        column = fill_column(name)
        now = run[column]
        rates = [r[column] for r in measured if r[column] is not None]
        if now is None or len(rates) < settings.min_history:
            continue
        usual = statistics.median(rates)
        if usual >= settings.min_field_rate and now < usual * settings.field_ratio:
            reasons.append(f"{name} filled in {now:.0%} of articles, usually {usual:.0%}")
    return reasons
