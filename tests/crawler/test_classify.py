"""crawler.extraction.classify: the signs that a page is an article or some other page.

The pages in ``tests/fixtures/extraction/classify/`` were written for these tests: a
blog post with no date, byline or declared type, filed under its blog's folder, a
service page made of a grid of cards titled by linked headings, and an Arabic article
whose paragraphs are separated by line breaks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crawler.extraction import extract_article
from crawler.extraction.article import parse
from crawler.extraction.classify import (
    Evidence,
    Marks,
    Signs,
    block_prose,
    is_section_path,
    linked_heading_share,
    read_signs,
    score,
)
from crawler.metadata import PageMetadata

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


_PLAIN_SIGNS = Signs(
    declared_article=False,
    declared_other=False,
    url_root=False,
    url_listing=False,
    url_other=False,
    url_story=False,
    marks=Marks(),
)
_PLAIN_EVIDENCE = Evidence(
    signs=_PLAIN_SIGNS,
    text=2000,
    prose=1800,
    link_share=0.0,
    teaser_share=0.0,
    dated=False,
    byline=False,
)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/post/dot-github", True),
        ("/blog/why-we-moved-to-postgres/", True),
        ("/news/2025/budget-vote", True),
        ("/en/articles/tram-line.html", True),
        ("/es/noticias/el-gobierno-aprueba-el-presupuesto", True),
        ("/ar/akhbar/مجلس-النواب", True),
        ("/blog/", False),
        ("/news/world", False),
        ("/blog/2", False),
        ("/news/index.html", False),
        ("/services/local-seo", False),
    ],
)
def test_a_page_named_inside_a_blog_or_news_folder_is_filed_as_a_post(
    path: str, section: bool
) -> None:
    """The folder itself, a one-word section under it and a page number are listings."""
    assert is_section_path(path) is section


def test_a_post_in_a_section_folder_counts_for_an_article() -> None:
    filed = replace(_PLAIN_EVIDENCE, signs=replace(_PLAIN_SIGNS, url_section=True))
    assert score(filed) > score(_PLAIN_EVIDENCE)


def test_headings_that_are_links_count_against_an_article() -> None:
    grid = replace(_PLAIN_EVIDENCE, signs=replace(_PLAIN_SIGNS, linked_headings=0.8))
    assert score(grid) < score(_PLAIN_EVIDENCE)


@pytest.mark.parametrize(
    ("name", "grid"),
    [
        ("classify/card_grid.html", True),
        ("listing.html", True),
        ("article_subheadings.html", False),
        ("article_related_box.html", False),
    ],
)
def test_a_grid_of_cards_has_mostly_linked_headings_and_an_article_has_text_ones(
    name: str, grid: bool
) -> None:
    assert (linked_heading_share(parse(page(name))) > 0.5) is grid


def test_an_undated_post_without_a_byline_is_an_article_in_its_blog_folder() -> None:
    """Code, a sign-up box and no date or byline: the folder it is filed in tips it."""
    item = extract_article(
        page("classify/undated_blog_post.html"), "https://notes.example.dev/post/dot-github"
    )
    assert item is not None
    assert item.title == "Configure your repositories with a .github folder"
    assert item.body.startswith("Most people know the .github folder")


def test_a_service_page_of_linked_cards_is_not_an_article() -> None:
    assert (
        extract_article(
            page("classify/card_grid.html"), "https://harbourworks.example.com/solutions/"
        )
        is None
    )


def test_a_chinese_article_at_a_plain_address_is_still_an_article() -> None:
    item = extract_article(
        page("chinese_article.html"), "https://news.example.cn/society/2024/0618/4530.html"
    )
    assert item is not None


def test_a_single_article_element_counts_for_an_article() -> None:
    marked = replace(_PLAIN_EVIDENCE, signs=replace(_PLAIN_SIGNS, single_article=True))
    assert score(marked) > score(_PLAIN_EVIDENCE)


def test_a_long_block_of_prose_counts_for_an_article() -> None:
    block = replace(_PLAIN_EVIDENCE, signs=replace(_PLAIN_SIGNS, block_prose=12))
    spread = replace(_PLAIN_EVIDENCE, signs=replace(_PLAIN_SIGNS, block_prose=1))
    assert score(block) > score(spread)


_TEASER = "<article><h2><a href='/2025/03/14/story'>A story</a></h2><p>Its line.</p></article>"


@pytest.mark.parametrize(
    ("body", "single"),
    [
        ("<main><article><h1>One story</h1><p>Its text.</p></article></main>", True),
        (f"<main>{_TEASER * 3}</main>", False),
        ("<main><section><h2>Our services</h2><p>What we do.</p></section></main>", False),
    ],
)
def test_one_article_element_marks_one_text_and_a_listing_marks_each_teaser(
    body: str, single: bool
) -> None:
    """A story is one ``<article>``; a listing marks each teaser so, a service page none."""
    root = parse(f"<html><body>{body}</body></html>")
    signs = read_signs(root, PageMetadata(), "https://example.org/a-page")
    assert signs.single_article is single


_SENTENCE = "The council voted on Tuesday to keep the night trains running for two more years."


def _paragraphs(count: int) -> str:
    return "".join(f"<p>{_SENTENCE}</p>" for _ in range(count))


def test_block_prose_counts_the_paragraphs_of_one_block() -> None:
    html = f"<html><body><div class='body'>{_paragraphs(5)}</div>{_paragraphs(2)}</body></html>"
    assert block_prose(parse(html)) == 5


def test_block_prose_counts_one_per_card_on_a_page_of_cards() -> None:
    cards = "".join(f"<section><h2>Plan {n}</h2>{_paragraphs(1)}</section>" for n in range(6))
    assert block_prose(parse(f"<html><body><main>{cards}</main></body></html>")) == 1


def test_block_prose_counts_paragraphs_each_wrapped_in_its_own_element_together() -> None:
    wrapped = "".join(f"<div class='paragraph'>{_paragraphs(1)}</div>" for _ in range(4))
    assert block_prose(parse(f"<html><body><article>{wrapped}</article></body></html>")) == 4


def test_block_prose_leaves_out_short_and_unpunctuated_paragraphs() -> None:
    lines = "<p>Opening hours</p>" * 3 + "<p>" + "Monday to Friday, nine to five " * 4 + "</p>"
    assert block_prose(parse(f"<html><body><div>{lines}</div></body></html>")) == 0


def test_block_prose_counts_the_runs_of_text_between_line_breaks() -> None:
    """Pages that write no ``<p>`` (older Arabic and Korean systems) break lines instead."""
    runs = "<br><br>".join(_SENTENCE for _ in range(5))
    body = f"<div class='text'>{runs}<br><a href='/x'>Read also</a></div>"
    assert block_prose(parse(f"<html><body>{body}</body></html>")) == 5


def test_block_prose_reads_a_link_inside_a_line_with_its_line() -> None:
    line = (
        "The council voted <a href='/council'>on Tuesday</a> to keep the night trains"
        " running between the two cities for two more years."
    )
    body = f"<div>{line}<br>{line}<br>{line}</div>"
    assert block_prose(parse(f"<html><body>{body}</body></html>")) == 3


def test_an_arabic_article_written_with_line_breaks_at_a_numbered_address_is_an_article() -> None:
    """No ``<p>``, no ``<article>``, no declared type, filed as ``/index.php?id=``."""
    item = extract_article(
        page("classify/arabic_br_article.html"), "https://www.example-news.ma/index.php?id=48213"
    )
    assert item is not None
    assert item.body.count("\n\n") >= 4


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://blog.example.de/?p=959", False),
        ("https://www.example.org/index.php?id=42", False),
        ("https://www.example.org/", True),
        ("https://www.example.org/?srsltid=AfmBOorSzHjzn508", True),
    ],
)
def test_a_post_named_by_its_number_at_the_site_root_is_not_the_home_page(
    url: str, root: bool
) -> None:
    signs = read_signs(parse("<html><body></body></html>"), PageMetadata(), url)
    assert signs.url_root is root
    assert signs.url_listing is False
