"""A declared charset wrong for the bytes gives way to the one they are really in.

Two mistakes are repaired: a declaration that cannot decode the bytes (an
Arabic ``windows-1256`` page served as ``utf-8``), and a legacy single-byte
declaration on a UTF-8 page (``iso-8859-1`` left in an old template), which
decodes without error into mojibake (``Investorâ€™s``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.charset import better_encoding
from crawler.extraction import extract_article
from crawler.extraction.article import decode
from crawler.middlewares import CharsetMiddleware

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "charset"
ARABIC = "<p>أعلنت وزارة الخارجية اليوم عن استئناف المفاوضات بين الطرفين في العاصمة</p>"
FRENCH = "<p>Le café de l’été : une crème brûlée, déjà « réservée » à 12 €.</p>"
WESTERN = ["iso-8859-1", "latin-1", "windows-1252", "iso-8859-15", "ascii"]


def test_a_declaration_that_decodes_is_kept() -> None:
    assert better_encoding(ARABIC.encode("utf-8"), "utf-8") is None
    assert better_encoding(ARABIC.encode("cp1256"), "cp1256") is None


def test_the_pages_own_meta_wins_over_a_wrong_header() -> None:
    body = ("<meta charset='windows-1256'>" + ARABIC).encode("cp1256")
    assert better_encoding(body, "utf-8") == "cp1256"


def test_utf8_is_tried_when_a_legacy_declaration_is_wrong() -> None:
    body = ("<meta charset='ascii'>" + ARABIC).encode("utf-8")
    assert better_encoding(body, "ascii") == "utf-8"


@pytest.mark.parametrize("legacy", ["cp1256", "iso8859-6"])
def test_undeclared_legacy_arabic_is_guessed(legacy: str) -> None:
    body = ARABIC.replace("أ", "ا").encode(legacy)
    encoding = better_encoding(body, "utf-8")
    assert encoding is not None
    assert body.decode(encoding) == ARABIC.replace("أ", "ا")


@pytest.mark.parametrize("declared", WESTERN)
def test_utf8_bytes_under_a_western_single_byte_declaration_are_utf8(declared: str) -> None:
    assert better_encoding(FRENCH.encode("utf-8"), declared) == "utf-8"


@pytest.mark.parametrize("declared", ["windows-1256", "iso-8859-6", "windows-1251", "koi8-r"])
def test_utf8_bytes_under_any_single_byte_declaration_are_utf8(declared: str) -> None:
    assert better_encoding(ARABIC.encode("utf-8"), declared) == "utf-8"


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252", "iso-8859-15"])
def test_a_real_western_single_byte_page_is_read_as_declared(declared: str) -> None:
    body = FRENCH.replace("’", "'").replace("€", "EUR").encode(declared)
    assert better_encoding(body, declared) is None


@pytest.mark.parametrize("declared", ["windows-1256", "iso-8859-6"])
def test_a_real_arabic_single_byte_page_is_read_as_declared(declared: str) -> None:
    body = ARABIC.replace("أ", "ا").encode(declared)
    assert better_encoding(body, declared) is None


def test_an_ascii_page_keeps_its_declaration() -> None:
    assert better_encoding(b"<p>Plain text, nothing to choose.</p>", "cp1252") is None


def test_a_multibyte_declaration_is_not_second_guessed() -> None:
    body = "<p>東京の天気は晴れ</p>".encode("shift_jis")
    assert better_encoding(body, "shift_jis") is None


def test_a_utf8_bom_wins_over_a_latin1_meta() -> None:
    body = b"\xef\xbb\xbf" + ("<meta charset='iso-8859-1'>" + FRENCH).encode("utf-8")
    assert "l’été" in decode(body)


def test_a_mislabelled_utf8_page_is_extracted_without_mojibake() -> None:
    html = (PAGES / "utf8_declared_latin1.html").read_bytes()
    item = extract_article(html, "https://ledger.example/business/cafe-franchises")
    assert item is not None
    assert item.title == "The Investor’s Guide to Café Franchises"
    assert "small investor’s gamble" in item.body
    assert "crème brûlée" in item.body
    assert "â€" not in item.body and "Ã" not in item.body


def test_the_spider_reads_utf8_served_as_windows_1252_as_utf8() -> None:
    response = HtmlResponse(
        "https://ledger.example/a",
        headers={"Content-Type": "text/html; charset=windows-1252"},
        body=FRENCH.encode("utf-8"),
        request=Request("https://ledger.example/a"),
    )
    repaired = CharsetMiddleware.from_crawler(get_crawler()).process_response(
        response.request, response
    )
    assert "l’été" in repaired.text


@pytest.mark.parametrize(
    "text",
    ["<p>نص عربي l’été</p>", "<p>\ufffd نص عربي</p>"],
    ids=["valid", "quoting-the-replacement-character"],
)
def test_a_valid_utf8_page_is_left_as_it_is(text: str) -> None:
    response = HtmlResponse(
        "https://ledger.example/b",
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=text.encode(),
        request=Request("https://ledger.example/b"),
    )
    middleware = CharsetMiddleware.from_crawler(get_crawler())
    assert middleware.process_response(response.request, response) is response
