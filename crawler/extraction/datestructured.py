"""Dates stated as data: the JSON-LD's objects, microdata values and the page's script data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crawler.extraction.dateurl import url_slug
from crawler.extraction.datevalue import (
    MAX_LINE,
    When,
    element_text,
    machine_date,
    printed_date,
)
from crawler.jsonld import ARTICLE_TYPES, flatten_json_ld, parse_json_ld, types_of

#: JSON-LD types describing the page rather than the article (their date is the page's).
_PAGE_TYPE = re.compile(r"Page$")
#: JSON-LD types of what an article page is about, besides articles proper.
_ARTICLE_LIKE = re.compile(r"Article$|Posting$|^(?:Recipe|Review|Question|Report|Blog)$")

#: A publication date in a script's data: ``"datePublished":"..."``, ``\\"publishedAt\\":``.
_SCRIPT_DATE = re.compile(
    r'\\?"(?P<key>datePublished|date_?published|published_?at|publishedAt|publish_?date|'
    r'publishedDate|pubDate|first_?published_?at|firstPublishedAt|originalPublishDate)\\?"'
    r'\s*:\s*\\?"(?P<value>[^"\\]{6,40})'
)
#: Characters between a date and the page's slug in a script for the date to be the page's.
SCRIPT_TIE = 1500


def _ld_objects(texts: list[str]) -> Iterator[dict[str, Any]]:
    for text in texts:
        for obj in flatten_json_ld(parse_json_ld(text)):
            yield obj
            main = obj.get("mainEntity")
            if isinstance(main, dict):
                yield main


def ld_dates(texts: list[str]) -> tuple[list[Any], list[Any], list[Any]]:
    """``(article dates, page dates, article modified)`` of the JSON-LD, raw values.

    The article's are the first article-like object's (never a breadcrumb's, an
    organisation's or a related item's); the page's are its ``WebPage``'s.
    """
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


def microdata_date(el: Any, lang: str | None) -> When | None:
    """The date of an ``itemprop`` element: its ``content`` or ``datetime``, else its text."""
    value = el.get("content") or el.get("datetime")
    if value:
        return machine_date(value, lang)
    text = element_text(el)
    return printed_date(text, lang) if len(text) <= MAX_LINE else None


def script_dates(scripts: list[str], url: str, lang: str | None) -> list[When]:
    """Publication dates in the page's script data (Next.js, Nuxt, analytics objects).

    A blob may date other items too (related stories, the author): dates next
    to the page's own slug come first, closest first; otherwise the first one.
    ``createdAt`` is not read: it dates any object (a user, a school, a site).
    """
    slug = url_slug(url)
    tied: list[tuple[int, When]] = []
    untied: list[When] = []
    for text in scripts:
        # Every key but pubDate holds "ublish": a script with neither states no date, and
        # two substring searches cost far less than the pattern's scan of a long script.
        if "ublish" not in text and "pubDate" not in text:
            continue
        slug_at = [m.start() for m in re.finditer(re.escape(slug), text)] if slug else []
        for m in _SCRIPT_DATE.finditer(text):
            when = machine_date(m["value"], lang)
            if when is None:
                continue
            gap = min((abs(m.start() - at) for at in slug_at), default=SCRIPT_TIE + 1)
            if gap <= SCRIPT_TIE:
                tied.append((gap, when))
            else:
                untied.append(when)
    tied.sort(key=lambda pair: pair[0])
    return [w for _, w in tied] + untied[:1]
