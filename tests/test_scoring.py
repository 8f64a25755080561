"""The extraction tests' text measure (tests/support/scoring.py) gives one answer on empty input."""

from __future__ import annotations

import pytest

from tests.support.scoring import token_f1


def test_two_empty_texts_agree() -> None:
    assert token_f1("", "  \n") == 1.0


@pytest.mark.parametrize(("got", "want"), [("", "some words"), ("some words", "")])
def test_an_empty_text_against_a_full_one_scores_zero(got: str, want: str) -> None:
    assert token_f1(got, want) == 0.0


def test_the_same_tokens_in_another_order_score_one() -> None:
    assert token_f1("b a a", "a b a") == 1.0


def test_repeated_tokens_count_once_per_occurrence() -> None:
    # got has 4 tokens, want 2, and 2 are shared: precision 1/2, recall 1, F1 2/3.
    assert token_f1("a a a b", "a b") == pytest.approx(2 / 3)
