"""Finding article URLs: robots.txt, sitemaps (Google News included), RSS/Atom feeds.

Pure functions over bytes. Scrapy's own sitemap parser drops the ``news:``
elements; here every entry keeps its publication date and title as hints.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

logger = logging.getLogger(__name__)

_SITEMAP_LINE = re.compile(rb"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """One URL found in a sitemap or feed, with what the source said about it."""

    url: str
    title: str | None = None
    published: str | None = None
    """Publication date as the source wrote it (ISO 8601 in sitemaps, RFC 822 in RSS)."""
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: either an index of other sitemaps, or a list of pages."""

    is_index: bool
    entries: list[Entry]


def robots_sitemaps(body: bytes) -> list[str]:
    """The ``Sitemap:`` URLs a robots.txt names, in order."""
    return [m.group(1).decode("utf-8", "replace") for m in _SITEMAP_LINE.finditer(body)]


def _parser() -> etree.XMLParser:
    # resolve_entities/no_network: sitemaps are untrusted input (XXE, billion laughs).
    return etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *path: str) -> str | None:
    """Text of the first descendant following local names ``path``, namespace-blind."""
    current = [element]
    for name in path:
        current = [child for node in current for child in node if _local(child.tag) == name]
        if not current:
            return None
    text = (current[0].text or "").strip()
    return text or None


def _xml_root(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, _parser())
    except etree.XMLSyntaxError:
        return None


def parse_sitemap(body: bytes) -> Sitemap | None:
    """Parse a sitemap or sitemap index; None when ``body`` is neither."""
    root = _xml_root(body)
    if root is None:
        return None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for node in root:
        if _local(node.tag) != child:
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        entries.append(
            Entry(
                url=loc,
                lastmod=_child_text(node, "lastmod"),
                title=_child_text(node, "news", "title"),
                published=_child_text(node, "news", "publication_date"),
            )
        )
    return Sitemap(is_index=kind == "sitemapindex", entries=entries)


def parse_feed(body: bytes) -> list[Entry] | None:
    """Items of an RSS 2.0 or Atom feed; None when ``body`` is not a feed."""
    root = _xml_root(body)
    if root is None:
        return None
    kind = _local(root.tag)
    if kind == "rss":
        items = [item for channel in root for item in channel if _local(item.tag) == "item"]
        return [entry for entry in map(_rss_entry, items) if entry]
    if kind == "feed":
        return [
            entry
            for entry in map(_atom_entry, (e for e in root if _local(e.tag) == "entry"))
            if entry
        ]
    return None


def _rss_entry(item: etree._Element) -> Entry | None:
    link = _child_text(item, "link") or _child_text(item, "guid")
    if not link:
        return None
    return Entry(url=link, title=_child_text(item, "title"), published=_child_text(item, "pubDate"))


def _atom_entry(entry: etree._Element) -> Entry | None:
    links = [node for node in entry if _local(node.tag) == "link"]
    alternate = [n for n in links if n.get("rel", "alternate") == "alternate" and n.get("href")]
    if not alternate:
        return None
    return Entry(
        url=alternate[0].get("href"),
        title=_child_text(entry, "title"),
        published=_child_text(entry, "published") or _child_text(entry, "updated"),
        lastmod=_child_text(entry, "updated"),
    )
