"""Page metadata: everything a page says about itself, read once into :class:`PageMetadata`.

Every outlet module (and the generic extraction) reads the same machine-readable
metadata the same way, from its JSON-LD (:mod:`crawler.jsonld`) and its
``<meta>``/``<link>`` elements (:mod:`crawler.meta_tags`); what an outlet *shows*
on the page (its visible dates, bylines, section labels) is read by the outlet,
which falls back on :func:`read_metadata` for what the page does not show.

Pure: :func:`read_metadata` takes a :class:`parsel.Selector` or a Scrapy
``TextResponse`` (whose cached selector is reused, so a page is parsed once),
does no I/O and never raises on malformed metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from crawler.dates import parse_iso_datetime
from crawler.elements import selector_of
from crawler.jsonld import (
    all_types,
    find_article,
    first_name,
    image_of,
    json_ld_objects,
    keywords_of,
    name_of,
    person_names,
)
from crawler.meta_tags import canonical_href, is_noindex, language_code, meta_content, meta_map
from crawler.urls import join_url


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


def _authors(
    ld: dict[str, Any],
    objects: list[dict[str, Any]],
    metas: dict[str, list[str]],
    outlets: list[str | None],
    host: str | None,
) -> list[str]:
    """The people the article credits: its JSON-LD ``author`` (a graph's references
    resolved), else its author meta tags; the outlet's names are no person's."""
    names = [n for n in outlets if n]
    refs = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    authors = (
        person_names(ld.get("author"), exclude=names, refs=refs, host=host)
        if "author" in ld
        else []
    )
    if authors:
        return authors
    # An author the JSON-LD declares an organisation is no person in the meta tags either.
    names += [n for n in (name_of(a) for a in _as_list(ld.get("author"))) if n]
    return person_names(
        metas.get("article:author", []) + metas.get("author", []), exclude=names, host=host
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


#: Second-level domains under a country's (``co.uk``, ``com.eg``): not the site's name.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "news"})


def _host_name(url: str) -> str | None:
    """The site's name as its host spells it: ``www.commercialappeal.com`` and
    ``news.bbc.co.uk`` give ``commercialappeal`` and ``bbc``."""
    labels = (urlsplit(url).hostname or "").split(".")[:-1]
    while len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    return labels[-1] if labels and labels[-1] != "www" else None


def parse_date_value(value: Any, tz: str | tzinfo | None = None) -> datetime | date | None:
    """An ISO 8601 metadata date as an aware UTC datetime (or a date when no time is given)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return parse_iso_datetime(value.strip(), tz)


# --------------------------------------------------------------------------- everything at once


def read_metadata(
    page: Any,
    tz: str | tzinfo | None = None,
    url: str | None = None,
    *,
    metas: dict[str, list[str]] | None = None,
) -> PageMetadata:
    """Read every machine-readable field of *page* once.

    *tz* is the zone for dates written without an offset; *url* (default: the
    response URL) resolves relative canonical and image links; *metas* is the page's
    :func:`crawler.meta_tags.meta_map` when the caller already has it.
    """
    sel = selector_of(page)
    base = url or getattr(page, "url", None) or ""
    metas = meta_map(sel) if metas is None else metas
    objects = json_ld_objects(sel)
    ld = find_article(objects) or {}

    def meta(*keys: str) -> str | None:
        return meta_content(sel, *keys, metas=metas)

    publisher = ld.get("publisher")
    site_name = meta("og:site_name") or first_name(publisher)

    canonical = (
        canonical_href(sel)
        or meta("og:url")
        or (ld.get("url") if isinstance(ld.get("url"), str) else None)
    )
    image = meta("og:image", "og:image:url", "twitter:image") or image_of(ld.get("image"))

    published = parse_date_value(
        meta("article:published_time", "og:published_time"), tz
    ) or parse_date_value(ld.get("datePublished"), tz)
    modified = parse_date_value(
        meta("article:modified_time", "og:updated_time"), tz
    ) or parse_date_value(ld.get("dateModified"), tz)

    authors = _authors(ld, objects, metas, [site_name, first_name(publisher)], _host_name(base))

    section = meta("article:section") or first_name(ld.get("articleSection"))
    tags = [t for t in metas.get("article:tag", []) if t] or keywords_of(ld.get("keywords"))

    html_lang = sel.root.get("lang") if sel.root is not None else None
    language = (
        language_code(ld.get("inLanguage"))
        or language_code(meta("og:locale"))
        or language_code(html_lang)
    )

    return PageMetadata(
        canonical_url=join_url(base, canonical) if canonical else None,
        title=meta("og:title") or name_of(ld.get("headline")),
        description=meta("og:description", "description") or name_of(ld.get("description")),
        published=published,
        modified=modified,
        authors=authors,
        section=section,
        tags=tags,
        image_url=join_url(base, image) if image else None,
        language=language,
        site_name=site_name,
        og_type=meta("og:type"),
        noindex=is_noindex(page, metas=metas),
        article_ld=ld or None,
        ld_types=all_types(objects),
    )
