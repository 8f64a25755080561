"""Text of a page's elements (crawler.elements.element_text)."""

from __future__ import annotations

import lxml.html

from crawler.elements import element_text


def text_of(html: str) -> str:
    return element_text(lxml.html.fragment_fromstring(html))


def test_line_break_separates_words() -> None:
    assert text_of("<h1>Floods close the coast road<br>Ferries run all night</h1>") == (
        "Floods close the coast road Ferries run all night"
    )


def test_line_break_inside_inline_markup_separates_words() -> None:
    assert text_of("<h1>السيول <b>تغلق<br>الطريق</b> الساحلي</h1>") == "السيول تغلق الطريق الساحلي"


def test_markup_inside_a_word_adds_no_space() -> None:
    assert text_of("<p>un<b>break</b>able <i>text</i></p>") == "unbreakable text"


def test_comment_text_is_left_out_and_its_tail_kept() -> None:
    assert text_of("<p>I like <!-- -->our<!-- --> situation</p>") == "I like our situation"


def test_missing_element_has_no_text() -> None:
    assert element_text(None) == ""
