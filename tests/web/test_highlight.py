"""Search highlights: db's plain (part, matched) pairs become escaped HTML with ``<mark>``."""

from __future__ import annotations

import datetime as dt

from akhbar.web.highlight import highlighted, snippet_html, title_html
from db.search import SearchHit


def hit(**parts: list[tuple[str, bool]]) -> SearchHit:
    return SearchHit(
        id=1,
        url="https://example.test/1",
        outlet="example",
        title="<b>سوريا</b> اليوم",
        published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        language="ar",
        rank=0.5,
        **parts,
    )


def test_matched_parts_are_marked_and_the_others_left_plain() -> None:
    assert highlighted([("في ", False), ("سوريا", True), (" اليوم", False)]) == (
        "في <mark>سوريا</mark> اليوم"
    )


def test_every_part_is_escaped_matched_or_not() -> None:
    html = highlighted([("<script>", False), ("a&b", True), ('"x"', False)])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "<mark>a&amp;b</mark>" in html and "&#34;x&#34;" in html


def test_no_parts_is_no_html() -> None:
    assert highlighted([]) == ""


def test_a_title_without_parts_is_shown_whole_and_escaped() -> None:
    assert title_html(hit()) == "&lt;b&gt;سوريا&lt;/b&gt; اليوم"


def test_a_title_with_parts_marks_its_matched_words() -> None:
    parts = [("<b>", False), ("سوريا", True), ("</b> اليوم", False)]
    assert title_html(hit(title_parts=parts)) == "&lt;b&gt;<mark>سوريا</mark>&lt;/b&gt; اليوم"


def test_a_snippet_marks_its_matched_words() -> None:
    parts = [("… ", False), ("سورية", True), (" و", False)]
    assert snippet_html(hit(snippet_parts=parts)) == "… <mark>سورية</mark> و"
