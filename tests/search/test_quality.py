"""Search quality over the fixture outlets: ours against PostgreSQL's built-in ``arabic``.

Relevance is judged by an oracle independent of both engines: an article is
relevant to a query when its title, subtitle or body contains one of the
query's spellings as a whole word (optionally after one-letter proclitics
و ف ب ل ك). Both engines see the same articles and the same queries; the test
prints precision and recall side by side and asserts floors above the built-in.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, text

from db.search import search
from tests.support.articles import truth_articles

pytestmark = pytest.mark.db

PROCLITIC = "(?:[وف]?[بلك]?)"

# query a reader types -> regular expressions of the spellings that make an article relevant
QUERIES: dict[str, list[str]] = {
    "سوريا": ["سوريا", "سورية"],
    "سورية": ["سوريا", "سورية"],
    "الأمريكي": ["ال[أا]م[يـ]?ري?كي(?:ة|ين|ون|تين)?", "ال[أا]ميركي(?:ة|ين|ون)?"],
    "الأميركي": ["ال[أا]مريكي(?:ة|ين|ون)?", "ال[أا]ميركي(?:ة|ين|ون)?"],
    "بومبيو": ["بومبيو"],
    "واشنطن": ["واشنطن"],
    "بوتين": ["بوتين"],
    "لبنان": ["لبنان"],
    "كورونا": ["كورونا"],
    "ترامب": ["ترامب", "ترمب"],
    "ترمب": ["ترامب", "ترمب"],
    "أرامكو": ["[أا]رامكو"],
    "ليفربول": ["ليفربول"],
    "البغدادي": ["البغدادي"],
    "إيبولا": ["[إا]يبولا"],
    "أردوغان": ["[أا]ردوغان"],
    "الحريري": ["الحريري"],
    "قامشلو": ["قامشلو"],
    "النفط": ["النفط", "نفط"],
    "مسؤول": ["مس[ؤئ]ول(?:ا|ة|ين|ون|و)?"],
    "مسئول": ["مس[ؤئ]ول(?:ا|ة|ين|ون|و)?"],
    "داعش": ["داعش", "الدولة الإسلامية"],
    "محمد صلاح": ["محمد صلاح"],
    '"قوات سوريا الديمقراطية"': ["قوات سوري[اة] الديمقراطية"],
    "منظمة الصحة العالمية": ["منظمة الصحة العالمية"],
    "الكونغو": ["الكونغو"],
    "فنزويلا": ["فنزويلا"],
}

# The seven stories both outlets covered: a reader's query must put both copies in the top 10.
STORIES: dict[str, str] = {
    "aramco-ipo-debut-2019-12": "أسهم أرامكو البورصة السعودية",
    "baghdadi-killed-2019-10": "مقتل البغدادي",
    "liverpool-ucl-final-2019": "ليفربول دوري أبطال أوروبا",
    "oil-jump-aramco-attacks-2019-09": "أسعار النفط أرامكو",
    "pompeo-coalition-washington-2019-02": "بومبيو التحالف انسحاب سوريا",
    "pompeo-coalition-washington-2019-11": "بومبيو داعش سورية التحالف",
    "who-ebola-emergency-2019-07": "إيبولا طوارئ",
}


def _oracle(patterns: list[str], document: str) -> bool:
    return any(re.search(rf"(?<![\w]){PROCLITIC}(?:{p})(?![\w])", document) for p in patterns)


def _documents(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT url, concat_ws(' ', title, subtitle, body) FROM articles")
        ).all()
    return {url: re.sub(r"[\u064B-\u065F\u0640]", "", body) for url, body in rows}


def _builtin(engine: Engine, query: str) -> set[str]:
    with engine.connect() as connection:
        return set(
            connection.execute(
                text(
                    "SELECT url FROM articles WHERE to_tsvector('arabic',"
                    " concat_ws(' ', title, subtitle, body)) @@ websearch_to_tsquery('arabic', :q)"
                ),
                {"q": query},
            ).scalars()
        )


def _ours(engine: Engine, query: str, limit: int = 100) -> list[str]:
    with engine.begin() as connection:
        return [hit.url for hit in search(connection, query, limit=limit, snippets=False).hits]


def _scores(found: dict[str, set[str]], relevant: dict[str, set[str]]) -> tuple[float, float]:
    tp = sum(len(found[q] & relevant[q]) for q in QUERIES)
    retrieved = sum(len(found[q]) for q in QUERIES)
    expected = sum(len(relevant[q]) for q in QUERIES)
    return (tp / retrieved if retrieved else 1.0), (tp / expected if expected else 1.0)


def test_precision_and_recall_beat_the_builtin_arabic_configuration(
    search_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = _documents(search_engine)
    relevant = {q: {u for u, d in documents.items() if _oracle(p, d)} for q, p in QUERIES.items()}
    ours = {q: set(_ours(search_engine, q)) for q in QUERIES}
    builtin = {q: _builtin(search_engine, q) for q in QUERIES}
    ours_p, ours_r = _scores(ours, relevant)
    built_p, built_r = _scores(builtin, relevant)
    with capsys.disabled():
        print(f"\n{'query':<28} {'relevant':>8} {'ours P/R':>12} {'arabic P/R':>12}")
        for q in QUERIES:
            rel = relevant[q]

            def pr(found: set[str], rel: set[str] = rel) -> str:
                p = len(found & rel) / len(found) if found else 1.0
                r = len(found & rel) / len(rel) if rel else 1.0
                return f"{p:.2f}/{r:.2f}"

            print(f"{q:<28} {len(rel):>8} {pr(ours[q]):>12} {pr(builtin[q]):>12}")
        print(f"{'ALL':<28} {'':>8} {ours_p:.3f}/{ours_r:.3f} {built_p:.3f}/{built_r:.3f}")
    assert sum(len(r) for r in relevant.values()) > 100  # the oracle is not vacuous
    assert ours_r >= 0.95 and ours_r > built_r + 0.1
    assert ours_p >= 0.85
    assert ours_p + ours_r > built_p + built_r


@pytest.mark.parametrize("story", sorted(STORIES))
def test_both_outlets_copies_of_a_story_are_in_the_top_10(
    search_engine: Engine, story: str
) -> None:
    copies = {a["url"] for a in truth_articles() if a["story_key"] == story}
    assert len(copies) == 2
    top = _ours(search_engine, STORIES[story], limit=10)
    assert copies <= set(top), (STORIES[story], top)
