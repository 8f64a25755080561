"""crawler.extraction.extract_article on small pages shaped like real ones.

The pages in ``tests/fixtures/extraction/`` were written for these tests (an
article with a related-stories box, a Chinese article, a listing, a product
page, a forum thread); each test checks one behaviour.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.extraction import extract_article, read_page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
ARTICLE_URL = "https://courier.example.org/2024/03/12/council-approves-harbour-tram-line/"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_article_with_a_related_stories_box_is_an_article() -> None:
    item = extract_article(page("article_related_box.html"), ARTICLE_URL)
    assert item is not None
    assert item.title == "City council approves new tram line to the harbour"
    assert item.body.startswith("The city council voted on Monday evening")
    assert "Bus fares to rise" not in item.body
    assert item.published_date == date(2024, 3, 12)
    assert item.authors == ["Maria Lindqvist"]


def test_tracking_parameter_is_not_a_reason_to_reject() -> None:
    """The canonical URL names the page without ``?srsltid=``: it is the item's URL."""
    fetched = ARTICLE_URL + "?srsltid=AfmBOoq3x7"
    item = extract_article(page("article_related_box.html"), fetched)
    assert item is not None
    assert item.url == ARTICLE_URL
    assert item.fetched_url == fetched


def test_copy_on_another_path_is_filed_under_its_canonical_url() -> None:
    fetched = "https://m.courier.example.org/amp/council-approves-harbour-tram-line/"
    item = extract_article(page("article_related_box.html"), fetched)
    assert item is not None
    assert item.url == ARTICLE_URL


def test_outlet_is_the_host_without_www() -> None:
    item = extract_article(page("article_related_box.html"), "https://www.courier.example.org/x/")
    assert item is not None
    assert item.outlet == "courier.example.org"


def test_chinese_article_without_metadata_is_an_article() -> None:
    """No spaces between words, no JSON-LD: prose and a printed date say it is an article."""
    item = extract_article(
        page("chinese_article.html"), "https://news.example.cn/society/2024/0618/4530.html"
    )
    assert item is not None
    assert item.title == "南方多地迎来强降雨 防汛部门启动应急响应"
    assert item.body.startswith("据气象部门消息")
    assert "北方地区持续高温" not in item.body
    assert item.published_date == date(2024, 6, 18)


def test_bytes_are_decoded_by_the_declared_charset() -> None:
    html = page("chinese_article.html").replace('charset="utf-8"', 'charset="gb18030"')
    url = "https://news.example.cn/society/2024/0618/4530.html"
    item = extract_article(html.encode("gb18030"), url)
    assert item is not None
    assert item.title == "南方多地迎来强降雨 防汛部门启动应急响应"


def test_listing_of_teasers_is_not_an_article() -> None:
    assert (
        extract_article(page("listing.html"), "https://courier.example.org/category/world/") is None
    )


def test_product_page_is_not_an_article() -> None:
    url = "https://shop.example.com/products/trailmaster-40l-hiking-backpack"
    assert extract_article(page("product.html"), url) is None


def test_forum_thread_is_not_an_article() -> None:
    url = "https://bakers.example.net/threads/sourdough-starter-smells-like-nail-polish.88213/"
    assert extract_article(page("forum_thread.html"), url) is None


def test_site_root_is_not_an_article() -> None:
    """The same teasers at the site's front page."""
    assert extract_article(page("listing.html"), "https://courier.example.org/") is None


def test_noindex_page_is_not_an_article() -> None:
    html = page("article_related_box.html").replace(
        '<meta charset="utf-8">', '<meta charset="utf-8"><meta name="robots" content="noindex">'
    )
    assert extract_article(html, ARTICLE_URL) is None


def test_timezone_reads_printed_times_and_says_the_zone_is_known() -> None:
    url = "https://news.example.cn/society/2024/0618/4530.html"
    assumed = read_page(page("chinese_article.html"), url)
    known = read_page(page("chinese_article.html"), url, timezone="Asia/Shanghai")
    assert assumed is not None and known is not None
    assert assumed.zone_assumed and not known.zone_assumed
    assert known.item.published_at is not None
    assert known.item.published_at.isoformat() == "2024-06-18T00:15:00+00:00"
