"""The generic spider: an archive of a site that has no spider of its own yet.

``akhbar crawl generic --url https://site/`` (or a config entry ``[outlets.NAME]``
with a ``url``) runs this spider. It knows nothing about the site's markup:

* **discovery** is the base's (robots.txt sitemaps, listing pages with their
  pagination) plus what a site commonly offers without saying so: the feeds
  named by ``<link rel="alternate">`` on the start page, and the usual
  ``/sitemap.xml``, ``/feed``, ``/rss.xml`` locations, probed quietly (a
  missing one is not an error of the crawl);
* **which links are articles** is a URL heuristic (:func:`looks_like_article_path`):
  same host, not a tag/category/author/search/static/media path, and shaped
  like an article (a date in the path, a numeric id, a long slug, ``.html``);
* **extraction** is :func:`crawler.extraction.extract_article`, a pure function
  of the page and its URL, which also says which pages are not articles
  (listings, product pages, forums, copies of other pages).

The spider adds what only it knows: the outlet's name, a language given on the
command line, and the sitemap and feed entries that led to each page.

Times printed without a zone are read in the zone the page's own machine-readable
dates use (``+02:00`` on a ``<time datetime>``), else in the outlet's zone, UTC
unless ``-a timezone=Area/City`` says otherwise. When such a time had to be read
in an assumed zone, the publication instant of the sitemap or feed entry that
led to the page is preferred when it agrees on the day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Coroutine, Iterator
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from scrapy.http import Request, Response, TextResponse

from crawler import discovery
from crawler.dates import parse_iso_datetime, parse_rfc822_datetime
from crawler.extraction import read_page
from crawler.items import ArticleItem
from crawler.outlet import OutletInfo
from crawler.readers import Readers
from crawler.spiders.base import OutletSpider
from crawler.urls import normalize_url

logger = logging.getLogger(__name__)

#: Sitemaps probed on every site: robots.txt does not always name them.
FALLBACK_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")

#: Feeds probed on every site, besides those the start page names.
FALLBACK_FEEDS = ("/feed", "/rss.xml", "/rss", "/atom.xml")

#: Language recorded for the outlet when none is given; articles get theirs detected.
UNDETERMINED = "und"

#: Path segments of pages that are not articles: listings, people, search, files.
# fmt: off
NON_ARTICLE_SEGMENTS = frozenset({
    "tag", "tags", "category", "categories", "section", "sections", "topic", "topics",
    "author", "authors", "writer", "writers", "page", "search", "static", "assets", "media",
    "uploads", "images", "img", "files", "download", "downloads", "cdn-cgi", "wp-content",
    "wp-admin", "wp-includes", "wp-json", "admin", "login", "logout", "register", "account",
    "user", "users", "profile", "feed", "feeds", "rss", "print", "amp", "video", "videos",
    "gallery", "galleries", "photos", "podcast", "podcasts", "archive", "archives", "comment",
    "comments", "share", "newsletter", "subscribe", "live-tv", "tv",
})
# fmt: on

#: Words naming a site's own pages (``/about-us.html``, ``/privacy-policy/``).
# fmt: off
STATIC_PAGE_WORDS = frozenset({
    "about", "contact", "privacy", "policy", "terms", "cookies", "cookie", "faq", "help",
    "advertise", "advertising", "careers", "jobs", "team", "imprint", "legal", "disclaimer",
    "sitemap", "index", "default", "home", "us", "copyright", "editorial", "staff",
})
# fmt: on

_FILE_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|pdf|xml|rss|atom|css|js|json|txt|zip|gz|rar|"
    r"mp[34]|m4a|mov|avi|webm|ogg|wav|docx?|xlsx?|pptx?|csv|woff2?|ttf|eot)$",
    re.IGNORECASE,
)
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/.+")
_COMPACT_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])/.+")
#: A segment that is a numeric id, or a slug ending in one (``...-h16726``, ``..._12345``).
_NUMERIC_ID = re.compile(r"^\d{4,}(?:\.[a-z]+)?$|[-_][a-z]?\d{3,}(?:\.[a-z]+)?$", re.IGNORECASE)
_HTML_PAGE = re.compile(r"^(?P<stem>.+)\.(?:s?html?|php|aspx?)$", re.IGNORECASE)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:s|q|query|search|page|p|paged|pg|tag|cat)=", re.I)
#: Further pages of a listing.
_PAGINATION = re.compile(
    r"/page/\d+/?$|/page-\d+/?$|/p/\d+/?$|[?&](?:page|paged|p|pg|start|offset)=\d+",
    re.IGNORECASE,
)

#: A long slug has at least this many words (``trump-announces-...``).
LONG_SLUG_WORDS = 4

_WORD = re.compile(r"\w+")


def looks_like_article_path(path: str, query: str = "") -> bool:
    """True when a URL path (and query) has the shape of an article page.

    Not a listing, author, search, static or media path; and one of: a date in
    the path (``/2019/11/14/slug``), a numeric id (``/opinion/243660.html``,
    ``/slug-h16726/``), a long slug (four words or more), or an ``.html`` page
    that is not one of the site's own pages (``/about-us.html``).
    """
    if _FILE_EXTENSIONS.search(path) or _SEARCH_QUERY.search(query):
        return False
    segments = [unquote(s) for s in path.split("/") if s]
    if not segments:
        return False
    if any(s.lower() in NON_ARTICLE_SEGMENTS for s in segments):
        return False
    last = segments[-1]
    if _DATE_IN_PATH.search(path) or _COMPACT_DATE_IN_PATH.search(path):
        return True
    if _NUMERIC_ID.search(last):
        # A bare "h10269" is a short link; a slug ending in an id needs words before it.
        return last[0].isdigit() or len(_WORD.findall(last)) >= 3
    html = _HTML_PAGE.match(last)
    stem = html.group("stem") if html else last
    words = [w.lower() for w in re.split(r"[-_+\s]+", stem) if w]
    if len(words) >= LONG_SLUG_WORDS:
        return True
    if html:
        return not any(w in STATIC_PAGE_WORDS for w in words)
    return False


def _host_key(host: str | None) -> str:
    """A host without ``www.``, so that both spellings of a site count as one."""
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


class GenericSpider(OutletSpider):
    """Spider of any site: URL heuristics for discovery, trafilatura for the text."""

    name = "generic"
    #: No outlet of its own: the registry lists only spiders that declare one.
    outlet: ClassVar[OutletInfo | None] = None  # type: ignore[assignment]
    #: Article URLs are guessed: a page that turns out not to be one is no error.
    expects_articles: ClassVar[bool] = False

    def __init__(
        self,
        url: str,
        outlet_name: str | None = None,
        title: str | None = None,
        language: str | None = None,
        timezone: str | None = None,
        **kw: Any,
    ) -> None:
        # Set before the base's __init__, which reads the outlet's base URL.
        self.outlet = self.outlet_for(url, title, language, timezone)
        self._outlet_name = outlet_name or self.outlet_name_for(url)
        self._language = language
        self._zone_known = timezone is not None
        self.start_url = url
        # Scrapy's Spider.__init__ turns keyword arguments into attributes: only pass the rest.
        super().__init__(**kw)
        self._host = _host_key(urlsplit(self.outlet.base_url).hostname)
        self._start_path = urlsplit(url).path or "/"
        self._hints: dict[str, discovery.Entry] = {}
        """Canonical article URL -> the sitemap or feed entry that dated it."""

    @property
    def outlet_name(self) -> str:
        """The configured name, else the site's host (``example.com``)."""
        return self._outlet_name

    @classmethod
    def outlet_name_for(cls, url: str) -> str:
        """The archive name of a site crawled under no name: its host without ``www.``."""
        host = _host_key(urlsplit(url).hostname)
        if not host:
            raise ValueError(f"not an absolute URL: {url!r}")
        return host

    @classmethod
    def outlet_for(
        cls,
        url: str,
        title: str | None = None,
        language: str | None = None,
        timezone: str | None = None,
    ) -> OutletInfo:
        """What is known of a site before crawling it: its origin and start page."""
        parts = urlsplit(normalize_url(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        base = f"{parts.scheme}://{parts.netloc}/"
        return OutletInfo(
            title=title or cls.outlet_name_for(url),
            base_url=base,
            language=language or UNDETERMINED,
            timezone=timezone or "UTC",
            listing_urls=(normalize_url(url),),
        )

    # Discovery ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        async for request in super().start():
            yield request
        origin = self.outlet.base_url.rstrip("/")
        for path in FALLBACK_SITEMAPS:
            yield self._probe(origin + path, self.parse_sitemap)
        for path in FALLBACK_FEEDS:
            yield self._probe(origin + path, self.parse_feed)

    def _probe(self, url: str, callback: Any) -> Request:
        """A request for a file the site may not have: its absence is not an error."""
        return Request(url, callback=callback, errback=self._probe_missing, meta={"probe": True})

    def _probe_missing(self, failure: Any) -> None:
        self.crawler.stats.inc_value("akhbar/probes_missing")
        logger.debug("no %s", failure.request.url)

    def _is_probe_miss(self, response: Response, markers: tuple[bytes, ...]) -> bool:
        """A probed URL that answered with something else (often the home page)."""
        if not response.meta.get("probe"):
            return False
        head = response.body[:2048].lower()
        if any(m in head for m in markers):
            return False
        self.crawler.stats.inc_value("akhbar/probes_missing")
        return True

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self._is_probe_miss(response, (b"<urlset", b"<sitemapindex")):
            return
        yield from super().parse_sitemap(response)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self._is_probe_miss(response, (b"<rss", b"<feed", b"<rdf")):
            return
        yield from super().parse_feed(response)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Article links and further pages, plus the feeds the start page names."""
        yield from super().parse_listing(response)
        if not isinstance(response, TextResponse):
            return
        if response.meta.get("listing_depth", 0) == 0:
            for url in self.feed_links(response):
                yield self._request(url, self.parse_feed)
        for href in response.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
            " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        ).getall():
            url = normalize_url(href.strip(), base=response.url)
            if self._same_site(url) and not self.is_article_url(url):
                yield from self.follow_listing(response, url)

    @staticmethod
    def feed_links(response: TextResponse) -> list[str]:
        """RSS/Atom feeds named by ``<link rel="alternate" type="application/rss+xml">``."""
        found = []
        for el in response.selector.root.iter("link"):
            rel = (el.get("rel") or "").lower().split()
            kind = (el.get("type") or "").lower()
            href = (el.get("href") or "").strip()
            is_feed = kind in ("application/rss+xml", "application/atom+xml")
            if "alternate" in rel and is_feed and href:
                url = normalize_url(href, base=response.url)
                if url not in found:
                    found.append(url)
        return found

    # What to fetch -----------------------------------------------------------

    def _same_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and _host_key(parts.hostname) == self._host

    def is_article_url(self, url: str) -> bool:
        """Same site, and shaped like an article (:func:`looks_like_article_path`)."""
        if not self._same_site(url):
            return False
        parts = urlsplit(url)
        return looks_like_article_path(parts.path, parts.query)

    def is_listing_page(self, url: str) -> bool:
        """A further page (``/page/2/``, ``?page=2``) of a listing under the start page."""
        if not self._same_site(url) or not _PAGINATION.search(url):
            return False
        return urlsplit(url).path.startswith(self._start_path.rstrip("/") or "/")

    def follow_article(self, url: str, entry: discovery.Entry | None = None) -> Iterator[Request]:
        """The base's, remembering what sitemaps and feeds say of each article.

        An article is often linked from the start page before the sitemap that
        dates it is read, and the duplicate filter drops the second request: the
        entry is kept by URL, and articles found on listings wait behind the
        discovery requests, so that their page is read knowing the entry.
        """
        if entry is not None and entry.published:
            self._hints.setdefault(normalize_url(url), entry)
        for request in super().follow_article(url, entry):
            yield request if entry is not None else request.replace(priority=-1)

    # Article pages -----------------------------------------------------------

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Read one page with no knowledge of its markup; None when it is not an article."""
        if not isinstance(response, TextResponse):
            return None
        return self._item_of(read_page(response.text, response.url, timezone=self._zone), response)

    def _reading(
        self, readers: Readers, response: TextResponse
    ) -> Coroutine[Any, Any, Any] | None:
        if type(self).parse_article is not GenericSpider.parse_article:
            return None
        return readers.read_page(response.text, response.url, self._zone)

    @property
    def _zone(self) -> str | None:
        """The zone a time printed without one is read in; None: the page's own, else UTC."""
        return self.outlet.timezone if self._zone_known else None

    def _item_of(self, found: Any, response: Response) -> ArticleItem | None:
        """The item of what :func:`read_page` found, with what only the spider knows."""
        if found is None:
            return None
        item = found.item
        item.outlet = self.outlet_name
        if self._language:
            item.language = self._language
        if found.zone_assumed or (item.published_at is None and item.published_date is not None):
            item.published_at, item.published_date = self._prefer_hint(
                response, item.published_at, item.published_date
            )
        return item

    def _prefer_hint(
        self, response: Response, printed: datetime | None, day: date | None
    ) -> tuple[datetime | None, date | None]:
        """The sitemap or feed's instant where the page is unsure of it, if they agree.

        A time read in an assumed zone, or a page printing only the day: the
        entry that led to the page knows the instant. It is taken when it falls
        within a day of what the page printed; the printed day is kept.
        """
        try:
            hint = response.meta.get("hint")
        except AttributeError:  # a response built without a request (tests)
            hint = None
        if hint is None:
            hint = self._hints.get(normalize_url(response.url))
        published = getattr(hint, "published", None)
        parsed = None
        if published:
            parsed = parse_iso_datetime(published) or parse_rfc822_datetime(published)
        if isinstance(parsed, datetime):
            if printed is not None and abs(parsed - printed) <= timedelta(hours=14):
                # The printed day stays: the page's own wall clock.
                return parsed, day
            if (
                printed is None
                and day is not None
                and abs(parsed.date() - day) <= timedelta(days=1)
            ):
                return parsed, day
        return printed, day
