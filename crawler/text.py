"""Clean article text as it is stored, and fingerprint it.

Stored text is kept as published: these functions only repair whitespace,
Unicode composition and invisible junk. Folding spelling variants for search
(hamza forms, alef maqsura, tashkeel...) is a separate concern and does not
happen here, except inside :func:`is_read_also`, which only *matches*.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from itertools import filterfalse

__all__ = [
    "CJK_RE",
    "clean_paragraphs",
    "clean_text",
    "content_hash",
    "is_read_also",
    "join_paragraphs",
    "split_br_lines",
    "word_count",
]

PARAGRAPH_SEPARATOR = "\n\n"

#: Han and kana: scripts that write words without spaces between them.
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Invisible characters that carry no text: BOM / zero-width no-break space,
# zero-width space, word joiner, soft hyphen-free controls. ZWNJ/ZWJ and the
# bidi marks are kept: they can matter for display of mixed-direction text.
_DROP = dict.fromkeys([0xFEFF, 0x200B, 0x2060], None)
# C0/C1 controls other than whitespace; PostgreSQL rejects NUL in text columns.
_DROP |= dict.fromkeys([c for c in range(0x20) if chr(c) not in "\t\n\v\f\r"], None)
_DROP |= dict.fromkeys(range(0x7F, 0x85), None)
_DROP |= dict.fromkeys(range(0x86, 0xA0), None)

# str.translate looks every character up in the table, which costs more than the rest of
# clean_text together; text rarely holds any of these, so look for them first (in C).
_DROP_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _DROP) + "]")


def clean_text(s: str) -> str:
    """Return ``s`` in NFC with every run of (Unicode) whitespace as one space, trimmed.

    NBSP, thin, hair, narrow no-break and ideographic spaces, tabs and line
    breaks all become a plain space; zero-width spaces, BOMs and control
    characters are removed. Letters, tashkeel, tatweel and punctuation are
    left exactly as published. ``None`` is treated as ``""``.
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s)
    # Most text arrives clean (extractors clean it, pipelines and hashes clean it again): a
    # printable string (str.isprintable) holds no character to drop and no whitespace but
    # U+0020, so when its spaces are single and inside it, the split and join below would
    # give it back as is. A stored body's paragraph breaks are the one other whitespace it
    # holds. Written out inline: this runs some forty times a page.
    flat = s.replace(PARAGRAPH_SEPARATOR, " ") if "\n" in s else s
    if flat.isprintable() and flat[0] != " " and flat[-1] != " " and "  " not in flat:
        return flat
    if _DROP_RE.search(s):
        s = s.translate(_DROP)
    # str.split() splits on exactly the characters re's \s matches (NBSP, U+2000-U+200A,
    # U+202F, U+205F, U+3000, U+1680, NEL, line/paragraph separators, tabs, newlines)
    # and drops them at both ends: the same result as re.sub(r"\s+", " ", s).strip(),
    # several times faster on prose, where every single space was a substitution.
    return " ".join(s.split())


# --------------------------------------------------------------------------
# "Read also" / "may interest you" link lines inside article bodies.

# Matching is done on a folded copy: no tashkeel/tanween/tatweel, one alef,
# ي for ى (the pattern ignores case).
_MATCH_FOLD = (
    dict.fromkeys(range(0x064B, 0x0660), None)
    | {0x0670: None, 0x0640: None}
    | dict.fromkeys(map(ord, "أإآٱ"), "ا")
    | {ord("ى"): "ي"}
)
# str.translate looks every character up in the table, making an int object for each
# Arabic one: folding a line's head that way cost more than matching it. The fold only
# deletes some characters and replaces others by letters it never touches, so a deletion
# then one replacement per target letter, each done in C, give what translate gives.
_FOLD_DELETE = re.compile(
    "[" + "".join(chr(c) for c, to in _MATCH_FOLD.items() if to is None) + "]"
)
_FOLD_REPLACE = [
    (
        re.compile("[" + "".join(chr(c) for c, to in _MATCH_FOLD.items() if to == target) + "]"),
        target,
    )
    for target in sorted({to for to in _MATCH_FOLD.values() if to})
]


def _match_fold(text: str) -> str:
    """*text* folded as ``text.translate(_MATCH_FOLD)`` folds it."""
    text = _FOLD_DELETE.sub("", text)
    for chars, target in _FOLD_REPLACE:
        text = chars.sub(target, text)
    return text


