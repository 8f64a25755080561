"""An outlet's article page, read with the class names its spider declares.

An outlet spider says where its article pages put each field in an
:class:`ArticleLayout` (class names inside the article container, as the
outlet's templates write them); :func:`read_article` turns a page into an item
with it, falling back on the page's metadata (:func:`crawler.metadata.read_metadata`)
for what the layout does not name or the page does not show.

Pure: a response in, an item (or None for a page that is not an article) out,
no settings and no I/O. The title and the body make the article: a page without
them is not one. Every other field is read on its own: a field whose reading
raises is left empty and reported in :attr:`OutletArticle.field_errors`, and the
article is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from scrapy.http import TextResponse

from crawler.body_text import body_paragraphs, ends_article, live_blog_modified, text_lines
from crawler.dates import parse_arabic_date, parse_iso_datetime, resolve_modified, resolve_published
from crawler.elements import class_index, element_text, first, has_class, selector_of
from crawler.items import ArticleItem
from crawler.language import LANGUAGE_SAMPLE, detect_language
from crawler.metadata import PageMetadata, read_metadata
from crawler.outlet import OutletInfo
from crawler.text import join_paragraphs
from crawler.urls import join_url, url_to_store

T = TypeVar("T")

#: A label before a date ("تم التحديث:", "آخر تحديث:") that the date parser need not see.
_DATE_LABEL = re.compile(r"^[^:\d٠-٩]*:\s*")

#: "بقلم:" ("by") before a byline written as plain text.
_BYLINE_LABEL = re.compile(r"^\s*بقلم\s*[:：]?\s*")


@dataclass(frozen=True)
class ArticleLayout:
    """Where an outlet's article pages put each field.

    Every name but :attr:`article` is a class token of an element inside the
    article container; a field left None is read from the page's metadata alone.
    """

    article: str
    """CSS selector of the article container (``article.news-detail``)."""

    title: str
    """Class of the headline ``h1``."""

    body: str
    """Class of the element holding the article's text."""

    subtitle: str | None = None
    """Class of the kicker or spot shown with the title."""

    date: str | None = None
    """Class of the printed publication date; its ``datetime`` attribute is read too."""

    time: str | None = None
    """Class of a publication time printed apart from the date (``19:10``)."""

    updated: str | None = None
    """Class of the "updated" line (``تم التحديث: ...``), on edited pages."""

    authors: str | None = None
    """Class of each element naming one author."""

    byline: str | None = None
    """Class of a byline written as plain text (``بقلم: ...``), read when no :attr:`authors`."""

    section: str | None = None
    """Class of the section label."""

    breadcrumb: str | None = None
    """Class of the breadcrumb list: its last item after the home link is the section."""

    tags: str | None = None
    """Class of the tag boxes: their links are the tags."""

    image: str | None = None
    """Class of the lead figure: its first ``img`` is the lead image."""

    dateline: str | None = None
    """Class of the place label or dateline, which is kept out of the body."""

    not_text: frozenset[str] = frozenset()
    """Classes of elements inside the body that are not its text (captions, related links)."""

    ends_text: frozenset[str] = frozenset()
    """Classes of the boxes after the text (tags, share links, comments, related cards).

    When a page leaves the body unclosed they are parsed inside it: the text ends at
    the first one, as it does at any box :func:`crawler.body_text.ends_article` knows."""


@dataclass(frozen=True)
class FieldError:
    """A field of an article whose reading raised; the field was left empty."""

    field: str
    error: Exception


@dataclass
class OutletArticle:
    """The article of one page, and the fields that could not be read."""

    item: ArticleItem
    field_errors: list[FieldError] = field(default_factory=list)


