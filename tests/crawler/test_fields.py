"""crawler.extraction.fields: the headline and byline a reader sees.

The pages in ``tests/fixtures/extraction/fields/`` were written for these tests,
each in the shape of a kind of real page: a title (or an ``h1``) carrying the site's name, a logo
``h1`` before the article's, an ``h1`` worded apart from ``og:title``, a teaser
``h1`` linking to another story, an ``h1`` in capitals split by ``<br>``, an ``h1``
with a label glued before it, Arabic pages, and an article wrapped in classes naming a
widget and a sidebar beside real share, related and comment boxes, and a recipe card
holding the article's own sections beside cards of other stories, and a page whose
``<body>`` classes say ``comments-open``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from crawler.extraction import fields
from crawler.extraction.article import parse
from crawler.metadata import read_metadata

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "fields"


def _headline(name: str) -> tuple[object, str]:
    """The headline element of a fixture page and its text."""
    root = parse((PAGES / name).read_text(encoding="utf-8"))
    meta = read_metadata(Selector(root=root, type="html"), tz="UTC", url="https://x.example/")
    return fields.headline(root, meta)


def read(name: str) -> tuple[object, str, list[str]]:
    """The headline element, its text and the byline of a fixture page."""
    h1, title = _headline(name)
    scope = fields.container(h1) if h1 is not None else None
    return h1, title, fields.byline(scope, h1)


def headings(name: str) -> tuple[str, set[str]]:
    """The headline's text and the headings the body leaves out, of a fixture page."""
    h1, title = _headline(name)
    return title, fields.headings(fields.container(h1), h1)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("site_suffix.html", "How the river towns rebuilt their ferries"),
        ("arabic_no_h1.html", "افتتاح سوق جديد للمزارعين في المدينة"),
    ],
)
def test_a_declared_title_loses_the_site_name_around_it(name: str, title: str) -> None:
    assert read(name)[1] == title


def test_an_h1_ending_with_the_site_name_loses_it() -> None:
    assert read("h1_site_suffix.html")[1] == "Critics' picks: the year's best exhibitions"


def test_an_h1_naming_the_site_is_not_the_headline() -> None:
    h1, title, _ = read("logo_h1.html")
    assert title == "A beginner's guide to night sailing"
    assert h1 is not None and h1.get("class") == "entry-title"


def test_an_arabic_logo_h1_is_skipped_for_the_article_h1() -> None:
    h1, title, _ = read("arabic.html")
    assert title == "افتتاح سوق جديد للمزارعين في المدينة"
    assert h1 is not None and h1.get("class") is None


def test_a_lone_h1_worded_apart_from_the_declared_title_is_the_shown_headline() -> None:
    assert read("shown_h1.html")[1] == "Seven tents under $200 that survived a week of rain"


def test_an_h1_linking_to_another_story_is_a_teaser_not_the_headline() -> None:
    h1, title, _ = read("teaser_h1.html")
    assert h1 is None
    assert title == "Early reviews of the new console are in — and they are mixed"


def test_an_h1_in_capitals_split_by_br_takes_the_declared_spelling() -> None:
    assert read("glued_h1.html")[1] == "Weekend Coding Agent"


def test_a_label_glued_before_the_h1_text_is_dropped() -> None:
    assert read("label_h1.html")[1] == "Sparse Merging of Language Models under Constraints"


def test_chinese_words_are_counted_by_characters() -> None:
    assert fields.headline_words("南方多地迎来强降雨") == 5
    assert fields.headline_words("VPN Services") == 2


@pytest.mark.parametrize(
    ("name", "authors"),
    [
        ("logo_h1.html", ["Maya Lind"]),  # "Written by" and a rel=author link
        ("shown_h1.html", ["Byron Hale"]),  # "By" is a label, "Byron" a name
        ("arabic.html", ["سارة حسن"]),  # a line opening with بقلم
        ("label_h1.html", ["Ana Roy"]),  # "Authors:" in a classed box
        ("byline_box.html", ["Keith Barr", "Ana Ruiz"]),  # their role left out
    ],
)
def test_bylines_after_the_headline(name: str, authors: list[str]) -> None:
    assert read(name)[2] == authors


def test_an_article_wrapped_in_a_widget_or_sidebar_class_keeps_its_subheadings() -> None:
    """Page builders wrap the whole article in classes naming a widget or a sidebar
    (``elementor-widget-theme-post-content``, ``content-with-sidebar``): its own h2/h3 are
    not a box's, while the share, related and comment boxes' headings stay out."""
    title, found = headings("boxed_subheadings.html")
    assert "A van that leaves at five" not in found
    assert "Who pays for the flour" not in found
    assert {title, "Share this story", "More from the valley", "2 thoughts on this story"} <= found


def test_a_card_is_a_box_only_around_a_heading_linking_to_another_page() -> None:
    """Recipe, review and Bootstrap cards (``mv-recipe-card``, ``card-body``) hold the
    article's own sections under plain headings; a card or teaser of another story is
    titled by a link to it."""
    title, found = headings("card_sections.html")
    assert "Ingredients" not in found
    assert "Instructions" not in found
    assert {title, "The ferry returns to the lake", "A new school for Montfort"} <= found


def test_the_body_is_never_a_box_whatever_its_classes_say() -> None:
    """WordPress states the page's settings on ``<body>`` (``comments-open``,
    ``sidebar-enabled``); without a headline the scope is the whole document, whose head
    scripts can outweigh the body's text."""
    root = parse((PAGES / "body_classes.html").read_text(encoding="utf-8"))
    assert "Ingredients" not in fields.headings(root, None)


@pytest.mark.parametrize(
    ("names", "linked", "box"),
    [
        ("post-card flex", True, True),
        ("teaser", True, True),
        ("mv-recipe-card", False, False),
        ("card-body", False, False),
        ("related-posts", False, True),
    ],
)
def test_a_card_or_teaser_names_a_box_around_a_linked_heading(
    names: str, linked: bool, box: bool
) -> None:
    assert fields.names_box(names, linked) is box


@pytest.mark.parametrize(
    ("names", "box"),
    [
        ("related-posts", True),
        ("comments", True),
        ("widget sidebar", True),
        ("share-buttons", True),
        ("post-card flex", True),
        ("tabbertab recent-comments", True),
        ("related_article_text_area", True),
        ("elementor-widget-container", False),
        ("elementor-widget elementor-widget-heading", False),
        ("elementor-widget-theme-post-content", False),
        ("with-sidebar-layout", False),
        ("cardonecol", False),
        ("post-content-wrap has-share-float", False),
    ],
)
def test_a_class_token_names_a_box_whole_or_at_either_end(names: str, box: bool) -> None:
    assert fields.names_box(names) is box
