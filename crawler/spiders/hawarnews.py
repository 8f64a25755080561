"""«وكالة هاوار للأنباء» (hawarnews.com, ANHA): Syrian Kurdish news agency, Arabic edition.

Article page, as the site lays it out (times are Asia/Damascus local time)::

    <article class="news-detail">
      ol.breadcrumb li > a              home, then the section
      h1.news-title
      h2.news-spot                      spot/subtitle (some pages)
      div.news-meta
        span.news-author                byline (some pages)
        span.news-date | time.news-date[datetime]
                                "الخميس 14 تشرين الثاني 2019 - 19:10", "١٤ تشرين الثاني ٢٠١٩"
        span.news-time                  "19:10" when the time is shown apart
        span.news-updated               "تم التحديث: ..." (edited pages only)
      figure.news-image                 lead image and caption
      div.news-content
        span.news-place                 place label ("قامشلو", "مركز الأخبار")
        <p> paragraphs, <br>-separated lines, or bare text between <br><br>
      div.news-tags a
      div.news-share                    share links and the short link /ar/h<id>/
    </article>

Traps: the breaking-news ticker above the article is another story's
headline; related cards are ``article.card`` elements with their own dates;
short links ``/ar/h<id>/`` are ``noindex`` meta-refresh pages; video pages
reuse ``h1.news-title`` outside ``article.news-detail``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

from scrapy.http import Response

from crawler.dates import parse_arabic_date, parse_iso_datetime
from crawler.items import ArticleItem
from crawler.language import detect_language
from crawler.metadata import (
    LANGUAGE_SAMPLE,
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

ORIGIN = "https://www.hawarnews.com"

#: Sections as they appear in URLs (``/ar/category/<section>/``).
SECTIONS = ("politics", "society", "economy", "culture", "sport", "world", "reports")

#: Classes of body elements that are not article text.
_SKIP_CLASSES = frozenset({"news-place"})

#: Classes of the boxes after the text (tags, share links, comments, related cards): when
#: the page leaves ``div.news-content`` unclosed they are parsed inside it, and end the body.
_END_CLASSES = frozenset(
    {"news-tags", "news-share", "short-link", "comments", "related-news", "cards", "card"}
)

#: A label before a date ("تم التحديث:") that the date parser need not see.
_DATE_LABEL = re.compile(r"^[^:\d٠-٩]*:\s*")


def _skip(el: Any) -> bool:
    """Body elements left out: the place label."""
    return bool(_SKIP_CLASSES.intersection((el.get("class") or "").split()))


def _ends_body(el: Any) -> bool:
    """The first box after the article's text, this outlet's or any page's."""
    return bool(_END_CLASSES.intersection((el.get("class") or "").split())) or ends_article(el)


class HawarnewsSpider(OutletSpider):
    """Spider of the Arabic edition of hawarnews.com."""

    name = "hawarnews"
    outlet: ClassVar[OutletInfo] = OutletInfo(
        title="وكالة هاوار للأنباء",
        base_url=f"{ORIGIN}/",
        language="ar",
        country="SY",
        timezone="Asia/Damascus",
        schedule="*/30 * * * *",
        sitemap_urls=(f"{ORIGIN}/sitemap-news.xml", f"{ORIGIN}/sitemap.xml"),
        feed_urls=(f"{ORIGIN}/ar/rss.xml",),
        listing_urls=(f"{ORIGIN}/ar/news/", *(f"{ORIGIN}/ar/category/{s}/" for s in SECTIONS)),
        article_url_patterns=(
            # News: /ar/haber/<yyyy>/<mm>/<dd>/<transliterated-title>-h<id>/
            r"^/ar/haber/\d{4}/\d{2}/\d{2}/[^/]+-h\d+/?$",
            # Reports carry no date in the URL. Short links /ar/h<id>/ do not match.
            r"^/ar/report/[^/]+-h\d+/?$",
        ),
    )

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Read one article page; None for every other page (short link, tag, video...)."""
        meta = read_metadata(response, tz=self.outlet.timezone)
        if meta.noindex:  # short links and the CMS login
            return None
        article = response.css("article.news-detail")
        if not article:
            return None
        nodes = class_index(article[0])
        title = element_text(first(nodes, "news-title", "h1"))
        body_node = first(nodes, "news-content")
        if not title or body_node is None:
            return None
        paragraphs = body_paragraphs(text_lines(body_node, skip=_skip, stop=_ends_body))
        if not paragraphs:
            return None
        body = join_paragraphs(paragraphs)

        tz = self.outlet.timezone
        visible, machine = self._visible_date(nodes)
        # A <time datetime> on the meta line is the page's own machine-readable date: it
        # outranks og/JSON-LD when the visible text gives only the day.
        declared = machine if isinstance(machine, datetime) else meta.published
        published_at, published_date = resolve_published(visible, declared, tz, response.url)
        updated_text = _DATE_LABEL.sub("", element_text(first(nodes, "news-updated")), count=1)
        updated = parse_arabic_date(updated_text, tz) if updated_text else None
        if updated is None:  # a live blog is modified by its newest entry
            updated = live_blog_modified(body_node, tz, meta.article_ld, stop=_ends_body)

        url = canonical_url(response.url, meta.canonical_url or response.url)
        authors = [a for a in (element_text(el) for el in nodes.get("news-author", ())) if a]
        tags = [
            t
            for t in (element_text(a) for box in nodes.get("news-tags", ()) for a in box.iter("a"))
            if t
        ]
        figure = first(nodes, "news-image")
        img = next(figure.iter("img"), None) if figure is not None else None
        src = (img.get("src") or "").strip() if img is not None else ""
        return ArticleItem(
            url=url,
            outlet=self.name,
            title=title,
            body=body,
            subtitle=element_text(first(nodes, "news-spot")) or None,
            authors=authors or list(meta.authors),
            section=self._section(nodes) or meta.section,
            tags=tags or meta.tags,
            # A few paragraphs decide the language as well as the whole text, much faster.
            language=detect_language(body[:LANGUAGE_SAMPLE], default=self.outlet.language),
            published_at=published_at,
            published_date=published_date,
            modified_at=resolve_modified(updated, meta.modified, published_at),
            image_url=urljoin(url, src) if src else meta.image_url,
            dateline=element_text(first(nodes, "news-place")) or None,
            fetched_url=response.url,
        )

    def _visible_date(
        self, nodes: dict[str, list[Any]]
    ) -> tuple[datetime | date | None, datetime | date | None]:
        """The meta line's publication date: ``(as printed, as in time/@datetime)``.

        The time is sometimes printed apart (``<span class="news-time">``); the
        two are read as one ``date | time`` string.
        """
        tz = self.outlet.timezone
        date_node = first(nodes, "news-date")
        text = element_text(date_node)
        time_text = element_text(first(nodes, "news-time"))
        if time_text:
            text = f"{text} | {time_text}"
        printed = parse_arabic_date(text, tz) if text else None
        attr = (date_node.get("datetime") or "").strip() if date_node is not None else ""
        machine = parse_iso_datetime(attr, tz) if attr else None
        return printed or machine, machine

    @staticmethod
    def _section(nodes: dict[str, list[Any]]) -> str:
        """The breadcrumb's last item after «الرئيسية» (home)."""
        breadcrumb = first(nodes, "breadcrumb")
        if breadcrumb is None:
            return ""
        crumbs = [element_text(li) for li in breadcrumb.iter("li")][1:]
        crumbs = [c for c in crumbs if c]
        return crumbs[-1] if crumbs else ""
