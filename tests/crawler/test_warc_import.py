"""``akhbar import --format warc``: saved pages of both outlets and of other hosts, in WARC files.

The outlets' pages must give exactly the articles a crawl stores (the expected
files of ``tests/fixtures/<outlet>/expected/``), pages of other hosts go through
the generic extraction, everything that is not an article is skipped, and a
second import changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from akhbar.cli import cli
from crawler.text import clean_text
from crawler.warc import iter_records
from db import schema
from db.engine import make_engine
from tests.support import FIXTURES
from tests.support.warc_records import HTML, Warc

pytestmark = pytest.mark.db

OUTLETS = ("casablancatoday", "hawarnews")
VALLEY = (
    "https://www.valleyherald.example/news/2021/03/14/river-levels-fall-as-dam-repairs-finish-early"
)
HARBOUR = "https://courrier-littoral.example/culture/2022/07/10/le-festival-du-port-attire-un-public-record"
LISTING = "https://www.valleyherald.example/news/"


def outlet_pages(outlet: str) -> list[tuple[str, bytes]]:
    """(production URL, HTML) of every page in the outlet's truth index."""
    site = FIXTURES / outlet / "site"
    index = json.loads((site / "_truth" / "index.json").read_text(encoding="utf-8"))
    origin = index["production_origin"].rstrip("/")
    pages = []
    for entry in index["entries"]:
        relative = unquote(entry["url_path"]).lstrip("/")  # as make_expected.page_file
        page = site / (
            relative + "index.html" if not relative or relative.endswith("/") else relative
        )
        pages.append((origin + entry["url_path"], page.read_bytes()))
    return pages


