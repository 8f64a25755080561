"""An outlet's article page read with the layout its spider declares."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout, read_article
from crawler.spiders.base import OutletSpider
from tests.support import FIXTURES

URL = "https://www.sahafa.example/news/2024/03/01/khabar/"
OUTLET = OutletInfo(
    title="صحافة", base_url="https://www.sahafa.example/", language="ar", timezone="UTC"
)
LAYOUT = ArticleLayout(
    article="article.story",
    title="headline",
    body="story-body",
    subtitle="kicker",
    date="story-date",
    updated="story-updated",
    authors="author",
    breadcrumb="crumbs",
    tags="story-tags",
    image="lead",
    dateline="place",
    not_text=frozenset({"related"}),
    ends_text=frozenset({"story-share"}),
)
PARAGRAPHS = (
    "أعلنت السلطات المحلية في المدينة عن خطة جديدة لتحسين شبكة النقل العام.",
    "وقال مسؤول في البلدية إن المشروع سيُنفذ على ثلاث مراحل خلال العامين المقبلين.",
)


def page(image_src: str = "/img/lead.jpg") -> HtmlResponse:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        '<html lang="ar"><head></head><body>'
        '<article class="story">'
        '<ol class="crumbs"><li><a href="/">الرئيسية</a></li><li><a href="/news/">أخبار</a></li>'
        "</ol>"
        '<h2 class="kicker">خطة على ثلاث مراحل</h2><h1 class="headline">خطة للنقل العام</h1>'
        '<span class="author">سلمى العلوي</span>'
        '<div class="story-date">1 مارس 2024 - 10:30</div>'
        '<div class="story-updated">آخر تحديث: 2 مارس 2024 - 08:00</div>'
        f'<figure class="lead"><img src="{image_src}"></figure>'
        f'<div class="story-body"><span class="place">الرباط</span>{body}'
        '<p class="related"><a href="/x/">خبر آخر</a></p>'
        '<div class="story-share"><p>شارك الخبر</p></div><p>تعليق قارئ</p></div>'
        '<div class="story-tags"><a href="/tag/1/">النقل</a><a href="/tag/2/">البلدية</a></div>'
        "</article></body></html>"
    )
    return HtmlResponse(url=URL, body=html.encode("utf-8"), encoding="utf-8")


class SahafaSpider(OutletSpider):
    name = "sahafa"
    outlet: ClassVar[OutletInfo] = OUTLET
    layout: ClassVar[ArticleLayout] = LAYOUT


def test_each_field_is_read_from_the_class_the_layout_names() -> None:
    item = read_article(page(), LAYOUT, "sahafa", OUTLET).item
    assert (item.title, item.subtitle) == ("خطة للنقل العام", "خطة على ثلاث مراحل")
    assert item.body == "\n\n".join(PARAGRAPHS)
    assert item.dateline == "الرباط"
    assert item.authors == ["سلمى العلوي"]
    assert item.section == "أخبار"
    assert item.tags == ["النقل", "البلدية"]
    assert item.image_url == "https://www.sahafa.example/img/lead.jpg"
    assert item.published_at == datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
    assert item.published_date == date(2024, 3, 1)
    assert item.modified_at == datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    assert (item.url, item.outlet, item.language) == (URL, "sahafa", "ar")


def test_a_page_without_the_article_container_is_not_an_article() -> None:
    layout = ArticleLayout(article="article.other", title="headline", body="story-body")
    assert read_article(page(), layout, "sahafa", OUTLET) is None


def test_a_field_that_cannot_be_read_is_left_empty_and_the_article_kept() -> None:
    found = read_article(page(image_src="http://[broken/lead.jpg"), LAYOUT, "sahafa", OUTLET)
    assert found.item.image_url is None
    assert [e.field for e in found.field_errors] == ["image_url"]
    assert found.item.title == "خطة للنقل العام" and found.item.tags == ["النقل", "البلدية"]


def test_a_field_that_cannot_be_read_is_counted_in_the_crawl_stats() -> None:
    crawler = get_crawler(SahafaSpider)
    spider = SahafaSpider.from_crawler(crawler)
    item = spider.parse_article(page(image_src="http://[broken/lead.jpg"))
    assert item is not None and item.image_url is None
    assert crawler.stats.get_value("akhbar/field_error/image_url") == 1


def test_a_spider_without_a_layout_reads_pages_with_the_generic_extraction() -> None:
    class NoLayoutSpider(OutletSpider):
        name = "hawar_generic"
        outlet: ClassVar[OutletInfo] = OutletInfo(
            title="هاوار", base_url="https://www.hawarnews.com/", language="ar"
        )

    path = "ar/haber/2019/08/10/afttah-mard-llfn-altshkyly-fy-kwbany-bmsharkt-h14512/"
    saved = (FIXTURES / "hawarnews" / "site" / path / "index.html").read_bytes()
    response = HtmlResponse(url=f"https://www.hawarnews.com/{path}", body=saved)
    item = NoLayoutSpider().parse_article(response)
    assert item is not None and item.outlet == "hawar_generic"
    assert "افتتاح معرض للفن التشكيلي في كوباني" in item.title
