"""«الدار البيضاء اليوم» (casablancatoday.com): Moroccan site of the Arabs Today network.

Article page, as the site lays it out (all times GMT)::

    <article class="article-details">
      div.article-category > a          section label
      h2.article-subtitle               subtitle, shown *above* the title
      h1.article-title
      div.article-date                  "GMT 06:25 2019 الخميس ,07 شباط / فبراير"
      div.article-updated               "آخر تحديث: GMT 10:47 ..." (edited pages only)
      div.article-writer .writer-name   byline "بقلم: ..." (some pages)
      figure.article-image              lead image and caption
      div.article-body
        p.article-dateline              "واشنطن ـ المغرب اليوم"
        p ...                           the paragraphs, with "read also" lines among them:
        div.inline-related, p.read-also, p > strong "أقرأ أيضًا:" + a,
        p > strong "وقد يهمك أيضًا:" + a, then one or two p > a
      div.article-tags a                "الكلمات الدالة"
    </article>

Traps: the top bar's ``آخر تحديث GMT 06:25:28`` is a site clock, and the
comments and the related list carry other dates; only the header's
``div.article-date`` is the publication time. Print versions
(``/print/<id>.html``) are ``noindex`` copies of the article.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urljoin

from scrapy.http import Response

from crawler.dates import parse_arabic_date
from crawler.items import ArticleItem
from crawler.language import detect_language
from crawler.metadata import (
    LANGUAGE_SAMPLE,
    PageMetadata,
    body_paragraphs,
    class_index,
    element_text,
    ends_article,
    first,
    live_blog_modified,
    read_metadata,
    resolve_modified,
    resolve_published,
    text_lines,
)
from crawler.outlet import OutletInfo
from crawler.spiders.base import OutletSpider
from crawler.text import join_paragraphs
from crawler.urls import canonical_url

ORIGIN = "https://www.casablancatoday.com"

#: Sections as they appear in URLs (``/<section>/<yyyy>/<mm>/<dd>/<id>.html``).
SECTIONS = ("morocco", "world", "economy", "sport", "culture", "opinion")

#: Classes of body elements that are not article text.
_SKIP_CLASSES = frozenset({"article-dateline", "read-also", "inline-related"})

#: Classes of the boxes after the text (tags, print and share tools, app links, comments,
#: related list): when the page leaves ``div.article-body`` unclosed they are parsed
#: inside it, and end the body.
_END_CLASSES = frozenset(
    {
        "article-tags",
        "article-tools",
        "share-box",
        "apps-box",
        "comments-section",
        "share-title",
        "related-news",
    }
)

#: "بقلم:" ("by") before a byline written as plain text.
_BYLINE_LABEL = re.compile(r"^\s*بقلم\s*[:：]?\s*")

#: A label before a date ("آخر تحديث:") that the date parser need not see.
_DATE_LABEL = re.compile(r"^[^:\d٠-٩]*:\s*")


def _skip(el: Any) -> bool:
    """Body elements left out: the dateline and the related links set among the paragraphs."""
    return bool(_SKIP_CLASSES.intersection((el.get("class") or "").split()))


def _ends_body(el: Any) -> bool:
    """The first box after the article's text, this outlet's or any page's."""
    return bool(_END_CLASSES.intersection((el.get("class") or "").split())) or ends_article(el)


class CasablancatodaySpider(OutletSpider):
    """Spider of casablancatoday.com."""

    name = "casablancatoday"
    outlet: ClassVar[OutletInfo] = OutletInfo(
        title="الدار البيضاء اليوم",
        base_url=f"{ORIGIN}/",
        language="ar",
        country="MA",
        timezone="UTC",
        schedule="*/30 * * * *",
        sitemap_urls=(f"{ORIGIN}/sitemaps/news.xml", f"{ORIGIN}/sitemap.xml"),
        feed_urls=(f"{ORIGIN}/rss.xml",),
        listing_urls=(f"{ORIGIN}/latest/", *(f"{ORIGIN}/{s}/" for s in SECTIONS)),
        article_url_patterns=(
            # News: dated path under a section; /print/ and /video/ ids have no date.
            r"^/(?!print/|video/|tag/)[a-z][a-z-]*/\d{4}/\d{2}/\d{2}/\d+\.html$",
            # Opinion columns carry no date in the URL.
            r"^/opinion/\d+\.html$",
        ),
    )

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Read one article page; None for every other page (print, tag, section, video...)."""
        meta = read_metadata(response, tz=self.outlet.timezone)
        if meta.noindex:  # print versions and the editors' login
            return None
        article = response.css("article.article-details")
        if not article:
            return None
        nodes = class_index(article[0])
        title = element_text(first(nodes, "article-title", "h1"))
        body_node = first(nodes, "article-body")
        if not title or body_node is None:
            return None
        paragraphs = body_paragraphs(text_lines(body_node, skip=_skip, stop=_ends_body))
        if not paragraphs:
            return None
        body = join_paragraphs(paragraphs)

        tz = self.outlet.timezone
        date_text = element_text(first(nodes, "article-date"))
        visible = parse_arabic_date(date_text, tz) if date_text else None
        published_at, published_date = resolve_published(visible, meta.published, tz, response.url)
        updated_text = _DATE_LABEL.sub("", element_text(first(nodes, "article-updated")), count=1)
        updated = parse_arabic_date(updated_text, tz) if updated_text else None
        if updated is None:  # a live blog is modified by its newest entry
            updated = live_blog_modified(body_node, tz, meta.article_ld, stop=_ends_body)

        url = canonical_url(response.url, meta.canonical_url or response.url)
        tags = [
            t
            for t in (
                element_text(a) for tags in nodes.get("article-tags", ()) for a in tags.iter("a")
            )
            if t
        ]
        return ArticleItem(
            url=url,
            outlet=self.name,
            title=title,
            body=body,
            subtitle=element_text(first(nodes, "article-subtitle")) or None,
            authors=self._authors(nodes, meta),
            section=element_text(first(nodes, "article-category")) or meta.section,
            tags=tags or meta.tags,
            # A few paragraphs decide the language as well as the whole text, much faster.
            language=detect_language(body[:LANGUAGE_SAMPLE], default=self.outlet.language),
            published_at=published_at,
            published_date=published_date,
            modified_at=resolve_modified(updated, meta.modified, published_at),
            image_url=self._image(nodes, url, meta),
            dateline=element_text(first(nodes, "article-dateline")) or None,
            fetched_url=response.url,
        )

    @staticmethod
    def _authors(nodes: dict[str, list[Any]], meta: PageMetadata) -> list[str]:
        """The byline's names; else the people JSON-LD credits (never the organisation)."""
        names = [n for n in (element_text(el) for el in nodes.get("writer-name", ())) if n]
        writer = first(nodes, "article-writer")
        if not names and writer is not None:
            byline = _BYLINE_LABEL.sub("", element_text(writer))
            names = [byline] if byline else []
        return names or list(meta.authors)

    @staticmethod
    def _image(nodes: dict[str, list[Any]], url: str, meta: PageMetadata) -> str | None:
        """Absolute URL of the lead image, resolved against the canonical (production) URL."""
        figure = first(nodes, "article-image")
        img = next(figure.iter("img"), None) if figure is not None else None
        src = (img.get("src") or "").strip() if img is not None else ""
        return urljoin(url, src) if src else meta.image_url
