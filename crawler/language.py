"""Detect the main language of an article body.

Uses py3langid (a maintained fork of langid.py): a naive Bayes model over byte
n-grams for ~130 languages, shipped inside the package (nothing is downloaded),
deterministic, and well under a millisecond for an article once loaded. The
model is loaded on first use (about a second and 100 MB) and kept for the process.
Text written in the Arabic alphabet alone is Arabic without asking the model.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["LANGUAGE_SAMPLE", "detect_language"]

logger = logging.getLogger(__name__)

#: Characters of body text an extractor gives to language detection: a few paragraphs
#: decide as well as a whole article, and the detector's time grows with its input.
LANGUAGE_SAMPLE = 400

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


# The 28 letters of the Arabic alphabet with hamza, teh marbuta and alef maqsura forms.
_ARABIC_ALPHABET_RUN_RE = re.compile("[\u0621-\u063a\u0641-\u064a]+")
# Arabic-script letters outside that alphabet: Persian, Urdu, Kurdish, Pashto, Sindhi,
# Uyghur, Jawi... (پ چ ژ گ ک ی ے ە ۆ ێ ڕ ڵ ټ ډ ...), Qur'anic forms.
_OTHER_ARABIC_SCRIPT_RE = re.compile(
    "[\u063b-\u063f\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
    "\u0750-\u077f\u08a0-\u08ff]"
)
# Presentation forms: the shapes of letters and ligatures (ﻷ ﻻ) that text from old
# systems stores instead of the letters; NFKC gives the letters back.
_PRESENTATION_FORMS_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_TATWEEL = "\u0640"
# Share of the letters that must be of the Arabic alphabet (the rest: Latin names, "CNN").
# The model answered Arabic on every corpus text above this share.
_PLAIN_ARABIC_SHARE = 0.65
# Share of the Arabic-script letters that may be of other alphabets: an Arabic text holds
# a ڤ or a گ spelling a foreign name; in Persian, Urdu or Kurdish ی alone is several
# letters in a hundred.
_OTHER_LETTERS_SHARE = 0.01
# Persian keyboards type ی and ک where Arabic writes ى/ي and ك: text typed on one keeps
# Arabic's ي and ك elsewhere, which Persian, Urdu and Kurdish never write.
_PERSIAN_FORMS = {"\u06cc": "\u064a", "\u06a9": "\u0643"}


def _is_plain_arabic(sample: str) -> bool | None:
    """Text in the Arabic alphabet, with at most a stray letter that other languages add
    to it; None when the sample has too few letters to judge.

    Every other language written in Arabic script uses letters of its own often (Persian
    ی and ک, Urdu ے, Kurdish ە and ێ...), so such text is Arabic. On the shared corpus
    (218,253 titles, body openings and bodies) 99.9 % of the texts long enough to judge
    take this path, and the model gives the same answer on all of them but five titles of
    two or three words it is unsure of. It saves ~0.15 ms an article, and the model itself
    (~1.3 s, 110 MB) is loaded only when some article needs it: 16 of the corpus's 72,751
    body openings do.
    """
    if _PRESENTATION_FORMS_RE.search(sample):
        sample = unicodedata.normalize("NFKC", sample)
    # The letters are counted by the length of their runs: one match per word, not per letter.
    arabic = len("".join(_ARABIC_ALPHABET_RUN_RE.findall(sample)))
    # Every letter of the alphabet is a letter, so when the alphabet alone is enough letters
    # and its share of all the characters, it is their share of the letters: counting them
    # (a call per character) is needed only when it is not.
    if arabic < _MIN_LETTERS or arabic < _PLAIN_ARABIC_SHARE * len(sample):
        # Tatweel only stretches a word: a letter to str.isalpha, but no letter to read.
        letters = sum(map(str.isalpha, sample)) - sample.count(_TATWEEL)
        if letters < _MIN_LETTERS:
            return None
        if arabic < _PLAIN_ARABIC_SHARE * letters:
            return False
    others = _OTHER_ARABIC_SCRIPT_RE.findall(sample)
    if not others:  # most Arabic text: nothing to count
        return True
    other = Counter(others)
    for persian, arabic_form in _PERSIAN_FORMS.items():
        if other[persian] and sample.count(arabic_form) > other[persian]:
            del other[persian]
    return other.total() <= _OTHER_LETTERS_SHARE * arabic


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
    plain = _is_plain_arabic(sample)
    if plain is None:
        return default
    if plain:
        return "ar"
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
