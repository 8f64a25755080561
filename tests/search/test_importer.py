"""``akhbar import``: JSON Lines, bad lines by number, new outlets, idempotent.

Real news-please and trafilatura output: test_import_formats.py."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from akhbar.cli import cli
from db.importer import import_file

pytestmark = pytest.mark.db

GOOD = {
    "url": "https://import.test/a/1",
    "outlet": "import-test",
    "title": "وزير الخارجية الأمريكي في بيروت",
    "body": "زار وزير الخارجية الأمريكي لبنان.",
    "published": "2020-03-01T10:00:00+02:00",
    "language": "ar",
    "authors": ["مراسل"],
    "section": "سياسة",
    "tags": ["لبنان"],
}


def _lines(*objects: object) -> str:
    return "\n".join(
        o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects
    )


def test_good_and_bad_lines(search_engine: Engine) -> None:
    second = {**GOOD, "url": "https://import.test/a/2", "published": None, "outlet": "import-new"}
    data = _lines(
        GOOD,
        "{not json",
        {**GOOD, "url": "https://import.test/a/3", "title": ""},
        second,
        {**GOOD, "url": "ftp://x"},
        {**GOOD, "url": "https://import.test/a/4", "published": "last tuesday"},
        "[1, 2]",
        "",
    )
    summary = import_file(search_engine, io.StringIO(data))
    assert summary.new == 2 and summary.lines == 7
    assert [place.line for place, _ in summary.errors] == [2, 3, 5, 6, 7]
    assert "missing title" in summary.errors[1][1]
    assert set(summary.outlets_created) <= {"import-test", "import-new"}
    with search_engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT o.name, a.published_at, a.authors, a.tags, a.section FROM articles a"
                " JOIN outlets o ON o.id = a.outlet_id WHERE url = :u"
            ),
            {"u": GOOD["url"]},
        ).one()
    assert row.name == "import-test" and row.published_at.hour == 8  # UTC
    assert row.authors == ["مراسل"] and row.tags == ["لبنان"] and row.section == "سياسة"
    again = import_file(search_engine, io.StringIO(data))
    assert again.new == 0 and again.unchanged == 2 and again.outlets_created == []


def test_nul_bytes_are_dropped_not_fatal(search_engine: Engine) -> None:
    # The shared real corpus ends some bodies with a NUL, which PostgreSQL text refuses.
    record = {**GOOD, "url": "https://import.test/nul", "body": "نص الخبر\n\x00", "title": "\x00"}
    summary = import_file(search_engine, io.StringIO(_lines({**record, "title": "عنوان\x00"})))
    assert summary.new == 1 and not summary.errors
    with search_engine.connect() as connection:
        body, title = connection.execute(
            text("SELECT body, title FROM articles WHERE url = :u"), {"u": record["url"]}
        ).one()
    assert (body, title) == ("نص الخبر", "عنوان")
    only_nul = import_file(
        search_engine, io.StringIO(_lines({**record, "url": record["url"] + "2"}))
    )
    assert only_nul.new == 0 and "missing title" in only_nul.errors[0][1]


def test_news_please_format(search_engine: Engine) -> None:
    record = {
        "url": "https://np.test/story",
        "source_domain": "np.test",
        "title": "Aramco shares jump",
        "maintext": "Saudi Aramco shares rose 10 percent on their debut.",
        "description": "Debut on Tadawul",
        "date_publish": "2019-12-11 07:30:00",
        "date_modify": None,
        "language": "en",
        "authors": ["Reporter"],
    }
    summary = import_file(search_engine, io.StringIO(json.dumps(record)), "news-please")
    assert summary.new == 1 and not summary.errors
    pretty = json.dumps({**record, "url": "https://np.test/pretty"}, indent=2)
    assert import_file(search_engine, io.StringIO(pretty), "news-please").new == 1
    with search_engine.begin() as connection:
        from db.search import search

        hits = search(connection, "shares", lang="en").hits  # English stemming: share(s)
    assert {h.url for h in hits} >= {"https://np.test/story", "https://np.test/pretty"}


def test_cli_import_reports_line_numbers(
    search_engine: Engine, search_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_text(_lines({**GOOD, "url": "https://import.test/cli/1"}, "oops"), encoding="utf-8")
    env = {"DATABASE_URL": search_url, "AKHBAR_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, ["import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "line 2: not JSON" in result.output
    assert "1 new" in result.output


def test_cli_search_json_lines(search_engine: Engine, search_url: str) -> None:
    env = {"DATABASE_URL": search_url, "AKHBAR_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, ["search", "سورية", "--json", "--limit", "3"], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(lines) == 3
    assert set(lines[0]) == {
        "url",
        "outlet",
        "title",
        "published_at",
        "published_date",
        "snippet",
        "rank",
    }
    text_out = CliRunner().invoke(
        cli, ["search", "بومبيو", "--outlet", "hawarnews", "--sort", "date"], env=env
    )
    assert text_out.exit_code == 0 and "hawarnews" in text_out.output
    bad = CliRunner().invoke(cli, ["search", "x", "--since", "never"], env=env)
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_days_and_naive_times(search_engine: Engine) -> None:
    # hawarnews in this archive is described (language ar, zone UTC); import-day is not.
    day_only = {**GOOD, "url": "https://import.test/day", "published": None}
    records = [
        {**day_only, "published_date": "2019-08-10"},  # an exported page with no time
        {**GOOD, "url": "https://import.test/naive", "published": "2020-03-01T10:00:00"},
        {
            **GOOD,
            "url": "https://www.hawarnews.com/naive",
            "outlet": None,
            "published": "2020-03-01 10:00:00",
        },
    ]
    summary = import_file(search_engine, io.StringIO(_lines(*records)))
    assert summary.new == 3 and not summary.errors
    with search_engine.connect() as connection:
        rows = {
            url: (name, at, day)
            for url, name, at, day in connection.execute(
                text(
                    "SELECT url, o.name, published_at, published_date FROM articles a"
                    " JOIN outlets o ON o.id = a.outlet_id WHERE url = ANY(:u)"
                ),
                {"u": [r["url"] for r in records]},
            )
        }
    assert rows["https://import.test/day"][1:] == (None, dt.date(2019, 8, 10))
    assert rows["https://import.test/naive"][1:] == (None, dt.date(2020, 3, 1))  # zone unknown
    hawar = rows["https://www.hawarnews.com/naive"]
    assert hawar == ("hawarnews", dt.datetime(2020, 3, 1, 10, tzinfo=dt.UTC), dt.date(2020, 3, 1))