def expected_articles(outlet: str) -> dict[str, dict]:
    found = {}
    for path in sorted((FIXTURES / outlet / "expected").glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        found[expected["url"]] = expected
    return found


@dataclass
class Imported:
    url: str
    data_dir: Path
    sources: list[Path]
    first: str
    second: str
    second_errors: str

    def query(self, sql: str, **params: object) -> list[dict]:
        engine = make_engine(self.url)
        try:
            with engine.begin() as connection:
                result = connection.execute(text(sql), params)
                return [dict(r._mapping) for r in result] if result.returns_rows else []
        finally:
            engine.dispose()


def akhbar(url: str, data_dir: Path, *args: str, stdin: str | None = None):
    env = {"AKHBAR_DATABASE_URL": url, "AKHBAR_DATA_DIR": str(data_dir)}
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def write_sources(folder: Path) -> list[Path]:
    """pages.warc.gz: both outlets' pages, a listing of another host, a robots.txt and a
    redirect; other.warc (not gzipped): two article pages of two other hosts, one sent
    gzipped and chunked."""
    folder.mkdir()
    pages = Warc(folder / "pages.warc.gz")
    for outlet in OUTLETS:
        for url, html in outlet_pages(outlet):
            pages.response(url, html)
    pages.response(LISTING, (FIXTURES / "warc" / "valley-listing.html").read_bytes())
    pages.response(
        "https://www.valleyherald.example/robots.txt",
        b"User-agent: *\n",
        [("Content-Type", "text/plain")],
    )
    pages.response(
        "https://www.valleyherald.example/old",
        b"",
        [("Location", VALLEY)],
        status="301 Moved Permanently",
    )
    pages.close()
    other = Warc(folder / "other.warc", gz=False)
    other.response(VALLEY, (FIXTURES / "warc" / "river-levels.html").read_bytes())
    compressed = gzip.compress((FIXTURES / "warc" / "harbour-festival.html").read_bytes())
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(compressed), compressed)
    encoded = [*HTML, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    other.response(HARBOUR, chunked, encoded)
    other.close()
    return [folder / "pages.warc.gz", folder / "other.warc"]


@pytest.fixture(scope="module")
def imported(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    url = databases.create("akhbar_warc_import")
    schema.upgrade(url)
    root = tmp_path_factory.mktemp("warc_import")
    data_dir = root / "data"
    sources = write_sources(root / "sources")
    first = akhbar(url, data_dir, "import", "--format", "warc", *map(str, sources))
    assert first.exit_code == 0, first.output
    second = akhbar(url, data_dir, "import", "--format", "warc", *map(str, sources))
    assert second.exit_code == 0, second.output
    yield Imported(url, data_dir, sources, first.stdout, second.stdout, second.stderr)


def outlet_rows(imported: Imported, outlet: str) -> dict[str, dict]:
    rows = imported.query(
        "SELECT a.* FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE o.name = :o",
        o=outlet,
    )
    return {row["url"]: row for row in rows}


@pytest.mark.parametrize("outlet", OUTLETS)
def test_outlet_pages_give_exactly_the_articles_a_crawl_stores(imported, outlet) -> None:
    rows = outlet_rows(imported, outlet)
    expected = expected_articles(outlet)
    assert set(rows) == set(expected)
    for url, want in expected.items():
        got = rows[url]
        assert got["title"] == want["title"], url
        assert got["subtitle"] == want["subtitle"], url
        assert clean_text(got["body"]) == clean_text(want["body"]), url
        if "T" in want["published"]:
            assert got["published_at"] == dt.datetime.fromisoformat(want["published"]), url
        else:
            assert got["published_at"] is None, url
            assert got["published_date"] == dt.date.fromisoformat(want["published"]), url
        assert got["section"] == want["section"], url
        assert got["tags"] == want["tags"], url
        assert got["dateline"] == want["dateline"], url
        assert got["language"] == "ar", url


def test_other_hosts_go_through_the_generic_extraction(imported) -> None:
    outlets = imported.query("SELECT name, base_url, language FROM outlets ORDER BY name")
    assert [o["name"] for o in outlets] == [
        "casablancatoday",
        "courrier-littoral.example",
        "hawarnews",
        "valleyherald.example",
    ]
    [valley] = outlet_rows(imported, "valleyherald.example").values()
    assert valley["url"] == VALLEY
    assert valley["title"] == "River levels fall as dam repairs finish early"
    assert valley["authors"] == ["Maria Keller"]
    assert valley["published_at"] == dt.datetime(2021, 3, 14, 9, 30, tzinfo=dt.UTC)
    [harbour] = outlet_rows(imported, "courrier-littoral.example").values()
    assert harbour["title"] == "Le festival du port attire un public record"
    assert harbour["body"].startswith("Plus de quarante mille personnes")
    assert harbour["language"] == "fr"


def test_summary_counts_pages_articles_and_the_rest(imported) -> None:
    pages = sum(len(outlet_pages(outlet)) for outlet in OUTLETS) + 3
    articles = sum(len(expected_articles(outlet)) for outlet in OUTLETS) + 2
    records = 2 * (pages + 2)  # a request before every response
    assert imported.first.strip().startswith(f"{records} records in 2 WARC files")
    assert f"{pages} HTML pages, {records - pages} other records; " in imported.first
    assert f"{articles} articles ({articles} new, 0 updated, 0 unchanged), " in imported.first
    assert f"{pages - articles} pages not articles, 0 already imported, 0 bad records" in (
        imported.first
    )


def test_a_second_import_changes_nothing(imported) -> None:
    articles = sum(len(expected_articles(outlet)) for outlet in OUTLETS) + 2
    assert "0 articles (0 new, 0 updated, 0 unchanged)" in imported.second
    assert f"{articles} already imported" in imported.second
    assert imported.second_errors == ""
    [row] = imported.query("SELECT count(*) AS n FROM captures")
    assert row["n"] == articles
    assert imported.query("SELECT id FROM article_revisions") == []
    assert len(list((imported.data_dir / "warc").glob("*.warc.gz"))) == 1


def test_captures_are_copies_that_reextract_reads_without_the_source(imported, tmp_path) -> None:
    captures = imported.query(
        "SELECT c.*, a.url AS article_url FROM captures c JOIN articles a ON a.id = c.article_id"
    )
    warc_dir = (imported.data_dir / "warc").resolve()
    assert {Path(c["warc_file"]).parent for c in captures} == {warc_dir}
    assert {c["crawl_run_id"] for c in captures} == {None}
    fetched = {c["url"]: c["fetched_at"] for c in captures}
    assert fetched[VALLEY] == dt.datetime(2024, 5, 1, 0, 0, 7, tzinfo=dt.UTC)  # its WARC-Date
    moved = [source.rename(tmp_path / source.name) for source in imported.sources]
    try:
        result = akhbar(imported.url, imported.data_dir, "reextract")
    finally:
        for source, path in zip(imported.sources, moved, strict=True):
            path.rename(source)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert all(", 0 articles changed, " in line for line in lines), lines


def test_a_truncated_record_is_reported_with_its_file_and_offset(databases, tmp_path) -> None:
    url = databases.create("akhbar_warc_cut")
    schema.upgrade(url)
    path = tmp_path / "cut.warc.gz"
    warc = Warc(path)
    pages = outlet_pages("hawarnews")[:3]
    for page_url, html in pages:
        warc.response(page_url, html)
    warc.close()
    data = path.read_bytes()
    path.write_bytes(data[: (warc.offsets[-1] + len(data)) // 2])
    result = akhbar(url, tmp_path / "data", "import", "--format", "warc", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path} offset {warc.offsets[-1]}: the file ends inside this record" in result.stderr
    assert ", 1 bad records" in result.stdout
    assert "2 HTML pages" in result.stdout


def test_outlet_option_keeps_only_those_outlets_pages(databases, imported, tmp_path) -> None:
    url = databases.create("akhbar_warc_only")
    schema.upgrade(url)
    paths = "\n".join(str(p) for p in imported.sources) + "\n"
    result = akhbar(
        url,
        tmp_path,
        "import",
        "--format",
        "warc",
        "--outlet",
        "valleyherald.example",
        "-",
        stdin=paths,
    )
    assert result.exit_code == 0, result.output
    assert "2 HTML pages" in result.stdout  # the listing and the article
    assert "1 articles (1 new, " in result.stdout
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM outlets")).scalars().all()
    finally:
        engine.dispose()
    assert names == ["valleyherald.example"]


def test_export_warc_copies_the_outlets_captures_and_imports_back(
    databases, imported, tmp_path
) -> None:
    path = tmp_path / "hawarnews.warc.gz"
    result = akhbar(
        imported.url,
        imported.data_dir,
        "export",
        "--format",
        "warc",
        "--outlet",
        "hawarnews",
        "-o",
        str(path),
    )
    assert result.exit_code == 0, result.output
    records = list(iter_records(path))
    assert [r.type for r in records[:3]] == ["warcinfo", "response", "metadata"]
    responses = {r.header("WARC-Target-URI") for r in records if r.type == "response"}
    assert responses == set(expected_articles("hawarnews"))
    assert len(records) == 1 + 2 * len(responses)
    assert f"{len(responses)} captures exported" in result.stderr

    url = databases.create("akhbar_warc_back")
    schema.upgrade(url)
    back = akhbar(url, tmp_path / "data", "import", "--format", "warc", str(path))
    assert back.exit_code == 0, back.output
    count = len(responses)
    assert f"{count} articles ({count} new, 0 updated, 0 unchanged)" in back.stdout
