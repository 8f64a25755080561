"""``akhbar import`` of what news-please and trafilatura really write, made from saved pages
of our outlets and checked against the pages' truth.

The news-please files were made by news-please 1.6.16 itself
(``tests/fixtures/imports/make_newsplease.py``); trafilatura, a core dependency,
runs here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import trafilatura
from click.testing import CliRunner
from sqlalchemy import Engine, text

from akhbar.cli import cli
from crawler.archive import outlet_row
from crawler.registry import outlet_spiders
from db import schema
from db.articles import upsert_outlet
from db.engine import make_engine
from db.importer import import_file, import_paths

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).parent.parent / "fixtures"
NEWS_PLEASE = FIXTURES / "imports" / "news-please"
NEWS_PLEASE_FILES = sorted(NEWS_PLEASE.glob("*.json"))


def truth_of(path: Path) -> dict[str, Any]:
    """The truth record of the page a saved output file was made from (``<outlet>-<stem>``)."""
    outlet, stem = path.stem.split("-", 1)
    site = FIXTURES / outlet / "site"
    origin = json.loads((site / "_truth" / "index.json").read_text())["production_origin"]
    truth = json.loads((site / "_truth" / f"{stem}.json").read_text())
    relative = truth["url_path"].lstrip("/") + (
        "index.html" if truth["url_path"][-1] == "/" else ""
    )
    return {**truth, "url": origin + truth["url_path"], "page": site / relative}


def truth_day(truth: dict[str, Any]) -> dt.date:
    """The page's day in its own zone (the truth writes a time with its offset, or a day)."""
    return dt.date.fromisoformat(truth["published"][:10])


def truth_instant(truth: dict[str, Any]) -> dt.datetime | None:
    published = truth["published"]
    return dt.datetime.fromisoformat(published) if len(published) > 10 else None


@pytest.fixture
def new_archive(databases: Any) -> Iterator[Callable[..., Engine]]:
    """Makes an empty archive; ``spiders=True`` records our outlets as their spiders declare
    them (language, zone: Asia/Damascus for hawarnews, UTC for casablancatoday)."""
    engines: list[Engine] = []

    def make(spiders: bool = True) -> Engine:
        url = databases.create("akhbar_import")
        schema.upgrade(url)
        engine = make_engine(url)
        engines.append(engine)
        if spiders:
            with engine.begin() as connection:
                for name, spider in outlet_spiders().items():
                    upsert_outlet(connection, outlet_row(name, spider.outlet))
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def stored(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.*, o.name AS outlet FROM articles a JOIN outlets o ON o.id = a.outlet_id"
            )
        ).all()
    return {row.url: row for row in rows}


def revisions(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM article_revisions")).scalar_one()


def check_against_truth(row: Any, truth: dict[str, Any]) -> None:
    assert row.outlet == truth["outlet"]
    assert row.title == truth["title"]
    # The tools keep more than the article (a dateline, a "read also" line), never less.
    for paragraph in truth["body"].split("\n\n"):
        assert paragraph in row.body, paragraph[:40]
    assert "\n\n" in row.body  # paragraphs separated as the crawler separates them
    assert row.published_date == truth_day(truth)


def as_lines(records: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(record, ensure_ascii=False) + "\n" for record in records]


def test_news_please_files_lines_and_array(new_archive: Callable[..., Engine]) -> None:
    engine = new_archive()
    files = import_paths(engine, [NEWS_PLEASE], "news-please")
    assert (files.lines, files.new, files.errors) == (len(NEWS_PLEASE_FILES), 8, [])
    assert files.outlets_created == []  # source_domain www.<outlet> is the outlet's host
    rows = stored(engine)
    for path in NEWS_PLEASE_FILES:
        truth = truth_of(path)
        row = rows[truth["url"]]
        check_against_truth(row, truth)
        written = json.loads(path.read_text())
        assert written["text"] is None and written["date_modify"] == "None"
        assert row.modified_at is None and row.image_url is None  # 'None'; the page's own URL
        naive = dt.datetime.fromisoformat(written["date_publish"])
        if naive.time() == dt.time():  # news-please's way of writing a day
            assert row.published_at is None
        elif truth["outlet"] == "hawarnews":  # naive times read in Asia/Damascus
            assert row.published_at == truth_instant(truth)
        else:  # casablancatoday declares UTC
            assert row.published_at == naive.replace(tzinfo=dt.UTC)
    # 241421's JSON-LD says 23:05+01:00 (22:05 UTC, the page prints GMT 22:05): news-please
    # dropped the offset, so the outlet's zone gives 23:05 UTC. --timezone is the way out
    # (test_timezone_option_and_unknown_outlets).
    off = rows["https://www.casablancatoday.com/world/2019/01/02/241421.html"]
    assert off.published_at == dt.datetime(2019, 1, 2, 23, 5, tzinfo=dt.UTC)

    records = [json.loads(path.read_text()) for path in NEWS_PLEASE_FILES]
    lines = import_file(engine, as_lines(records), "news-please")
    array = import_file(engine, [json.dumps(records, indent=2)], "news-please")
    for again in (lines, array):
        assert (again.new, again.updated, again.unchanged, again.errors) == (0, 0, 8, [])
    assert revisions(engine) == 0
    assert {url: row.published_at for url, row in stored(engine).items()} == {
        url: row.published_at for url, row in rows.items()
    }


def test_timezone_option_and_unknown_outlets(new_archive: Callable[..., Engine]) -> None:
    engine = new_archive(spiders=False)
    first = NEWS_PLEASE / "casablancatoday-241421.json"
    zoned = import_paths(
        engine, [first], "news-please", outlet="casablancatoday", zone=ZoneInfo("Africa/Casablanca")
    )
    assert zoned.new == 1 and zoned.outlets_created == ["casablancatoday"]
    truth = truth_of(first)
    assert stored(engine)[truth["url"]].published_at == truth_instant(truth)

    records = [json.loads(path.read_text()) for path in NEWS_PLEASE_FILES]
    lines = as_lines(records)
    lines.insert(3, '{"url": "https://www.hawarnews.com/broken",\n')
    untitled = {**records[4], "url": records[4]["url"] + "x", "title": "None", "title_page": None}
    lines.append(json.dumps(untitled) + "\n")
    summary = import_file(engine, lines, "news-please", source="np.jsonl")
    assert (summary.lines, summary.new, summary.unchanged) == (10, 7, 1)
    assert [(str(place), reason[:8]) for place, reason in summary.errors] == [
        ("np.jsonl line 4", "not JSON"),
        ("np.jsonl line 10", "missing "),
    ]
    # Outlets the archive does not know get one per host, and no zone: days only.
    assert summary.outlets_created == ["hawarnews.com"]
    rows = stored(engine)
    for path in NEWS_PLEASE_FILES:
        truth = truth_of(path)
        row = rows[truth["url"]]
        assert row.published_date == truth_day(truth)
        if path != first:
            assert row.published_at is None
        # A record on the host of an outlet the archive has (the one created above) joins it.
        expected = "casablancatoday" if truth["outlet"] == "casablancatoday" else "hawarnews.com"
        assert row.outlet == expected
    again = import_file(engine, lines, "news-please")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 8)


