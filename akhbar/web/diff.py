"""A word-level diff between two versions of an article's text, for people to read.

Words are compared as written (no folding): an edit that only adds tashkeel or swaps
ي/ى is still an edit of the published text. Long unchanged stretches are shortened to
a few words each side of a change, so a one-word correction in a long body stays
visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

CONTEXT_WORDS = 12
"""Unchanged words kept on each side of a change; the rest of a stretch becomes a gap."""

# Words (with their Arabic marks), single punctuation marks, and runs of whitespace: a
# full stop after an edited word is not part of the edit.
_TOKENS = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]+|[^\w\s]|\s+")

Kind = Literal["same", "added", "removed", "gap"]


@dataclass(frozen=True)
class Piece:
    """A run of text that both versions share, only one has, or that was left out."""

    kind: Kind
    text: str


def word_diff(old: str, new: str, context: int | None = CONTEXT_WORDS) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``, word by word, whitespace kept.

    With ``context`` set, unchanged stretches longer than twice that many words keep
    ``context`` words each side of a change and a ``gap`` piece in between.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.extend(_same(a[i1:i2], context, first=i1 == 0, last=i2 == len(a)))
            continue
        if tag in ("delete", "replace"):
            pieces.extend(_change("removed", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.extend(_change("added", "".join(b[j1:j2])))
    return pieces


def changed(pieces: list[Piece]) -> bool:
    """Whether the diff holds any change at all."""
    return any(piece.kind in ("added", "removed") for piece in pieces)


def _change(kind: Kind, text: str) -> list[Piece]:
    """A changed run, with the whitespace at its ends left unmarked (read as unchanged)."""
    core = text.strip()
    if not core:  # only spacing changed: keep the new spacing, unmarked
        return [Piece("same", text)] if kind == "added" else []
    start = text.index(core)
    end = start + len(core)
    pieces = [Piece("same", text[:start])] if start else []
    pieces.append(Piece(kind, core))
    if end < len(text):
        pieces.append(Piece("same", text[end:]))
    return pieces


def _same(tokens: list[str], context: int | None, first: bool, last: bool) -> list[Piece]:
    """An unchanged stretch, cut down to ``context`` words next to each change."""
    words = [i for i, token in enumerate(tokens) if not token.isspace()]
    keep_before = 0 if first else (context or 0)  # words after the previous change
    keep_after = 0 if last else (context or 0)  # words before the next change
    if context is None or len(words) <= keep_before + keep_after + 1:
        return [Piece("same", "".join(tokens))]
    pieces = []
    if keep_before:
        end = words[keep_before - 1] + 1
        pieces.append(Piece("same", "".join(tokens[:end])))
    pieces.append(Piece("gap", "…"))
    if keep_after:
        start = words[len(words) - keep_after]
        pieces.append(Piece("same", " " + "".join(tokens[start:])))
    return pieces
