"""What an outlet declares about itself, once, as data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OutletInfo:
    """Metadata of one outlet, declared by its spider module."""

    title: str
    """Display title as the outlet writes it (``الدار البيضاء اليوم``)."""

    base_url: str
    """Production origin with a trailing slash (``https://www.casablancatoday.com/``)."""

    language: str
    """ISO 639-1 code of the outlet's main language."""

    country: str | None = None
    """ISO 3166-1 alpha-2 code of the outlet's country."""

    timezone: str = "UTC"
    """IANA zone in which the outlet prints its times (``Asia/Damascus``)."""

    schedule: str = "*/30 * * * *"
    """Default crawl schedule: a 5-field cron expression or an interval (``15m``)."""

    sitemap_urls: tuple[str, ...] = ()
    """Sitemaps or sitemap indexes to read; robots.txt sitemaps are read as well."""

    feed_urls: tuple[str, ...] = ()
    """RSS or Atom feeds to read."""

    listing_urls: tuple[str, ...] = ()
    """Listing pages whose article links and pagination are followed."""

    article_url_patterns: tuple[str, ...] = field(default=())
    """Regular expressions (matched against the URL path) of article pages."""
