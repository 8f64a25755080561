"""The generic extraction of one page: HTML and URL in, an article or None out.

The page is decoded and parsed once; everything else reads that tree:
:mod:`crawler.metadata` for what the page declares (canonical, dates, authors,
section, tags, image), :mod:`crawler.extraction.fields` for what it shows
(headline, byline, breadcrumb), the main text, the publication date, and
:mod:`crawler.extraction.classify` for whether the page is an article at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler.charset import better_encoding
from crawler.dates import parse_arabic_date, parse_iso_datetime
from crawler.extraction import classify, fields
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
from crawler.text import clean_paragraphs, join_paragraphs
from crawler.urls import canonical_url, date_in_url

logger = logging.getLogger(__name__)

#: Zone of printed times when neither the caller nor the page says one.
DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class Extraction:
    """An article read from a page, with what the caller may want to correct."""

    item: ArticleItem
    zone_assumed: bool
    """True when the publication time was printed with no zone and read in an assumed
    one (the caller's ``timezone``, else UTC): a sitemap or feed instant may know better."""


def extract_article(
    html: str | bytes, url: str, *, timezone: str | None = None
) -> ArticleItem | None:
    """The article on a page, or None when the page is not an article.

    *html* is the page as fetched (bytes are decoded as a browser would: BOM,
    declared charset, else UTF-8); *url* is the URL it was fetched from, kept
    as ``fetched_url`` (``url`` is the canonical one). *timezone* (an IANA name)
    is the zone of times the page prints without one; when None, the zone of
    the page's own machine-readable dates, else UTC. ``outlet`` is the host
    without ``www.``: a caller that knows the outlet's name sets its own.
    """
    found = read_page(html, url, timezone=timezone)
    return found.item if found is not None else None


def read_page(html: str | bytes, url: str, *, timezone: str | None = None) -> Extraction | None:
    """:func:`extract_article`, also saying whether the time's zone was assumed."""
    sel = Selector(text=decode(html) if isinstance(html, bytes) else html, type="html")
    root = sel.root
    metas = meta_map(sel)
    meta = read_metadata(sel, tz=timezone or DEFAULT_ZONE, url=url)
    if meta.noindex or refresh_target(sel, metas=metas):
        return None  # print versions, short links, redirect pages
    canonical = canonical_url(url, meta.canonical_url or url)
    if classify.points_elsewhere(url, canonical):
        return None  # a copy (print, AMP, mobile) of another page

    h1, title = fields.headline(root, meta)
    if not title:
        return None
    scope = fields.container(h1) if h1 is not None else None
    headings = fields.headings(scope if scope is not None else root)
    lines = _main_text(root, canonical)
    paragraphs = [p for p in clean_paragraphs(lines) if p not in headings and p != title]
    dateline = None
    if len(paragraphs) > 1 and fields.is_dateline(paragraphs[0]):
        dateline = paragraphs.pop(0)
    if classify.is_listing(root, scope, h1, paragraphs):
        return None

    zone, zone_from_page = _zone(root, metas, meta, timezone)
    published_at, published_date, assumed = _published(
        scope, h1, meta, zone, zone_from_page, canonical
    )
    dated = published_at is not None or published_date is not None
    if not classify.enough_evidence(meta, paragraphs, dated):
        return None

    body = join_paragraphs(paragraphs)
    modified = meta.modified if isinstance(meta.modified, datetime) else None
    item = ArticleItem(
        url=canonical,
        outlet=outlet_of(url),
        title=title,
        body=body,
        subtitle=fields.subtitle(h1),
        authors=list(meta.authors) or fields.byline(scope, h1),
        section=meta.section or fields.breadcrumb_section(scope, title),
        tags=meta.tags or fields.keywords(metas),
        language=detect_language(body[:LANGUAGE_SAMPLE], default=meta.language),
        published_at=published_at,
        published_date=published_date,
        modified_at=modified if modified != published_at else None,
        image_url=meta.image_url or fields.lead_image(scope, canonical),
        dateline=dateline,
        fetched_url=url,
    )
    return Extraction(item=item, zone_assumed=assumed)


def decode(body: bytes) -> str:
    """The text of a page's bytes as a browser reads it: BOM, ``<meta>`` charset, else UTF-8.

    A declared charset the bytes cannot be decoded with is wrong (Arabic pages
    on old stacks): :func:`crawler.charset.better_encoding` names the right one.
    """
    encoding, text = html_to_unicode(None, body, default_encoding="utf-8")
    better = better_encoding(body, encoding)
    if better is not None:
        return body.decode(better, errors="replace")
    return text


def outlet_of(url: str) -> str:
    """The neutral outlet name of a page: its host without ``www.``."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _main_text(root: Any, url: str) -> list[str]:
    """The lines of the page's main text, as trafilatura finds them."""
    # Imported here: Scrapy's spider loader imports every spider module for every
    # crawl, and trafilatura (with courlan, htmldate...) costs each outlet's ~15 MB.
    import trafilatura

    document = trafilatura.bare_extraction(
        root,
        url=url,
        fast=True,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    return (document.text or "").split("\n") if document is not None else []


# --------------------------------------------------------------------------- dates

#: Class or id tokens of a visible date line (``news-date``, ``post-meta``, ``entry-time``).
_DATE_CLASS = re.compile(r"date|time|publish|posted|meta|byline", re.IGNORECASE)
#: An ISO 8601 date-time's explicit UTC offset.
_ISO_OFFSET = re.compile(r"T\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*([+-])(\d\d):?(\d\d)$")


def _offset_zone(values: Iterator[str]) -> tzinfo | None:
    """The UTC offset the page writes its machine-readable times in, if any says one."""
    for value in values:
        match = _ISO_OFFSET.search(value.strip())
        if match:
            sign, hours, minutes = match.groups()
            offset = timedelta(hours=int(hours), minutes=int(minutes))
            return timezone(-offset if sign == "-" else offset)
    return None


def _zone(
    root: Any, metas: dict[str, list[str]], meta: PageMetadata, given: str | None
) -> tuple[tzinfo | str, bool]:
    """The zone of times printed without one, and whether it is known (not assumed)."""
    if given is not None:
        return given, True
    raw: list[str] = []
    for key in ("article:published_time", "og:published_time", "article:modified_time"):
        raw.extend(metas.get(key, ()))
    ld = meta.article_ld or {}
    raw.extend(v for v in (ld.get("datePublished"), ld.get("dateModified")) if isinstance(v, str))
    raw.extend(el.get("datetime") or "" for el in root.iter("time"))
    zone = _offset_zone(iter(raw))
    return (zone, True) if zone is not None else (DEFAULT_ZONE, False)


def _published(
    scope: Any | None,
    h1: Any | None,
    meta: PageMetadata,
    zone: tzinfo | str,
    zone_known: bool,
    url: str,
) -> tuple[datetime | None, date | None, bool]:
    """``(published_at, published_date, time read in an assumed zone)``.

    Declared dates (JSON-LD, ``article:published_time``) first, then a
    ``<time datetime>`` or printed date line after the headline, then the
    date in the URL; never the crawl's day.
    """
    declared = meta.published
    machine, printed = _date_line(scope, h1, zone)
    for value in (declared, machine):
        if isinstance(value, datetime):
            return value, local_date(value, zone), False
    day = next((v for v in (declared, machine) if isinstance(v, date)), None)
    if isinstance(printed, datetime) and (day is None or local_date(printed, zone) == day):
        return printed, local_date(printed, zone), not zone_known
    if day is None and isinstance(printed, date):
        day = printed
    if day is None:
        day = date_in_url(url)
    return None, day, False


def local_date(value: datetime, zone: tzinfo | str) -> date:
    """The calendar day of an instant in *zone*."""
    tz = zone if isinstance(zone, tzinfo) else ZoneInfo(zone)
    return value.astimezone(tz).date()


def _date_line(
    scope: Any | None, h1: Any | None, zone: tzinfo | str
) -> tuple[datetime | date | None, datetime | date | None]:
    """``(machine, printed)`` date of the first date line after the headline.

    Only the headline's container is searched, after the headline: the site
    clock in the top bar and the dates of related cards and comments are
    other dates. A date line split in spans (``<span>14 تشرين الثاني
    2019</span> | <span>17:55</span>``) is read as its parent's text.
    """
    if scope is None or h1 is None:
        return None, None
    after = False
    for el in scope.iter():
        if el is h1:
            after = True
            continue
        if not after or not isinstance(el.tag, str):
            continue
        if any(fields.ELSEWHERE_CLASS.search(fields.classes(a)) for a in (el, el.getparent())):
            continue
        if el.tag != "time" and not _DATE_CLASS.search(fields.classes(el)):
            continue
        machine = None
        attr = (el.get("datetime") or "").strip()
        if attr:
            machine = parse_iso_datetime(attr, zone)
        text = element_text(el)
        parent = el.getparent()
        parent_text = element_text(parent) if parent is not None else ""
        if parent is not None and parent is not scope and len(parent_text) <= 120:
            text = parent_text
        printed = parse_arabic_date(text, zone) if text else None
        if machine is not None or printed is not None:
            return machine, printed
    return None, None
