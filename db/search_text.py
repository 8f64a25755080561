"""The Arabic search text of an article, computed in Python at write time.

``public.akhbar_article_tsvector_v1`` (migration b7d4e2f1a9c3) normalizes and stems
every word of an article with regular expressions in SQL: ~1.9 ms of server CPU per
article, most of a write. News text repeats its words, so this module does the same
normalization (:func:`normalize`, as ``akhbar_ar_normalize_v1``) and stemming
(:func:`stem`, as ``akhbar_ar_stem_v1``) once per distinct word with a per-process
cache, and the server only parses the two texts with the ``simple`` configuration
(``akhbar_ar_document_v1``, migration 3b9e1c7a5d20): same lexemes, same positions.

Both functions must give exactly what the SQL ones give: ``benchmarks/search_vocabulary.py``
compares them on the whole vocabulary of the shared corpus, and
``tests/search/test_search_text.py`` on a saved sample of it. The SQL functions stay
what queries and SQL users call.
"""

from __future__ import annotations

import re
import unicodedata

# The mirror of akhbar_ar_normalize_v1, step by step and in its order. str.replace
# and one regex per step run at C speed; a translate table would cost a dictionary
# lookup per character (0.25 ms for a 3 KB body).
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_DELETED = re.compile(
    "[\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]"
)
_PUNCTUATION = re.compile("[،؛؟«»…“”„‘’–—•٪]")
_LETTER_FOLDS = (
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ى", "ي"),
    ("ة", "ه"),
    ("ؤ", "ء"),
    ("ئ", "ء"),
)
_RARE = re.compile("[یکگە٠-٩۰-۹]")
_RARE_FOLDS = str.maketrans("یکگە٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "يككه01234567890123456789")

# The stemmer's regular expressions work on runs of Arabic letters (a prefix only
# where no letter precedes, a suffix only where none follows), so each run is
# stemmed on its own, and a run seen before is not stemmed again.
_RUN = re.compile("([\u0621-\u064a]+)")
# At most one of these can begin a run (they differ in their first two letters).
_PREFIXES = ("وال", "بال", "كال", "فال", "ولل", "فلل", "لل", "ال")
# (suffixes, letters that must remain), in the order of the SQL passes; within a
# pass at most one suffix can end a run.
_SUFFIX_PASSES = (
    (("هما", "كما", "هم", "هن", "ها", "كم", "كن"), 3),
    (("ات", "ه"), 3),
    (("ون", "ين"), 4),
)
_CACHE_LIMIT = 500_000  # distinct runs kept; a long crawl's vocabulary stays bounded
_stems: dict[str, str] = {}
_token_stems: dict[str, str] = {}  # normalized token -> its stem


def normalize(text: str) -> str:
    """``akhbar_ar_normalize_v1(text)``: orthographic folding for search."""
    if _PRESENTATION_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = _PUNCTUATION.sub(" ", _DELETED.sub("", text))
    for source, target in _LETTER_FOLDS:
        text = text.replace(source, target)
    if _RARE.search(text):
        text = text.translate(_RARE_FOLDS)
    return text


def stem_run(run: str) -> str:
    """The stem of one run of normalized Arabic letters, as ``akhbar_ar_stem_v1`` gives it."""
    stemmed = _stems.get(run)
    if stemmed is None:
        if len(_stems) >= _CACHE_LIMIT:
            _stems.clear()
        stemmed = _stems[run] = _stem(run)
    return stemmed


def _stem(run: str) -> str:
    # One C-level test per tuple first: most runs take no prefix and no suffix of a pass.
    if run.startswith(_PREFIXES):
        for prefix in _PREFIXES:
            if run.startswith(prefix):
                if len(run) - len(prefix) >= 3:
                    run = run[len(prefix) :]
                break
    for suffixes, keep in _SUFFIX_PASSES:
        if run.endswith(suffixes):
            for suffix in suffixes:
                if run.endswith(suffix):
                    if len(run) - len(suffix) >= keep:
                        run = run[: -len(suffix)]
                    break
    return run


def stem(normalized: str) -> str:
    """``akhbar_ar_stem_v1(text)`` of normalized text."""
    # Split keeping the runs at odd indexes: one C call, then a dictionary lookup a word.
    parts = _RUN.split(normalized)
    stems = _stems
    parts[1::2] = [stems.get(run) or stem_run(run) for run in parts[1::2]]
    return "".join(parts)


def prepared(title: str | None, subtitle: str | None, body: str | None) -> list[str]:
    """The argument of ``akhbar_ar_document_v1``: each field normalized, then stemmed."""
    texts: list[str] = []
    for field in (title, subtitle, body):
        texts += _prepare_field(field or "")
    return texts


def _prepare_field(text: str) -> tuple[str, str]:
    """(normalized, stemmed) of one field: the whole text normalized, then stemmed a
    space-separated token at a time from a cache.

    Normalizing runs at C speed over the whole text (NFKC included, when a presentation
    form calls for it); stemming acts on each side of a space alone (a space is neither
    changed nor a letter), so a token's stem is looked up rather than computed again.
    Keyed on normalized tokens, the cache meets fewer distinct keys than the text has
    spellings: a crawl's first thousands of articles find more of their words in it.
    """
    normal = normalize(text)
    tokens = normal.split(" ")
    # map() of the dictionary's own get runs in C; the tokens it has not seen are few.
    stemmed = list(map(_token_stems.get, tokens))
    if None in stemmed:
        pairs = zip(stemmed, tokens, strict=True)
        stemmed = [_stem_token(token) if s is None else s for s, token in pairs]
    return normal, " ".join(stemmed)


def _stem_token(token: str) -> str:
    if len(_token_stems) >= _CACHE_LIMIT:
        _token_stems.clear()
    stemmed = _token_stems[token] = stem(token)
    return stemmed
