"""Outlet-independent readings of the visible page: headline, byline, section, image.

The page's machine-readable metadata (:mod:`crawler.metadata`) comes first;
these fill what it does not say, from the shapes news pages share: the ``h1``
matching the declared title, the element around it holding the byline and the
breadcrumb, the first figure of the article.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from crawler.elements import element_text
from crawler.metadata import PageMetadata
from crawler.text import clean_text

_WORD = re.compile(r"\w+")
#: Class or id tokens of a byline.
_AUTHOR_CLASS = re.compile(r"author|byline|writer", re.IGNORECASE)
#: Boxes inside an article container that hold other articles or readers' text.
ELSEWHERE_CLASS = re.compile(
    r"card|related|comment|sidebar|widget|most-read|share|teaser|recommend", re.IGNORECASE
)
#: "By", "بقلم:", "كتب:" before a byline's name.
_BYLINE_LABEL = re.compile(r"^\s*(?:by|par|بقلم|كتب|كتبت|إعداد|اعداد)\s*[:：]?\s*", re.I)
#: The site name after a ``<title>``'s headline (``Headline - Site``, ``Headline | Site``).
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:·]\s+[^-|–—]+$")
_SENTENCE_END = re.compile(r"[.!?؟:،,;؛…。！？]$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's words that the other one has (0..1)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def classes(el: Any) -> str:
    """An element's class and id, where pages name what a box is."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def headline(root: Any, meta: PageMetadata) -> tuple[Any | None, str]:
    """The headline element and text: the ``h1`` the declared title matches.

    Pages often declare a title that differs in punctuation from the shown one
    (quotes dropped in ``og:title``); the shown ``h1`` is stored, as outlet
    spiders do. A page with several ``h1`` (logo, section name) gets the one
    sharing most words with the declared or ``<title>`` title.
    """
    h1s = [(el, element_text(el)) for el in root.iter("h1")]
    h1s = [(el, text) for el, text in h1s if text]
    page_title = element_text(next(root.iter("title"), None))
    reference = meta.title or page_title
    if h1s and reference:
        el, text = max(h1s, key=lambda pair: overlap(pair[1], reference))
        if overlap(text, reference) >= 0.6:
            return el, text
    if meta.title:
        return (h1s[0][0] if len(h1s) == 1 else None), clean_text(meta.title)
    if len(h1s) == 1:
        return h1s[0]
    return None, clean_text(_TITLE_SUFFIX.sub("", page_title))


def container(h1: Any) -> Any:
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


def headings(scope: Any, h1: Any | None) -> set[str]:
    """Texts of the headings the body must not repeat: the headline and what comes before
    it in its container (kicker, section label), the :func:`subtitle` the item stores
    apart, and the headings of boxes that are not the article (related stories,
    comments, widgets). The article's own subheadings are part of its text."""
    kicker = h1 is not None
    sub = subtitle(h1)
    found = {sub} if sub else set()
    for el in scope.iter(*_HEADINGS):
        if el is h1:
            kicker = False
        if kicker or el is h1 or _in_box(el, scope):
            text = element_text(el)
            if text:
                found.add(text)
    return found


def _in_box(el: Any, scope: Any) -> bool:
    """True when *el* is inside a box of other articles or readers' text within *scope*."""
    for parent in el.iterancestors():
        if parent is scope:
            return False
        if ELSEWHERE_CLASS.search(classes(parent)):
            return True
    return False


def is_dateline(paragraph: str) -> bool:
    """A short place label opening the body (``مركز الأخبار``, ``واشنطن ـ المغرب اليوم``)."""
    words = _WORD.findall(paragraph)
    return 0 < len(words) <= 5 and not _SENTENCE_END.search(paragraph)


def subtitle(h1: Any | None) -> str | None:
    """An ``h2`` right before or after the headline (kicker, spot)."""
    if h1 is None:
        return None
    for el in (h1.getprevious(), h1.getnext()):
        if el is not None and el.tag == "h2":
            text = element_text(el)
            if text:
                return text
    return None


def byline(scope: Any | None, h1: Any | None) -> list[str]:
    """A byline after the headline (``<span class="author">``), label removed."""
    if scope is None or h1 is None:
        return []
    after = False
    for el in scope.iter():
        if el is h1:
            after = True
            continue
        if not after or not isinstance(el.tag, str) or el.tag in ("a", "img"):
            continue
        names = classes(el)
        if _AUTHOR_CLASS.search(names) and not ELSEWHERE_CLASS.search(names):
            name = _BYLINE_LABEL.sub("", element_text(el)).strip()
            # A name, not a sentence or a date line.
            if name and len(_WORD.findall(name)) <= 6 and not re.search(r"\d", name):
                return [name]
    return []


def breadcrumb_section(scope: Any | None, title: str) -> str | None:
    """The last breadcrumb item before the headline (after «home»)."""
    if scope is None:
        return None
    for el in scope.iter():
        if isinstance(el.tag, str) and "breadcrumb" in classes(el).lower():
            crumbs = [element_text(a) for a in el.iter("a")][1:]
            crumbs = [c for c in crumbs if c and c != title]
            return crumbs[-1] if crumbs else None
    return None


def keywords(metas: dict[str, list[str]]) -> list[str]:
    """``news_keywords`` (else ``keywords``) as a list of tags."""
    for key in ("news_keywords", "keywords"):
        for value in metas.get(key, ()):
            tags = [t.strip() for t in re.split(r"[,،]", value) if t.strip()]
            if tags:
                return tags
    return []


def lead_image(scope: Any | None, url: str) -> str | None:
    """The first figure image of the article container."""
    if scope is None:
        return None
    for figure in scope.iter("figure"):
        img = next(figure.iter("img"), None)
        src = (img.get("src") or "").strip() if img is not None else ""
        if src:
            return urljoin(url, src)
    return None
