"""The word-level diff between two versions of an article."""

from __future__ import annotations

from akhbar.web.diff import Piece, changed, word_diff


def test_an_added_word_is_marked_alone_without_its_punctuation_or_spaces() -> None:
    pieces = word_diff("المفاوضات متوقفة.", "المفاوضات متوقفة مؤقتا.")
    assert Piece("added", "مؤقتا") in pieces
    assert "".join(p.text for p in pieces if p.kind != "removed") == "المفاوضات متوقفة مؤقتا."


def test_a_replaced_word_is_removed_then_added() -> None:
    pieces = word_diff("الوفد سيعود غدا", "الوفد لن يعود غدا", context=None)
    kinds = [(p.kind, p.text) for p in pieces if p.kind != "same"]
    assert kinds == [("removed", "سيعود"), ("added", "لن يعود")]


def test_tashkeel_is_an_edit_of_the_word_it_sits_on() -> None:
    pieces = word_diff("قال الوزير", "قال الوزيرُ", context=None)
    assert [p for p in pieces if p.kind != "same"] == [
        Piece("removed", "الوزير"),
        Piece("added", "الوزيرُ"),
    ]


def test_long_unchanged_stretches_become_a_gap_around_the_change() -> None:
    old = " ".join(f"w{i}" for i in range(100))
    new = old.replace("w50", "x")
    pieces = word_diff(old, new, context=3)
    assert pieces[0] == Piece("gap", "…") and pieces[-1] == Piece("gap", "…")
    shown = "".join(p.text for p in pieces)
    assert "w47 w48 w49" in shown and "w51 w52 w53" in shown
    assert "w46" not in shown and "w54" not in shown


def test_no_change_is_no_change() -> None:
    assert not changed(word_diff("نص واحد", "نص واحد"))
    assert changed(word_diff("نص", "نص آخر"))
