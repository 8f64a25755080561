"""``<meta>`` and ``<link>`` elements: Open Graph, ``article:*``, robots, refresh, canonical.

Pure functions over a parsel Selector or a Scrapy ``TextResponse`` (see
:func:`crawler.elements.selector_of`).
"""

from __future__ import annotations

import re
from typing import Any

from crawler.elements import selector_of


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


def language_code(value: Any) -> str | None:
    """``ar_AR``, ``ar-SY``, ``AR`` -> ``ar``."""
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower() or None
