"""The shared base of every outlet spider: discovery and everything common.

An outlet module subclasses :class:`OutletSpider`, sets ``name``, ``outlet``
(an :class:`~crawler.outlet.OutletInfo`) and ``layout`` (an
:class:`~crawler.outlet_page.ArticleLayout`: where its article pages put each
field), and :meth:`parse_article` reads every article page with it, a pure
function of one response; without a layout, the generic extraction reads the
pages. A field that cannot be read is left empty and counted
(``akhbar/field_error/<field>``); it does not cost the article. The base finds
article URLs through what the outlet offers (robots.txt sitemaps, sitemap
indexes, Google News sitemaps, RSS/Atom feeds, listing pages with pagination),
skips articles already archived unless the revisit policy wants them again, and
counts every failure by reason in the crawl's stats (``akhbar/errors/<reason>``),
which end up in ``crawl_runs``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Coroutine, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import discovery
from crawler.archive import Archive
from crawler.dates import UrlDay, parse_iso_datetime, parse_rfc822_datetime
from crawler.elements import selector_of
from crawler.extraction import read_page
from crawler.failures import count_error, failure_reason
from crawler.items import ArticleItem
from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout, FieldError, read_article
from crawler.readers import Readers
from crawler.urls import normalize_url

logger = logging.getLogger(__name__)

SITEMAP_LASTMOD_SLACK = timedelta(days=1)
FIELD_ERROR_PREFIX = "akhbar/field_error/"
_PAGINATION = re.compile(r"(/page/\d+/?$)|([?&]page=\d+)")


class OutletSpider(scrapy.Spider):
    """Base of the outlet spiders: discovery, incremental crawling, error accounting."""

    outlet: ClassVar[OutletInfo]
    layout: ClassVar[ArticleLayout | None] = None
    """Where the outlet's article pages put each field; None reads them with the generic
    extraction."""
    expects_articles: ClassVar[bool] = True
    """Whether every URL matching the article patterns must hold an article."""

    @property
    def outlet_name(self) -> str:
        """Name of the outlet in the archive (``outlets.name``): the spider's name, except
        for the generic spider, which crawls many sites."""
        return self.name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = [urlsplit(self.outlet.base_url).hostname or ""]
        self._article_patterns = [re.compile(p) for p in self.outlet.article_url_patterns]
        self._listing_paths = [urlsplit(u).path for u in self.outlet.listing_urls]
        self.known: dict[str, bool] = {}
        """Archived article URL -> whether the revisit policy wants it fetched again."""
        self._depth_limited: set[str] = set()
        """Listing pages whose further pages were not followed (too deep)."""
        self._requested: set[str] = set()
        """Article URLs asked for in this crawl: sitemaps, feeds and listings name each
        article several times, and Scrapy's dupefilter would only drop them later."""
        self._listings_requested: set[str] = set()
        """Further listing pages asked for in this crawl: each page of a listing links to
        several of its neighbours."""
        self._dated_entries: dict[str, discovery.Entry] = {}
        """Article URL -> the first sitemap or feed entry that dated it. A listing often
        names an article before the sitemap does; the page is then already requested,
        and its date hint would be lost with the second request."""
        self.unchanged_before: datetime | None = None
        """Sitemaps an index says were last modified before this are not fetched again."""
        self._callbacks: dict[Any, Any] = {}
        """Bound method -> the one bound method of that callback that requests carry."""

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Turn one article page into an item, or None when the page is not an article.

        Reads the page as the outlet's :attr:`layout` says, else with the generic
        extraction. Must do no I/O: tests call it on saved pages.
        """
        if not isinstance(response, TextResponse):
            return None
        if self.layout is None:
            found = read_page(response.text, response.url, timezone=self.outlet.timezone)
            if found is None:
                return None
            found.item.outlet = self.name
            return found.item
        article = read_article(response, self.layout, self.name, self.outlet)
        return self._item_of(article, response)

    async def _read_article(self, response: Response) -> ArticleItem | None:
        """:meth:`parse_article`, in a reader process when there are some
        (:mod:`crawler.readers`) and this spider's pages can be read there."""
        readers = self.crawler.get_extension(Readers)
        reading = None
        if readers is not None and isinstance(response, TextResponse):
            reading = self._reading(readers, response)
        if reading is None:
            return self.parse_article(response)
        try:
            found = await reading
        except Exception:
            # Read here again: the same page fails the same way, logged and counted as usual.
            return self.parse_article(response)
        return self._item_of(found, response)

    def _reading(
        self, readers: Readers, response: TextResponse
    ) -> Coroutine[Any, Any, Any] | None:
        """The page read by ``readers``; None when this spider reads its pages itself (no
        layout, or a ``parse_article`` of its own)."""
        if self.layout is None or type(self).parse_article is not OutletSpider.parse_article:
            return None
        return readers.read_article(response, self.layout, self.name, self.outlet)

    def _item_of(self, article: Any, response: Response) -> ArticleItem | None:
        """The item of what :func:`read_article` read, its field errors counted."""
        if article is None:
            return None
        for failure in article.field_errors:
            self._count_field_error(failure, response.url)
        return article.item

    # Discovery ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if not self.settings.getbool("AKHBAR_REFETCH_ARCHIVED"):
            self.known, last_success = await maybe_deferred_to_future(
                deferToThread(self._load_known)
            )
            if last_success is not None:
                # A day of slack for sites whose lastmod runs behind their own changes.
                self.unchanged_before = last_success - SITEMAP_LASTMOD_SLACK
        base = self.outlet.base_url
        # Reading robots.txt is always allowed, and a site without one is not failing.
        yield Request(
            base.rstrip("/") + "/robots.txt",
            callback=self.parse_robots,
            errback=self.on_robots_error,
            meta={"dont_obey_robotstxt": True},
        )
        for url in self.outlet.sitemap_urls:
            yield self._request(url, self.parse_sitemap)
        for url in self.outlet.feed_urls:
            yield self._request(url, self.parse_feed)
        for url in self.outlet.listing_urls:
            yield self._request(url, self.parse_listing, meta={"listing_depth": 0})

    def _load_known(self) -> tuple[dict[str, bool], datetime | None]:
        archive = Archive.from_settings(self.settings)
        try:
            return archive.known_urls(self.outlet_name), archive.last_success_started(
                self.outlet_name
            )
        finally:
            archive.close()

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in discovery.robots_sitemaps(response.body):
            yield self._request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        sitemap = discovery.parse_sitemap(response.body)
        if sitemap is None:
            self._count_error("bad_sitemap", response.url)
            return
        for entry in sitemap.entries:
            if not sitemap.is_index:
                yield from self.follow_article(entry.url, entry)
            elif self._unchanged_since_last_crawl(entry):
                self.crawler.stats.inc_value("akhbar/sitemaps_skipped_unchanged")
            else:
                yield self._request(entry.url, self.parse_sitemap)

    def _unchanged_since_last_crawl(self, entry: discovery.Entry) -> bool:
        """Whether an index says this sitemap has not changed since the last good crawl.

        Past months' sitemaps then cost nothing on a re-crawl, so its requests do not
        grow with the archive. ``--full`` fetches them all.
        """
        if self.unchanged_before is None or not entry.lastmod:
            return False
        lastmod = parse_iso_datetime(entry.lastmod)
        if lastmod is None:
            return False
        if not isinstance(lastmod, datetime):  # a date alone: the end of that day, UTC
            lastmod = datetime.combine(lastmod, time.max, tzinfo=UTC)
        return lastmod < self.unchanged_before

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = discovery.parse_feed(response.body)
        if entries is None:
            self._count_error("bad_feed", response.url)
            return
        for entry in entries:
            yield from self.follow_article(entry.url, entry)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            self._count_error("not_html", response.url)
            return
        articles, further = [], []
        hrefs = link_hrefs(response)
        forget_parse(response)
        for href in hrefs:
            url = normalize_url(href.strip(), base=response.url)
            if self.is_article_url(url):
                articles.append(url)
                yield from self.follow_article(url)
            elif self.is_listing_page(url):
                further.append(url)
        # Listings run newest first: once a page shows an archived article, the pages after
        # it hold older ones, archived by an earlier crawl or found in the sitemaps.
        if any(url in self.known for url in articles):
            self.crawler.stats.inc_value("akhbar/listings_stopped_archived")
            return
        for url in further:
            yield from self.follow_listing(response, url)

    def follow_listing(self, response: Response, url: str) -> Iterator[Request]:
        """A further page of the listing ``response`` is, unless the listing is too deep.

        A site that paginates forever (a calendar, a listing linking to a next
        page that always exists) is a crawler trap: past ``AKHBAR_MAX_LISTING_PAGES``
        pages the crawl stops following it, and counts that once per page it stopped at.
        """
        if url == response.url:
            return  # a page linking to itself
        depth = response.meta.get("listing_depth", 0)
        if depth + 1 < self.settings.getint("AKHBAR_MAX_LISTING_PAGES"):
            if url not in self._listings_requested:
                self._listings_requested.add(url)
                yield self._request(url, self.parse_listing, meta={"listing_depth": depth + 1})
        elif response.url not in self._depth_limited:
            self._depth_limited.add(response.url)
            self._count_error("listing_depth_limit", response.url)

    # What to fetch -----------------------------------------------------------

    def is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.hostname not in self.allowed_domains:
            return False
        return any(p.search(parts.path) for p in self._article_patterns)

    def is_listing_page(self, url: str) -> bool:
        """A further page of one of the outlet's listings (``/latest/page/2/``)."""
        parts = urlsplit(url)
        if parts.hostname not in self.allowed_domains or not _PAGINATION.search(url):
            return False
        return any(parts.path.startswith(path) for path in self._listing_paths)

    def follow_article(self, url: str, entry: discovery.Entry | None = None) -> Iterator[Request]:
        url = normalize_url(url)
        if not self.is_article_url(url):
            return
        if url in self.known and not self.known[url]:
            self.crawler.stats.inc_value("akhbar/articles_skipped_known")
            return
        if entry is not None and entry.published:
            self._dated_entries.setdefault(url, entry)
        if url in self._requested:
            return
        self._requested.add(url)
        yield self._request(url, self._parse_article_page, meta={"hint": entry})

    def _request(self, url: str, callback: Any, meta: dict[str, Any] | None = None) -> Request:
        # One bound method a callback for the spider's life. Scrapy remembers whether a
        # callback is a generator that returns a value (it reads and parses the method's
        # source, ~2 ms) in a weak dictionary keyed by the bound method: one made for each
        # request dies with it, and every listing page and sitemap paid for the parse.
        callback = self._callbacks.setdefault(callback, callback)
        return Request(url, callback=callback, errback=self.on_error, meta=meta or {})

    # Article pages -----------------------------------------------------------

    async def _parse_article_page(self, response: Response) -> AsyncIterator[ArticleItem]:
        if not response.body.strip():
            self._count_error("empty_page", response.url)
            return
        if not isinstance(response, TextResponse) or not looks_like_html(response.body):
            self._count_error("not_html", response.url)
            return
        try:
            item = await self._read_article(response)
        except Exception:
            logger.exception("could not parse %s", response.url)
            self._count_error("parse_error", response.url)
            return
        finally:
            forget_parse(response)
        if item is None:
            # An outlet's article URL that yields no article means its layout changed;
            # the generic spider guesses article URLs, so for it this is routine.
            if self.expects_articles:
                self._count_error("no_article_found", response.url)
            else:
                self.crawler.stats.inc_value("akhbar/pages_not_article")
            return
        apply_hint(item, self._hint_for(response), self.outlet.timezone)
        item.fetched_url = response.url
        yield item

    def _hint_for(self, response: Response) -> discovery.Entry | None:
        """The entry that led to the page, else any sitemap or feed entry dating it since."""
        hint = response.meta.get("hint")
        if hint is not None and hint.published:
            return hint
        url = (response.meta.get("redirect_urls") or [response.url])[0]
        return self._dated_entries.get(normalize_url(url), hint)

    def on_error(self, failure: Any) -> None:
        # Named by the URL the spider asked for, not the last hop of its redirects.
        url = (failure.request.meta.get("redirect_urls") or [failure.request.url])[0]
        self._count_error(failure_reason(failure), url)
        logger.debug("%s failed: %s", url, failure.getErrorMessage())

    def on_robots_error(self, failure: Any) -> None:
        if failure_reason(failure) in ("http_404", "http_410"):
            self.crawler.stats.inc_value("akhbar/robots_txt_missing")
            return
        self.on_error(failure)

    def _count_error(self, reason: str, url: str) -> None:
        count_error(self.crawler.stats, reason, url)

    def _count_field_error(self, failure: FieldError, url: str) -> None:
        logger.warning("could not read the %s of %s", failure.field, url, exc_info=failure.error)
        # parse_article is also called outside a crawl (tests, ``akhbar parse``): no stats then.
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(FIELD_ERROR_PREFIX + failure.field)


