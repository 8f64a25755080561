from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from lxml import html

from crawler.text import (
    clean_paragraphs,
    clean_text,
    content_hash,
    is_read_also,
    join_paragraphs,
    split_br_lines,
    word_count,
)
from tests.support import FIXTURES


def _truth_articles() -> list[dict]:
    articles = []
    for path in sorted(FIXTURES.glob("*/site/_truth/*.json")):
        truth = json.loads(path.read_text("utf-8"))
        if isinstance(truth, dict) and truth.get("is_article"):
            articles.append(truth)
    return articles


TRUTH_ARTICLES = _truth_articles()


# --------------------------------------------------------------------------
# clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u00a0واشنطن ـ المغرب اليوم\u00a0", "واشنطن ـ المغرب اليوم"),  # NBSP
        ("الدار\u2009البيضاء", "الدار البيضاء"),  # thin space
        ("الدار\u202fالبيضاء", "الدار البيضاء"),  # narrow no-break space
        ("الدار\u200aالبيضاء", "الدار البيضاء"),  # hair space
        ("الدار\u3000البيضاء", "الدار البيضاء"),  # ideographic space
        ("الدار \t\n\r  البيضاء", "الدار البيضاء"),
        ("الدار\u2028البيضاء", "الدار البيضاء"),  # line separator
        ("  \n ", ""),
        ("", ""),
    ],
)
def test_clean_text_folds_every_unicode_space_to_one_plain_space(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_composes_to_nfc():
    decomposed = unicodedata.normalize("NFD", "café آب")
    assert decomposed != "café آب"
    assert clean_text(decomposed) == "café آب"


@pytest.mark.parametrize("junk", ["\ufeff", "\u200b", "\u2060", "\x00", "\x07"])
def test_clean_text_drops_invisible_and_control_characters(junk):
    assert clean_text(f"داعش{junk}") == "داعش"


@pytest.mark.parametrize(
    "published",
    [
        "مُحَمَّد",  # tashkeel
        "الـ25",  # tatweel
        "سوريا / سورية",
        "الأميركي «داعش» ...؟!",
        "تقرير\u200f (أ ف ب)",  # right-to-left mark
    ],
)
def test_clean_text_keeps_letters_marks_and_punctuation_as_published(published):
    assert clean_text(published) == published


def test_clean_text_keeps_zero_width_non_joiner():
    assert "\u200c" in clean_text("می\u200cخواهم")


def test_clean_text_does_not_fold_spelling_variants():
    assert clean_text("إبريل الأميركي سورية") == "إبريل الأميركي سورية"


# --------------------------------------------------------------------------
# is_read_also


@pytest.mark.parametrize(
    "line",
    [
        # every spelling on casablancatoday, with and without the link text
        "أقرأ أيضًا:",
        "أقرأ أيضًا: وزير الخارجية الأميركي يؤكد أنه سيزور الكويت في الأيام المقبلة",
        "اقرأ أيضا:",
        "اقرأ أيضا: معرض الدار البيضاء الدولي للنشر والكتاب يفتح أبوابه في دورته الـ25",
        "إقرأ أيضاً :",
        "إقرأ أيضاً : تعديل حكومي في المغرب يقلص عدد الحقائب إلى 24",
        "وقد يهمك أيضًا:",
        "وقد يهمك أيضًا:العاهل السعودي يستقبل وزير الخارجية الأميركي في الرياض",
        "قد يهمك أيضا:",
        "قد يهمك أيضا:بوتفليقة يعلن استقالته من رئاسة الجزائر بعد أسابيع من الاحتجاجات",
        # obvious variants
        "اقرأ ايضا",
        "اقرا ايضا",
        "إقرأ أيضاً",
        "اقـــرأ أيضـــاً:",
        "اقْرَأْ أَيْضًا:",
        "اقرأ أيضًا...",
        "اقرأ كذلك: خبر",
        "اقرأ المزيد",
        "اقرأ المزيد: تفاصيل الخبر",
        "للمزيد اقرأ: تفاصيل",
        "يهمك أيضا:",
        "قد يهمك",
        "ربما يهمك أيضاً",
        "قد يعجبك أيضا",
        "فقد يهمك أيضا:",
        "شاهد أيضا",
        "شاهد أيضًا:",
        "شاهد أيضا: فيديو وصول البابا",
        "طالع أيضا",
        "طالع أيضاً - تقرير",
        "ذات صلة",
        "ذات صلة:",
        "أخبار ذات صلة",
        "مواضيع ذات صلة :",
        "المزيد:",
        "» اقرأ أيضا: خبر",
        "- اقرأ أيضا",
        "• قد يهمك أيضا",
        "(اقرأ أيضا: خبر)",
        "\u00a0اقرأ أيضا:\u00a0",
        "Read also: Pompeo in Riyadh",
        "Read more",
        "Lire aussi : le Maroc",
        "À lire aussi",
    ],
)
def test_read_also_marker_lines_are_recognized(line):
    assert is_read_also(line)


@pytest.mark.parametrize(
    "line",
    [
        # real body lines using أيضا / ذات صلة / المزيد in prose
        "وقال مسؤول أميركي آخر إن الولايات المتحدة ستحمي أيضاً الشركاء الذين نتعامل معهم.",
        "كما أشار المتحدث الرسمي إلى أن وزير الخارجية سيشارك أيضاً بواشنطن في الاجتماع الوزاري",
        "وفي كلمة ألقاها خلال افتتاح اجتماع لوزراء خارجية الدول، أشار بومبيو أيضا إلى المخاوف",
        "وشدد الوزير على أهمية الوصول إلى حل سياسي بناء على قرارات مجلس الأمن ذات الصلة.",
        "وأعرب الطرفان أنهما سيواصلان العمل معا لإنجاز المزيد من التقدم في حل القضايا العالقة.",
        "أيضا، أكد الوزير أن المفاوضات مستمرة",
        "شاهد أيضا آلاف المتفرجين المباراة في الملعب",
        "ذات صلة بالملف السوري، أعلنت الخارجية",
        "المزيد من الأخبار في الصفحة",
        "طالع أيضا الوزير التقارير قبل الاجتماع",
        "واشنطن ـ المغرب اليوم",
        "",
        "   ",
    ],
)
def test_prose_mentioning_also_is_not_a_marker(line):
    assert not is_read_also(line)


def _casablancatoday_body_paragraphs() -> list[tuple[str, str]]:
    site = FIXTURES / "casablancatoday/site"
    paragraphs = []
    for truth in TRUTH_ARTICLES:
        if truth.get("outlet") != "casablancatoday":
            continue
        tree = html.parse(str(site / truth["url_path"].lstrip("/")))
        for p in tree.xpath('//div[contains(@class, "article-body")]//p'):
            paragraphs.append((truth["url_path"], p))
    return paragraphs


def test_every_read_also_paragraph_on_casablancatoday_is_recognized():
    # Marker paragraphs start with a <b>/<strong> label and hold one link.
    markers = [
        (path, p.text_content())
        for path, p in _casablancatoday_body_paragraphs()
        if p.xpath("./b|./strong") and p.xpath("./a") and (p.text or "").strip() == ""
    ]
    assert len(markers) >= 40
    missed = [(path, text) for path, text in markers if not is_read_also(text)]
    assert missed == []


@pytest.mark.parametrize(
    "truth", TRUTH_ARTICLES, ids=lambda t: f"{t.get('outlet')}:{t['url_path'][-40:]}"
)
def test_no_truth_body_paragraph_is_taken_for_a_marker(truth):
    flagged = [p for p in truth["body"].split("\n\n") if is_read_also(p)]
    assert flagged == []


# --------------------------------------------------------------------------
# clean_paragraphs / join_paragraphs


def test_clean_paragraphs_cleans_and_drops_empty_and_marker_lines():
    raw = [
        "\u00a0فتح المعرض الدولي للنشر والكتاب  أبوابه.\u00a0",
        "   ",
        "",
        "أقرأ أيضًا: وزير الخارجية الأميركي يؤكد أنه سيزور الكويت",
        "وقال وزير الثقافة\nإن هذه التظاهرة أصبحت موعدا سنويا.",
        "وقد يهمك أيضًا:",
    ]
    assert clean_paragraphs(raw) == [
        "فتح المعرض الدولي للنشر والكتاب أبوابه.",
        "وقال وزير الثقافة إن هذه التظاهرة أصبحت موعدا سنويا.",
    ]


def test_clean_paragraphs_accepts_any_iterable():
    assert clean_paragraphs(p for p in ["أ", " ب "]) == ["أ", "ب"]


def test_join_paragraphs_uses_a_blank_line():
    assert join_paragraphs(["أ", "ب", "ج"]) == "أ\n\nب\n\nج"
    assert join_paragraphs([]) == ""


# --------------------------------------------------------------------------
# split_br_lines


def test_split_br_lines_gives_one_paragraph_per_br_line():
    fragment = (
        "<p>وشدد وزير الخارجية الأمريكي على أهمية الوصول إلى حل سياسي.<br>\n"
        "وحث وزير الخارجية الأمريكي مايك بومبيو الدول الأعضاء.<br>\n"
        "وفي كلمة ألقاها، أشار بومبيو أيضا إلى المخاوف.<br></p>"
    )
    assert split_br_lines(fragment) == [
        "وشدد وزير الخارجية الأمريكي على أهمية الوصول إلى حل سياسي.",
        "وحث وزير الخارجية الأمريكي مايك بومبيو الدول الأعضاء.",
        "وفي كلمة ألقاها، أشار بومبيو أيضا إلى المخاوف.",
    ]


def test_split_br_lines_handles_bodies_without_p_and_double_br():
    fragment = "السطر الأول<br><br>السطر <b>الثاني</b> &quot;داعش&quot;<br/><br/>"
    assert split_br_lines(fragment) == ["السطر الأول", 'السطر الثاني "داعش"']


def test_split_br_lines_ignores_scripts_and_comments():
    fragment = "أ<br><script>var x = 1;</script><!-- note -->ب"
    assert split_br_lines(fragment) == ["أ", "ب"]


# --------------------------------------------------------------------------
# word_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("   ", 0),
        ("وقال وزير الخارجية", 3),
        ("وقال وزير الخارجية، محمد الأعرج: «موعدا سنويا».", 7),
        ("مُحَمَّد الأَعْرَج", 2),  # tashkeel does not split a word
        ("الـ25 دورته", 2),  # tatweel does not split a word
        ("جنيف (أ ف ب) - قال", 5),  # a lone dash is not a word
        ("واشنطن ـ المغرب اليوم", 3),  # a lone tatweel used as a dash is not a word
        ("هل انتهى؟ نعم؛ انتهى.", 4),
        ("عام 2019 و١٤ شخصا", 4),
        ("The minister said: it's over — again.", 6),
        ("l'homme a lu l'e-mail", 4),
        ("... !!! ؟؟", 0),
    ],
)
def test_word_count_counts_words_of_any_script_without_punctuation(text, count):
    assert word_count(text) == count


