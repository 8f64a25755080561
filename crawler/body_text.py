"""The text of an article container, cut into paragraphs, and the times printed in it.

The same for every outlet: outlets say *which* elements to leave out (their
captions, datelines, related boxes) and which boxes end the article; this walker
does the cutting: block elements and ``<br>`` end a line, every line is a
paragraph, and pages whose text sits directly in the container between
``<br><br>`` work like pages with ``<p>``. Live blogs' entry times are read
here too (:func:`live_blog_modified`), skipped by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from lxml import etree

from crawler.dates import parse_arabic_date, parse_iso_datetime
from crawler.jsonld import types_of
from crawler.text import clean_text, is_read_also

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


def is_timestamp(el: Any) -> bool:
    """True for a ``<time>`` element or one whose class names a time or date (``entry-time``)."""
    if el.tag == "time":
        return True
    names = el.get("class")
    return bool(names) and _names_timestamp(names)


@lru_cache(maxsize=4096)
def _names_timestamp(names: str) -> bool:
    """Whether a class attribute names a time or date; cached like :func:`_is_end_name`."""
    return any(_TIMESTAMP_CLASS.match(token) for token in names.split())


@lru_cache(maxsize=4096)
def _names_not_text(names: str) -> bool:
    """Whether a class attribute names an embed or a timestamp, whose text is not the
    article's: one reading of the attribute and one cached answer an element."""
    return not EMBED_CLASSES.isdisjoint(names.split()) or _names_timestamp(names)


def _walk(el: Any, out: _LineCollector, skip: Any, stop: Any, in_link: bool) -> None:
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction: only its tail counts
        return
    tag = tag.lower()
    if tag == "br":
        out.break_line()
        return
    # A <time> is among NEVER_TEXT_TAGS: what is_timestamp adds is its classes.
    names = el.get("class")
    if tag in NEVER_TEXT_TAGS or (names and _names_not_text(names)) or skip(el):
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
    _walk_content(el, out, skip, stop, link)
    if out.stopped:
        return
    if label_candidate:
        out.label = "".join(el.itertext()).strip()
    if block:
        out.break_line()
        out.owners.pop()


def _walk_content(el: Any, out: _LineCollector, skip: Any, stop: Any, link: bool) -> None:
    """The text of ``el`` and of its children with their tails, until a box that ends it."""
    # lxml decodes .text and .tail anew at each reading: each is read once.
    text = el.text
    if text:
        out.add(text, link)
    for child in el:
        _walk(child, out, skip, stop, link)
        if out.stopped:
            return
        tail = child.tail
        if tail:
            out.add(tail, link)


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
    _walk_content(root, out, skip, stop, False)
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
    classes = el.get("class")
    ident = el.get("id")
    if not classes and not ident:  # most of a body's elements
        return False
    names = f"{classes or ''} {ident or ''}".lower().split()
    return any(_is_end_name(name) for name in names)


@lru_cache(maxsize=4096)
def _is_end_name(name: str) -> bool:
    """Whether one lower-cased class or id names a box after the text; cached, since the
    walks ask it of every element and a site's pages reuse a few hundred names."""
    words = set(re.split(r"[-_]", name))
    return "inline" not in words and bool(words & _END_WORDS)


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
    lead = _LEADING_LIVE_LABEL.match(text)
    rest = text[lead.end() :] if lead else text
    # A line that is a badge alone starts with one: without a leading badge there is no
    # need to ask.
    if not rest.strip() or (lead and _LIVE_LABEL_LINE.match(text)):
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


#: The elements of a subtree that can be a timestamp or a box ending the article, in document
#: order: a <time>, or one with a class or an id. Selected in C: most of a body is neither,
#: and a Python loop paid for an element object and two tests each. A union of three steps:
#: libxml2 merges them faster than it tests a predicate with "or".
_NAMED_OR_TIME = etree.XPath(
    "descendant-or-self::*[@class] | descendant-or-self::*[@id] | descendant-or-self::time"
)


def body_times(container: Any, tz: str | tzinfo, stop: Any = _never) -> list[datetime]:
    """The date-times printed inside a body (live-blog entries' times), in page order.

    Read from ``<time datetime>`` when present, else from the element's text
    with the Arabic date parser; a bare ``HH:MM`` gets no date and is skipped.
    Nothing from the first box that ends the article (*stop*, as for
    :func:`text_lines`) on is read: comments and related lists carry dates too.
    Boxes are named: *stop* is asked only of elements with a class or an id.
    """
    root = getattr(container, "root", container)
    found: list[datetime] = []
    for el in _NAMED_OR_TIME(root):
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
