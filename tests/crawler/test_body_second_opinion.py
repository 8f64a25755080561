"""When readability's second opinion is asked, and when its text is taken
(crawler.extraction.body.main_text)."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from crawler.extraction.body import main_text
from crawler.text import clean_text

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "body"
URL = "https://example.com/living/2024/05/12/second-hand-furniture"


def test_article_that_trafilatura_drops_whole_is_read_by_readability() -> None:
    """A popup's ``aside`` left unclosed puts the whole page inside it: trafilatura drops
    asides and finds nothing, and the page's only ``article`` is not mistaken for its frame."""
    tree = lxml.html.document_fromstring((PAGES / "article_in_unclosed_popup.html").read_text())
    expected = [clean_text(p.text_content()) for p in tree.xpath("//article//p")]
    assert main_text(tree, URL) == expected


def test_article_cut_a_third_of_the_way_from_its_end_is_read_whole() -> None:
    """trafilatura keeps the first container (over half the page's content); readability's
    text, under twice as long but containing it, is the whole article."""
    tree = lxml.html.document_fromstring((PAGES / "split_late.html").read_text())
    expected = [clean_text(el.text_content()) for el in tree.xpath("//div[@id='page']//p | //span")]
    assert main_text(tree, URL) == expected
