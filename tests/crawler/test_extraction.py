"""crawler.extraction.extract_article on small pages shaped like real ones.

The pages in ``tests/fixtures/extraction/`` were written for these tests (an
article with a related-stories box, one with a kicker, a subtitle and subheadings,
an article with a comment form and a newsletter box, a Chinese article, listings, a
product page, forum threads, a service page, a documentation page); each test
checks one behaviour.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from crawler.extraction import extract_article, read_page
from crawler.extraction.classify import (
    Evidence,
    Marks,
    Signs,
    could_be_article,
    is_article,
    is_story_path,
    page_marks,
    score,
)

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
ARTICLE_URL = "https://courier.example.org/2024/03/12/council-approves-harbour-tram-line/"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def marks(name: str) -> Marks:
    return page_marks(lxml.html.fromstring(page(name)), set())


def test_article_with_a_related_stories_box_is_an_article() -> None:
    item = extract_article(page("article_related_box.html"), ARTICLE_URL)
    assert item is not None
    assert item.title == "City council approves new tram line to the harbour"
    assert item.body.startswith("The city council voted on Monday evening")
    assert "Bus fares to rise" not in item.body
    assert item.published_date == date(2024, 3, 12)
    assert item.authors == ["Maria Lindqvist"]


def test_subheadings_stay_in_the_body_and_the_kicker_and_subtitle_do_not() -> None:
    """The article's own h2/h3 are part of its text; the kicker before the headline and
    the subtitle stored apart are not repeated in the body, nor a related box's heading."""
    url = "https://courier.example.org/2024/05/02/how-the-valley-towns-kept-their-night-trains/"
    item = extract_article(page("article_subheadings.html"), url)
    assert item is not None
    assert item.title == "How the valley towns kept their night trains"
    assert item.subtitle == "Three mayors, one petition and a timetable nobody wanted to lose"
    paragraphs = item.body.split("\n\n")
    for subheading in (
        "A petition that reached every household",
        "What the mayors offered in return",
        "Figures to watch",
    ):
        assert subheading in paragraphs
    assert paragraphs[0].startswith("When the rail operator announced")
    assert item.subtitle not in item.body
    assert "Transport" not in paragraphs
    assert "More from Transport" not in item.body


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


def test_service_page_with_calls_to_action_and_a_contact_form_is_not_an_article() -> None:
    """Prose about the business, "get a free quote" buttons, a form to fill in."""
    found = marks("service_page.html")
    assert found.calls_to_action >= 3
    assert found.inputs >= 4
    assert (
        extract_article(page("service_page.html"), "https://brightpath.example.com/local-seo/")
        is None
    )


def test_forum_thread_of_posts_is_not_an_article_without_a_declared_type() -> None:
    """No DiscussionForumPosting type, a URL with a slug and a number like a story's: the
    posts (forum software's classes, microdata comments) and their time stamps say it."""
    found = marks("forum_posts.html")
    assert found.posts >= 4
    assert found.times == 4
    url = "https://community.hometech.example/t/router-drops-wifi-every-evening/48213"
    assert extract_article(page("forum_posts.html"), url) is None


def test_documentation_page_is_not_an_article() -> None:
    found = marks("docs_page.html")
    assert found.edit_links >= 1
    assert found.code >= 2
    url = "https://quarry.example.dev/guide/configuring-cache/"
    assert extract_article(page("docs_page.html"), url) is None


def test_listing_of_dated_teasers_at_a_plain_path_is_not_an_article() -> None:
    """``/news/`` is no listing path; a time stamp per teaser and the cut teasers say it."""
    assert marks("news_listing.html").times == 5
    assert (
        extract_article(page("news_listing.html"), "https://valleygazette.example.com/news/")
        is None
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://prairieherald.example.com/2024/07/22/drought-forces-farmers-to-sell-cattle-early/",
        "https://prairieherald.example.com/drought-cattle",
    ],
)
def test_article_with_a_comment_form_a_newsletter_box_and_related_links_is_an_article(
    url: str,
) -> None:
    """Forms, "sign up" and "contact us" in moderation do not outweigh an article's text,
    date and byline, even at a URL of no story shape."""
    found = marks("article_with_forms.html")
    assert found.inputs >= 5 and found.calls_to_action >= 1
    item = extract_article(page("article_with_forms.html"), url)
    assert item is not None
    assert item.title == "Drought forces farmers to sell cattle early"
    assert item.body.startswith("Ranchers across the county")
    assert "emergency grazing" in item.body
    assert item.authors == ["Jonas Whitfield"]
    assert item.published_date == date(2024, 7, 22)


