from __future__ import annotations

import json

import pytest

from crawler.language import detect_language
from tests.support import FIXTURES


def _fixture_articles() -> list:
    cases = []
    for path in sorted(FIXTURES.glob("*/site/_truth/*.json")):
        truth = json.loads(path.read_text("utf-8"))
        if isinstance(truth, dict) and truth.get("is_article") and truth.get("body"):
            cases.append(pytest.param(truth, id=f"{path.parts[-4]}:{path.stem}"))
    return cases


FIXTURE_ARTICLES = _fixture_articles()

FRENCH = [
    # Moroccan French-language news style, with Arabic names in it.
    "Le roi Mohammed VI a présidé, jeudi au palais royal de Rabat, un conseil des ministres "
    "consacré au projet de loi de finances pour l'année 2020, a indiqué un communiqué du "
    "porte-parole du palais royal, Abdelhak El Mrini.",
    "Le Wydad de Casablanca a annoncé qu'il ne disputerait pas le match retour de la finale "
    "de la Ligue des champions d'Afrique, après la décision de la CAF de faire rejouer la "
    "rencontre face à l'Espérance de Tunis sur terrain neutre.",
    "Les Forces démocratiques syriennes ont accusé les groupes armés soutenus par la Turquie "
    "d'avoir bombardé plusieurs villages près de Tall Tamr, dans le nord-est de la Syrie.",
]
ENGLISH = [
    "US Secretary of State Mike Pompeo urged members of the global coalition against the "
    "Islamic State on Thursday to take back foreign fighters held in Syria and to boost "
    "funding for reconstruction in areas freed from the group.",
    "Saudi Aramco shares jumped on their debut on the Riyadh stock exchange, valuing the "
    "state oil giant at more than 1.8 trillion dollars and making it the world's most "
    "valuable listed company.",
    "Thousands of Kurds gathered in Qamishli to celebrate Newroz, the Kurdish new year, with "
    "music, dancing and bonfires, organisers said.",
]


@pytest.mark.parametrize("truth", FIXTURE_ARTICLES)
def test_fixture_article_bodies_are_arabic(truth):
    assert detect_language(truth["body"]) == truth["language"] == "ar"


@pytest.mark.parametrize("truth", FIXTURE_ARTICLES)
def test_fixture_titles_alone_are_arabic(truth):
    assert detect_language(truth["title"]) == "ar"


@pytest.mark.parametrize("text", FRENCH)
def test_french_news_text(text):
    assert detect_language(text) == "fr"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_news_text(text):
    assert detect_language(text) == "en"


@pytest.mark.usefixtures("without_the_model")
def test_arabic_with_latin_names_and_numbers_is_still_arabic():
    text = (
        'وقال وزير الخارجية الأميركي مايك بومبيو (Mike Pompeo) في تصريح لشبكة "CNN" إن '
        "بلاده نشرت 500 جندي في شمال شرق سورية لمنع عودة تنظيم داعش (ISIS)."
    )
    assert detect_language(text) == "ar"


@pytest.mark.parametrize(
    "text",
    [
        "واش نتا مزيان؟ بغيت نمشي للدار البيضاء غدا مع صحابي باش نشوفو الماتش ديال الوداد",
        "ازيك يا عم عامل ايه النهارده؟ انا مش عارف هعمل ايه في الشغل ده خالص",
    ],
)
def test_dialectal_arabic_is_reported_as_arabic(text):
    assert detect_language(text) == "ar"


def test_persian_is_not_taken_for_arabic():
    text = (
        "نیروهای دموکراتیک سوریه روز پنجشنبه اعلام کردند که شبه نظامیان مورد حمایت ترکیه "
        "روستاها را گلوله باران کردند"
    )
    assert detect_language(text) == "fa"


@pytest.fixture
def without_the_model(monkeypatch):
    """Arabic is answered without py3langid's model (~1.3 s and 110 MB to load)."""

    def refuse():
        raise AssertionError("the language model was consulted")

    monkeypatch.setattr("crawler.language._identifier", refuse)


@pytest.mark.usefixtures("without_the_model")
@pytest.mark.parametrize(
    "text",
    [
        # Presentation forms: text from old systems stores the shapes of letters (ﻻ ﻷ ﺍ).
        "ﻻ ﺃﺣﺪ ﻳﻌﺮﻑ ﻣﺘﻰ ﺗﻨﺘﻬﻲ ﺍﻷﺯﻣﺔ ﻗﺎﻝ ﺍﻟﻮﺯﻳﺮ ﺇﻥ ﺍﻟﺤﻜﻮﻣﺔ ﺳﺘﻌﻠﻦ ﻗﺮﺍﺭﻫﺎ ﻏﺪﺍ",
        # A Persian keyboard: ی where Arabic writes ى, the Arabic ي of the other words kept.
        "وصل وزير الخارجية إلی العاصمة مساء أمس في زيارة رسمية يلتقي خلالها الرئيس "
        "ورئيس الحكومة، علی أن يعود إلی بلاده يوم الخميس المقبل",
        # ڨ and ڤ write the g and v of Maghrebi names and foreign words.
        "أعلنت السلطات في بنڨردان عن القبض على عنصر مطلوب للعدالة بعد عملية أمنية "
        "استمرت عدة ساعات في المنطقة الحدودية مع ليبيا، وفق ما أفاد به مصدر رسمي",
    ],
    ids=["presentation-forms", "persian-keyboard", "maghrebi-letter"],
)
def test_arabic_written_with_other_arabic_script_characters_is_arabic(text):
    assert detect_language(text) == "ar"


@pytest.mark.usefixtures("without_the_model")
def test_tatweel_does_not_count_as_letters():
    # Stretched by kashida, a two-word heading is still too little text to judge.
    assert detect_language("يــــوم الحســـم") is None


def test_urdu_is_not_taken_for_arabic():
    text = (
        "پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت ملک میں معاشی استحکام کے لیے تمام "
        "ضروری اقدامات کرے گی اور عوام کو ریلیف فراہم کیا جائے گا"
    )
    assert detect_language(text) == "ur"


@pytest.mark.parametrize("text", ["", "   ", "123 456 789", "— … ؟ !", "Pompeo", "داعش"])
def test_too_little_text_gives_the_default(text):
    assert detect_language(text) is None
    assert detect_language(text, default="ar") == "ar"


def test_answer_is_deterministic():
    text = FRENCH[0]
    assert {detect_language(text) for _ in range(20)} == {"fr"}


def test_only_the_start_of_a_very_long_text_is_read():
    text = ENGLISH[0] * 40 + FRENCH[0] * 200
    assert detect_language(text) == "en"
