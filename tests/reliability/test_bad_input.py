"""Bad input to what people use: the search API and page, ``akhbar search``, config files.

Whatever is typed, the answer is a result (possibly empty) or a clear refusal
naming what was wrong: never a 500, never a traceback. The search runs against
the real archive of the hostile site's crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from akhbar.cli import cli
from akhbar.web import create_app
from tests.support.hostile_crawl import SiteCrawl

pytestmark = [pytest.mark.db, pytest.mark.crawl]

#: One character from each Unicode plane (0-16), assigned or not.
EVERY_PLANE = "".join(chr(plane * 0x10000 + 0x100) for plane in range(17))
QUERIES = {
    "sql": "'; DROP TABLE articles; --",
    "sql-union": "x' UNION SELECT password FROM pg_shadow --",
    "tsquery-operators": "a & | ! <-> :* (b",
    "unbalanced-quote": '"المفاوضات',
    "quotes-only": '"\'"\'"',
    "backslashes": "\\\\'\\",
    "nul-and-controls": "المفاوضات\x00\x01\x07\x1b[31m\x7f",
    "only-nul": "\x00",
    "ten-kilobytes": "ب" * 10_000,
    "ten-kilobytes-words": "المفاوضات " * 1000,
    "every-unicode-plane": EVERY_PLANE,
    "bidi-controls": "\u202eالمفاوضات\u200f\u2066",
    "emoji-and-combining": "🙂\u0301\u0651ﷺ",
}


@pytest.fixture(scope="module")
def client(hostile: SiteCrawl) -> Iterator[TestClient]:
    with TestClient(create_app(hostile.database_url), raise_server_exceptions=False) as client:
        yield client


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text


@pytest.mark.parametrize("path", ["/api/search", "/"])
@pytest.mark.parametrize("q", QUERIES.values(), ids=list(QUERIES))
def test_any_query_gets_an_answer_not_an_error(client: TestClient, path: str, q: str) -> None:
    response = client.get(path, params={"q": q})
    assert response.status_code in (200, 422), response.text[:300]
    assert_no_traceback(response.text)


def test_a_query_in_the_api_finds_articles_despite_controls(client: TestClient) -> None:
    clean = client.get("/api/search", params={"q": "المفاوضات"}).json()
    dirty = client.get("/api/search", params={"q": "\x00المفاوضات\x07\x7f"}).json()
    assert clean["total"] > 0
    assert dirty["total"] == clean["total"]


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%FF%FE%00",  # not UTF-8 at all
        "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "q=a&q=b",
        "q=x&limit=99999999999999999999999",
        "q=x&limit=-1",
        "q=x&offset=1000000000",
        "q=x&offset=1e3",
        "q=x&since=0000-00-00",
        "q=x&since=9999-12-31&until=0001-01-01",
        "q=x&since=2024-02-30",
        "q=x&until=%00",
        "q=x&outlet=' OR 1=1 --",
        "q=x&outlet=" + "o" * 10_000,
        "q=x&lang=" + "%00" * 50,
        "q=x&sort=date;DROP",
        "q=x&unknown=1",
    ],
)
@pytest.mark.parametrize("path", ["/api/search", "/"])
def test_out_of_range_parameters_are_refused_or_ignored_never_a_500(
    client: TestClient, path: str, query_string: str
) -> None:
    response = client.get(f"{path}?{query_string}")
    assert response.status_code in (200, 422), response.text[:300]
    assert_no_traceback(response.text)
    if response.status_code == 422 and path == "/api/search":
        assert response.json()["detail"][0]["loc"][0] == "query"  # names the parameter


# The command line -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def akhbar(hostile: SiteCrawl) -> CliRunner:
    return CliRunner(env={"AKHBAR_DATABASE_URL": hostile.database_url, "AKHBAR_CONFIG": ""})


@pytest.mark.parametrize("q", QUERIES.values(), ids=list(QUERIES))
def test_cli_search_answers_any_query(akhbar: CliRunner, q: str) -> None:
    result = akhbar.invoke(cli, ["search", q])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert_no_traceback(result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "0"], "Invalid value for '--limit'"),
        (["--limit", "abc"], "Invalid value for '--limit'"),
        (["--offset", "-5"], "Invalid value for '--offset'"),
        (["--since", "yesterday"], "not an ISO 8601 date: 'yesterday'"),
        (["--until", "2019-13-45"], "not an ISO 8601 date: '2019-13-45'"),
        (["--since", "\x00"], "not an ISO 8601 date"),
        (["--sort", "random"], "Invalid value for '--sort'"),
    ],
)
def test_cli_search_refuses_bad_options_naming_them(
    akhbar: CliRunner, args: list[str], message: str
) -> None:
    result = akhbar.invoke(cli, ["search", "المفاوضات", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert_no_traceback(result.output)


def test_cli_search_of_an_archive_with_no_schema_says_so(
    databases: object,
) -> None:
    url = databases.create("akhbar_no_schema")  # type: ignore[attr-defined]
    result = CliRunner(env={"AKHBAR_DATABASE_URL": url, "AKHBAR_CONFIG": ""}).invoke(
        cli, ["search", "x"]
    )
    assert result.exit_code == 1
    assert "akhbar db upgrade" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# Configuration files (tests/test_config.py covers load_config itself) ---------------------

#: The environment wins over the file: without it, the file's every key is read.
NO_ENVIRONMENT = CliRunner(env={"AKHBAR_DATABASE_URL": "", "DATABASE_URL": "", "AKHBAR_CONFIG": ""})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour = 'blue'\n", "unknown key 'colour'"),
        ("[outlets.x]\nschedul = '1h'\n", "unknown key 'outlets.x.schedul'"),
        ("[outlets.x]\nenabled = 'yes'\n", "outlets.x.enabled must be bool, not str"),
        ("[scheduler]\nmax_crawls = '4'\n", "scheduler.max_crawls must be an integer, not str"),
        ("[scheduler]\ncrawl_timeout = -1\n", "scheduler.crawl_timeout must be at least"),
        ("database_url = 5\n", "'database_url' must be a string, not int"),
        ("host_map = ['a']\n", "[host_map] must be a table"),
        ("outlets = 3\n", "[outlets] must be a table"),
        ("[x\n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_the_file_and_the_key(
    tmp_path: Path, content: str, message: str
) -> None:
    config = tmp_path / "akhbar.toml"
    config.write_text(content, encoding="utf-8")
    result = NO_ENVIRONMENT.invoke(cli, ["--config", str(config), "search", "x"])
    assert result.exit_code == 1
    assert f"Error: {config}: " in result.output
    assert message in result.output
    assert_no_traceback(result.output)


def test_a_config_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "akhbar.toml"
    config.write_bytes("title = 'أخبار'\n".encode("windows-1256"))
    result = NO_ENVIRONMENT.invoke(cli, ["--config", str(config), "search", "x"])
    assert result.exit_code == 1
    assert f"Error: {config}: " in result.output
