"""The generic extraction's article body (crawler.extraction.body.main_text).

Each saved page in ``tests/fixtures/extraction/body/`` is a small hand-written
article around one behaviour; the paragraphs expected are read from the page's
own markup, so a test says which elements are the article.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from crawler.extraction.body import is_date_line, is_label, main_text
from crawler.text import clean_text, is_read_also

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "body"
URL = "https://example.com/news/2024/05/12/story"


def page(name: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring((PAGES / name).read_bytes().decode("utf-8"))


def texts(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [clean_text(el.text_content()) for el in tree.xpath(xpath)]


@pytest.mark.parametrize("name", ["chinese.html", "greek.html"])
def test_paragraphs_of_languages_without_latin_script_are_kept(name: str) -> None:
    tree = page(name)
    assert main_text(tree, URL) == texts(tree, "//h1/following-sibling::p")


def test_article_split_across_two_containers_is_kept_whole() -> None:
    """trafilatura stops at the first container; readability reaches the rest (caption out)."""
    tree = page("split.html")
    assert main_text(tree, URL) == texts(tree, "//div[@id='page']//p | //div[@id='page']//span")


def test_headline_is_left_out() -> None:
    tree = page("chinese.html")
    assert texts(tree, "//h1")[0] not in main_text(tree, URL)


def test_related_articles_list_is_left_out() -> None:
    tree = page("related.html")
    assert main_text(tree, URL) == texts(tree, "//article/p")


def test_read_also_lines_and_the_links_listed_under_them_are_left_out() -> None:
    tree = page("read_also.html")
    assert main_text(tree, URL) == texts(tree, "//div[@class='article-body']/p[not(a)]")


@pytest.mark.parametrize(
    "line",
    [
        "Leggi anche: I Cavalieri dello Zodiaco su Netflix",
        "Lea también: El Gobierno aprueba los presupuestos",
        "Leia também: Prefeitura abre inscrições",
        "Lesen Sie auch: Die Bahn erhöht die Preise",
        "Czytaj także: Nowy most w Krakowie",
        "Читайте также: Новый мост открыт",
        "Διαβάστε επίσης: Νέα γραμμή λεωφορείων",
        "延伸阅读：城市公园改造工程正式完工",
        "【相关阅读】",
    ],
)
def test_read_also_lines_of_other_languages_are_recognized(line: str) -> None:
    assert is_read_also(line)


@pytest.mark.parametrize(
    "line",
    ["相关阅读材料很多，老师说。", "Leggiamo anche i giornali stranieri ogni mattina."],
)
def test_prose_starting_like_a_read_also_marker_is_kept(line: str) -> None:
    assert not is_read_also(line)


def test_figure_caption_is_left_out() -> None:
    tree = page("caption.html")
    assert main_text(tree, URL) == texts(tree, "//article/p")


def test_table_in_the_article_is_kept_one_row_a_line() -> None:
    body = main_text(page("table.html"), URL)
    assert "| Northfield | 412 | 215 |" in body
    assert body[-1].startswith("Farmers in the valleys")


def test_comment_section_is_left_out() -> None:
    tree = page("comments.html")
    assert main_text(tree, URL) == texts(tree, "//article/p")


def test_time_stamps_of_a_live_blog_are_left_out() -> None:
    tree = page("live.html")
    assert main_text(tree, URL) == texts(tree, "//p[not(@class)]")


@pytest.mark.parametrize("name", ["comments.html", "rendered_seams.html"])
def test_callers_tree_is_not_changed(name: str) -> None:
    """Not even the HTML comments stripped from a copy before trafilatura reads it."""
    tree = page(name)
    before = lxml.html.tostring(tree)
    main_text(tree, URL)
    assert lxml.html.tostring(tree) == before


def test_page_without_text_gives_no_paragraphs() -> None:
    assert main_text(lxml.html.document_fromstring("<html><body></body></html>"), URL) == []


@pytest.mark.parametrize(
    "line",
    [
        "17 كانون الأول 2019 - 14:20",
        "GMT 20:55 2019 الثلاثاء ,17 كانون الأول / ديسمبر",
        "November 19, 2019",
        "Updated 10:30 GMT 19.11.2019",
        "2024年5月12日 10:30",
    ],
)
def test_date_and_time_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The meeting ended at 10:30 with no agreement on the budget for 2020.",
        "| 2019 | 45 | 30 |",
        "وقال إن 12 شخصا أصيبوا في الحادث الذي وقع عام 2019 قرب الحدود مع تركيا والعراق",
        "Chapter 3",
    ],
)
def test_prose_and_table_rows_are_not_date_lines(line: str) -> None:
    assert not is_date_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Reuters",
        "Image credit: © Example Photos",
        "Foto: dpa",
        "Credit: Apple",
        "Advertisement",
        "إعلان",
        "🔴 مباشر",
    ],
)
def test_picture_credits_and_advertising_labels(line: str) -> None:
    assert is_label(line)


@pytest.mark.parametrize(
    "line",
    [
        "Photographers waited for hours outside the court.",
        "Photos taken by the probe show a thin ring of dust around the planet, scientists said.",
        "Advertisement revenue fell by a third last year.",
        "🔴 The red line on the map shows the route of the new tram.",
        "",
    ],
)
def test_prose_about_photos_and_ads_is_not_a_label(line: str) -> None:
    assert not is_label(line)


def test_paragraph_split_by_rendering_comments_is_kept_whole() -> None:
    """React pages mark the seams of a paragraph's text with empty comments
    (``adding <!-- -->three<!-- --> boats``): the text after them is the same paragraph."""
    tree = page("rendered_seams.html")
    assert main_text(tree, URL) == texts(tree, "//article/p")


def loose_paragraphs_body() -> list[str]:
    """The body of a page without any container trafilatura knows an article by: it
    gathers the page's paragraphs and skips its lists and headings."""
    return main_text(page("loose_paragraphs.html"), URL)


