"""Outlet-independent page reading: JSON-LD, ``og:*``/``article:*``, canonical, robots, text.

Every outlet module (and the generic spider) reads the same machine-readable
metadata the same way; what an outlet *shows* on the page (its visible dates,
bylines, section labels) is read by the outlet module, which falls back on
:func:`read_metadata` for what the page does not show. Also shared: cutting an
article container into paragraphs (:func:`text_lines`, :func:`body_paragraphs`),
looking elements up by class in one walk (:func:`class_index`), and choosing
between visible and declared dates (:func:`resolve_published`,
:func:`resolve_modified`, :func:`live_blog_modified`).

All functions are pure: they take a :class:`parsel.Selector` or a Scrapy
``TextResponse`` (whose cached selector is reused, so a page is parsed once)
and do no I/O. None of them raises on malformed metadata: broken JSON-LD, a
list where an object was expected or an unparseable date is ignored.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from parsel import Selector

from crawler.dates import parse_arabic_date, parse_iso_datetime
from crawler.text import clean_text, is_read_also
from crawler.urls import date_in_url

logger = logging.getLogger(__name__)

#: schema.org types whose object describes the article itself.
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    }
)

#: schema.org types that name an organisation rather than a person.
ORGANIZATION_TYPES = frozenset(
    {
        "Organization",
        "NewsMediaOrganization",
        "Corporation",
        "WebSite",
        "Brand",
        "GovernmentOrganization",
    }
)

#: Characters of body text given to language detection: a few paragraphs decide
#: as well as a whole article, and the detector's time grows with its input.
LANGUAGE_SAMPLE = 400

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_HTML_COMMENT = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_URL_LIKE = re.compile(r"^(?:https?:)?//|^/")


@dataclass
class PageMetadata:
    """What a page says about itself in its machine-readable metadata."""

    canonical_url: str | None = None
    """Absolute ``link rel=canonical`` (else ``og:url``), resolved against the page URL."""

    title: str | None = None
    """``og:title``, else the JSON-LD ``headline``."""

    description: str | None = None
    """``og:description``, else ``meta name=description``, else the JSON-LD ``description``."""

    published: datetime | date | None = None
    """Publication: aware UTC datetime when a time is given, a date when only a day is."""

    modified: datetime | date | None = None
    """Last modification, same form as :attr:`published`."""

    authors: list[str] = field(default_factory=list)
    """Named people; organisations (the outlet itself) are left out."""

    section: str | None = None
    """``article:section``, else the JSON-LD ``articleSection``."""

    tags: list[str] = field(default_factory=list)
    """``article:tag`` values, else the JSON-LD ``keywords``."""

    image_url: str | None = None
    """Absolute URL of the lead image (``og:image``, else the JSON-LD ``image``)."""

    language: str | None = None
    """Declared ISO 639-1 code (JSON-LD ``inLanguage``, ``og:locale``, ``html/@lang``)."""

    site_name: str | None = None
    """``og:site_name``, else the JSON-LD publisher's name."""

    og_type: str | None = None
    """``og:type`` (``article``, ``website``...)."""

    noindex: bool = False
    """True when robots meta (or the ``X-Robots-Tag`` header) says ``noindex``."""

    article_ld: dict[str, Any] | None = None
    """The JSON-LD object describing the article, when there is one."""

    ld_types: set[str] = field(default_factory=set)
    """Every JSON-LD ``@type`` on the page (``mainEntity`` included): what the page says it is."""


def selector_of(page: Any) -> Selector:
    """The parsel selector of *page*: a Selector as is, a response's cached one otherwise."""
    if isinstance(page, Selector):
        return page
    return page.selector


# --------------------------------------------------------------------------- JSON-LD


def _loads_lenient(text: str) -> Any:
    """Parse one JSON-LD script body; tolerate what CMSes commonly get wrong, else None."""
    text = text.strip()
    if not text:
        return None
    # Some CMSes wrap the JSON in an HTML comment or CDATA section.
    text = _HTML_COMMENT.sub("", text).strip()
    try:
        # strict=False accepts raw control characters (newlines, tabs) inside strings.
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        logger.debug("ignoring malformed JSON-LD block (%d chars)", len(text))
        return None


