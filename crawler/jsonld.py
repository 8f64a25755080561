"""JSON-LD: the schema.org objects a page declares about itself.

Pure functions over a parsel Selector or a Scrapy ``TextResponse`` (see
:func:`crawler.elements.selector_of`); none raises on malformed data: a broken
block, a list where an object was expected, a missing name is ignored.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from crawler.elements import selector_of

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

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_HTML_COMMENT = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_URL_LIKE = re.compile(r"^(?:https?:)?//|^/")


def parse_json_ld(text: str) -> Any:
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


def flatten_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: lists and ``@graph`` unrolled, in document order."""
    if isinstance(node, list):
        for child in node:
            yield from flatten_json_ld(child)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if isinstance(graph, (list, dict)):
            yield from flatten_json_ld(graph)
            if len(node) <= 2:  # only @context and @graph: a container, not a thing
                return
        yield node


def json_ld_objects(page: Any) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, flattened; malformed blocks are skipped."""
    objects: list[dict[str, Any]] = []
    for el in selector_of(page).root.iter("script"):
        if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
            objects.extend(flatten_json_ld(parse_json_ld(el.text)))
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


def name_of(value: Any) -> str | None:
    """The ``name`` of a JSON-LD thing given as a string or an object."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return name.strip() or None
    return None


def first_name(value: Any) -> str | None:
    """:func:`name_of` of a value or of the first item of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    return name_of(value)


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
        name = name_of(item)
        if not name or _URL_LIKE.match(name) or name.casefold() in excluded or name in names:
            continue
        names.append(name)
    return names


def image_of(value: Any) -> str | None:
    """The URL in a JSON-LD ``image`` value (string, ImageObject, or a list of them)."""
    if isinstance(value, list):
        for item in value:
            url = image_of(item)
            if url:
                return url
        return None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def keywords_of(value: Any) -> list[str]:
    """JSON-LD ``keywords`` as a list (it may be a comma-separated string)."""
    if isinstance(value, str):
        parts = re.split(r"[,،]", value)
    elif isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
    else:
        return []
    return [p.strip() for p in parts if p.strip()]


def all_types(objects: Iterable[dict[str, Any]]) -> set[str]:
    """Every ``@type`` of *objects* and of their ``mainEntity``: what the page says it is."""
    found: set[str] = set()
    for obj in objects:
        found |= types_of(obj)
        main = obj.get("mainEntity")
        if isinstance(main, dict):
            found |= types_of(main)
    return found