def link_hrefs(response: TextResponse) -> list[str]:
    """The ``href`` of every ``<a>`` of the page, in document order (``a::attr(href)``),
    read from the parsed tree without a parsel Selector for each link."""
    root = selector_of(response).root
    return [href for a in root.iter("a") if (href := a.get("href")) is not None]


def forget_parse(response: TextResponse) -> None:
    """Let the page ``response`` parsed be freed now, not at the next garbage collection.

    Scrapy's response caches its selector, which points back at the response: the parsed
    tree then lives until the collector finds the cycle, and the crawl process collects
    seldom (:mod:`crawler.gc_tuning`). A later ``response.selector`` parses it again.
    """
    response._cached_selector = None  # Scrapy's cache of response.selector


def looks_like_html(body: bytes) -> bool:
    """Binary content served as text/html has NUL bytes or no markup near the start."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs by nature
        return True
    return b"\x00" not in head and b"<" in head


def apply_hint(item: ArticleItem, hint: discovery.Entry | None, timezone: str) -> None:
    """Fill a date the page did not give from what the outlet's sitemap or feed said.

    The outlet's own entry is evidence: its day when the item has none, and
    its time when the item's only date is the day in its URL (:class:`UrlDay`)
    and the entry names that same day. A day the page prints keeps no time
    the page does not give.
    """
    if hint is None or item.published_at or not hint.published:
        return
    parsed = parse_iso_datetime(hint.published) or parse_rfc822_datetime(hint.published)
    if parsed is None:
        return
    known = item.published_date
    if isinstance(parsed, datetime):
        day = parsed.astimezone(ZoneInfo(timezone)).date()
        if known is None or (isinstance(known, UrlDay) and known == day):
            item.published_at, item.published_date = parsed, day
    elif known is None:
        item.published_date = parsed
