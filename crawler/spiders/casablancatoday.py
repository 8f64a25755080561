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

from typing import ClassVar

from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout
from crawler.spiders.base import OutletSpider

ORIGIN = "https://www.casablancatoday.com"

#: Sections as they appear in URLs (``/<section>/<yyyy>/<mm>/<dd>/<id>.html``).
SECTIONS = ("morocco", "world", "economy", "sport", "culture", "opinion")


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
    layout: ClassVar[ArticleLayout] = ArticleLayout(
        article="article.article-details",
        title="article-title",
        body="article-body",
        subtitle="article-subtitle",
        date="article-date",
        updated="article-updated",
        authors="writer-name",
        byline="article-writer",
        section="article-category",
        tags="article-tags",
        image="article-image",
        dateline="article-dateline",
        # The related links set among the paragraphs.
        not_text=frozenset({"read-also", "inline-related"}),
        # Tags, print and share tools, app links, comments, related list: when the page
        # leaves div.article-body unclosed they are parsed inside it.
        ends_text=frozenset(
            {
                "article-tags",
                "article-tools",
                "share-box",
                "apps-box",
                "comments-section",
                "share-title",
                "related-news",
            }
        ),
    )
