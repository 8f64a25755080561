"""Is a page an article? Page-level evidence for and against.

Listings, section fronts, tag pages, product pages and forums are rejected;
articles are kept whatever boxes of related links they carry.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler.metadata import PageMetadata, element_text
from crawler.urls import canonicalize_url

_WORD = re.compile(r"\w+")

#: Least prose (characters) of an article with no article metadata.
MIN_TEXT_UNDECLARED = 400
#: Least prose (characters) of an article whatever it declares.
MIN_TEXT = 150
#: Above this share of the extracted text being link text, the page is a listing.
MAX_LINK_SHARE = 0.5
#: This many headline links after the headline make a page a listing.
MAX_HEADLINE_LINKS = 5


def _host_key(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def points_elsewhere(page_url: str, canonical: str) -> bool:
    """True when the page's canonical URL is another page of the site (not a respelling)."""
    a, b = urlsplit(canonicalize_url(page_url)), urlsplit(canonical)
    if _host_key(a.hostname) != _host_key(b.hostname):
        return True
    return (a.path.rstrip("/"), a.query) != (b.path.rstrip("/"), b.query)


def is_listing(root: Any, scope: Any | None, h1: Any | None, paragraphs: list[str]) -> bool:
    """True for a page listing other articles (section, tag, latest news)."""
    if not paragraphs or sum(len(p) for p in paragraphs) < MIN_TEXT:
        return True
    anchors = {element_text(a) for a in root.iter("a")}
    total = sum(len(p) for p in paragraphs)
    if sum(len(p) for p in paragraphs if p in anchors) > MAX_LINK_SHARE * total:
        return True
    if sum(1 for p in paragraphs if p.endswith(("...", "…"))) > MAX_LINK_SHARE * len(paragraphs):
        return True
    if scope is None or h1 is None:
        return False
    headlines: set[str] = set()
    after = False
    for el in scope.iter():
        if el is h1:
            after = True
        elif after and el.tag == "a" and el.get("href"):
            text = element_text(el)
            parent = el.getparent()
            if len(_WORD.findall(text)) >= 4 and element_text(parent) == text:
                headlines.add(el.get("href"))
    return len(headlines) >= MAX_HEADLINE_LINKS


def enough_evidence(meta: PageMetadata, paragraphs: list[str], dated: bool) -> bool:
    """Article metadata, or enough prose and a date (static pages, videos have neither)."""
    declared = meta.article_ld is not None or (meta.og_type or "").lower() in (
        "article",
        "news",
        "newsarticle",
    )
    if declared:
        return True
    return sum(len(p) for p in paragraphs) >= MIN_TEXT_UNDECLARED and dated
