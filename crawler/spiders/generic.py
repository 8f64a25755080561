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
* **extraction** is trafilatura for the body (precision first, no comments, no
  tables) and :mod:`crawler.metadata` for what the page declares (canonical,
  dates, authors, section, tags, image), with a few outlet-independent readings
  of the visible page: the ``h1`` matching the declared title, and the date
  line printed after it.

Pages that are not articles give None: ``noindex`` and meta-refresh pages
(print versions, short links), copies whose canonical URL is another page,
listings (most of their text is link text), and pages with neither article
metadata nor a date and enough prose (static pages, videos).

Times printed without a zone are read in the zone the page's own machine-readable
dates use (``+02:00`` on a ``<time datetime>``), else in the outlet's zone, UTC
unless ``-a timezone=Area/City`` says otherwise. When such a time had to be read
in an assumed zone, the publication instant of the sitemap or feed entry that
led to the page is preferred when it agrees on the day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from scrapy.http import Request, Response, TextResponse

from crawler import discovery
from crawler.dates import parse_arabic_date, parse_iso_datetime, parse_rfc822_datetime
from crawler.items import ArticleItem
from crawler.language import detect_language
from crawler.metadata import (
    LANGUAGE_SAMPLE,
    PageMetadata,
    element_text,
    meta_map,
    read_metadata,
    refresh_target,
)
from crawler.outlet import OutletInfo
from crawler.spiders.base import OutletSpider
from crawler.text import clean_paragraphs, clean_text, join_paragraphs
from crawler.urls import canonical_url, canonicalize_url, date_in_url

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

#: Least prose (characters) of an article with no article metadata.
MIN_TEXT_UNDECLARED = 400
#: Least prose (characters) of an article whatever it declares.
MIN_TEXT = 150
#: Above this share of the extracted text being link text, the page is a listing.
MAX_LINK_SHARE = 0.5
#: This many headline links after the headline make a page a listing.
MAX_HEADLINE_LINKS = 5

