"""The generic extraction of one page: HTML and URL in, an article or None out.

The page is decoded and parsed once; everything else reads that tree:
:mod:`crawler.metadata` for what the page declares (canonical, dates, authors,
section, tags, image), :mod:`crawler.extraction.fields` for what it shows
(headline, byline, breadcrumb), the main text, the publication date, and
:mod:`crawler.extraction.classify` for whether the page is an article at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from parsel import Selector
from parsel.selector import create_root_node
from w3lib.encoding import html_to_unicode

from crawler.charset import better_encoding
from crawler.extraction import classify, fields
from crawler.extraction.body import main_text
from crawler.extraction.dates import find_dates
from crawler.items import ArticleItem
from crawler.language import LANGUAGE_SAMPLE, detect_language
from crawler.meta_tags import meta_map, refresh_target
from crawler.metadata import read_metadata
from crawler.text import join_paragraphs
from crawler.urls import url_to_store

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
    root = parse(decode(html) if isinstance(html, bytes) else html)
    sel = Selector(root=root, type="html")
    metas = meta_map(sel)
    meta = read_metadata(sel, tz=timezone or DEFAULT_ZONE, url=url, metas=metas)
    if meta.noindex or refresh_target(sel, metas=metas):
        return None  # print versions, short links, redirect pages
    canonical = _item_url(url, meta.canonical_url)

    h1, title = fields.headline(root, meta)
    if not title:
        return None
    signs = classify.read_signs(root, meta, canonical)
    visible = len(root.text_content())
    if not classify.could_be_article(signs, visible):
        return None  # the main text, date and byline could not change the verdict
    scope = fields.container(h1) if h1 is not None else None
    # The date and byline first: they are cheap beside the main text, and without them
    # many pages of other kinds are decided before it is read.
    dates = find_dates(root, canonical, headline=h1, timezone=timezone)
    published_at, published_date = dates.published_at, dates.published_date
    dated = published_at is not None or published_date is not None
    authors = list(meta.authors) or fields.byline(scope, h1)
    if not classify.could_be_article(signs, visible, dated=dated, byline=bool(authors)):
        return None  # the main text could not change the verdict

    headings = fields.headings(scope if scope is not None else root, h1)
    paragraphs = [p for p in main_text(root, canonical) if p not in headings and p != title]
    dateline = None
    if len(paragraphs) > 1 and fields.is_dateline(paragraphs[0]):
        dateline = paragraphs.pop(0)
    evidence = classify.gather(signs, paragraphs, dated, bool(authors))
    if not classify.is_article(evidence):
        return None

    body = join_paragraphs(paragraphs)
    item = ArticleItem(
        url=canonical,
        outlet=outlet_of(url),
        title=title,
        body=body,
        subtitle=fields.subtitle(h1),
        authors=authors,
        section=meta.section or fields.breadcrumb_section(scope, title),
        tags=meta.tags or fields.keywords(metas),
        language=detect_language(body[:LANGUAGE_SAMPLE], default=meta.language),
        published_at=published_at,
        published_date=published_date,
        modified_at=dates.modified_at,
        image_url=meta.image_url or fields.lead_image(scope, canonical),
        dateline=dateline,
        fetched_url=url,
    )
    return Extraction(item=item, zone_assumed=dates.zone_assumed)


class _HtmlParser(lxml.etree.HTMLParser):
    """lxml.html's parser, giving the same :class:`lxml.html.HtmlElement` tree, with the
    element classes looked up in C.

    lxml.html looks up every element's class in Python (to give forms their own
    classes, which nothing here uses), each time an element is reached: trafilatura,
    the dates and the classification walk the tree thousands of times a page.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.set_element_class_lookup(_CLASS_LOOKUP)


_CLASS_LOOKUP = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse(html: str) -> lxml.html.HtmlElement:
    """The page's tree, parsed as parsel parses an HTML text (same cleaning, same parser
    options), with :class:`_HtmlParser`."""
    root: lxml.html.HtmlElement = create_root_node(html, _HtmlParser)
    return root


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


def _item_url(url: str, declared: str | None) -> str:
    """The URL to file the article under: its canonical one when on the same site.

    A canonical naming another page of the site is the article's own address
    (a moved article, a URL with tracking parameters, a print or AMP copy);
    one on another site is a syndication credit, and the page stays the outlet's.
    """
    canonical = url_to_store(url, declared or url)
    return canonical if _site(canonical) == _site(url) else url_to_store(url, url)


def _site(url: str) -> str:
    """The registrable part of a URL's host, roughly: its last two labels, three under a
    short second-level label (``m.example.com`` and ``www.example.com`` are one site, and
    ``news.example.co.uk`` is ``example.co.uk``)."""
    labels = (urlsplit(url).hostname or "").lower().rstrip(".").split(".")
    keep = 3 if len(labels) > 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def outlet_of(url: str) -> str:
    """The neutral outlet name of a page: its host without ``www.``."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