_ARTICLE_SIGNS = Signs(
    declared_article=True,
    declared_other=False,
    url_root=False,
    url_listing=False,
    url_other=False,
    url_story=True,
    marks=Marks(),
)
_ARTICLE_EVIDENCE = Evidence(
    signs=_ARTICLE_SIGNS,
    text=3000,
    prose=2800,
    link_share=0.0,
    teaser_share=0.0,
    dated=True,
    byline=True,
)


@pytest.mark.parametrize("mark", [f.name for f in fields(Marks)])
def test_every_mark_of_another_kind_of_page_counts_against_an_article(mark: str) -> None:
    marked = replace(_ARTICLE_EVIDENCE, signs=replace(_ARTICLE_SIGNS, marks=Marks(**{mark: 20})))
    assert score(marked) < score(_ARTICLE_EVIDENCE)


def test_a_story_url_counts_for_an_article() -> None:
    plain_url = replace(_ARTICLE_SIGNS, url_story=False)
    assert score(replace(_ARTICLE_EVIDENCE, signs=plain_url)) < score(_ARTICLE_EVIDENCE)


def test_a_page_whose_signs_no_text_could_outweigh_is_rejected_before_its_text_is_read() -> None:
    """A thread at a forum path, declaring itself one: even a long text would not make it
    an article; an article's signs with a little text could."""
    thread = Signs(
        declared_article=False,
        declared_other=True,
        url_root=False,
        url_listing=False,
        url_other=True,
        url_story=True,
        marks=Marks(posts=30, times=30, inputs=3),
    )
    assert not could_be_article(thread, 200_000)
    assert could_be_article(_ARTICLE_SIGNS, 400)
    assert not could_be_article(_ARTICLE_SIGNS, 40)


@pytest.mark.parametrize(
    ("path", "story"),
    [
        ("/2024/03/12/council-approves-tram/", True),
        ("/news/politics/1234567", True),
        ("/sport/how-the-cup-final-was-won-in-extra-time", True),
        ("/ar/news/مجلس-النواب-يقر-الميزانية-العامة", True),
        ("/society/20240618/4530.html", True),
        ("/seo-services/", False),
        ("/crm/", False),
        ("/news/", False),
    ],
)
def test_story_path(path: str, story: bool) -> None:
    assert is_story_path(path) is story


def test_an_article_of_unpunctuated_lines_is_judged_by_its_other_evidence() -> None:
    """A race calendar or a list of results: text, but no sentences; a declared article
    with a date and a byline at a story's URL is still one."""
    calendar = replace(_ARTICLE_EVIDENCE, text=900, prose=0)
    assert is_article(calendar)
    assert not is_article(replace(calendar, text=100))


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("service_page.html", "https://brightpath.example.com/local-seo/"),
        ("docs_page.html", "https://quarry.example.dev/guide/configuring-cache/"),
        (
            "forum_posts.html",
            "https://community.hometech.example/t/router-drops-wifi-every-evening/48213",
        ),
    ],
)
def test_a_page_without_date_or_byline_whose_marks_no_text_could_outweigh_is_not_read(
    name: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its date and byline are looked for first; without them, even all of the page's
    text as prose would not make it an article, so its main text is never extracted."""

    def main_text(*args: object) -> list[str]:
        raise AssertionError("the main text was read")

    monkeypatch.setattr("crawler.extraction.article.main_text", main_text)
    assert extract_article(page(name), url) is None
