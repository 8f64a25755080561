"""The one walk over a page that finds every place it states a date, and its date locale."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.datetext import numeric_dates
from crawler.extraction.datevalue import MAX_LINE

#: ``<meta>`` names and properties of a publication date, most specific first.
PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "article:published", "datepublished", "published_time", "publish_date", "publish-date",
    "publishdate", "publication_date", "date_published", "pubdate", "og:pubdate", "pub_date",
    "originalpublicationdate", "article.published", "article_date_original", "article.created",
    "citation_publication_date", "citation_date", "citation_online_date",
    "prism.publicationdate", "dc.date.issued", "dcterms.issued", "dc.issued", "dc.date.created",
    "dcterms.created", "dc.created", "dc.date", "dcterms.date", "date", "parsely-pub-date",
    "sailthru.date", "cxenseparse:recs:publishtime", "weibo:article:create_at", "bt:pubdate",
    "rnews:datepublished", "shareaholic:article_published_time", "release_date",
    "creation_date", "created", "datecreated",
)  # fmt: skip
#: ``<meta>`` names and properties of a modification date.
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "article:modified", "datemodified",
    "modified_time", "dcterms.modified", "dc.date.modified", "last-modified",
    "weibo:article:update_at", "lastmod",
)  # fmt: skip
_PUBLISHED_META = {key: rank for rank, key in enumerate(PUBLISHED_META)}
_MODIFIED_META = frozenset(MODIFIED_META)
#: Other dates a page's metadata may carry: a build's ``updated_at``, an expiry, a review.
_OTHER_META = re.compile(r"modif|updat|revis|last|expir|review")
#: Other ``<meta>`` names that say what their date is, as sites coin them
#: (``published-date``, ``w-published-date``, ``cxenseparse:publishtime``): trusted after
#: every name above. Keys are matched with their punctuation dropped.
_OTHER_PUBLISHED_META = re.compile(r"publi(?:sh|cation)|pubdate|datepub|postdate|releasedate")
_KEY_PUNCTUATION = re.compile(r"[^a-z]")
#: The microdata properties of a date.
DATE_ITEMPROPS = ("datePublished", "dateCreated", "dateModified")
#: The same by their lower-cased spelling: pages write ``itemprop="datecreated"`` too.
_ITEMPROPS = {prop.lower(): prop for prop in DATE_ITEMPROPS}
#: Dublin Core prefixes written RDFa-style (``property="dc:created"``) for the dotted names.
_DC_PREFIXES = ("dc:", "dcterms:")
#: RDFa date properties of an element in the body (Drupal writes ``<span property="dc:date
#: dc:created" content="...">``), read as the microdata property of the same meaning.
_RDFA_DATES = {
    "dc:created": "dateCreated", "dcterms:created": "dateCreated", "dc:date": "dateCreated",
    "dc:issued": "datePublished", "dcterms:issued": "datePublished",
    "dc:modified": "dateModified", "dcterms:modified": "dateModified",
}  # fmt: skip

#: Class or id of a visible date line (``news-date``, ``post-meta``, ``entry-time``, ``byline``),
#: in other languages too (``datum``, ``fecha``, ``tarih``, ``zeitstempel``, ``publicacao``).
_DATE_CLASS = re.compile(
    r"date|time|publish|posted|meta|byline|stamp|datum|fecha|tarih|zeit|publica", re.IGNORECASE
)
#: The same, for ASCII names lower-cased first: a pattern without IGNORECASE is scanned for
#: its first letters, one with it tried at every position (a fifth of the cost on long
#: utility-class lists).
_DATE_CLASS_LOWER = re.compile(_DATE_CLASS.pattern)
#: A four-digit year (Western, Arabic-Indic or full-width digits): text worth reading as a date.
_YEARISH = re.compile(
    r"(?<!\d)(?:19|20)\d\d(?!\d)|[\u0660-\u0669\u06F0-\u06F9]{4}|[\uFF10-\uFF19]{4}"
)
_NO_TEXT_TAGS = frozenset(
    {"head", "title", "style", "script", "noscript", "template", "textarea", "option", "select"}
)
#: Country domains of English-speaking countries that write the day first.
_DAY_FIRST_DOMAINS = (".uk", ".au", ".nz", ".ie", ".in", ".za")


@dataclass
class PageScan:
    """What one walk over the tree finds: metas, JSON-LD, microdata, dated elements."""

    metas: list[tuple[int, str]]
    """Publication ``<meta>`` values with the rank of their name, most trusted first."""

    modified_metas: list[str]
    ld_texts: list[str]
    itemprops: list[tuple[str, Any]]
    lines: list[tuple[int, Any, bool]]
    """Candidate date lines with their document position, and whether their markup says
    they are one (``<time>``, a date-classed element) rather than only their text."""

    lang: str | None
    scripts: list[str]
    """Inline scripts other than JSON-LD: the page's own data (Next.js, Nuxt, analytics)."""

    og_locale: str | None
    numeric: set[tuple[int, int, int]]
    """The page's numeric dates as ``(first, second, year)``: the order it writes them in."""

    positions: dict[Any, int]
    """Document positions of the elements the walk was asked to place (the headline)."""

    texts: dict[Any, str]
    """The text that made an element a date line (its own, or a child's tail): what is read
    when the whole element is too long to be a line (``<div>Posted 2018-08-25<p>...``)."""


