"""The shortcuts taken to read an outlet page with less CPU give what the plain code gives.

Each shortcut is checked against the straightforward computation it replaces, on many
seeded random inputs built from the characters and markup that make the shortcuts
matter (invisible characters, every kind of whitespace, combining marks, punctuation,
class attributes spaced in odd ways).
"""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

import pytest
from lxml import etree
from scrapy.http import HtmlResponse

from crawler import text
from crawler.body_text import _END_WORDS, _TIMESTAMP_CLASS, ends_article, is_timestamp
from crawler.elements import class_index, has_class
from crawler.outlet_page import _container
from crawler.text import clean_text, is_read_also, word_count

#: Characters that each take some path of clean_text, word_count or is_read_also.
_ALPHABET = [
    *"ab zZ09_.,-:'",
    "\n",
    "\n\n",
    "\t",
    "\r",
    "\xa0",  # NBSP
    "\u2000",  # EN QUAD, which NFC turns into EN SPACE
    "\u2001",
    "\u3000",
    "\u2028",
    "\x85",
    "\x1c",
    "\x00",
    "\x9f",
    "\u200b",  # dropped: zero-width space, BOM, word joiner
    "\ufeff",
    "\u2060",
    "\u200c",  # kept: ZWNJ, RLM
    "\u200f",
    "e\u0301",  # composes to é
    "\u0301",
    "\u1100\u1161",  # Hangul jamo that compose
    "\u1161",
    "ا\u0654",  # alef + hamza above composes to أ
    "\u0654",
    *"اأإآٱىيبتقرءكلمد",
    "\u064e",  # fatha
    "\u0640",  # tatweel
    *"،؛؟٪…«»“”•–—()",
    "中文",
    "\U0001f534",
]

#: Pieces of "read also" markers, so that random lines often start like one.
_MARKER_PIECES = [
    "اقرأ أيضا",
    "إقرأ أيضاً",
    "أقرأ أيضًا:",
    "وقد يهمك أيضًا:",
    "قد يهمك",
    "ذات صلة",
    "أخبار ذات صلة",
    "شاهد أيضا",
    "المزيد",
    "Read also",
    "lire aussi",
    "related",
    "ـ",
    " ",
    "  ",
    ":",
    "•",
    "»",
    "- ",
    "\u064b",
    "\u0651",
]


def _random_text(rng: random.Random, pieces: list[str], max_len: int) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(max_len)))


def _reference_clean(s: str) -> str:
    """clean_text as it was written before its shortcut: NFC, drop, fold the whitespace."""
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s).translate(text._DROP)
    return re.sub(r"\s+", " ", s).strip()


def _reference_word_count(s: str) -> int:
    return len(text._WORD_RE.findall(s.replace("\u0640", ""))) if s else 0


#: The folding table without the entries that map a character to itself.
_PLAIN_FOLD = {c: to for c, to in text._MATCH_FOLD.items() if to != c}


def _reference_read_also(line: str) -> bool:
    """Whether the whole cleaned line, folded, starts with a marker."""
    return bool(line) and (
        text._READ_ALSO_RE.match(clean_text(line).translate(_PLAIN_FOLD)) is not None
    )


def test_clean_text_is_the_plain_cleaning() -> None:
    rng = random.Random(16)
    samples = [_random_text(rng, _ALPHABET, 40) for _ in range(20_000)]
    samples += [" ".join(s.split()) for s in samples[:5_000]]  # clean already, mostly
    samples += ["\n\n".join(samples[i : i + 3]) for i in range(0, 3_000, 3)]  # stored bodies
    for s in samples:
        assert clean_text(s) == _reference_clean(s), repr(s)


def test_word_count_is_the_plain_count() -> None:
    rng = random.Random(17)
    for _ in range(20_000):
        s = _random_text(rng, _ALPHABET, 60)
        assert word_count(s) == _reference_word_count(s), repr(s)


def test_read_also_is_the_whole_line_match() -> None:
    rng = random.Random(18)
    pieces = _MARKER_PIECES + _ALPHABET
    # Bullets of any length before the marker move it across the end of the folded head.
    lines = [
        _random_text(rng, ["•", " ", "- ", "»", "(", "ـ", "\u064b"], 30)
        + _random_text(rng, _MARKER_PIECES, 6)
        + _random_text(rng, pieces, 40)
        for _ in range(20_000)
    ]
    assert sum(map(_reference_read_also, lines)) > 1_000  # the markers are exercised
    for line in lines:
        assert is_read_also(line) == _reference_read_also(line), repr(line)


# --------------------------------------------------------------------------- elements

_CLASS_TOKENS = ["x", "box", "news-detail", "entry-time", "related-news", "inline-related"]
_SPACES = [" ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2003", "\f"]


def _random_classes(rng: random.Random) -> str | None:
    if rng.random() < 0.3:
        return None
    tokens = [rng.choice(_CLASS_TOKENS) for _ in range(rng.randrange(4))]
    spaced = "".join(rng.choice(_SPACES) + t for t in tokens)
    return spaced + rng.choice(["", " ", "\t"])


def _random_page(rng: random.Random) -> str:
    parts = ["<html><body>"]
    for _ in range(rng.randrange(1, 12)):
        tag = rng.choice(["article", "ARTICLE", "div", "section", "time", "p", "span"])
        classes = _random_classes(rng)
        attrs = "" if classes is None else f' class="{classes}"'
        if rng.random() < 0.2:
            attrs += f' id="{rng.choice(_CLASS_TOKENS)}"'
        parts.append(f"<{tag}{attrs}>t")
        if rng.random() < 0.5:
            parts.append(f"</{tag}>")
    parts.append("<!-- a comment --></body></html>")
    return "".join(parts)


def _pages(count: int) -> list[Any]:
    rng = random.Random(19)
    return [
        HtmlResponse(url="https://example.com/a", body=_random_page(rng).encode(), encoding="utf-8")
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    "css", ["article.news-detail", "article.x", "div.box", "section.related-news", "p.nothing"]
)
def test_container_is_what_the_css_query_selects(css: str) -> None:
    for response in _pages(1_500):
        found = response.css(css)
        assert _container(response, css) is (found[0].root if found else None), response.text


def test_class_index_is_the_walk_over_every_element() -> None:
    for response in _pages(500):
        root = response.selector.root
        expected: dict[str, list[Any]] = {}
        for el in root.iter():
            classes = el.get("class") if isinstance(el.tag, str) else None
            for token in (classes or "").split():
                expected.setdefault(token, []).append(el)
        assert class_index(root) == expected


def test_class_tests_are_the_plain_ones() -> None:
    wanted = frozenset({"box", "related-news"})
    for response in _pages(500):
        for el in response.selector.root.iter(tag=etree.Element):
            tokens = (el.get("class") or "").split()
            names = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
            assert has_class(el, wanted) == bool(wanted.intersection(tokens))
            assert is_timestamp(el) == (
                el.tag == "time" or any(_TIMESTAMP_CLASS.match(t) for t in tokens)
            )
            assert ends_article(el) == any(
                "inline" not in set(re.split(r"[-_]", n))
                and bool(set(re.split(r"[-_]", n)) & _END_WORDS)
                for n in names
            )