def test_word_count_of_a_fixture_body_is_plausible():
    body = TRUTH_ARTICLES[0]["body"]
    assert word_count(body) == len(body.split()) - sum(
        1 for token in body.split() if not any(ch.isalnum() for ch in token)
    )


# --------------------------------------------------------------------------
# content_hash


def test_content_hash_is_hex_sha256():
    digest = content_hash("عنوان", "نص")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == hashlib.sha256("عنوان\x1fنص".encode()).hexdigest()


def test_content_hash_ignores_whitespace_layout_and_composition():
    title = "بومبيو: مستمرون في محاربة داعش"
    body = "الفقرة الأولى.\n\nالفقرة الثانية."
    copy_title = "\u00a0بومبيو:  مستمرون في محاربة داعش "
    copy_body = "الفقرة الأولى.\nالفقرة\u2009الثانية.\ufeff"
    assert content_hash(title, body) == content_hash(copy_title, copy_body)
    assert content_hash("café", "x") == content_hash(unicodedata.normalize("NFD", "café"), "x")


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("بومبيو: مستمرون في محاربة داعش", "الفقرة الأولى، والفقرة الثانية."),  # punctuation
        ("بومبيو: مستمرون في محاربة داعش", "الفقرة الاولى. الفقرة الثانية."),  # hamza
        ("بومبيو: مستمرون في محاربة داعش", "الفقرة الأولى. الفقرة الثانيه."),  # teh marbuta
        ("بومبيو: مستمرون في محاربة داعش", "الفقرةُ الأولى. الفقرة الثانية."),  # tashkeel
        ("بومبيو مستمرون في محاربة داعش", "الفقرة الأولى. الفقرة الثانية."),  # title edit
    ],
)
def test_content_hash_changes_with_any_textual_edit(title, body):
    original = content_hash("بومبيو: مستمرون في محاربة داعش", "الفقرة الأولى. الفقرة الثانية.")
    assert content_hash(title, body) != original


def test_content_hash_separates_title_from_body():
    assert content_hash("أ ب", "ج") != content_hash("أ", "ب ج")


def test_syndicated_copies_in_the_fixtures_hash_the_same():
    copies: dict[str, list[dict]] = {}
    for truth in TRUTH_ARTICLES:
        if truth.get("syndicated_copy"):
            copies.setdefault(truth["story_key"], []).append(truth)
    pairs = [group for group in copies.values() if len(group) == 2]
    assert pairs, "the fixtures hold at least one wire story copied by both outlets"
    for first, second in pairs:
        assert first["outlet"] != second["outlet"]
        assert content_hash(first["title"], first["body"]) == content_hash(
            second["title"], second["body"]
        )