def test_list_between_loose_paragraphs_is_kept() -> None:
    tree = page("loose_paragraphs.html")
    items = ["- " + item for item in texts(tree, "//h1/following-sibling::ul/li")]
    body = loose_paragraphs_body()
    assert body[2:5] == items
    assert body[:2] + body[6:8] == texts(tree, "//h1/following-sibling::p")


def test_subheading_before_a_loose_paragraph_is_kept() -> None:
    body = loose_paragraphs_body()
    assert body[body.index("Choosing the pots") + 1].startswith("Terracotta pots")


def test_list_of_links_after_a_loose_paragraph_is_left_out() -> None:
    assert not any("Share this guide" in line for line in loose_paragraphs_body())


def test_teasers_of_other_stories_ending_the_text_are_left_out() -> None:
    """A "latest news" list after the article: each item a heading linking to another
    story and its standfirst."""
    tree = page("latest_teasers.html")
    assert main_text(tree, URL) == texts(tree, "//div[@class='article-body']/p")


def test_list_of_linked_headings_inside_the_text_is_kept() -> None:
    """The same list followed by more of the article is part of it."""
    tree = page("latest_teasers.html")
    closing = lxml.html.fragment_fromstring(
        "<p>The council will vote on the budget for the line, and on the timetable of the"
        " works, at its next meeting in June, the mayor's office said on Wednesday.</p>"
    )
    tree.xpath("//div[@class='article-body']")[0].append(closing)
    body = main_text(tree, URL)
    assert any(line.startswith("- Old bridge reopens") for line in body)
    assert body[-1] == clean_text(closing.text_content())


def test_call_to_action_boxes_are_left_out() -> None:
    """A pitch or sign-up box in the article's column ("post-cta", "email-signup") is not text."""
    tree = page("call_to_action.html")
    assert main_text(tree, URL) == texts(tree, "//h1/following-sibling::p")