#: Class or id tokens of a visible date line (``news-date``, ``post-meta``, ``entry-time``).
_DATE_CLASS = re.compile(r"date|time|publish|posted|meta|byline", re.IGNORECASE)
#: Class or id tokens of a byline.
_AUTHOR_CLASS = re.compile(r"author|byline|writer", re.IGNORECASE)
#: Boxes inside an article container that hold other articles or readers' text.
_ELSEWHERE_CLASS = re.compile(
    r"card|related|comment|sidebar|widget|most-read|share|teaser|recommend", re.IGNORECASE
)
#: "By", "بقلم:", "كتب:" before a byline's name.
_BYLINE_LABEL = re.compile(r"^\s*(?:by|par|بقلم|كتب|كتبت|إعداد|اعداد)\s*[:：]?\s*", re.I)
#: An ISO 8601 date-time's explicit UTC offset.
_ISO_OFFSET = re.compile(r"T\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*([+-])(\d\d):?(\d\d)$")
#: The site name after a ``<title>``'s headline (``Headline - Site``, ``Headline | Site``).
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:·]\s+[^-|–—]+$")
_SENTENCE_END = re.compile(r"[.!?؟:،,;؛…]$")
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


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _overlap(a: str, b: str) -> float:
    """Share of the shorter text's words that the other one has (0..1)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _offset_zone(values: Iterator[str]) -> tzinfo | None:
    """The UTC offset the page writes its machine-readable times in, if any says one."""
    for value in values:
        match = _ISO_OFFSET.search(value.strip())
        if match:
            sign, hours, minutes = match.groups()
            offset = timedelta(hours=int(hours), minutes=int(minutes))
            return timezone(-offset if sign == "-" else offset)
    return None


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
        parts = urlsplit(canonicalize_url(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        base = f"{parts.scheme}://{parts.netloc}/"
        return OutletInfo(
            title=title or cls.outlet_name_for(url),
            base_url=base,
            language=language or UNDETERMINED,
            timezone=timezone or "UTC",
            listing_urls=(canonicalize_url(url),),
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
            url = canonicalize_url(href.strip(), base=response.url)
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
                url = canonicalize_url(href, base=response.url)
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
            self._hints.setdefault(canonicalize_url(url), entry)
        for request in super().follow_article(url, entry):
            yield request if entry is not None else request.replace(priority=-1)

    # Article pages -----------------------------------------------------------

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Read one page with no knowledge of its markup; None when it is not an article."""
        if not isinstance(response, TextResponse):
            return None
        sel = response.selector
        root = sel.root
        metas = meta_map(sel)
        meta = read_metadata(response, tz=self.outlet.timezone)
        if meta.noindex or refresh_target(response, metas=metas):
            return None  # print versions, short links, redirect pages
        url = canonical_url(response.url, meta.canonical_url or response.url)
        if self._points_elsewhere(response.url, url):
            return None  # a copy (print, AMP, mobile) of another page
        declared_article = meta.article_ld is not None or (meta.og_type or "").lower() in (
            "article",
            "news",
            "newsarticle",
        )

        h1, title = self._title(root, meta)
        if not title:
            return None
        container = self._container(h1) if h1 is not None else None
        headings = self._headings(container if container is not None else root)

        # Imported here: Scrapy's spider loader imports every spider module for every
        # crawl, and trafilatura (with courlan, htmldate...) costs each outlet's ~15 MB.
        import trafilatura

        document = trafilatura.bare_extraction(
            root,
            url=url,
            # No readability/jusText second opinion: it costs half the time and, measured on
            # the saved sites, changes nothing.
            fast=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
        lines = (document.text or "").split("\n") if document is not None else []
        paragraphs = [p for p in clean_paragraphs(lines) if p not in headings and p != title]
        dateline = None
        if len(paragraphs) > 1 and self._is_dateline(paragraphs[0]):
            dateline = paragraphs.pop(0)
        text_chars = sum(len(p) for p in paragraphs)
        if text_chars < MIN_TEXT or self._is_listing(root, container, h1, paragraphs):
            return None

        zone, zone_from_page = self._zone(root, metas, meta)
        published_at, published_date, assumed = self._published(
            root, container, h1, meta, zone, zone_from_page, url
        )
        if not declared_article and (
            text_chars < MIN_TEXT_UNDECLARED or (published_at is None and published_date is None)
        ):
            return None  # static pages, videos, listings without metadata
        if assumed or (published_at is None and published_date is not None):
            published_at, published_date = self._prefer_hint(
                response, published_at, published_date, zone
            )

        body = join_paragraphs(paragraphs)
        modified = meta.modified if isinstance(meta.modified, datetime) else None
        return ArticleItem(
            url=url,
            outlet=self.outlet_name,
            title=title,
            body=body,
            subtitle=self._subtitle(h1, headings),
            authors=list(meta.authors) or self._byline(container, h1),
            section=meta.section or self._breadcrumb_section(container, title),
            tags=meta.tags or self._keywords(metas),
            language=self._language
            or detect_language(body[:LANGUAGE_SAMPLE], default=meta.language),
            published_at=published_at,
            published_date=published_date,
            modified_at=modified if modified != published_at else None,
            image_url=meta.image_url or self._lead_image(container, url),
            dateline=dateline,
            fetched_url=response.url,
        )

    # Reading the page --------------------------------------------------------

    @staticmethod
    def _points_elsewhere(page_url: str, canonical: str) -> bool:
        """True when the page's canonical URL is another page of the site (not a respelling)."""
        a, b = urlsplit(canonicalize_url(page_url)), urlsplit(canonical)
        if _host_key(a.hostname) != _host_key(b.hostname):
            return True
        return (a.path.rstrip("/"), a.query) != (b.path.rstrip("/"), b.query)

    @staticmethod
    def _title(root: Any, meta: PageMetadata) -> tuple[Any | None, str]:
        """The headline element and text: the ``h1`` the declared title matches.

        Pages often declare a title that differs in punctuation from the shown one
        (quotes dropped in ``og:title``); the shown ``h1`` is stored, as outlet
        spiders do. A page with several ``h1`` (logo, section name) gets the one
        sharing most words with the declared or ``<title>`` title.
        """
        h1s = [(el, element_text(el)) for el in root.iter("h1")]
        h1s = [(el, text) for el, text in h1s if text]
        title_el = next(root.iter("title"), None)
        page_title = element_text(title_el)
        reference = meta.title or page_title
        if h1s and reference:
            el, text = max(h1s, key=lambda pair: _overlap(pair[1], reference))
            if _overlap(text, reference) >= 0.6:
                return el, text
        if meta.title:
            return (h1s[0][0] if len(h1s) == 1 else None), clean_text(meta.title)
        if len(h1s) == 1:
            return h1s[0]
        return None, clean_text(_TITLE_SUFFIX.sub("", page_title))

    @staticmethod
    def _container(h1: Any) -> Any:
        """The element holding the article around its headline: ``<article>``, else a few
        levels up (enough for the date line and byline, not the whole page)."""
        el = h1
        for _ in range(6):
            parent = el.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            el = parent
            if el.tag == "article":
                return el
        parent = h1.getparent()
        for _ in range(2):
            if parent is not None and parent.getparent() is not None:
                if parent.getparent().tag in ("body", "html"):
                    break
                parent = parent.getparent()
        return parent if parent is not None else h1

    @staticmethod
    def _headings(scope: Any) -> set[str]:
        """Texts of the headings of the article (title, subtitle), kept out of the body."""
        found = set()
        for el in scope.iter("h1", "h2", "h3"):
            text = element_text(el)
            if text:
                found.add(text)
        return found

    @staticmethod
    def _is_dateline(paragraph: str) -> bool:
        """A short place label opening the body (``مركز الأخبار``, ``واشنطن ـ المغرب اليوم``)."""
        words = _WORD.findall(paragraph)
        return 0 < len(words) <= 5 and not _SENTENCE_END.search(paragraph)

    @staticmethod
    def _is_listing(
        root: Any, container: Any | None, h1: Any | None, paragraphs: list[str]
    ) -> bool:
        """True for a page listing other articles (section, tag, latest news).

        Three signs, any of which is enough: most of the extracted text is link
        text; most paragraphs are teasers cut short (``...``); or the headline is
        followed, in its own container, by many headline links (an article's
        container holds a few "read also" links at most).
        """
        if not paragraphs:
            return True
        anchors = {element_text(a) for a in root.iter("a")}
        total = sum(len(p) for p in paragraphs)
        if sum(len(p) for p in paragraphs if p in anchors) > MAX_LINK_SHARE * total:
            return True
        if sum(1 for p in paragraphs if p.endswith(("...", "…"))) > MAX_LINK_SHARE * len(
            paragraphs
        ):
            return True
        if container is None or h1 is None:
            return False
        headlines: set[str] = set()
        after = False
        for el in container.iter():
            if el is h1:
                after = True
            elif after and el.tag == "a" and el.get("href"):
                text = element_text(el)
                parent = el.getparent()
                # A headline link is the whole text of its block (h3 > a), not a word in prose.
                if len(_WORD.findall(text)) >= 4 and element_text(parent) == text:
                    headlines.add(el.get("href"))
        return len(headlines) >= MAX_HEADLINE_LINKS

    @staticmethod
    def _subtitle(h1: Any | None, headings: set[str]) -> str | None:
        """An ``h2`` right before or after the headline (kicker, spot)."""
        if h1 is None:
            return None
        for el in (h1.getprevious(), h1.getnext()):
            if el is not None and el.tag == "h2":
                text = element_text(el)
                if text:
                    return text
        return None

    def _zone(
        self, root: Any, metas: dict[str, list[str]], meta: PageMetadata
    ) -> tuple[tzinfo | str, bool]:
        """The zone of times printed without one, and whether the page itself said it."""
        if self._zone_known:
            return self.outlet.timezone, True
        raw: list[str] = []
        for key in ("article:published_time", "og:published_time", "article:modified_time"):
            raw.extend(metas.get(key, ()))
        ld = meta.article_ld or {}
        raw.extend(
            v for v in (ld.get("datePublished"), ld.get("dateModified")) if isinstance(v, str)
        )
        raw.extend(el.get("datetime") or "" for el in root.iter("time"))
        zone = _offset_zone(iter(raw))
        return (zone, True) if zone is not None else (self.outlet.timezone, False)

    def _published(
        self,
        root: Any,
        container: Any | None,
        h1: Any | None,
        meta: PageMetadata,
        zone: tzinfo | str,
        zone_from_page: bool,
        url: str,
    ) -> tuple[datetime | None, date | None, bool]:
        """``(published_at, published_date, time read in an assumed zone)``.

        Declared dates (JSON-LD, ``article:published_time``) first, then a
        ``<time datetime>`` or printed date line after the headline, then the
        date in the URL; never the crawl's day.
        """
        declared = meta.published
        machine, printed = self._date_line(container, h1, zone)
        for value in (declared, machine):
            if isinstance(value, datetime):
                return value, self._local_date(value, zone), False
        day = next((v for v in (declared, machine) if isinstance(v, date)), None)
        if isinstance(printed, datetime) and (
            day is None or self._local_date(printed, zone) == day
        ):
            return printed, self._local_date(printed, zone), not zone_from_page
        if day is None and isinstance(printed, date):
            day = printed
        if day is None:
            day = date_in_url(url)
        return None, day, False

    @staticmethod
    def _local_date(value: datetime, zone: tzinfo | str) -> date:
        tz = zone if isinstance(zone, tzinfo) else ZoneInfo(zone)
        return value.astimezone(tz).date()

    @staticmethod
    def _date_line(
        container: Any | None, h1: Any | None, zone: tzinfo | str
    ) -> tuple[datetime | date | None, datetime | date | None]:
        """``(machine, printed)`` date of the first date line after the headline.

        Only the headline's container is searched, after the headline: the site
        clock in the top bar and the dates of related cards and comments are
        other dates. A date line split in spans (``<span>14 تشرين الثاني
        2019</span> | <span>17:55</span>``) is read as its parent's text.
        """
        if container is None or h1 is None:
            return None, None
        after = False
        for el in container.iter():
            if el is h1:
                after = True
                continue
            if not after or not isinstance(el.tag, str):
                continue
            if any(_ELSEWHERE_CLASS.search(_classes(a)) for a in (el, el.getparent())):
                continue
            if el.tag != "time" and not _DATE_CLASS.search(_classes(el)):
                continue
            machine = None
            attr = (el.get("datetime") or "").strip()
            if attr:
                machine = parse_iso_datetime(attr, zone)
            text = element_text(el)
            parent = el.getparent()
            parent_text = element_text(parent) if parent is not None else ""
            if parent is not None and parent is not container and len(parent_text) <= 120:
                text = parent_text
            printed = parse_arabic_date(text, zone) if text else None
            if machine is not None or printed is not None:
                return machine, printed
        return None, None

    def _prefer_hint(
        self,
        response: Response,
        printed: datetime | None,
        day: date | None,
        zone: tzinfo | str,
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
            hint = self._hints.get(canonicalize_url(response.url))
        published = getattr(hint, "published", None)
        parsed = None
        if published:
            parsed = parse_iso_datetime(published) or parse_rfc822_datetime(published)
        if isinstance(parsed, datetime):
            if printed is not None and abs(parsed - printed) <= timedelta(hours=14):
                # The printed day stays: the page's own wall clock.
                return parsed, self._local_date(printed, zone)
            if (
                printed is None
                and day is not None
                and abs(parsed.date() - day) <= timedelta(days=1)
            ):
                return parsed, day
        if printed is not None:
            return printed, self._local_date(printed, zone)
        return None, day

    @staticmethod
    def _byline(container: Any | None, h1: Any | None) -> list[str]:
        """A byline after the headline (``<span class="author">``), label removed."""
        if container is None or h1 is None:
            return []
        after = False
        for el in container.iter():
            if el is h1:
                after = True
                continue
            if not after or not isinstance(el.tag, str) or el.tag in ("a", "img"):
                continue
            classes = _classes(el)
            if _AUTHOR_CLASS.search(classes) and not _ELSEWHERE_CLASS.search(classes):
                name = _BYLINE_LABEL.sub("", element_text(el)).strip()
                # A name, not a sentence or a date line.
                if name and len(_WORD.findall(name)) <= 6 and not re.search(r"\d", name):
                    return [name]
        return []

    @staticmethod
    def _breadcrumb_section(container: Any | None, title: str) -> str | None:
        """The last breadcrumb item before the headline (after «home»)."""
        if container is None:
            return None
        for el in container.iter():
            if isinstance(el.tag, str) and "breadcrumb" in _classes(el).lower():
                crumbs = [element_text(a) for a in el.iter("a")][1:]
                crumbs = [c for c in crumbs if c and c != title]
                return crumbs[-1] if crumbs else None
        return None

    @staticmethod
    def _keywords(metas: dict[str, list[str]]) -> list[str]:
        """``news_keywords`` (else ``keywords``) as a list of tags."""
        for key in ("news_keywords", "keywords"):
            for value in metas.get(key, ()):
                tags = [t.strip() for t in re.split(r"[,،]", value) if t.strip()]
                if tags:
                    return tags
        return []

    @staticmethod
    def _lead_image(container: Any | None, url: str) -> str | None:
        """The first figure image of the article container."""
        if container is None:
            return None
        for figure in container.iter("figure"):
            img = next(figure.iter("img"), None)
            src = (img.get("src") or "").strip() if img is not None else ""
            if src:
                return urljoin(url, src)
        return None
