"""The search API and page: parameters validated (422, never 500), crawled text escaped, RTL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from akhbar.web import create_app
from db.articles import store_articles, upsert_outlet
from tests.search.conftest import article_row

pytestmark = pytest.mark.db

EVIL_URL = "https://evil.test/xss"


@pytest.fixture(scope="module")
def client(search_engine: Engine) -> Iterator[TestClient]:
    with search_engine.begin() as connection:
        outlet = upsert_outlet(
            connection,
            {"name": "evil", "title": "evil", "base_url": "https://evil.test/", "language": "ar"},
        )
        row = article_row(
            outlet,
            EVIL_URL,
            "<script>alert('عنوان')</script> زلزلة بومبيو",
            "زلزلة <img src=x onerror=alert(1)> بومبيو في واشنطن </p><script>x()</script>",
        )
        store_articles(connection, [row])
    with TestClient(create_app(engine=search_engine), raise_server_exceptions=False) as client:
        yield client
    with search_engine.begin() as connection:
        connection.execute(text("DELETE FROM articles WHERE url = :u"), {"u": EVIL_URL})
        connection.execute(text("DELETE FROM outlets WHERE name = 'evil'"))


def test_api_search_returns_results_and_counts(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "سوريا", "limit": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] >= 5 and len(data["results"]) == 5
    assert set(data["results"][0]) == {
        "url",
        "outlet",
        "title",
        "published_at",
        "published_date",
        "snippet",
        "rank",
    }
    assert data["total_exact"] is True and data["ranked"] is None  # few matches: all ranked
    assert sum(data["outlet_counts"].values()) == data["total"]


def test_openapi_schema_describes_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {
        "q",
        "outlet",
        "lang",
        "since",
        "until",
        "limit",
        "offset",
        "sort",
        "exhaustive",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1000"},
        {"limit": "abc"},
        {"offset": "-1"},
        {"since": "yesterday"},
        {"until": "2019-13-45"},
        {"sort": "random"},
        {"q": "x" * 20_000},
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    assert client.get("/api/search", params={"q": "بومبيو", **params}).status_code == 422


@pytest.mark.parametrize(
    "q",
    ['"', "OR", "-", "في", "'; DROP TABLE articles; --", "\x00\x1b", "a <-> !b:*", "س" * 5000],
)
def test_malformed_queries_are_200(client: TestClient, q: str) -> None:
    for path in ("/api/search", "/"):
        assert client.get(path, params={"q": q}).status_code == 200


def test_crawled_html_is_escaped_on_the_page(client: TestClient) -> None:
    page = client.get("/", params={"q": "زلزلة"})
    assert page.status_code == 200
    assert EVIL_URL in page.text
    assert "<script>" not in page.text and "<img" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "<mark>زلزلة</mark>" in page.text


def test_page_is_rtl_with_highlights_filters_and_pagination(client: TestClient) -> None:
    page = client.get("/", params={"q": "بومبيو", "limit": 2})
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert "<mark>بومبيو</mark>" in page.text
    assert 'name="outlet"' in page.text and 'name="since"' in page.text
    assert 'rel="next"' in page.text and "offset=2" in page.text
    assert "hawarnews" in page.text and 'class="count"' in page.text
    assert client.get("/").status_code == 200
    assert client.get("/static/search.css").status_code == 200
