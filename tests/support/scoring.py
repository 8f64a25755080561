"""How close an extracted text is to the expected one: one measure for every extraction test."""

from __future__ import annotations

from collections import Counter


def token_f1(got: str, want: str) -> float:
    """Bag-of-tokens F1 of two texts split on whitespace.

    Two empty texts agree (1.0): a page with no body, read as having none, is right. One empty
    text against a non-empty one scores 0.0.
    """
    got_tokens, want_tokens = Counter(got.split()), Counter(want.split())
    if not got_tokens and not want_tokens:
        return 1.0
    overlap = sum((got_tokens & want_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_tokens.values())
    recall = overlap / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)