def scan_page(tree: Any, place: Iterable[Any] = ()) -> PageScan:
    """Every place *tree* may state a date, in one walk (document positions as it counts),
    and where the elements to *place* stand in it."""
    wanted = frozenset(place)
    positions: dict[Any, int] = {}
    metas: list[tuple[int, str]] = []
    modified: list[str] = []
    ld_texts: list[str] = []
    scripts: list[str] = []
    itemprops: list[tuple[str, Any]] = []
    lines: list[tuple[int, Any, bool]] = []
    seen: set[Any] = set()
    texts: dict[Any, str] = {}
    numeric: set[tuple[int, int, int]] = set()
    lang = og_locale = None
    date_classes: dict[str | tuple[str | None, str], bool] = {}
    # The loop visits every element of the page (a thousand on most): each attribute is
    # read once, and helpers are called only for elements that have what they read.
    for i, el in enumerate(tree.iter()):
        tag = el.tag
        if tag == "meta":
            _read_meta(el, metas, modified, itemprops)
            if lang is None and (el.get("http-equiv") or "").lower() == "content-language":
                lang = el.get("content")
            if el.get("property") == "og:locale":
                og_locale = el.get("content")
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json":
                ld_texts.append(el.text or "")
            elif el.text:
                scripts.append(el.text)
        elif isinstance(tag, str):
            # Not a comment: React writes ``<p><!-- -->Dec 17, 2025</p>``, only its tail counts.
            if el in wanted:
                positions[el] = i
            if tag == "html":
                lang = el.get("lang") or el.get("xml:lang") or lang
            get = el.get
            if get("itemprop") or get("property"):
                prop = _itemprop(el) or _rdfa_date(el)
                if prop:
                    itemprops.append((prop, el))
            if tag not in _NO_TEXT_TAGS:
                cls, ident = get("class"), get("id")
                # Most elements have a class alone: it is the key (no tuple to build and hash).
                key = cls if ident is None else (cls, ident)
                marked = date_classes.get(key) if key is not None else False
                if marked is None:
                    marked = date_classes[key] = _date_named(cls, ident)
                if marked or tag in ("time", "abbr"):
                    lines.append((i, el, True))
                    seen.add(el)
                # Text nodes that hold a year: date lines whatever their markup.
                text = el.text
                if text and (not text.isascii() or "19" in text or "20" in text) and _dated(text):
                    numeric.update(numeric_dates(text))
                    if el not in seen:
                        lines.append((i, el, False))
                        seen.add(el)
                    texts.setdefault(el, text)
        # The text after any element (a comment, a microdata <meta>, a script) is its parent's.
        text = el.tail
        if text and (not text.isascii() or "19" in text or "20" in text) and _dated(text):
            numeric.update(numeric_dates(text))
            owner = el.getparent()
            if owner is not None and owner not in seen:
                lines.append((i, owner, False))
                seen.add(owner)
            texts.setdefault(owner, text)
    metas.sort()
    return PageScan(
        metas, modified, ld_texts, itemprops, lines, _language(lang), scripts,
        _language(og_locale), numeric, positions, texts,
    )  # fmt: skip


def _dated(text: str) -> bool:
    """True for text short enough for a date line, with a four-digit year.

    The scan asks only for texts that may hold one (not ASCII, or with "19" or "20"):
    most texts are ASCII without either, and two substring tests inline rule them out
    at a fraction of a call's and the regex's cost (its lookbehind leaves it no literal
    prefix to scan for).
    """
    return len(text) <= MAX_LINE and _YEARISH.search(text) is not None