def trafilatura_outputs() -> tuple[list[str], list[dict[str, Any]]]:
    """trafilatura's JSON and ``bare_extraction(...).as_dict()`` of the same saved pages."""
    json_lines, dicts = [], []
    for path in NEWS_PLEASE_FILES:
        truth = truth_of(path)
        html = truth["page"].read_text(encoding="utf-8")
        output = trafilatura.extract(
            html, url=truth["url"], output_format="json", with_metadata=True
        )
        json_lines.append(output + "\n")
        document = trafilatura.bare_extraction(html, url=truth["url"], with_metadata=True)
        # body and commentsbody are lxml trees: what a user drops before json.dump.
        dicts.append(
            {k: v for k, v in document.as_dict().items() if k not in ("body", "commentsbody")}
        )
    return json_lines, dicts


def test_trafilatura_json_and_bare_extraction(new_archive: Callable[..., Engine]) -> None:
    engine = new_archive()
    json_lines, dicts = trafilatura_outputs()
    summary = import_file(engine, json_lines, "trafilatura")
    assert (summary.new, summary.errors, summary.outlets_created) == (8, [], [])
    rows = stored(engine)
    for path in NEWS_PLEASE_FILES:
        truth = truth_of(path)
        row = rows[truth["url"]]
        check_against_truth(row, truth)
        assert row.published_at is None  # trafilatura gives days
        assert row.section == truth["section"]
    hawar = [row for row in rows.values() if row.outlet == "hawarnews"]
    assert all(row.tags for row in hawar)

    again = import_file(engine, [json.dumps(dicts, ensure_ascii=False)], "trafilatura")
    assert (again.new, again.updated, again.unchanged, again.errors) == (0, 0, 8, [])
    assert revisions(engine) == 0


def test_trafilatura_fields(new_archive: Callable[..., Engine]) -> None:
    engine = new_archive()
    record = {
        "title": "Title",
        "author": "Jane Roe; John Doe",
        "source": "https://www.hawarnews.com/ar/haber/2020/01/03/x/",
        "hostname": "hawarnews.com",
        "date": "2020-01-03T07:30:00",
        "excerpt": "An excerpt",
        "categories": "Politics;World",
        "tags": "a;b",
        "language": "en",
        "text": "First paragraph.\nSecond paragraph.",
    }
    dated = {**record, "source": record["source"] + "2", "date": "2020-01-03T07:30:00+00:00"}
    summary = import_file(
        engine, as_lines([record, dated, {**record, "source": None}]), "trafilatura"
    )
    assert summary.new == 2 and [str(place) for place, _ in summary.errors] == ["line 3"]
    row = stored(engine)[record["source"]]
    assert (row.outlet, row.authors, row.section, row.tags) == (
        "hawarnews",
        ["Jane Roe", "John Doe"],
        "Politics",
        ["a", "b"],
    )
    assert row.subtitle == "An excerpt" and row.body == "First paragraph.\n\nSecond paragraph."
    # A naive time on a known outlet is read in its zone (Damascus, +02:00 in January).
    assert row.published_at == dt.datetime(2020, 1, 3, 5, 30, tzinfo=dt.UTC)
    assert stored(engine)[dated["source"]].published_at == dt.datetime(
        2020, 1, 3, 7, 30, tzinfo=dt.UTC
    )


def test_cli_news_please_directory(new_archive: Callable[..., Engine], tmp_path: Path) -> None:
    engine = new_archive()
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "url": "https://www.hawarnews.com/x",\n  "title": \n}\n')
    env = {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "AKHBAR_DATABASE_URL": "",
    }
    args = ["import", "--format", "news-please", str(NEWS_PLEASE), str(bad)]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert f"{bad} line 4: not JSON" in result.output
    assert "9 records: 8 new, 0 updated, 0 unchanged, 1 skipped" in result.output
    zone = CliRunner().invoke(cli, [*args, "--timezone", "Mars/Olympus"], env=env)
    assert zone.exit_code == 2 and "unknown time zone" in zone.output
