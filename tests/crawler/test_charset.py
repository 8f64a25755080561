"""A declared charset the bytes cannot be decoded with gives way to one they can."""

from __future__ import annotations

import pytest

from crawler.charset import better_encoding

ARABIC = "<p>أعلنت وزارة الخارجية اليوم عن استئناف المفاوضات بين الطرفين في العاصمة</p>"


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
