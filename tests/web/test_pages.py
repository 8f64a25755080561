"""The article and outlets pages and their API, the 404 page, and the security headers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy.engine import make_url

from akhbar.web import create_app
from akhbar.web.security import PAGE_POLICY, script_hashes
from db.config import Config, OutletSettings
from tests.support.web_archive import (
    COPY_URL,
    EDITED_URL,
    FINAL_BODY,
    FIRST_BODY,
    HOSTILE_URL,
    PAGED_ARTICLES,
    PAGED_WORD,
    WebArchive,
)

pytestmark = pytest.mark.db

CONFIG = Config(outlets={"casablancatoday": OutletSettings(schedule="2h", enabled=False)})


@pytest.fixture(scope="module")
def client(web_archive: WebArchive) -> Iterator[TestClient]:
    app = create_app(engine=web_archive.engine, config=CONFIG)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_api_article_has_every_version_oldest_first_and_its_copies(
    client: TestClient, web_archive: WebArchive
) -> None:
    data = client.get(f"/api/articles/{web_archive.edited_id}").json()
    assert data["url"] == EDITED_URL and data["outlet"] == "hawarnews"
    assert data["body"] == FINAL_BODY and data["tags"] == ["جنيف", "سوريا"]
    assert next(v["body"] for v in data["revisions"]) == FIRST_BODY
    assert len(data["revisions"]) == 3 and data["revisions"][-1]["superseded_at"] is None
    assert [c["url"] for c in data["copies"]] == [COPY_URL]
    assert data["published_at"].startswith("2019-09-14T13:22")


def test_article_page_shows_both_times_diff_copies_and_the_original(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get(f"/articles/{web_archive.edited_id}")
    assert page.status_code == 200
    assert "2019-09-14 16:22 (Asia/Damascus, +03:00)" in page.text
    assert "2019-09-14 13:22 UTC" in page.text
    assert f'href="{EDITED_URL}"' in page.text
    # The last edit, word by word: مستمرة was not in it, متوقفة stayed, مؤقتا was added.
    assert "<ins>مؤقتا</ins>" in page.text and "<del>مستمرة</del>" in page.text
    assert "<del>سيعود</del>" in page.text and "<ins>لن يعود</ins>" in page.text
    assert f'href="/articles/{web_archive.copy_id}"' in page.text
    assert '<html lang="ar" dir="rtl">' in page.text


def test_hostile_article_is_text_on_its_page_and_in_the_api(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get(f"/articles/{web_archive.hostile_id}").text
    assert "<script>" not in page and "<img" not in page and "<svg" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    data = client.get(f"/api/articles/{web_archive.hostile_id}").json()
    assert data["url"] == HOSTILE_URL and "<script>" in data["title"]  # JSON keeps the text


@pytest.mark.parametrize("path", ["/articles/999999999", "/articles/abc", "/nowhere"])
def test_missing_page_is_a_404_page(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "الصفحة غير موجودة" in page.text and 'href="/"' in page.text


def test_api_missing_article_is_a_json_404_and_a_bad_id_a_422(client: TestClient) -> None:
    missing = client.get("/api/articles/999999999")
    assert missing.status_code == 404 and missing.json()["detail"]
    assert client.get(f"/api/articles/{2**63}").status_code == 422
    assert client.get("/api/articles/0").status_code == 422


def test_search_results_link_to_the_article_page(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get("/", params={"q": "مؤقتا"}).text
    assert f'href="/articles/{web_archive.edited_id}"' in page
    data = client.get("/api/search", params={"q": "مؤقتا"}).json()
    assert web_archive.edited_id in {hit["id"] for hit in data["results"]}


def test_search_page_counts_results_and_lists_outlets_from_the_archive(
    client: TestClient,
) -> None:
    page = client.get("/", params={"q": PAGED_WORD, "limit": 10, "offset": 10}).text
    assert f'<bdi dir="ltr">11–20</bdi> من <bdi>{PAGED_ARTICLES}</bdi>' in page
    assert '<option value="hawarnews"' in page and '<option value="wire"' in page
    assert 'pattern="\\d{4}-\\d{2}-\\d{2}"' in page and 'type="date"' not in page
    assert "صفحة 2 من 3" in page


def test_api_outlets_merges_the_archive_and_the_schedules(client: TestClient) -> None:
    outlets = {o["name"]: o for o in client.get("/api/outlets").json()}
    hawar = outlets["hawarnews"]
    assert hawar["articles"] == 1 and hawar["runs"] == 1
    assert hawar["last_run"]["status"] == "succeeded"
    assert hawar["last_run"]["pages_crawled"] == 12 and hawar["last_run"]["errors"] == 1
    assert hawar["schedule"] == "*/30 * * * *" and hawar["schedule_source"] == "spider"
    casa = outlets["casablancatoday"]  # configured, never crawled
    assert casa["in_archive"] is False and casa["last_run"] is None
    assert (casa["schedule"], casa["schedule_source"], casa["enabled"]) == ("2h", "config", False)
    assert outlets["wire"]["schedule"] is None and outlets["wire"]["articles"] > 20


def test_outlets_page_lists_runs_and_schedules(client: TestClient) -> None:
    page = client.get("/outlets").text
    assert "وكالة هاوار للأنباء" in page and "نجح" in page
    assert '<code dir="ltr">*/30 * * * *</code>' in page and "غير مجدول" in page
    assert "لم يُزحف بعد" in page and "(معطّل)" in page


@pytest.mark.parametrize("path", ["/", "/?q=جنيف", "/outlets", "/articles/1", "/nowhere"])
def test_pages_forbid_every_script_and_other_origin(client: TestClient, path: str) -> None:
    policy = client.get(path).headers["content-security-policy"]
    assert policy == PAGE_POLICY
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "http" not in policy and "unsafe" not in policy


def test_docs_allow_only_their_own_inline_script_by_hash(client: TestClient) -> None:
    page = client.get("/docs")
    policy = page.headers["content-security-policy"]
    (script,) = re.findall(r"script-src ([^;]+)", policy)
    hashes = script_hashes(page.text)
    assert hashes and script.split() == ["'self'", *hashes]
    assert "unsafe-inline" not in script and "http" not in policy


@pytest.fixture
def reader_url(web_archive: WebArchive) -> Iterator[str]:
    """A login role that is only a member of ``akhbar_reader``, dropped afterwards."""
    name = f"akhbar_test_reader_{uuid.uuid4().hex[:8]}"
    admin = make_url(web_archive.url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        conn.execute(sql.SQL("GRANT akhbar_reader TO {}").format(sql.Identifier(name)))
    yield make_url(web_archive.url).set(username=name, password=None).render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_the_app_runs_with_the_read_only_role(reader_url: str, web_archive: WebArchive) -> None:
    app = create_app(reader_url, config=CONFIG)
    with TestClient(app, raise_server_exceptions=False) as reader:
        for path in ("/?q=جنيف", f"/articles/{web_archive.edited_id}", "/outlets"):
            assert reader.get(path).status_code == 200, path
        for path in ("/api/search?q=جنيف", "/api/outlets", f"/api/articles/{web_archive.copy_id}"):
            assert reader.get(path).status_code == 200, path
        assert reader.get("/api/search", params={"q": PAGED_WORD}).json()["total"] == 23
