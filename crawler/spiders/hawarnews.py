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

from typing import ClassVar

from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout
from crawler.spiders.base import OutletSpider

ORIGIN = "https://www.hawarnews.com"

#: Sections as they appear in URLs (``/ar/category/<section>/``).
SECTIONS = ("politics", "society", "economy", "culture", "sport", "world", "reports")


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
    layout: ClassVar[ArticleLayout] = ArticleLayout(
        article="article.news-detail",
        title="news-title",
        body="news-content",
        subtitle="news-spot",
        date="news-date",
        time="news-time",
        updated="news-updated",
        authors="news-author",
        breadcrumb="breadcrumb",
        tags="news-tags",
        image="news-image",
        dateline="news-place",
        # When the page leaves div.news-content unclosed these are parsed inside it.
        ends_text=frozenset(
            {"news-tags", "news-share", "short-link", "comments", "related-news", "cards", "card"}
        ),
    )