def _flatten(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: lists and ``@graph`` unrolled, in document order."""
    if isinstance(node, list):
        for child in node:
            yield from _flatten(child)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if isinstance(graph, (list, dict)):
            yield from _flatten(graph)
            if len(node) <= 2:  # only @context and @graph: a container, not a thing
                return
        yield node


def json_ld_objects(page: Any) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, flattened; malformed blocks are skipped."""
    objects: list[dict[str, Any]] = []
    for el in selector_of(page).root.iter("script"):
        if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
            objects.extend(_flatten(_loads_lenient(el.text)))
    return objects


def types_of(obj: dict[str, Any]) -> set[str]:
    """The ``@type`` of an object as bare names (``schema:NewsArticle`` -> ``NewsArticle``)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def find_article(objects: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The first object typed as an article; also looks inside ``WebPage.mainEntity``."""
    for obj in objects:
        if types_of(obj) & ARTICLE_TYPES:
            return obj
        main = obj.get("mainEntity")
        if isinstance(main, dict) and types_of(main) & ARTICLE_TYPES:
            return main
    return None


def _name_of(value: Any) -> str | None:
    """The ``name`` of a JSON-LD thing given as a string or an object."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return name.strip() or None
    return None


def _first_name(value: Any) -> str | None:
    """:func:`_name_of` of a value or of the first item of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    return _name_of(value)


def person_names(author: Any, exclude: Iterable[str] = ()) -> list[str]:
    """Names of the people in a JSON-LD ``author`` value, organisations left out.

    *exclude* lists names known to be the outlet's (publisher, site name): a
    CMS that writes the outlet's name as a plain string author is not crediting
    a person.
    """
    excluded = {e.strip().casefold() for e in exclude if e}
    items = author if isinstance(author, list) else [author]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and types_of(item) & ORGANIZATION_TYPES:
            continue
        name = _name_of(item)
        if not name or _URL_LIKE.match(name) or name.casefold() in excluded or name in names:
            continue
        names.append(name)
    return names


def _image_of(value: Any) -> str | None:
    """The URL in a JSON-LD ``image`` value (string, ImageObject, or a list of them)."""
    if isinstance(value, list):
        for item in value:
            url = _image_of(item)
            if url:
                return url
        return None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _keywords_of(value: Any) -> list[str]:
    """JSON-LD ``keywords`` as a list (it may be a comma-separated string)."""
    if isinstance(value, str):
        parts = re.split(r"[,،]", value)
    elif isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
    else:
        return []
    return [p.strip() for p in parts if p.strip()]


# --------------------------------------------------------------------------- <meta> and <link>


def meta_map(page: Any) -> dict[str, list[str]]:
    """All ``<meta>`` contents by lower-cased ``property``/``name``/``itemprop``, in page order.

    One pass over the page's meta elements, so that reading many keys costs
    one query rather than one per key.
    """
    found: dict[str, list[str]] = {}
    for el in selector_of(page).root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                found.setdefault(key.strip().lower(), []).append(content.strip())
    return found


def meta_content(page: Any, *keys: str, metas: dict[str, list[str]] | None = None) -> str | None:
    """The first non-empty content among *keys* (tried in order), or None."""
    metas = meta_map(page) if metas is None else metas
    for key in keys:
        for value in metas.get(key.lower(), ()):
            if value:
                return value
    return None


def canonical_href(page: Any) -> str | None:
    """The raw ``href`` of ``<link rel="canonical">``, or None."""
    for el in selector_of(page).root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href"):
            return el.get("href").strip()
    return None


def is_noindex(page: Any, metas: dict[str, list[str]] | None = None) -> bool:
    """True when the page asks not to be indexed (robots meta or ``X-Robots-Tag`` header).

    Print versions and short-link redirect pages say so; they duplicate an
    article and must not be stored as one.
    """
    metas = meta_map(page) if metas is None else metas
    values = metas.get("robots", []) + metas.get("googlebot", [])
    headers = getattr(page, "headers", None)
    if headers is not None:
        values += [v.decode("latin-1") for v in headers.getlist(b"X-Robots-Tag")]
    return any("noindex" in v.lower() or v.strip().lower() == "none" for v in values)


def refresh_target(page: Any, metas: dict[str, list[str]] | None = None) -> str | None:
    """The URL of a ``<meta http-equiv="refresh" content="0; url=...">``, or None."""
    metas = meta_map(page) if metas is None else metas
    for value in metas.get("refresh", ()):
        match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", value, re.IGNORECASE)
        if match:
            return match.group(1).strip()
    return None


def _language_code(value: Any) -> str | None:
    """``ar_AR``, ``ar-SY``, ``AR`` -> ``ar``."""
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower() or None


def parse_date_value(value: Any, tz: str | tzinfo | None = None) -> datetime | date | None:
    """An ISO 8601 metadata date as an aware UTC datetime (or a date when no time is given)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return parse_iso_datetime(value.strip(), tz)


# --------------------------------------------------------------------------- everything at once


def read_metadata(
    page: Any, tz: str | tzinfo | None = None, url: str | None = None
) -> PageMetadata:
    """Read every machine-readable field of *page* once.

    *tz* is the zone for dates written without an offset; *url* (default: the
    response URL) resolves relative canonical and image links.
    """
    sel = selector_of(page)
    base = url or getattr(page, "url", None) or ""
    metas = meta_map(sel)
    objects = json_ld_objects(sel)
    ld = find_article(objects) or {}

    def meta(*keys: str) -> str | None:
        return meta_content(sel, *keys, metas=metas)

    publisher = ld.get("publisher")
    site_name = meta("og:site_name") or _first_name(publisher)

    canonical = (
        canonical_href(sel)
        or meta("og:url")
        or (ld.get("url") if isinstance(ld.get("url"), str) else None)
    )
    image = meta("og:image", "og:image:url", "twitter:image") or _image_of(ld.get("image"))

    published = parse_date_value(
        meta("article:published_time", "og:published_time"), tz
    ) or parse_date_value(ld.get("datePublished"), tz)
    modified = parse_date_value(
        meta("article:modified_time", "og:updated_time"), tz
    ) or parse_date_value(ld.get("dateModified"), tz)

    outlet_names = [n for n in (site_name, _first_name(publisher)) if n]
    if "author" in ld:
        authors = person_names(ld.get("author"), exclude=outlet_names)
    else:
        authors = person_names(
            metas.get("article:author", []) + metas.get("author", []), exclude=outlet_names
        )

    section = meta("article:section") or _first_name(ld.get("articleSection"))
    tags = [t for t in metas.get("article:tag", []) if t] or _keywords_of(ld.get("keywords"))

    html_lang = sel.root.get("lang") if sel.root is not None else None
    language = (
        _language_code(ld.get("inLanguage"))
        or _language_code(meta("og:locale"))
        or _language_code(html_lang)
    )

    return PageMetadata(
        canonical_url=urljoin(base, canonical) if canonical else None,
        title=meta("og:title") or _name_of(ld.get("headline")),
        description=meta("og:description", "description") or _name_of(ld.get("description")),
        published=published,
        modified=modified,
        authors=authors,
        section=section,
        tags=tags,
        image_url=urljoin(base, image) if image else None,
        language=language,
        site_name=site_name,
        og_type=meta("og:type"),
        noindex=is_noindex(page, metas=metas),
        article_ld=ld or None,
        ld_types=_all_types(objects),
    )


def _all_types(objects: Iterable[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for obj in objects:
        found |= types_of(obj)
        main = obj.get("mainEntity")
        if isinstance(main, dict):
            found |= types_of(main)
    return found


# --------------------------------------------------------------------------- elements by class


def class_index(element: Any) -> dict[str, list[Any]]:
    """The descendants of *element* (itself included) by class token, in document order.

    Outlet pages are addressed by class names; one walk over the article's
    subtree answers all of an extractor's lookups, where each CSS query would
    walk it again.
    """
    root = getattr(element, "root", element)
    index: dict[str, list[Any]] = {}
    for el in root.iter():
        classes = el.get("class") if isinstance(el.tag, str) else None
        if classes:
            for token in classes.split():
                index.setdefault(token, []).append(el)
    return index


def element_text(element: Any | None) -> str:
    """The cleaned text content of an lxml element (``""`` for None)."""
    if element is None:
        return ""
    return clean_text("".join(element.itertext()))


def first(index: dict[str, list[Any]], class_name: str, tag: str | None = None) -> Any | None:
    """The first element of *index* with *class_name* (and tag name *tag*), or None."""
    for el in index.get(class_name, ()):
        if tag is None or el.tag == tag:
            return el
    return None


# --------------------------------------------------------------------------- body text blocks
#
# Not metadata strictly, but the same for every outlet: how the text of an
# article container is cut into paragraphs. Outlets say *which* elements to
# leave out (their captions, datelines, related boxes); this walker does the
# cutting: block elements and ``<br>`` end a line, every line is a paragraph,
# and pages whose text sits directly in the container between ``<br><br>``
# work like pages with ``<p>``.

#: Elements that start and end a paragraph.
# fmt: off
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "table", "tr", "td", "th",
    "pre", "header", "footer", "aside", "nav", "center", "address", "form", "hr",
})
# fmt: on

#: Elements never part of an article's text, whatever the outlet.
# fmt: off
NEVER_TEXT_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "video", "audio",
    "figure", "figcaption", "table", "form", "button", "input", "select", "textarea", "svg",
    "h1", "h2", "h3", "h4", "h5", "h6", "aside", "nav", "footer", "time",
})
# fmt: on

#: Class tokens of embeds whose text is not the article's: tweets, Instagram posts...
EMBED_CLASSES = frozenset(
    {"twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "fb-post"}
)


@dataclass
class TextLine:
    """One line of a container's text: a paragraph candidate."""

    text: str
    """Raw text of the line (not yet cleaned)."""

    owner: Any
    """The innermost block element the line sits in (the container itself for bare text)."""

    link_only: bool
    """True when every visible character of the line is inside an ``<a>``."""

    label: str
    """Text of a leading ``<strong>``/``<b>``/``<span>`` label (``وقد يهمك أيضًا:``), else ``""``."""


class _LineCollector:
    """Accumulates text into lines while the walker goes through the tree."""

    def __init__(self, root: Any) -> None:
        self.lines: list[TextLine] = []
        self.owners: list[Any] = [root]
        self.stopped = False
        """Set at the first box that ends the article: nothing after it is read."""
        self._parts: list[str] = []
        self._link_chars = 0
        self._other_chars = 0
        self.label = ""

    def add(self, text: str, in_link: bool) -> None:
        if not text:
            return
        self._parts.append(text)
        visible = len(text.strip())
        if in_link:
            self._link_chars += visible
        else:
            self._other_chars += visible

    def started(self) -> bool:
        return any(p.strip() for p in self._parts)

    def break_line(self) -> None:
        text = "".join(self._parts)
        if text.strip():
            self.lines.append(
                TextLine(
                    text=text,
                    owner=self.owners[-1],
                    link_only=self._other_chars == 0 and self._link_chars > 0,
                    label=self.label,
                )
            )
        self._parts = []
        self._link_chars = self._other_chars = 0
        self.label = ""


#: Class tokens of timestamps inside a body (live-blog entry times): ``entry-time``...
_TIMESTAMP_CLASS = re.compile(r"^(?:[\w]+[-_])*(?:time|date|timestamp|datetime)$", re.IGNORECASE)


def _has_class(el: Any, classes: frozenset[str]) -> bool:
    return bool(classes.intersection((el.get("class") or "").split()))


def is_timestamp(el: Any) -> bool:
    """True for a ``<time>`` element or one whose class names a time or date (``entry-time``)."""
    if el.tag == "time":
        return True
    return any(_TIMESTAMP_CLASS.match(token) for token in (el.get("class") or "").split())


def _walk(el: Any, out: _LineCollector, skip: Any, stop: Any, in_link: bool) -> None:
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction: only its tail counts
        return
    tag = tag.lower()
    if tag == "br":
        out.break_line()
        return
    if tag in NEVER_TEXT_TAGS or _has_class(el, EMBED_CLASSES) or is_timestamp(el) or skip(el):
        return
    if stop(el):
        out.stopped = True
        return
    block = tag in BLOCK_TAGS
    if block:
        out.break_line()
        out.owners.append(el)
    link = in_link or tag == "a"
    label_candidate = not block and tag in ("strong", "b", "span") and not out.started()
    if el.text:
        out.add(el.text, link)
    for child in el:
        _walk(child, out, skip, stop, link)
        if out.stopped:
            return
        if child.tail:
            out.add(child.tail, link)
    if label_candidate:
        out.label = "".join(el.itertext()).strip()
    if block:
        out.break_line()
        out.owners.pop()


def _never(el: Any) -> bool:
    return False


def text_lines(container: Any, skip: Any = _never, stop: Any = _never) -> list[TextLine]:
    """The lines of *container* (an lxml element or a parsel Selector), in page order.

    *skip(element)* returns True for elements the outlet leaves out (their
    tails, which belong to the parent, are kept). *stop(element)* returns True
    for the boxes that end an article (tags, share links, comments, related
    articles): the walk ends there, tail and all. A page whose article container
    is not closed has everything after it parsed *inside* it; stopping at the
    first of these boxes keeps the body the article's whatever the markup. Scripts, iframes, tables,
    figures and captions, headings, forms, embedded tweets and ``<time>``
    elements are always left out, and so are timestamps (``<time>``, ``.entry-time``):
    live-blog entries are stored without their times.
    """
    root = getattr(container, "root", container)
    out = _LineCollector(root)
    if root.text:
        out.add(root.text, False)
    for child in root:
        _walk(child, out, skip, stop, False)
        if out.stopped:
            break
        if child.tail:
            out.add(child.tail, False)
    out.break_line()
    return out.lines


#: Words of class or id names (split on ``-``/``_``) that name a box ending an article.
_END_WORDS = frozenset(
    {"comment", "comments", "related", "share", "sharing", "social", "tags", "sidebar", "widget"}
)


def ends_article(el: Any) -> bool:
    """True for a box that follows an article's text: comments, related articles, share
    links, tags, sidebar widgets (``section.comments``, ``div.news-share``, ``#comments``).

    Recognized by what its class or id says it is, not by where it sits, so it
    holds when a missing closing tag moved it into the article container. Boxes
    set *inside* the text (``inline-related``) are not ends.
    """
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    for name in names:
        words = set(re.split(r"[-_]", name))
        if "inline" not in words and words & _END_WORDS:
            return True
    return False


#: A live blog's badge: ``مباشر``, ``عاجل``, ``🔴 بث مباشر``, ``LIVE``.
_LIVE_LABEL = (
    r"(?:مباشر(?:\s+الآن)?|عاجل|بث\s+مباشر|(?:تغطية|متابعة|تحديثات)\s+مباشرة|الآن|live(?:\s+now)?)"
)
_LIVE_LABEL_LINE = re.compile(rf"^[\W_]*{_LIVE_LABEL}[\W_]*$", re.IGNORECASE)
_LEADING_LIVE_LABEL = re.compile(rf"^[\W_]*{_LIVE_LABEL}(?:[\s\W_]+|$)", re.IGNORECASE)
#: A live blog's "coverage started" line: ``بدأت التغطية: ...``, ``انطلقت تغطيتنا المباشرة ...``.
_COVERAGE_STARTED = re.compile(
    r"^[\W_]*(?:(?:بدأت|بدأنا|بدء|انطلقت|انطلاق)\s+(?:ال)?تغطي(?:ة|تنا)"
    r"|(?:ال)?تغطية\s+(?:ال)?مباشرة\s+(?:بدأت|منذ))"
)
#: A coverage-started line is a label and a date; prose opening the same way runs longer.
_COVERAGE_LINE_WORDS = 16


def is_live_furniture(text: str) -> bool:
    """True for a live blog's badge or its "coverage started" line, alone or together.

    ``مباشر``, ``🔴 عاجل``, ``بدأت التغطية: 14 تشرين الثاني 2019 - 08:00``,
    ``مباشر | بدأت التغطية منذ 08:00``: page furniture, not the article's text.
    """
    rest = _LEADING_LIVE_LABEL.sub("", text, count=1)
    if not rest.strip() or _LIVE_LABEL_LINE.match(text):
        return True
    return bool(_COVERAGE_STARTED.match(rest)) and len(rest.split()) <= _COVERAGE_LINE_WORDS


def body_paragraphs(lines: Iterable[TextLine]) -> list[str]:
    """Clean *lines* into article paragraphs, dropping "read also" links and live-blog furniture.

    A marker line (``اقرأ أيضا: <link>``, ``وقد يهمك أيضًا: <link>``) is dropped,
    and so are the link-only lines right after it: "may interest you" boxes
    list one or two more links as paragraphs of their own. A live blog's badge
    and "coverage started" line are dropped (:func:`is_live_furniture`), and so
    is a badge set as the leading label of an entry (``<span>مباشر</span> ...``).
    """
    paragraphs: list[str] = []
    after_marker = False
    for line in lines:
        text = clean_text(line.text)
        if not text or is_live_furniture(text):
            continue
        if line.label and _LIVE_LABEL_LINE.match(line.label):
            text = _LEADING_LIVE_LABEL.sub("", text, count=1)
        if is_read_also(text) or (line.label and is_read_also(line.label)):
            after_marker = True
            continue
        if after_marker and line.link_only:
            continue
        after_marker = False
        paragraphs.append(text)
    return paragraphs


# --------------------------------------------------------------------------- dates


def zone(tz: str | tzinfo) -> tzinfo:
    """A tzinfo for an IANA name (or a tzinfo as is)."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def local_date(value: datetime | date, tz: str | tzinfo) -> date:
    """The calendar date of *value* in the outlet's zone (a date is returned as is)."""
    if isinstance(value, datetime):
        return value.astimezone(zone(tz)).date()
    return value


class UrlDay(date):
    """A publication day read from the article's URL path, not from the page.

    Evidence of the day, never of the time: a sitemap or feed entry giving the
    instant on that same day may still supply the time (``apply_hint``), which
    it may not for a day the page prints.
    """


def url_day(url: str) -> UrlDay | None:
    """The day *url*'s path states (``/2020/02/18/``), as a :class:`UrlDay`."""
    day = date_in_url(url)
    return UrlDay(day.year, day.month, day.day) if day else None


def resolve_published(
    visible: datetime | date | None,
    declared: datetime | date | None,
    tz: str | tzinfo,
    url: str | None = None,
) -> tuple[datetime | None, date | None]:
    """``(published_at, published_date)`` from the visible date and the metadata's.

    The visible publication line wins. When it gives only a day, a metadata
    date-time on that same (local) day supplies the time; metadata may write
    another UTC offset, it is the same instant. When neither gives a date, the
    day in the article's *url* path is the publication day (:class:`UrlDay`).
    """
    if isinstance(visible, datetime):
        return visible, local_date(visible, tz)
    if isinstance(declared, datetime) and (visible is None or local_date(declared, tz) == visible):
        return declared, local_date(declared, tz)
    if visible is not None:
        return None, visible
    if declared is not None:
        return None, declared
    return None, url_day(url) if url else None


def resolve_modified(
    visible: datetime | date | None, declared: datetime | date | None, published_at: datetime | None
) -> datetime | None:
    """The modification instant: the visible update line, else metadata unlike publication.

    CMSes write ``dateModified`` equal to ``datePublished`` on pages never
    edited; that is not a modification.
    """
    for value in (visible, declared):
        if isinstance(value, datetime) and value != published_at:
            return value
    return None


def body_times(container: Any, tz: str | tzinfo, stop: Any = _never) -> list[datetime]:
    """The date-times printed inside a body (live-blog entries' times), in page order.

    Read from ``<time datetime>`` when present, else from the element's text
    with the Arabic date parser; a bare ``HH:MM`` gets no date and is skipped.
    Nothing from the first box that ends the article (*stop*, as for
    :func:`text_lines`) on is read: comments and related lists carry dates too.
    """
    root = getattr(container, "root", container)
    found: list[datetime] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if stop(el):
            break
        if not is_timestamp(el):
            continue
        attr = (el.get("datetime") or "").strip()
        value = parse_iso_datetime(attr, tz) if attr else None
        if value is None:
            text = clean_text("".join(el.itertext()))
            value = parse_arabic_date(text, tz) if text else None
        if isinstance(value, datetime):
            found.append(value)
    return found


def live_blog_modified(
    container: Any,
    tz: str | tzinfo,
    article_ld: dict[str, Any] | None = None,
    stop: Any = _never,
) -> datetime | None:
    """The time of the newest entry of a live blog, or None for an ordinary article.

    A body is taken for a live blog when JSON-LD says ``LiveBlogPosting`` or
    when it prints two or more entry times (read up to *stop*, see :func:`body_times`).
    """
    times = body_times(container, tz, stop)
    is_live = bool(article_ld) and "LiveBlogPosting" in types_of(article_ld)
    if times and (is_live or len(times) >= 2):
        return max(times)
    return None
