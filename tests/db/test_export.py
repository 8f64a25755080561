"""``akhbar export``: JSON Lines that ``akhbar import`` reads back into an empty archive with
the same articles and fields; CSV; the outlet and date filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from akhbar.cli import cli
from db import schema
from db.articles import store_articles, upsert_outlet
from db.engine import make_engine

pytestmark = pytest.mark.db

UTC = dt.UTC
ARTICLES = [
    {
        "outlet": "hawarnews",
        "url": "https://www.hawarnews.com/ar/haber/1",
        "title": "اجتماع في الرقة",
        "subtitle": "تفاصيل, وأرقام",
        "body": 'الفقرة الأولى.\n\nالفقرة الثانية، مع "اقتباس".',
        "authors": ["سارة أحمد", "Smith, John"],
        "section": "سياسة",
        "tags": ["الرقة", "سوريا"],
        "language": "ar",
        "published_at": dt.datetime(2024, 3, 1, 21, 30, tzinfo=UTC),
        "published_date": dt.date(2024, 3, 2),  # the outlet's zone is ahead of UTC
        "modified_at": dt.datetime(2024, 3, 2, 8, 0, tzinfo=UTC),
        "image_url": "https://www.hawarnews.com/i/1.jpg",
        "dateline": "الرقة",
    },
    {
        "outlet": "hawarnews",
        "url": "https://www.hawarnews.com/ar/haber/2",
        "title": "خبر بلا ساعة",
        "subtitle": None,
        "body": "نص قصير.",
        "authors": [],
        "section": None,
        "tags": [],
        "language": "ar",
        "published_at": None,
        "published_date": dt.date(2024, 5, 9),
        "modified_at": None,
        "image_url": None,
        "dateline": None,
    },
    {
        "outlet": "casablancatoday",
        "url": "https://www.casablancatoday.com/a/3",
        "title": "Un titre",
        "subtitle": None,
        "body": "Le texte.",
        "authors": ["Ali"],
        "section": "Maroc",
        "tags": [],
        "language": "fr",
        "published_at": dt.datetime(2023, 1, 1, 10, 0, tzinfo=UTC),
        "published_date": dt.date(2023, 1, 1),
        "modified_at": None,
        "image_url": None,
        "dateline": None,
    },
]
FIELDS = [k for k in ARTICLES[0] if k != "outlet"]


def articles_of(url: str) -> list[dict]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    f"SELECT o.name AS outlet, {', '.join('a.' + f for f in FIELDS)}"
                    " FROM articles a JOIN outlets o ON o.id = a.outlet_id ORDER BY a.url"
                )
            )
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


@pytest.fixture
def source(databases) -> str:
    url = databases.create("akhbar_export")
    schema.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        for article in ARTICLES:
            outlet_id = upsert_outlet(
                connection,
                {
                    "name": article["outlet"],
                    "title": article["outlet"],
                    "base_url": "https://x/",
                    "language": article["language"],
                },
            )
            row = {k: v for k, v in article.items() if k != "outlet"}
            body = f"{row['title']}\n{row['body']}"
            store_articles(
                connection,
                [{**row, "outlet_id": outlet_id, "content_hash": body, "word_count": 1}],
            )
    engine.dispose()
    return url


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"AKHBAR_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_jsonl_export_imports_back_into_an_empty_archive_unchanged(
    source: str, databases, tmp_path: Path
) -> None:
    path = tmp_path / "archive.jsonl"
    run(source, "export", "--format", "jsonl", "-o", str(path))
    assert len(path.read_text("utf-8").splitlines()) == len(ARTICLES)

    target = databases.create("akhbar_import")
    schema.upgrade(target)
    out = run(target, "import", str(path))
    assert out.startswith(f"{len(ARTICLES)} records: {len(ARTICLES)} new, 0 updated")
    assert articles_of(target) == articles_of(source)
    assert len(articles_of(target)) == len(ARTICLES)


def test_csv_export_has_a_header_and_a_row_per_article(source: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run(source, "export", "--format", "csv"))))
    assert [r["url"] for r in rows] == [a["url"] for a in ARTICLES]
    assert json.loads(rows[0]["authors"]) == ["سارة أحمد", "Smith, John"]
    assert rows[1]["published"] == "" and rows[1]["published_date"] == "2024-05-09"


def test_export_selects_by_outlet_and_publication_time(source: str) -> None:
    def urls(*args: str) -> list[str]:
        return [json.loads(line)["url"] for line in run(source, "export", *args).splitlines()]

    assert urls("--outlet", "casablancatoday") == ["https://www.casablancatoday.com/a/3"]
    assert urls("--since", "2024-01-01") == [a["url"] for a in ARTICLES[:2]]
    # An article with only a date counts from the UTC midnight of that date.
    assert urls("--since", "2024-05-09", "--until", "2024-05-10") == [ARTICLES[1]["url"]]
    assert urls("--until", "2024-01-01") == [ARTICLES[2]["url"]]


def test_export_selects_the_articles_a_search_query_matches(source: str) -> None:
    def urls(*args: str) -> list[str]:
        return [json.loads(line)["url"] for line in run(source, "export", *args).splitlines()]

    # The search's own matching: another spelling of the word (teh marbuta) finds it too.
    assert urls("--query", "الرقه") == [ARTICLES[0]["url"]]
    assert urls("--query", "texte") == [ARTICLES[2]["url"]]
    assert urls("--query", "الرقة", "--outlet", "casablancatoday") == []
    assert urls("--query", "الرقة -اجتماع") == []
