"""Detect the main language of an article body.

Uses py3langid (a maintained fork of langid.py): a naive Bayes model over byte
n-grams for ~130 languages, shipped inside the package (nothing is downloaded),
deterministic, and well under a millisecond for an article once loaded. The
model is loaded on first use (about half a second) and kept for the process.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["detect_language"]

logger = logging.getLogger(__name__)

# Enough of an article to decide; bounds the time on very long pages.
_MAX_CHARS = 4000
# Fewer letters than this is a caption or a byline, not enough to judge.
_MIN_LETTERS = 12
# Below this probability the answer is a coin toss between languages.
_MIN_CONFIDENCE = 0.5

# The model also has dialect and variety labels; the archive records the
# ISO 639-1 macrolanguage (Moroccan and Egyptian Arabic are "ar").
_TO_ISO_639_1 = {
    "ary": "ar",
    "arz": "ar",
    "sdh": "ku",
    "uzs": "uz",
    "gug": "gn",
    "wuu": "zh",
    "yue": "zh",
    "fuv": "ff",
    "kik": "ki",
}
_NO_LANGUAGE = frozenset({"zxx", "und"})


@cache
def _identifier() -> LanguageIdentifier:
    # Our own instance: py3langid's module-level one can be restricted to a
    # subset of languages by any other caller (set_languages).
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    logger.debug("loading the py3langid model")
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, default: str | None = None) -> str | None:
    """Return the language code of ``text``'s main language, or ``default``.

    The code is ISO 639-1 (``"ar"``, ``"fr"``, ``"en"``...) where the language
    has one, else its ISO 639-3 code as BCP 47 does. ``default`` is returned
    for text too short to judge (fewer than a dozen letters), text with no
    linguistic content, or an answer with less than even odds. Only the first
    few thousand characters are read. Same input, same answer.
    """
    if not text:
        return default
    sample = text[:_MAX_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return default
    # Sum the probabilities of the varieties of one macrolanguage first, so that
    # Moroccan prose split between "ar" and "ary" still counts as sure Arabic.
    totals: dict[str, float] = {}
    for code, probability in _identifier().rank(sample):
        code = _TO_ISO_639_1.get(code, code)
        totals[code] = totals.get(code, 0.0) + probability
    # Ties broken by code so the answer never depends on dict order.
    code, confidence = max(totals.items(), key=lambda item: (item[1], item[0]))
    if code in _NO_LANGUAGE or confidence < _MIN_CONFIDENCE:
        return default
    return code
