"""JSON-LD: the schema.org objects a page declares about itself.

Pure functions over a parsel Selector or a Scrapy ``TextResponse`` (see
:func:`crawler.elements.selector_of`); none raises on malformed data: a broken
block, a list where an object was expected, a missing name is ignored.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
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
        if (el.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = el.text  # decoded anew at each reading: read once
        if text:
            objects.extend(flatten_json_ld(parse_json_ld(text)))
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


def person_names(
    author: Any,
    exclude: Iterable[str] = (),
    refs: dict[str, dict[str, Any]] | None = None,
    host: str | None = None,
) -> list[str]:
    """Names of the people in a JSON-LD ``author`` value, organisations left out.

    *exclude* lists names known to be the outlet's (publisher, site name): a CMS
    that writes the outlet's name as an author, or after the person's (``Jane Roe,
    USA TODAY``), is not crediting a person. *host* is the site's name as its host
    spells it (``commercialappeal``), known to be the outlet's only after a person's
    name (a personal site is often named after its author). *refs* maps ``@id`` to
    the page's objects: a graph often gives the author as a bare reference.
    """
    outlets = outlet_keys(exclude)
    after_name = outlets | outlet_keys([host] if host else [])
    items = author if isinstance(author, list) else [author]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"} and refs:
            item = refs.get(str(item.get("@id")), item)
        if isinstance(item, dict) and types_of(item) & ORGANIZATION_TYPES:
            continue
        raw = item.get("name") if isinstance(item, dict) else item
        for value in raw if isinstance(raw, list) else [raw]:
            name = clean_person_name(value, outlets, after_name) if isinstance(value, str) else None
            if name:
                names.append(name)
    return unique_names(names)


#: What opens a byline rather than a name, in the languages we read: ``By``, ``Written
#: by``, ``par``, ``بقلم``, ``كتب`` (a pattern to build on; match it case-insensitively).
BYLINE_LABELS = (
    r"(?:(?:written|posted|reported|authored|article|story|text|words|recipe|view all posts)"
    r"\s+by|by|authors?|par|von|por|بقلم|بواسطة|كتبت|كتب|كتابة|إعداد|اعداد|تحرير)"
)
#: A byline label before a declared name, with what separates it from the name.
_BYLINE_LABEL = re.compile(rf"^{BYLINE_LABELS}(?:\s*[:：/–—-]\s*|\s+)(?=\w)", re.IGNORECASE)
#: Punctuation around a name (``"David Kim"``, ``, USA TODAY``).
_EDGE_PUNCTUATION = "\"'“”‘’«»„,;:|·•-–—/ "
#: Where an outlet may follow the person's name: ``Jane Roe, The Commercial Appeal``,
#: ``Jane Roe - FullStack Editorial Team``, ``Jane Roe | Studio``.
_SEGMENT = re.compile(r"\s*(?:,|،|\|)\s*|\s+[-–—]\s+")
#: Words that make an outlet's name a team's rather than a person's (``Automateed Team``).
_COLLECTIVE = frozenset(
    {"the", "team", "staff", "editorial", "editors", "newsroom", "desk", "admin", "فريق"}
)
#: Names a CMS or template writes when no one is named.
_PLACEHOLDERS = frozenset(
    {
        "name",
        "author",
        "admin",
        "administrator",
        "user",
        "guest",
        "webmaster",
        "unknown",
        "null",
        "none",
        "undefined",
    }
)
#: A user name or an id, not a name: ``andrew.keaveney``, ``page.head.extra.author``,
#: ``jane_doe``, ``262588213843476``, ``3d23d65-ddc6-4ce5``, an address.
_IDENTIFIER = re.compile(r"^\S*(?:\d|_|@|/|\w{2}\.\w{2})\S*$")
_TEMPLATE = re.compile(r"[{}<>%$\[\]]|^(?:https?:|www\.)", re.IGNORECASE)


#: What an outlet's own name may leave out.
_THE = frozenset({"the"})


def outlet_keys(names: Iterable[str]) -> set[str]:
    """The outlet's names as compared with an author's: words joined, ``the`` left out."""
    return {k for k in (_name_key(n, drop=_THE) for n in names if n) if k}


# Cached: every page of an outlet compares its authors with the same site and publisher names.
@lru_cache(maxsize=4096)
def _name_key(name: str, drop: frozenset[str] = _COLLECTIVE) -> str:
    return "".join(w for w in re.findall(r"\w+", name.casefold()) if w not in drop)


def clean_person_name(
    value: str, outlets: set[str] = frozenset(), after_name: set[str] = frozenset()
) -> str | None:
    """A declared author's name as a reader would write it, or None when it names no one.

    HTML entities are decoded, a byline label (``By``, ``بقلم:``) and surrounding
    punctuation dropped, an outlet (*outlets*, *after_name*) named after the person
    cut off; a user name, an id, an address, a template placeholder or the outlet
    itself (*outlets*) is no name.
    """
    name = " ".join(html.unescape(value).split()).strip(_EDGE_PUNCTUATION)
    name = _BYLINE_LABEL.sub("", name).strip(_EDGE_PUNCTUATION)
    segments = _SEGMENT.split(name)
    while len(segments) > 1 and _name_key(segments[-1]) in (after_name or outlets):
        name = name[: name.rindex(segments[-1])].strip(_EDGE_PUNCTUATION)
        segments.pop()
    if not re.search(r"[^\W\d_]", name) or _is_not_a_name(name, outlets):
        return None
    return name


def _is_not_a_name(name: str, outlets: set[str]) -> bool:
    folded = name.casefold()
    if folded in _PLACEHOLDERS or _TEMPLATE.search(name) or _IDENTIFIER.match(name):
        return True
    # The outlet itself, or its team (``Automateed Team``).
    whole = _name_key(name, drop=_THE)
    team = _name_key(name)
    return whole in outlets or (team != whole and team in outlets)


def unique_names(names: Iterable[str]) -> list[str]:
    """*names* without repeats (case and spacing aside), nor a list of names already there
    (``Craig Randall, Alli Miles`` beside ``Craig Randall`` and ``Alli Miles``)."""
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(" ".join(name.casefold().split()), name)
    kept = []
    for key, name in found.items():
        parts = [p.strip() for p in re.split(r",|،|&| and | و", key) if p.strip()]
        if len(parts) > 1 and all(p in found and p != key for p in parts):
            continue
        kept.append(name)
    return kept


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