# Markers that are never prose when they open a line, so link text may follow
# without any punctuation: "اقرأ أيضا خبر ...", "قد يهمك أيضا ...".
_STRONG = [
    r"(?:ا|ان|نحن\s+)?(?:نقترح|ننصح)\s+(?:عليك|لك)\b",
    r"اقر[اء]\s+(?:ايضا|كذلك|المزيد|اكثر)",
    r"اقر[اء]\s*:",
    r"للمزيد\s+اقر[اء]",
    r"(?:قد|ربما)\s+(?:يهمك|يهمكم|يعجبك|يعجبكم)(?:\s+(?:ايضا|كذلك|ان\s+تقرا?))?",
    r"يهمك\s+(?:ايضا|كذلك)",
    r"read\s+(?:also|more)\b",
    r"see\s+also\b",
    r"(?:[aà]\s+)?lire\s+(?:aussi|[ée]galement)\b",
    r"voir\s+aussi\b",
    # The same markers on other languages' sites: Italian, Spanish, Portuguese, German,
    # Polish, Russian, Greek (Chinese, written without spaces, is among the weak ones).
    r"leggi\s+anche\b",
    r"lea\s+tambi[ée]n\b",
    r"lee\s+tambi[ée]n\b",
    r"leia\s+tamb[ée]m\b",
    r"lesen\s+sie\s+auch\b",
    r"(?:czytaj|przeczytaj|zobacz)\s+(?:także|też)\b",
    r"(?:читайте|смотрите)\s+также\b",
    r"διαβ[αά]στε\s+(?:επ[ιί]σης|ακ[οό]μη|ακ[οό]μα)\b",
]
# Markers that are also ordinary words ("شاهد" = "he watched", "ذات صلة" =
# "related" in a sentence): only a marker when alone on the line or followed by
# a colon-like separator.
_WEAK = [
    r"(?:شاهد|شاهدوا|طالع|طالعوا|تابع|تابعوا|انظر)\s+(?:ايضا|كذلك|المزيد)",
    r"(?:اخبار|مواضيع|مقالات|روابط|قراءات)?\s*ذات\s+صلة",
    r"(?:اخبار|مواضيع|مقالات)\s+متعلقة",
    r"المزيد",
    r"related(?:\s+(?:articles?|news|stories))?",
    r"sur\s+le\s+m[êe]me\s+sujet",
    r"(?:延伸|相关|相關|推荐|推薦)(?:阅读|閱讀)",
]
# Leading bullets, quotes and brackets that sites put before the marker.
_LEAD = r"[\s\-–—•·*>»«\"'“”‘’(\[【]*"
# Optional conjunction و/ف glued to the first word ("وقد يهمك").
_CONJ = r"(?:[وف](?=[^\s\W\d]))?"
_SEPARATOR = r"\s*(?:[:：\-–—|>»…\]】]|\.{2,}|$)"
_READ_ALSO_RE = re.compile(
    rf"^{_LEAD}{_CONJ}(?:(?:{'|'.join(_STRONG)})|(?:(?:{'|'.join(_WEAK)}){_SEPARATOR}))",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(_LEAD)
# Characters of a line that is_read_also folds and matches first: a marker is short, and
# folding every character of a paragraph (a table lookup each) cost more than the match.
# The marker and a few leading bullets or deleted marks fit in 40; folding 64 cost half of
# is_read_also, and no saved or generated page's line took the slower path more often.
_HEAD = 40
# The most characters _READ_ALSO_RE reads past the leading bullets when every run of
# whitespace is one character (clean text): 21 (re's parser on the pattern, with \s+ and
# \s* as one space and \.{2,} as two dots), plus the one \b looks at.
_MARKER_WIDTH = 22
# Characters of a line cleaned to find its head: twice the head, so that the whitespace
# cleaning takes off seldom leaves it shorter.
_OPENING = 2 * _HEAD


def is_read_also(line: str) -> bool:
    """True when ``line`` is a "read also" / "may interest you" marker line.

    Recognized at the start of the line, with or without the linked headline
    after it: ``أقرأ أيضًا:``, ``اقرأ أيضا:``, ``إقرأ أيضاً :``, ``اقرأ المزيد``,
    ``وقد يهمك أيضًا:``, ``قد يهمك أيضا:``, ``ربما يعجبك``, and, when alone or
    followed by a colon or dash, ``شاهد أيضا``, ``طالع أيضا``, ``ذات صلة``,
    ``أخبار ذات صلة``, ``المزيد``; also ``Read also``/``Lire aussi`` and their
    Italian, Spanish, Portuguese, German, Polish, Russian, Greek and Chinese
    counterparts (``Leggi anche``, ``Читайте также``, ``Διαβάστε επίσης``, ``延伸阅读``). Any
    tashkeel or tanween, tatweel, hamza/alef form and leading bullets are
    tolerated. Prose that merely uses أيضا or ذات صلة is not a marker.

    The link-only paragraphs that can follow a ``قد يهمك أيضا:`` line carry no
    marker text; spotting them needs the markup (a paragraph that is one link),
    which is the outlet extractor's job.
    """
    if not line:
        return False
    # Cleaning a line cut before a plain space gives the opening of the cleaned line (a space
    # composes with nothing in NFC and only ends a run of whitespace), so the head of a long
    # paragraph is read from its cleaned opening: cleaning all of it cost as much as the rest.
    cut = line.find(" ", _OPENING)
    opening = clean_text(line[:cut]) if cut > 0 else ""
    from_opening = len(opening) > _HEAD
    cleaned = opening if from_opening else clean_text(line)
    if len(cleaned) > _HEAD:
        decided = _head_decides(cleaned[:_HEAD])
        if decided is not None:
            return decided
    if from_opening:
        cleaned = clean_text(line)
    return _READ_ALSO_RE.match(_match_fold(cleaned)) is not None


def _head_decides(head: str) -> bool | None:
    r"""Whether a line is a marker, read from the first _HEAD characters of it cleaned; None
    when they cannot tell.

    The pattern is anchored at the start and reads at most _MARKER_WIDTH characters past
    the leading bullets, so folding the whole paragraph is wasted on long lines: folding
    works character by character, the folded head is the head of the folded line, and
    when no way through the pattern can reach the head's end, the head decides. It cannot
    when bullets run deep into it, when folding left a run of spaces (tatweel between
    spaces) that \s+ would read on, or when a match ends where the head is cut.
    """
    folded = _match_fold(head)
    lead = _LEAD_RE.match(folded)
    match = _READ_ALSO_RE.match(folded)
    if (
        lead is not None
        and lead.end() + _MARKER_WIDTH < len(folded)
        and "  " not in folded
        and (match is None or match.end() < len(folded))
    ):
        return match is not None
    return None


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Return the paragraphs cleaned with :func:`clean_text`, without empty and read-also lines."""
    cleaned = []
    for paragraph in paragraphs:
        text = clean_text(paragraph)
        if text and not is_read_also(text):
            cleaned.append(text)
    return cleaned


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Join paragraphs with a blank line (``"\\n\\n"``), the stored body format."""
    return PARAGRAPH_SEPARATOR.join(paragraphs)


# Word separators besides whitespace: punctuation and symbols, Latin and
# Arabic (، ؛ ؟ ۔ ٪). Apostrophes and hyphens are absent on purpose so that
# "l'homme" and "e-mail" stay one word; tokens left with no letter or digit
# (a lone dash, "...") are not counted.
_SEPARATORS = r"\s.,;:!?\"()\[\]{}<>«»“”„‹›/\\|…–—·•*+=&%#@~^$\u060C\u061B\u061F\u06D4\u066A\u066D"
# A word: a maximal run of non-separators holding a letter or digit ([^\W_] is exactly
# str.isalnum).
_WORD_RE = re.compile(rf"[^{_SEPARATORS}]*[^\W_][^{_SEPARATORS}]*")


def word_count(text: str) -> int:
    """Count the words of ``text`` in any space-separated script.

    Words are runs between whitespace and punctuation that contain at least
    one letter or digit; tashkeel and tatweel inside a word do not split it,
    and punctuation alone is not counted. Scripts written without spaces
    (Chinese, Japanese, Thai) count one word per run.
    """
    if not text:
        return 0
    # Tatweel is a "letter" to Unicode, but alone it is a dash ("واشنطن ـ المغرب").
    tokens = text.replace("\u0640", "").split()
    # Whitespace separates words, so each token counts on its own. A token of letters and
    # digits only (str.isalnum, the regex's [^\W_]) is one word: most of prose, counted in C;
    # the regex, whose every match costs an object, reads only the tokens holding punctuation
    # (findall builds them in C; counting finditer's matches in Python cost twice as much).
    mixed = list(filterfalse(str.isalnum, tokens))
    return len(tokens) - len(mixed) + len(_WORD_RE.findall(" ".join(mixed)))


def content_hash(title: str, body: str) -> str:
    """Hex SHA-256 of the article's text, for spotting word-for-word copies.

    Title and body are each put through :func:`clean_text` (NFC, all
    whitespace folded, paragraph breaks included, invisible characters
    dropped), so a copy that differs only in spacing, line breaks or Unicode
    composition hashes the same; any change of a letter, mark or punctuation
    changes the hash. The title is part of it.
    """
    payload = clean_text(title or "") + "\x1f" + clean_text(body or "")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Paragraphs written as <br>-separated lines.

_BR_RE = re.compile(r"<br\s*/?>|</?p(?:\s[^>]*)?>|</?div(?:\s[^>]*)?>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_SKIP_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def split_br_lines(fragment: str) -> list[str]:
    """Split an HTML fragment into its text lines at ``<br>``, ``<p>`` and ``<div>`` boundaries.

    For bodies that are one ``<p>`` with ``<br>``-separated lines, or have no
    ``<p>`` at all (lines separated by ``<br><br>``): each line becomes one
    paragraph. Other tags are removed keeping their text, entities are
    decoded, lines are cleaned with :func:`clean_text` and empty ones dropped.
    Read-also lines are *not* removed here (use :func:`clean_paragraphs`).
    """
    if not fragment:
        return []
    fragment = _SKIP_RE.sub(" ", fragment)
    lines = []
    for piece in _BR_RE.split(fragment):
        text = clean_text(html.unescape(_TAG_RE.sub("", piece)))
        if text:
            lines.append(text)
    return lines
