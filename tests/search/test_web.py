"""The search API and page: parameters validated (422, never 500), crawled text escaped, RTL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from akhbar.web import ECHO_CHARS, create_app
from db.articles import store_articles, upsert_outlet
from tests.support.articles import article_row

pytestmark = pytest.mark.db

EVIL_URL = "https://evil.test/xss"
ENGLISH_URL = "https://evil.test/english"


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
        english = article_row(
            outlet,
            ENGLISH_URL,
            "Pompeo meets the coalition in Washington",
            "Secretary Pompeo said the coalition will keep fighting.",
            language="en",
        )
        store_articles(connection, [row, english])
    with TestClient(create_app(engine=search_engine), raise_server_exceptions=False) as client:
        yield client
    with search_engine.begin() as connection:
        connection.execute(
            text("DELETE FROM articles WHERE url = ANY(:u)"), {"u": [EVIL_URL, ENGLISH_URL]}
        )
        connection.execute(text("DELETE FROM outlets WHERE name = 'evil'"))


def test_api_search_returns_results_and_counts(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "سوريا", "limit": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] >= 5 and len(data["results"]) == 5
    assert set(data["results"][0]) == {
        "id",
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
    assert client.get("/static/site.css").status_code == 200


def test_api_outlet_counts_honour_the_outlet_filter(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "داعش", "outlet": "hawarnews"}).json()
    assert data["total"] > 0
    assert data["outlet_counts"] == {"hawarnews": data["total"]}


def test_page_outlet_counts_honour_the_outlet_filter(client: TestClient) -> None:
    everywhere = client.get("/", params={"q": "داعش"}).text
    assert "outlet=casablancatoday" in everywhere  # the query matches both outlets
    page = client.get("/", params={"q": "داعش", "outlet": "hawarnews"}).text
    assert "outlet=casablancatoday" not in page
    assert 'class="count"' in page


def test_api_unknown_outlet_is_422_listing_the_known_ones(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "داعش", "outlet": "nosuch"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "outlet"] and "hawarnews" in error["msg"]


def test_api_unknown_language_is_422_listing_the_archive_languages(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "داعش", "lang": "xx"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "lang"] and "ar" in error["ctx"]["known"]


def test_page_unknown_outlet_shows_the_form_and_the_known_outlets(client: TestClient) -> None:
    page = client.get("/", params={"q": "داعش", "outlet": "nosuch"})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="search"' in page.text and 'class="error"' in page.text
    assert "nosuch" in page.text and "hawarnews" in page.text


def test_page_too_long_query_shows_the_form_with_a_short_message(client: TestClient) -> None:
    page = client.get("/", params={"q": "x" * 20_000})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="search"' in page.text and 'class="error"' in page.text
    assert '"detail"' not in page.text
    assert "x" * ECHO_CHARS in page.text and "x" * (ECHO_CHARS + 1) not in page.text


def test_page_bad_date_shows_the_form_with_a_short_message(client: TestClient) -> None:
    page = client.get("/", params={"q": "داعش", "since": "yesterday"})
    assert page.status_code == 422
    assert 'role="search"' in page.text and "YYYY-MM-DD" in page.text
    assert 'value="داعش"' in page.text  # the rest of the form is kept


def test_page_echoes_a_rejected_value_escaped(client: TestClient) -> None:
    page = client.get("/", params={"q": "داعش", "until": '"><script>alert(1)</script>'})
    assert page.status_code == 422
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_load_every_asset_from_the_app_itself(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', page.text)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert not urlsplit(asset).netloc, asset  # no CDN: the docs work offline
        assert client.get(asset).status_code == 200, asset


def test_page_stays_rtl_for_a_latin_query(client: TestClient) -> None:
    page = client.get("/", params={"q": "Pompeo"})
    assert '<html lang="ar" dir="rtl">' in page.text


def test_each_result_has_its_own_direction(client: TestClient) -> None:
    page = client.get("/", params={"q": "Pompeo OR عفرين", "limit": 100})
    assert '<li class="hit" dir="ltr">' in page.text  # the English article
    assert '<li class="hit" dir="rtl">' in page.text  # the Arabic one


def test_no_results_is_a_message_not_an_empty_list(client: TestClient) -> None:
    page = client.get("/", params={"q": "زنجبيلستانية"})
    assert '<div class="empty">' in page.text and "لا نتائج" in page.text
    assert '<ol class="results"' not in page.text
