"""A page's parse (crawler.elements.selector_of) and the text of its elements
(crawler.elements.element_text)."""

from __future__ import annotations

import os
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from scrapy.http import HtmlResponse
from scrapy.selector import Selector as ScrapySelector

from crawler.elements import _parses_as_bytes, element_text, selector_of


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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
URL = "https://www.example.com/news/1.html"
UTF8 = {"Content-Type": "text/html; charset=utf-8"}
PAGE = "<html><head><title>خبر</title></head><body><p>السيول تغلق الطريق</p></body></html>"


def _tree(response: HtmlResponse) -> bytes:
    return etree.tostring(selector_of(response).root)


def _scrapys_tree(response: HtmlResponse) -> bytes:
    return etree.tostring(ScrapySelector(response=response.replace()).root)


def _saved_pages() -> list[Path]:
    """Every saved HTML page, the outlets' sites (linked folders) included."""
    return sorted(
        Path(folder, name)
        for folder, _, names in os.walk(FIXTURES, followlinks=True)
        for name in names
        if name.endswith(".html")
    )


@pytest.mark.parametrize("page", _saved_pages(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_saved_pages_parse_to_the_tree_scrapy_builds(page: Path) -> None:
    for headers in ({}, UTF8):
        response = HtmlResponse(URL, body=page.read_bytes(), headers=headers)
        assert _tree(response) == _scrapys_tree(response)


def test_a_valid_utf8_page_is_parsed_from_its_bytes() -> None:
    response = HtmlResponse(URL, body=f"\n  {PAGE}\n".encode(), headers=UTF8)
    assert _parses_as_bytes(response)
    assert _tree(response) == _scrapys_tree(response)
    assert selector_of(response) is response.selector
    assert response.selector.response is response


@pytest.mark.parametrize(
    "body",
    [
        b"\xef\xbb\xbf" + PAGE.encode(),  # byte order mark
        "\u00a0".encode() + PAGE.encode(),  # a space only the text's strip removes
        PAGE.encode() + "\u2028".encode(),
        PAGE.encode().replace(b"<p>", b"<p>\0"),  # NUL, which Scrapy's way removes
        PAGE.encode().replace("الطريق".encode(), b"\xd8\xa7\xff"),  # not valid UTF-8
        PAGE.encode() + b" trailing words",
        PAGE.encode("cp1256"),
    ],
    ids=["bom", "nbsp", "line-separator", "nul", "invalid", "trailing-text", "cp1256"],
)
def test_other_pages_take_scrapys_way(body: bytes) -> None:
    response = HtmlResponse(URL, body=body, headers=UTF8)
    assert not _parses_as_bytes(response)
    assert _tree(response) == _scrapys_tree(response)