class _Fields:
    """Reads the optional fields one by one, each failure recorded and left empty."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def read(self, name: str, empty: T, reader: Callable[..., T], *args: Any) -> T:
        try:
            return reader(*args)
        except Exception as error:
            self.errors.append(FieldError(name, error))
            return empty


def read_article(
    response: TextResponse, layout: ArticleLayout, outlet_name: str, outlet: OutletInfo
) -> OutletArticle | None:
    """The article on *response* as *layout* places it, or None when the page is not one.

    Not an article: a page asking not to be indexed (print versions, short links,
    logins copy other pages), one without the article container, its title or any
    paragraph of text.
    """
    tz = outlet.timezone
    meta = read_metadata(response, tz=tz)
    if meta.noindex:
        return None
    container = _container(response, layout.article)
    if container is None:
        return None
    nodes = class_index(container)
    title = element_text(first(nodes, layout.title, "h1"))
    body_node = first(nodes, layout.body)
    if not title or body_node is None:
        return None
    skip_classes = layout.not_text | ({layout.dateline} if layout.dateline else set())

    def not_text(el: Any) -> bool:
        return has_class(el, skip_classes)

    def ends_text(el: Any) -> bool:
        return has_class(el, layout.ends_text) or ends_article(el)

    paragraphs = body_paragraphs(text_lines(body_node, skip=not_text, stop=ends_text))
    if not paragraphs:
        return None
    body = join_paragraphs(paragraphs)
    url = url_to_store(response.url, meta.canonical_url or response.url)

    fields = _Fields()
    published_at, published_date = fields.read(
        "published", (None, None), _published, nodes, layout, meta, tz, response.url
    )
    modified_at = fields.read(
        "modified", None, _modified, nodes, layout, meta, tz, body_node, ends_text, published_at
    )
    item = ArticleItem(
        url=url,
        outlet=outlet_name,
        title=title,
        body=body,
        subtitle=fields.read("subtitle", None, _text_of, nodes, layout.subtitle),
        authors=fields.read("authors", [], _authors, nodes, layout, meta),
        section=fields.read("section", None, _section, nodes, layout, meta),
        tags=fields.read("tags", [], _tags, nodes, layout, meta),
        # A few paragraphs decide the language as well as the whole text, much faster.
        language=fields.read(
            "language", None, detect_language, body[:LANGUAGE_SAMPLE], outlet.language
        ),
        published_at=published_at,
        published_date=published_date,
        modified_at=modified_at,
        image_url=fields.read("image_url", None, _image, nodes, layout, url, meta),
        dateline=fields.read("dateline", None, _text_of, nodes, layout.dateline),
        fetched_url=response.url,
    )
    return OutletArticle(item, fields.errors)


#: A ``tag.class`` selector (``article.news-detail``), the way layouts name their container.
_TAG_DOT_CLASS = re.compile(r"([a-z][a-z0-9]*)\.([A-Za-z_][A-Za-z0-9_-]*)")

#: What XPath's normalize-space, which the CSS class test is translated to, takes for space.
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _container(response: TextResponse, css: str) -> Any | None:
    """The first element of *response* that the CSS selector *css* selects, or None.

    A ``tag.class`` selector on an HTML page is answered by walking that tag's elements and
    testing their class tokens as the CSS query's XPath does: the same element, without
    translating, compiling and running the query over the page.
    """
    simple = _TAG_DOT_CLASS.fullmatch(css)
    selector = selector_of(response)
    if simple is None or selector.type != "html":
        found = selector.css(css)
        return found[0].root if found else None
    tag, class_name = simple.groups()
    for el in selector.root.iter(tag):
        if class_name in _XML_SPACE.split(el.get("class") or ""):
            return el
    return None


def _text_of(nodes: dict[str, list[Any]], class_name: str | None) -> str | None:
    """The text of the first element of *class_name*, or None when there is none or it is empty."""
    if class_name is None:
        return None
    return element_text(first(nodes, class_name)) or None


def _visible_date(
    nodes: dict[str, list[Any]], layout: ArticleLayout, tz: str
) -> tuple[datetime | date | None, datetime | date | None]:
    """The publication date the page shows: ``(as printed, as in its datetime attribute)``.

    A time printed apart from the date is read with it as one ``date | time`` string.
    """
    date_node = first(nodes, layout.date) if layout.date else None
    text = element_text(date_node)
    time_text = _text_of(nodes, layout.time)
    if time_text:
        text = f"{text} | {time_text}"
    printed = parse_arabic_date(text, tz) if text else None
    attr = (date_node.get("datetime") or "").strip() if date_node is not None else ""
    machine = parse_iso_datetime(attr, tz) if attr else None
    return printed or machine, machine


def _published(
    nodes: dict[str, list[Any]], layout: ArticleLayout, meta: PageMetadata, tz: str, url: str
) -> tuple[datetime | None, date | None]:
    visible, machine = _visible_date(nodes, layout, tz)
    # A datetime attribute on the date line is the page's own machine-readable date: it
    # outranks og/JSON-LD when the visible text gives only the day.
    declared = machine if isinstance(machine, datetime) else meta.published
    return resolve_published(visible, declared, tz, url)


def _modified(
    nodes: dict[str, list[Any]],
    layout: ArticleLayout,
    meta: PageMetadata,
    tz: str,
    body_node: Any,
    ends_text: Callable[[Any], bool],
    published_at: datetime | None,
) -> datetime | None:
    updated_text = _DATE_LABEL.sub("", _text_of(nodes, layout.updated) or "", count=1)
    updated = parse_arabic_date(updated_text, tz) if updated_text else None
    if updated is None:  # a live blog is modified by its newest entry
        updated = live_blog_modified(body_node, tz, meta.article_ld, stop=ends_text)
    return resolve_modified(updated, meta.modified, published_at)


def _authors(nodes: dict[str, list[Any]], layout: ArticleLayout, meta: PageMetadata) -> list[str]:
    """The byline's names; else the people the metadata credits (never the organisation)."""
    names = [n for n in (element_text(el) for el in nodes.get(layout.authors or "", ())) if n]
    byline = _text_of(nodes, layout.byline)
    if not names and byline:
        name = _BYLINE_LABEL.sub("", byline)
        names = [name] if name else []
    return names or list(meta.authors)


def _section(nodes: dict[str, list[Any]], layout: ArticleLayout, meta: PageMetadata) -> str | None:
    return _text_of(nodes, layout.section) or _last_crumb(nodes, layout.breadcrumb) or meta.section


def _last_crumb(nodes: dict[str, list[Any]], class_name: str | None) -> str | None:
    """The breadcrumb's last item after the first (home)."""
    breadcrumb = first(nodes, class_name) if class_name else None
    if breadcrumb is None:
        return None
    crumbs = [c for c in (element_text(li) for li in list(breadcrumb.iter("li"))[1:]) if c]
    return crumbs[-1] if crumbs else None


def _tags(nodes: dict[str, list[Any]], layout: ArticleLayout, meta: PageMetadata) -> list[str]:
    boxes = nodes.get(layout.tags or "", ())
    tags = [t for t in (element_text(a) for box in boxes for a in box.iter("a")) if t]
    return tags or meta.tags


def _image(
    nodes: dict[str, list[Any]], layout: ArticleLayout, url: str, meta: PageMetadata
) -> str | None:
    """Absolute URL of the lead image, resolved against the stored (production) URL."""
    figure = first(nodes, layout.image) if layout.image else None
    img = next(figure.iter("img"), None) if figure is not None else None
    src = (img.get("src") or "").strip() if img is not None else ""
    return join_url(url, src) if src else meta.image_url
