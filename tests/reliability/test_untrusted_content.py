"""Crawled pages are untrusted: their markup is stored as text and shown escaped.

The hostile site's planted article names markup in its text (``&lt;script&gt;``
entities, which are text a reader sees) and carries markup meant to run
(``<script>``, ``javascript:`` links, ``onerror``), which is no text at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from akhbar.web import create_app
from tests.reliability.hostile_server import UNTRUSTED_PATH, UNTRUSTED_TITLE
from tests.support.hostile_crawl import SiteCrawl

pytestmark = [pytest.mark.db, pytest.mark.crawl]

NAMED_MARKUP = 'وكتب المهاجم <script>alert("x")</script> في خانة التعليق & نجح في ذلك'


@pytest.fixture(scope="module")
def planted(hostile: SiteCrawl) -> dict:
    return hostile.articles()[UNTRUSTED_PATH]


@pytest.fixture(scope="module")
def client(hostile: SiteCrawl) -> Iterator[TestClient]:
    app = create_app(hostile.database_url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_markup_named_in_the_text_is_stored_as_the_text_a_reader_sees(planted: dict) -> None:
    assert planted["title"] == UNTRUSTED_TITLE
    assert NAMED_MARKUP in planted["body"].split("\n\n")


@pytest.mark.parametrize("active", ["javascript:", "document.cookie", "onerror", "onclick", "<a "])
def test_markup_meant_to_run_is_not_stored(planted: dict, active: str) -> None:
    stored = " ".join(str(planted[f]) for f in ("title", "subtitle", "body", "authors", "tags"))
    assert active not in stored
    assert "اضغط هنا للمزيد من التفاصيل" in planted["body"]  # the link's text stays


def test_the_search_page_shows_planted_markup_escaped(client: TestClient) -> None:
    page = client.get("/", params={"q": "الاختراقات"})
    assert page.status_code == 200
    assert UNTRUSTED_PATH in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_api_returns_planted_markup_as_plain_json_text(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "الاختراقات"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    [hit] = [h for h in response.json()["results"] if h["url"].endswith(UNTRUSTED_PATH)]
    assert hit["title"] == UNTRUSTED_TITLE
    assert "<script" not in hit["snippet"]


# tests/db/test_migrations.py shows the reader cannot INSERT; nor can it do anything else.
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE articles SET title = 'x'",
        "DELETE FROM articles",
        "TRUNCATE articles",
        "INSERT INTO crawl_runs (outlet_id, trigger) VALUES (1, 'manual')",
        "DROP TABLE articles",
        "ALTER TABLE articles ADD COLUMN x int",
        "CREATE TABLE public.planted (x int)",
        "SELECT nextval(pg_get_serial_sequence('articles', 'id'))",
    ],
)
def test_the_read_only_role_cannot_write(hostile: SiteCrawl, statement: str) -> None:
    with psycopg.connect(hostile.database_url) as conn:
        conn.execute("SET ROLE akhbar_reader")
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()
