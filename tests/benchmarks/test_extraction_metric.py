"""The extraction benchmark's metric (ScrapingHub's evaluate.py) on tiny texts.

No page of ``../shared`` is read: these check the arithmetic the benchmark's figures rest on.
"""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.extraction import aggregate, decode_html, match, parse_truth_date, shingles

TRUTH = "The quick brown fox jumps over the lazy dog"


def test_identical_texts_score_one() -> None:
    counts = match(TRUTH, "The quick brown fox\n\njumps over the lazy dog!")
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    counts = match(TRUTH, "Entirely different words appear in this extraction")
    assert (counts.precision, counts.recall, counts.f1) == (0.0, 0.0, 0.0)


def test_shingles_are_word_four_grams_counted_as_a_multiset() -> None:
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_a_text_under_four_tokens_is_one_shorter_shingle() -> None:
    assert shingles("Hello, world") == {("Hello", "world"): 1}
    assert match("Hello, world", "hello world").f1 == 0.0  # case is kept
    assert match("Hello, world", "Hello world").f1 == 1.0
    assert shingles("") == {}


def test_tokens_are_unicode_words() -> None:
    assert shingles("قال الرئيس، اليوم") == {("قال", "الرئيس", "اليوم"): 1}


def test_counts_are_normalized_per_page() -> None:
    counts = match(TRUTH, TRUTH + " and then some more extra words follow")
    assert counts.tp + counts.fp + counts.fn == pytest.approx(1.0)
    assert counts.recall == 1.0
    assert counts.precision == pytest.approx(6 / 13)


def test_a_rejected_page_counts_with_recall_zero_and_no_precision() -> None:
    rejected = match(TRUTH, None)
    assert rejected.precision is None
    assert rejected.recall == 0.0
    scores = aggregate([match(TRUTH, TRUTH), rejected])
    assert scores.precision == 1.0  # averaged over the pages with an extraction
    assert scores.recall == 0.5  # averaged over every page
    assert scores.f1 == pytest.approx(2 / 3)  # from the two averages, not per page


def test_an_empty_truth_with_an_empty_extraction_is_left_out() -> None:
    scores = aggregate([match("", ""), match(TRUTH, TRUTH)])
    assert (scores.precision, scores.recall, scores.pages) == (1.0, 1.0, 2)


def test_truth_dates_name_a_day_or_nothing() -> None:
    assert parse_truth_date("2025-09-04") == date(2025, 9, 4)
    assert parse_truth_date("2025-09-04T10:00:00+02:00") == date(2025, 9, 4)
    assert parse_truth_date("September 4, 2025") == date(2025, 9, 4)
    assert parse_truth_date("2015-11") is None
    assert parse_truth_date("") is None


def test_html_is_decoded_with_its_declared_charset_else_utf8() -> None:
    declared = b'<meta charset="windows-1256"><p>' + "سلام".encode("cp1256")
    assert decode_html(declared).endswith("سلام")
    assert decode_html("<p>سلام".encode()).endswith("سلام")