def _date_named(cls: str | None, ident: str | None) -> bool:
    """True when an element's class or id names a date line. The scan asks once per
    distinct pair: pages repeat the same classes on hundreds of elements."""
    if not cls and not ident:
        return False
    names = f"{cls or ''} {ident or ''}"
    if names.isascii():
        return _DATE_CLASS_LOWER.search(names.lower()) is not None
    return _DATE_CLASS.search(names) is not None


def _itemprop(el: Any) -> str | None:
    """The date property an element's ``itemprop`` names, whatever its case."""
    prop = el.get("itemprop")
    return _ITEMPROPS.get(prop.strip().lower()) if prop else None


def _rdfa_date(el: Any) -> str | None:
    """The microdata property an element's RDFa date ``property`` with a ``content`` means."""
    names = el.get("property")
    if not names or not el.get("content"):
        return None
    props = [_RDFA_DATES.get(name) for name in names.lower().split()]
    return next((prop for prop in props if prop), None)


def _read_meta(
    el: Any, metas: list[tuple[int, str]], modified: list[str], itemprops: list[Any]
) -> None:
    # Microdata <meta> elements write their value as a datetime attribute too.
    content = (el.get("content") or el.get("datetime") or "").strip()
    if not content:
        return
    prop = _itemprop(el)
    if prop:
        itemprops.append((prop, el))
    # A name it also has ranks it among the metas (``itemprop="datePublished"
    # property="article:published_time"`` before a coined ``date``).
    key = (el.get("property") or el.get("name") or "").strip().lower()
    if key.startswith(_DC_PREFIXES):
        key = key.replace(":", ".", 1)
    if key in _PUBLISHED_META:
        metas.append((_PUBLISHED_META[key], content))
    elif key in _MODIFIED_META:
        modified.append(content)
    elif not _OTHER_META.search(key) and _OTHER_PUBLISHED_META.search(
        _KEY_PUNCTUATION.sub("", key)
    ):
        metas.append((len(PUBLISHED_META), content))


def _language(value: str | None) -> str | None:
    """``en_US`` -> ``en-us``; None when absent."""
    return value.strip().replace("_", "-").lower() or None if value else None


def _order(first: int, second: int, year: int, known: frozenset[date]) -> str | None:
    """The locale a numeric date shows the page writes in, when it reads one way only:
    by its values (``25/09/2025``), or as one of the days the page states otherwise."""
    if (first > 12) != (second > 12):
        return "en-gb" if first > 12 else "en-us"
    if first == second:
        return None
    orders = set()
    for day in known:
        if day.year == year and (first, second) == (day.day, day.month):
            orders.add("en-gb")
        elif day.year == year and (first, second) == (day.month, day.day):
            orders.add("en-us")
    return orders.pop() if len(orders) == 1 else None


def _iso_days(page: PageScan) -> set[date]:
    """The days of the page's ISO machine values (``<time datetime>``, ``<meta>``)."""
    values = [v for _, v in page.metas] + page.modified_metas
    values += [el.get("datetime") or "" for _, el, _ in page.lines if el.tag == "time"]
    days = set()
    for value in values:
        if len(value) >= 10 and value[:4].isdigit() and value[4] == "-":
            try:
                days.add(date.fromisoformat(value[:10]))
            except ValueError:
                continue
    return days


def reading_locale(page: PageScan, url: str, url_day: date | None) -> str | None:
    """The locale an English page's ambiguous numeric dates (``03/10/2023``) are read in.

    A bare ``en`` says nothing of the order: the page's own dates that read one
    way only (``25/09/2025``, or the day its URL or its machine values name) say it
    best, then its ``og:locale`` (``en_GB``), then a country domain where the day
    comes first (``.co.uk``, ``.com.au``).
    """
    lang = page.lang
    if lang not in (None, "en"):
        return lang
    known = frozenset(_iso_days(page) | ({url_day} if url_day else set()))
    orders = {_order(first, second, year, known) for first, second, year in page.numeric}
    orders.discard(None)
    if len(orders) == 1:
        return orders.pop()
    if page.og_locale and page.og_locale.startswith("en-"):
        return page.og_locale
    host = urlsplit(url).hostname or ""
    return "en-gb" if host.endswith(_DAY_FIRST_DOMAINS) else lang
