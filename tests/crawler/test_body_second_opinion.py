"""When readability's second opinion is asked, and when its text is taken
(crawler.extraction.body.main_text)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from crawler.extraction import body
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


def test_readability_reads_the_page_without_its_frame() -> None:
    """The copy readability scores has no sidebar, menu or footer (a quarter less to score,
    and no teaser list to take for the article); the caller's tree keeps them."""
    tree = lxml.html.document_fromstring((PAGES / "sidebar_teasers.html").read_text())
    assert not body._readability(tree)._html(True).xpath("//aside")
    assert tree.xpath("//aside")


class _Readability:
    """A stand-in for readability-lxml's ``Document`` returning a fixed summary."""

    def __init__(self, summary: str) -> None:
        self._summary = summary

    def summary(self, html_partial: bool = False) -> str:
        return self._summary


STORY = [
    "The city derby ended one goal each on Tuesday night, and the home side stays two "
    "points clear at the top of the league.",
    "The visitors equalised in the 58th minute with a header from a corner taken by "
    "their playmaker.",
]


def _second_opinion(summary: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    monkeypatch.setattr(body, "_readability", lambda _tree: _Readability(summary))
    return body._readability_if_it_extends(tree, STORY, set())


def test_blank_lines_and_dropped_lines_do_not_extend_the_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Around a short article readability takes the section label, the date and the share
    buttons, with runs of blank lines: nothing the body would keep, so trafilatura's
    paragraphs stay."""
    padding = "<div>\n\n\n\n</div>" * 20
    summary = (
        f"<div>{padding}<div>17.12.2019 - 18:00</div><div>🔴 LIVE</div>{padding}"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + f"{padding}<div>Advertisement</div>{padding}</div>"
    )
    assert _second_opinion(summary, monkeypatch) == STORY


def test_more_paragraphs_of_the_same_article_extend_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rest = [
        "The home side had opened the scoring in the 20th minute with a strong shot from "
        "outside the box, the goalkeeper unable to reach it.",
    ]
    summary = "<div>" + "".join(f"<p>{p}</p>" for p in STORY + rest) + "</div>"
    assert _second_opinion(summary, monkeypatch) == STORY + rest
