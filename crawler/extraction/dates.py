"""The publication date of a page, from every place a page states it.

Pure: a parsed page, its URL and what is known of the outlet's zone in, a
:class:`PageDates` out. Evidence, most trusted first:

1. the JSON-LD object describing the article (``datePublished``, ``dateCreated``;
   never a breadcrumb's, an organisation's or a related item's);
2. ``<meta>`` publication dates of every common vocabulary (Open Graph, Dublin
   Core, Highwire ``citation_*``, Parse.ly, Sailthru, ...), then names sites coin
   (``published-date``);
3. microdata ``itemprop=datePublished`` outside comments and related items;
4. ``<time pubdate>``, ``<abbr class=published>`` and the ``<time datetime>``
   of the date line next to the headline;
5. the JSON-LD ``WebPage``'s ``datePublished``;
6. the date line printed near the headline, in any language
   :mod:`crawler.extraction.datetext` reads (a byline first when the machine
   date is only the last save's stamp);
7. the day in the URL (a day, never a time; ``/2023/october/03/`` too);
8. publication keys in the page's script data (``"publishedAt":...``), when the
   markup states nothing;
9. a date line elsewhere in the article (bylines, ``Published on ...``).

Never a guess: no copyright year, no "today", no dates of comments or related
articles, no modification date for a publication date; impossible dates
(before 1990, more than a day ahead) are dropped.

Times printed without a zone are read in the outlet's zone when it is known,
else in the zone the page's machine-readable dates are written in, else in UTC
(``zone_assumed``: the caller may prefer a sitemap's instant then).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from crawler.dates import parse_rfc822_datetime
from crawler.extraction.datetext import (
    TextDate,
    as_tzinfo,
    find_text_date,
    fold,
    month_number,
    numeric_dates,
)
from crawler.jsonld import ARTICLE_TYPES, flatten_json_ld, parse_json_ld, types_of
from crawler.urls import date_in_url

__all__ = ["PageDates", "find_dates"]


@dataclass(frozen=True)
class PageDates:
    """When a page says it was published (and last modified)."""

    published_at: datetime | None = None
    """Publication instant, aware UTC; only when the page gives a time of day."""

    published_date: date | None = None
    """Publication day in the page's (outlet's) zone; set whenever a date is known."""

    modified_at: datetime | None = None
    """Last modification instant, aware UTC, when the page gives one unlike publication."""

    zone_assumed: bool = False
    """The publication time was printed without a zone and read in an assumed one."""


# --------------------------------------------------------------------------- vocabularies

#: ``<meta>`` names and properties of a publication date, most specific first.
PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "article:published", "datepublished", "published_time", "publish_date", "publish-date",
    "publishdate", "publication_date", "date_published", "pubdate", "og:pubdate", "pub_date",
    "originalpublicationdate", "article.published", "article_date_original", "article.created",
    "citation_publication_date", "citation_date", "citation_online_date",
    "prism.publicationdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
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
#: Other ``<meta>`` names that say what their date is, as sites coin them
#: (``published-date``, ``w-published-date``, ``cxenseparse:publishtime``): trusted after
#: every name above. Keys are matched with their punctuation dropped.
#: Other dates a page's metadata may carry: a build's ``updated_at``, an expiry, a review.
_OTHER_META = re.compile(r"modif|updat|revis|last|expir|review")
_OTHER_PUBLISHED_META = re.compile(r"publi(?:sh|cation)|pubdate|datepub|postdate|releasedate")

#: JSON-LD types describing the page rather than the article (their date is the page's).
_PAGE_TYPE = re.compile(r"Page$")
#: JSON-LD types of what an article page is about, besides articles proper.
_ARTICLE_LIKE = re.compile(r"Article$|Posting$|^(?:Recipe|Review|Question|Report|Blog)$")

#: Class or id of a visible date line (``news-date``, ``post-meta``, ``entry-time``, ``byline``).
_DATE_CLASS = re.compile(r"date|time|publish|posted|meta|byline|stamp", re.IGNORECASE)
#: Boxes named for other articles or readers' text: their dates are never the page's.
_OTHERS = re.compile(
    r"(?<![a-z])(?:related|comment|recent|most-?read|popular|recommend|trending|latest|more-|"
    r"next-|prev-|repl(?:y|ies)|responses|discuss|promo(?!ted)|listing|archive|today)",
    re.IGNORECASE,
)
#: Boxes named for their place in the layout: other stories' dates far from the headline,
#: the article's own right under it (its byline in a ``post-card__meta`` or a sidebar).
_LAYOUT = re.compile(
    r"(?<![a-z])(?:card|sidebar|share|sharing|teaser|footer|top-?bar|top-?header|masthead)",
    re.IGNORECASE,
)
#: Page-level boxes (``<nav>`` always is); inside an ``<article>`` they hold its byline and date.
_ELSEWHERE_TAGS = frozenset({"aside", "footer"})
#: Microdata scopes whose dates are not the page's.
_ELSEWHERE_ITEMTYPE = re.compile(r"Comment|Answer|ListItem|Review", re.IGNORECASE)
#: A modification label before a printed date ("Updated", "Mis à jour", "Aktualisiert").
_UPDATED = re.compile(
    r"updated|modified|edited|mis a jour|modifie|aktualisiert|geandert|actualizad|"
    r"atualizad|aggiornat|bijgewerkt|обновлен|изменен|zaktualizowan|ενημερωθηκε|"
    r"guncellen|更新|تحديث|تعديل",
    re.IGNORECASE,
)
#: A publication label before a printed date ("Published on", "Publié le", "نشر في").
_PUBLISHED = re.compile(
    r"published|posted|publie|veroffentlicht|publicad|pubblicat|gepubliceerd|"
    r"опубликован|opublikowan|δημοσιευ|yayin|发布|發佈|公開|نشر|بتاريخ",
    re.IGNORECASE,
)

#: Elements this far after the headline (document order) still count as near it.
NEAR_AFTER = 400
#: Ancestors of the headline whose elements before it count as near it (kicker, date above).
NEAR_BEFORE_LEVELS = 3
#: Longest text read as one date line; longer elements are prose, not a line.
MAX_LINE = 200
#: Parent text read with a date split in spans (``<span>14 Nov 2019</span> | <span>17:55</span>``).
MAX_PARENT_LINE = 120
EARLIEST = date(1990, 1, 1)
#: Levels above a date line searched for another headline (a teaser's own box).
TEASER_LEVELS = 2
#: Words of a teaser's headline link.
TEASER_WORDS = 4
_HEADINGS = ("h2", "h3", "h4")
#: What is printed besides the date on a line found by its text alone (a label, a name).
MAX_RESIDUE = 30
#: The same for a line close under the headline: a byline with the author's name and title.
MAX_CLOSE_RESIDUE = 60
#: Elements this far after the headline are its byline block: a box there holding a date
#: (an ``aside``, a ``post-card__meta``) is the article's own, unless readers wrote it.
CLOSE_AFTER = 40

#: A four-digit year (Western or Arabic-Indic digits): text worth reading as a date.
_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|[\u0660-\u0669\u06F0-\u06F9]{4}")
_NO_TEXT_TAGS = frozenset(
    {"head", "title", "style", "script", "noscript", "template", "textarea", "option", "select"}
)
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)

#: A day written in a URL's slug: ``/blog/2025-12-17-release``, ``/2025_12_17/``.
_SLUG_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d\d)[-_](0[1-9]|1[0-2])[-_](0[1-9]|[12]\d|3[01])(?!\d)"
)
#: Country domains of English-speaking countries that write the day first.
_DAY_FIRST_DOMAINS = (".uk", ".au", ".nz", ".ie", ".in", ".za")
#: A day in folders with the month's name: ``/blog/2023/october/03/slug``.
_NAMED_MONTH_PATH = re.compile(r"/((?:19|20)\d\d)/([^\W\d_]{3,12})/(0?[1-9]|[12]\d|3[01])(?:/|$)")
_KEY_PUNCTUATION = re.compile(r"[^a-z]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _When:
    """One stated date: its day (in the zone it was written in) and instant, if any."""

    day: date
    at: datetime | None = None
    """Aware UTC when the value carries a time and its zone is known."""

    naive: datetime | None = None
    """Wall-clock time written without a zone (read later in the page's zone)."""

    zone_printed: bool = True


# --------------------------------------------------------------------------- the page, once


@dataclass
class _Page:
    """What one walk over the tree finds: metas, JSON-LD, microdata, dated elements."""

    metas: list[tuple[int, str]]
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


def _walk(tree: Any) -> _Page:
    metas: list[tuple[int, str]] = []
    modified: list[str] = []
    ld_texts: list[str] = []
    scripts: list[str] = []
    itemprops: list[tuple[str, Any]] = []
    lines: list[tuple[int, Any, bool]] = []
    seen: set[Any] = set()
    numeric: set[tuple[int, int, int]] = set()
    lang = og_locale = None
    date_classes: dict[tuple[str, str], bool] = {}
    for i, el in enumerate(tree.iter()):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "meta":
            _read_meta(el, metas, modified, itemprops)
            if lang is None and (el.get("http-equiv") or "").lower() == "content-language":
                lang = el.get("content")
            if el.get("property") == "og:locale":
                og_locale = el.get("content")
            continue
        if tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json":
                ld_texts.append(el.text or "")
            elif el.text:
                scripts.append(el.text)
            continue
        if tag == "html":
            lang = el.get("lang") or el.get("xml:lang") or lang
        prop = el.get("itemprop")
        if prop in ("datePublished", "dateCreated", "dateModified"):
            itemprops.append((prop, el))
        if tag in _NO_TEXT_TAGS:
            continue
        if tag in ("time", "abbr") or _date_classed(el, date_classes):
            lines.append((i, el, True))
            seen.add(el)
        # Text nodes that hold a year: date lines whatever their markup.
        text = el.text
        if text and len(text) <= MAX_LINE and _YEARISH.search(text):
            numeric.update(numeric_dates(text))
            if el not in seen:
                lines.append((i, el, False))
                seen.add(el)
        text = el.tail
        if text and len(text) <= MAX_LINE and _YEARISH.search(text):
            numeric.update(numeric_dates(text))
            owner = el.getparent()
            if owner not in seen:
                lines.append((i, owner, False))
                seen.add(owner)
    metas.sort()
    return _Page(
        metas, modified, ld_texts, itemprops, lines, _language(lang), scripts,
        _language(og_locale), numeric,
    )  # fmt: skip


def _date_classed(el: Any, known: dict[tuple[str, str], bool]) -> bool:
    """True when the element's class or id names a date line; each distinct pair is matched
    once (*known*): pages repeat the same classes on hundreds of elements."""
    key = (el.get("class") or "", el.get("id") or "")
    if key == ("", ""):
        return False
    found = known.get(key)
    if found is None:
        found = known[key] = _DATE_CLASS.search(f"{key[0]} {key[1]}") is not None
    return found


def _order(first: int, second: int, year: int, url_day: date | None) -> str | None:
    """The locale a numeric date shows the page writes in, when it reads one way only."""
    if (first > 12) != (second > 12):
        return "en-gb" if first > 12 else "en-us"
    if url_day is None or url_day.year != year or first == second:
        return None
    if (first, second) == (url_day.day, url_day.month):
        return "en-gb"
    if (first, second) == (url_day.month, url_day.day):
        return "en-us"
    return None


def _reading_locale(page: _Page, url: str, url_day: date | None) -> str | None:
    """The locale an English page's ambiguous numeric dates (``03/10/2023``) are read in.

    A bare ``en`` says nothing of the order: the page's own dates that read one
    way only (``25/09/2025``, or the day its URL names) say it best, then its
    ``og:locale`` (``en_GB``), then a country domain where the day comes first
    (``.co.uk``, ``.com.au``).
    """
    lang = page.lang
    if lang not in (None, "en"):
        return lang
    orders = {_order(first, second, year, url_day) for first, second, year in page.numeric}
    orders.discard(None)
    if len(orders) == 1:
        return orders.pop()
    if page.og_locale and page.og_locale.startswith("en-"):
        return page.og_locale
    host = urlsplit(url).hostname or ""
    return "en-gb" if host.endswith(_DAY_FIRST_DOMAINS) else lang


def _read_meta(
    el: Any, metas: list[tuple[int, str]], modified: list[str], itemprops: list[Any]
) -> None:
    content = (el.get("content") or "").strip()
    if not content:
        return
    if el.get("itemprop") in ("datePublished", "dateCreated", "dateModified"):
        itemprops.append((el.get("itemprop"), el))
        return
    key = (el.get("property") or el.get("name") or "").strip().lower()
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


# --------------------------------------------------------------------------- reading values


def _valid(day: date, now: datetime) -> bool:
    return EARLIEST <= day <= (now + timedelta(days=1)).date()


def _machine(value: Any, lang: str | None) -> _When | None:
    """A machine-readable date (ISO 8601, RFC 822, or a printed one in a meta tag)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    iso = value.replace("z", "Z").replace("t", "T") if value[:4].isdigit() else value
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is None:
        rfc = parse_rfc822_datetime(value)
        if rfc is not None:
            return _When(day=rfc.date(), at=rfc)
        found = find_text_date(value, UTC, lang)
        return _from_text(found) if found else None
    if len(iso) <= 10 and ":" not in iso:
        return _When(day=parsed.date())
    if parsed.tzinfo is None:
        return _When(day=parsed.date(), naive=parsed)
    return _When(day=parsed.date(), at=parsed.astimezone(UTC))


def _offset(value: Any) -> tzinfo | None:
    """The zone an ISO date-time is written in (its UTC offset), if it states one."""
    if not isinstance(value, str) or "T" not in value.upper()[:11]:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    return parsed.tzinfo


def _ld_objects(texts: list[str]) -> Iterator[dict[str, Any]]:
    for text in texts:
        for obj in flatten_json_ld(parse_json_ld(text)):
            yield obj
            main = obj.get("mainEntity")
            if isinstance(main, dict):
                yield main


def _ld_dates(texts: list[str]) -> tuple[list[Any], list[Any], list[Any]]:
    """``(article dates, page dates, article modified)`` of the JSON-LD, raw values."""
    article: list[Any] = []
    page: list[Any] = []
    modified: list[Any] = []
    for obj in _ld_objects(texts):
        types = types_of(obj)
        if types & ARTICLE_TYPES or any(_ARTICLE_LIKE.search(t) for t in types):
            if not article:
                article = [obj.get("datePublished"), obj.get("dateCreated")]
                modified.append(obj.get("dateModified"))
        elif any(_PAGE_TYPE.search(t) for t in types):
            page.extend([obj.get("datePublished"), obj.get("dateCreated")])
            modified.append(obj.get("dateModified"))
    return article, page, modified


def _elsewhere(el: Any, stop: frozenset[Any] = frozenset(), close: bool = False) -> bool:
    """True inside a box of other articles or of readers' comments.

    The walk up stops at the headline's own ancestors (*stop*): a page whose
    whole article sits in a ``...-sidebar-mode`` wrapper is not a sidebar.
    A line *close* under the headline is only elsewhere in a box named for others.
    """
    node = el
    while node is not None and node not in stop:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "nav":
            return True
        if not close and tag in _ELSEWHERE_TAGS and not _in_article(node):
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if _OTHERS.search(names) or (not close and _LAYOUT.search(names)):
            return True
        if node.get("itemscope") is not None and _ELSEWHERE_ITEMTYPE.search(
            node.get("itemtype") or ""
        ):
            return True
        node = node.getparent()
    return False


def _in_article(el: Any) -> bool:
    """True for an element inside an ``<article>`` (its footer or aside is the article's)."""
    return any(a.tag == "article" for a in el.iterancestors())


def _text(el: Any) -> str:
    # str.split() splits on the characters ``\s`` matches, at a third of a regex's cost.
    return " ".join("".join(el.itertext()).split())


def _microdata(el: Any, lang: str | None) -> _When | None:
    value = el.get("content") or el.get("datetime")
    if value:
        return _machine(value, lang)
    text = _text(el)
    return _printed(text, lang) if len(text) <= MAX_LINE else None


def _printed(text: str, lang: str | None) -> _When | None:
    """A printed line as a date; its time kept naive (read later in the page's zone)."""
    found = find_text_date(text, UTC, lang)
    return _from_text(found) if found else None


def _from_text(found: TextDate) -> _When:
    if found.at is None:
        return _When(day=found.day)
    if found.zone_printed:
        return _When(day=found.day, at=found.at)
    return _When(day=found.day, naive=found.at.replace(tzinfo=None), zone_printed=False)


@dataclass(frozen=True)
class _Line:
    """A visible date line: its machine value (``<time datetime>``), printed value, label."""

    machine: _When | None
    printed: _When | None
    updated: bool
    labelled: bool = False
    """The line says what its date is ("Published", "Updated")."""


def _read_line(el: Any, lang: str | None, marked: bool, close: bool) -> _Line | None:
    """The date a line states; a line found by its text alone must be little but a date.

    A line *close* under the headline may say more (a byline: "Jane Doe | Senior
    Writer | July 2, 2025"); prose is still too long.
    """
    machine = None
    attr = el.get("datetime") if el.tag == "time" else None
    if el.tag == "abbr":
        attr = el.get("title")
    if attr:
        machine = _machine(attr, lang)
    text = _text(el)
    if len(text) > MAX_LINE:
        return _Line(machine, None, False) if machine else None
    parent = el.getparent()
    context = _text(parent) if parent is not None else text
    if len(context) > MAX_PARENT_LINE:
        context = text
    # The element's own text first; its parent's when the date is split in spans.
    found, source = find_text_date(text, UTC, lang), text
    if (found is None or found.at is None) and context != text:
        wider = find_text_date(context, UTC, lang)
        if wider and (found is None or (wider.day == found.day and wider.at)):
            found, source = wider, context
    if found and not marked:
        residue = len(fold(source)) - (found.end - found.start)
        if residue > (MAX_CLOSE_RESIDUE if close else MAX_RESIDUE) or _COPYRIGHT.search(source):
            found = None
    printed = _from_text(found) if found else None
    if machine is None and printed is None:
        return None
    before = context[: context.find(text)] if source is text and text in context else ""
    label = fold(before)[-40:] + (fold(source)[: found.start] if found else fold(context)[:40])
    published = bool(_PUBLISHED.search(label))
    updated = bool(_UPDATED.search(label)) and not published
    return _Line(machine, printed, updated, published or updated)


# --------------------------------------------------------------------------- deciding


@dataclass
class _Evidence:
    """Publication candidates in order of trust, and modification candidates."""

    machine: list[_When]
    printed_near: list[_When]
    url_day: date | None
    printed_far: list[_When]
    modified: list[_When]
    byline: _When | None = None
    """The first date printed as a date line under the headline (its markup says so, or
    it sits in the headline's byline block), not a date the text mentions."""


def _headline_of(tree: Any, headline: Any | None) -> Any | None:
    """The given headline, else the ``h1`` sharing most words with the page's title.

    Blogs and newsletters put their own name in an ``h1`` above the post's.
    """
    if headline is not None:
        return headline
    h1s = [h for h in tree.iter("h1") if _text(h)]
    if len(h1s) <= 1:
        return h1s[0] if h1s else None
    title = next(
        (el.get("content") for el in tree.iter("meta") if el.get("property") == "og:title"), None
    )
    title = title or next((_text(el) for el in tree.iter("title")), "")
    words = set(_WORD.findall(title.casefold()))

    def shared(h1: Any) -> int:
        return len(words & set(_WORD.findall(_text(h1).casefold())))

    return max(h1s, key=shared)


def _near_before(tree: Any, headline: Any) -> tuple[int, int | None]:
    """Document positions of the headline's close ancestor (its lines before the h1 are
    near) and of the headline (None when it is not in *tree*)."""
    top = headline
    for _ in range(NEAR_BEFORE_LEVELS):
        parent = top.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        top = parent
    # Counted as the walk counts, up to the headline only: the top of a page is short.
    top_at = None
    for i, el in enumerate(tree.iter()):
        if el is top:
            top_at = i
        if el is headline:
            return top_at or 0, i
    return top_at or 0, None


def _lines(page: _Page, tree: Any, headline: Any | None, path: str, ev: _Evidence) -> None:
    """Sort the page's date lines into near the headline, elsewhere, and modifications.

    Near: after the headline, or before it within its close ancestor (a date
    above the title), closest first. Lines in related boxes and comments are dropped.
    """
    h_pos, before = -1, (0, -1)
    if headline is not None:
        top_at, h_at = _near_before(tree, headline)
        h_pos, before = (-1, (top_at, 0)) if h_at is None else (h_at, (top_at, h_at))
    stop = frozenset(headline.iterancestors()) if headline is not None else frozenset()
    near_machine: list[_When] = []
    near: list[tuple[int, _When]] = []
    scope = _article_scope(headline)
    for pos, el, marked in page.lines:
        is_after = h_pos >= 0 and h_pos < pos <= h_pos + NEAR_AFTER
        is_above = before[0] <= pos < before[1]
        close = is_above or (is_after and pos <= h_pos + CLOSE_AFTER)
        if _in_headline(el, headline) or _teaser(el, stop, path):
            continue
        # Past the byline block, a layout box (a sidebar) holds the page's date only when
        # the line says it is the publication ("Published July 8, 2025").
        in_box = _elsewhere(el, stop, close)
        if in_box and not (is_after and not _elsewhere(el, stop, close=True)):
            continue
        line = _read_line(el, page.lang, marked, close)
        if line is None or (in_box and not (line.labelled and not line.updated)):
            continue
        if scope is not None and not (is_after or is_above or line.labelled or _within(el, scope)):
            continue  # the site's clock in its top bar, a box of the page around the article
        if line.updated:
            ev.modified.extend(v for v in (line.machine, line.printed) if v)
            continue
        pubdate = el.tag == "time" and el.get("pubdate") is not None
        if line.machine and (is_after or is_above or pubdate or "publish" in _classes(el)):
            near_machine.append(line.machine)
        if line.printed:
            if is_after or is_above:
                near.append((abs(pos - h_pos), line.printed))
                if ev.byline is None and (marked or close):
                    ev.byline = line.printed
            else:
                ev.printed_far.append(line.printed)
    ev.machine.extend(near_machine)
    near.sort(key=lambda pair: pair[0])
    ev.printed_near.extend(w for _, w in near)


def _in_headline(el: Any, headline: Any | None) -> bool:
    """True for the headline's own text: "Release 2024.4.4" names a version, not a day."""
    return headline is not None and (el is headline or headline in el.iterancestors())


def _article_scope(headline: Any | None) -> Any | None:
    """The ``<article>`` or ``<main>`` around the headline: where its far date lines may be."""
    if headline is None:
        return None
    return next(
        (a for a in headline.iterancestors() if a.tag in ("article", "main")),
        None,
    )


def _within(el: Any, scope: Any | None) -> bool:
    return scope is not None and any(a is scope for a in el.iterancestors())


def _teaser(el: Any, stop: frozenset[Any], path: str) -> bool:
    """True for the date of a teaser: a small box, or a link, that holds another headline.

    A heading linking to the page itself (*path*) is the post's own title, as blogs print it.
    """
    node = el
    for _ in range(TEASER_LEVELS):
        if node is None or node in stop:
            return False
        if node.tag == "a" and not _same_page(node.get("href"), path):
            return True
        if any(_headline_link(h, path) for h in node.iter(*_HEADINGS)):
            return True
        node = node.getparent()
    return False


def _headline_link(heading: Any, path: str) -> bool:
    """A heading that is a link to another story (not a linked author or section name)."""
    link = heading.find(".//a")
    if link is None or len(_WORD.findall(_text(link))) < TEASER_WORDS:
        return False
    return not _same_page(link.get("href"), path)


def _same_page(href: str | None, path: str) -> bool:
    """True for a link to the page itself (a forum's "started on" date links the thread).

    A relative href is compared as the end of the page's path: pages behind a
    ``<base>`` link to themselves as ``threads/slug.123/``.
    """
    target = urlsplit(href or "").path.rstrip("/").removeprefix("./")
    here = path.rstrip("/")
    if not target:
        return False
    return target == here or (not target.startswith("/") and here.endswith("/" + target))


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _collect(tree: Any, url: str, headline: Any | None) -> tuple[_Evidence, _Page]:
    page = _walk(tree)
    url_day = _url_day(url)
    page.lang = lang = _reading_locale(page, url, url_day)
    ld_article, ld_page, ld_modified = _ld_dates(page.ld_texts)
    machine = [_machine(v, lang) for v in ld_article]
    machine += [_machine(v, lang) for _, v in page.metas]
    modified = [_machine(v, lang) for v in ld_modified + page.modified_metas]
    h1 = _headline_of(tree, headline)
    stop = frozenset(h1.iterancestors()) if h1 is not None else frozenset()
    for prop, el in page.itemprops:
        if _elsewhere(el, stop):
            continue
        value = _microdata(el, lang)
        (modified if prop == "dateModified" else machine).append(value)
    ev = _Evidence(
        machine=[m for m in machine if m],
        printed_near=[],
        url_day=url_day,
        printed_far=[],
        modified=[m for m in modified if m],
    )
    _lines(page, tree, h1, urlsplit(url).path, ev)
    ev.machine.extend(m for m in (_machine(v, lang) for v in ld_page) if m)
    return ev, page


#: A publication date in a script's data: ``"datePublished":"..."``, ``\\"publishedAt\\":``.
_SCRIPT_DATE = re.compile(
    r'\\?"(?P<key>datePublished|date_?published|published_?at|publishedAt|publish_?date|'
    r'publishedDate|pubDate|first_?published_?at|firstPublishedAt|originalPublishDate)\\?"'
    r'\s*:\s*\\?"(?P<value>[^"\\]{6,40})'
)
#: Characters between a date and the page's slug in a script for the date to be the page's.
SCRIPT_TIE = 1500
#: Shortest slug worth looking for in a script (``/a/1`` is everywhere).
MIN_SLUG = 8


def _script_dates(scripts: list[str], url: str, lang: str | None) -> list[_When]:
    """Publication dates in the page's script data (Next.js, Nuxt, analytics objects).

    A blob may date other items too (related stories, the author): dates next
    to the page's own slug come first, closest first; otherwise the first one.
    ``createdAt`` is not read: it dates any object (a user, a school, a site).
    """
    slug = _slug(url)
    tied: list[tuple[int, _When]] = []
    untied: list[_When] = []
    for text in scripts:
        slug_at = [m.start() for m in re.finditer(re.escape(slug), text)] if slug else []
        for m in _SCRIPT_DATE.finditer(text):
            when = _machine(m["value"], lang)
            if when is None:
                continue
            gap = min((abs(m.start() - at) for at in slug_at), default=SCRIPT_TIE + 1)
            if gap <= SCRIPT_TIE:
                tied.append((gap, when))
            else:
                untied.append(when)
    tied.sort(key=lambda pair: pair[0])
    return [w for _, w in tied] + untied[:1]


def _slug(url: str) -> str | None:
    """The last segment of the URL's path, when long enough to name the page alone."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return segment if len(segment) >= MIN_SLUG else None


def _page_zone(tree_values: list[Any]) -> tzinfo | None:
    for value in tree_values:
        zone = _offset(value)
        if zone is not None:
            return zone
    return None


def find_dates(
    tree: lxml.html.HtmlElement,
    url: str,
    *,
    headline: lxml.html.HtmlElement | None = None,
    timezone: str | None = None,
) -> PageDates:
    """The publication (and modification) dates *tree* states; see the module's notes.

    *headline* is the article's ``h1`` (the first non-empty ``h1`` when not
    given); *timezone* the outlet's IANA zone when it is known.
    """
    ev, page = _collect(tree, url, headline)
    now = datetime.now(UTC)
    zone_known = timezone is not None
    zone = as_tzinfo(timezone) if timezone else _machine_zone(tree, page)
    if zone is not None:
        zone_known = True
    read_zone = zone or UTC

    def instant(w: _When) -> datetime | None:
        if w.at is not None:
            return w.at
        if w.naive is not None:
            return w.naive.replace(tzinfo=read_zone).astimezone(UTC)
        return None

    def day_of(w: _When) -> date:
        if w.at is not None and timezone:
            return w.at.astimezone(read_zone).date()
        return w.day

    # A byline outranks a machine date that is only the last save's stamp.
    first = [ev.byline] if ev.byline and _stamped_on_save(ev) else []
    stated = [*first, *ev.machine, *ev.printed_near, *_url_when(ev.url_day)]
    # The page's script data is read only when its markup states nothing (it is slow to scan).
    scripted = [] if stated else _script_dates(page.scripts, url, page.lang)
    candidates = [w for w in (*stated, *scripted, *ev.printed_far) if _valid(w.day, now)]
    if not candidates:
        # A page that states only when it was last updated is dated by that update (the
        # day of the version it shows); no publication instant is made of it.
        updated = next((w for w in ev.modified if _valid(w.day, now)), None)
        return PageDates(
            published_date=day_of(updated) if updated else None,
            modified_at=_modified(ev.modified, None, instant, now),
        )
    first = candidates[0]
    day = day_of(first)
    if first.at is not None and not timezone:
        day = _local_day(day, ev)
    published_at = None
    assumed = False
    for w in candidates:
        at = instant(w)
        if at is not None and day_of(w) == day:
            published_at = at
            assumed = w.at is None and not zone_known
            break
    return PageDates(
        published_at=published_at,
        published_date=day,
        modified_at=_modified(ev.modified, published_at, instant, now),
        zone_assumed=assumed,
    )


def _stamped_on_save(ev: _Evidence) -> bool:
    """True when the machine publication date is only the last save's stamp.

    Some CMSs (Webflow's templates among them) write the last save as both
    ``datePublished`` and ``dateModified``: a publication no earlier than the
    modification, later than the date printed under the headline, is that stamp.
    """
    if not ev.machine or ev.byline is None or not ev.modified:
        return False
    published = ev.machine[0].day
    return published >= max(w.day for w in ev.modified) and ev.byline.day < published


def _local_day(day: date, ev: _Evidence) -> date:
    """The page's own day for an instant written in another zone (often UTC).

    ``2025-12-19T02:41Z`` on a page that prints "December 18, 2025" (or whose URL
    says ``/2025/12/18/``) was published on the 18th where it was published.
    """
    local = ev.url_day or next((w.day for w in ev.printed_near), None)
    if local is not None and abs(local - day) == timedelta(days=1):
        return local
    return day


def _url_day(url: str) -> date | None:
    """The day the URL's path states, in a folder (``/2020/02/18/``) or in its slug."""
    day = date_in_url(url)
    if day is not None:
        return day
    path = urlsplit(url).path
    match = _SLUG_DATE.search(path)
    ymd = tuple(map(int, match.groups())) if match else None
    named = _NAMED_MONTH_PATH.search(path)
    month = month_number(named[2]) if named else None
    if ymd is None and named and month:
        ymd = (int(named[1]), month, int(named[3]))
    if ymd is None:
        return None
    try:
        return date(*ymd)
    except ValueError:
        return None


def _url_when(day: date | None) -> tuple[_When, ...]:
    return (_When(day=day),) if day else ()


def _machine_zone(tree: Any, page: _Page) -> tzinfo | None:
    """The UTC offset the page writes its machine-readable dates in, if any says one."""
    values: list[Any] = [v for _, v in page.metas] + page.modified_metas
    values += [el.get("datetime") for _, el, _ in page.lines if el.tag == "time"]
    article, _, modified = _ld_dates(page.ld_texts)
    return _page_zone(article + modified + values)


def _modified(
    candidates: list[_When], published_at: datetime | None, instant: Any, now: datetime
) -> datetime | None:
    for w in candidates:
        at = instant(w)
        if at is not None and _valid(w.day, now) and at != published_at:
            return at
    return None
