"""A new outlet end to end, as its author builds it: new-outlet, fixture save, parse, crawl.

The site is a few pages written here and served on 127.0.0.1 under a production
host name (the host map); every generated file goes to the test's own folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from akhbar.cli import cli
from akhbar.static_server import StaticSite
from db import schema
from db.engine import make_engine

pytestmark = [pytest.mark.db, pytest.mark.crawl]

HOST = "www.sahafa.example"
ORIGIN = f"https://{HOST}"
PARAGRAPHS = (
    "أعلنت السلطات المحلية في المدينة، صباح اليوم، عن خطة جديدة لتحسين شبكة النقل العام "
    "وتوسيع خطوط الحافلات لتصل إلى الأحياء الطرفية التي ظلت سنوات بلا خدمة منتظمة.",
    "وقال مسؤول في البلدية إن المشروع سيُنفذ على ثلاث مراحل خلال العامين المقبلين، وإن "
    "كلفته ستُغطى من ميزانية المدينة ومن قرض ميسر قدمته جهة دولية مانحة.",
    "ورحب سكان الأحياء المعنية بالخطة، مؤكدين أن غياب النقل العام يضطرهم إلى دفع مبالغ "
    "كبيرة لسيارات الأجرة كل يوم للوصول إلى أماكن عملهم ومدارس أبنائهم.",
    "وأشار خبراء في التخطيط الحضري إلى أن نجاح المشروع يتوقف على إشراك السكان في تحديد "
    "مسارات الخطوط الجديدة ومواعيدها، وعلى صيانة الحافلات بانتظام بعد تشغيلها.",
)
ARTICLES = {
    f"/news/2024/03/0{day}/khutta-jadida-lil-naql-al-am-{day}/": f"خطة جديدة للنقل العام رقم {day}"
    for day in range(1, 5)
}


def article_page(path: str, title: str) -> str:
    day = path.split("/")[4]
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{title} | صحافة</title>"
        f'<link rel="canonical" href="{ORIGIN}{path}">'
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="2024-03-{day}T10:30:00+01:00">'
        "</head><body><header><nav><a href='/'>الرئيسية</a> <a href='/news/'>أخبار</a></nav>"
        f'</header><article><h1>{title}</h1><p class="byline">بقلم سلمى العلوي</p>'
        f'<time datetime="2024-03-{day}T10:30:00+01:00">{day} مارس 2024</time>'
        f"{body}</article></body></html>"
    )


def links() -> str:
    return "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in ARTICLES.items())


def write_site(root: Path) -> Path:
    for path, title in ARTICLES.items():
        page = root / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(article_page(path, title), encoding="utf-8")
    nav = "<header><nav><a href='/'>الرئيسية</a> <a href='/news/'>أخبار</a></nav></header>"
    home = f'<!doctype html><html lang="ar"><head><title>صحافة</title></head><body>{nav}'
    (root / "index.html").write_text(f"{home}<ul>{links()}</ul></body></html>", encoding="utf-8")
    (root / "news" / "index.html").write_text(
        f"{home}<h1>أخبار</h1><ul>{links()}</ul></body></html>", encoding="utf-8"
    )
    (root / "about-us.html").write_text(
        f"{home}<h1>من نحن</h1><p>موقع إخباري.</p></body></html>", encoding="utf-8"
    )
    urls = "".join(f"<url><loc>{ORIGIN}{p}</loc></url>" for p in ARTICLES)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8",
    )
    (root / "robots.txt").write_text(f"User-agent: *\nSitemap: {ORIGIN}/sitemap.xml\n")
    return root


@pytest.fixture
def author_env(tmp_path: Path, databases, monkeypatch: pytest.MonkeyPatch):
    """A served site, a spiders folder, a fixtures folder and an empty archive, all in tmp."""
    url = databases.create("akhbar_authoring")
    schema.upgrade(url)
    with StaticSite(write_site(tmp_path / "site")) as server:
        monkeypatch.setenv("AKHBAR_CONFIG", "")
        monkeypatch.setenv("AKHBAR_DATABASE_URL", url)
        monkeypatch.setenv("AKHBAR_HOST_MAP", f"{HOST}={server.origin}")
        monkeypatch.setenv("AKHBAR_SPIDERS_DIR", str(tmp_path / "spiders"))
        (tmp_path / "spiders").mkdir()
        yield tmp_path, url


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_new_outlet_end_to_end(author_env) -> None:
    tmp, database_url = author_env
    fixtures = tmp / "fixtures"
    first, second = (ORIGIN + p for p in list(ARTICLES)[:2])

    code, output = invoke("new-outlet", "sahafa", ORIGIN + "/")
    assert code == 0, output
    module = (tmp / "spiders" / "sahafa.py").read_text(encoding="utf-8")
    assert r'r"^/news/\d{4}/\d{2}/\d{2}/[^/]+/$"' in module
    assert 'language="ar"' in module and 'timezone="Etc/GMT-1"' in module
    assert "title      4/4 pages" in module  # what the generic extraction fills, said in the module
    compile(module, "sahafa.py", "exec")

    code, output = invoke(
        "fixture", "save", "sahafa", first, second, ORIGIN + "/about-us.html",
        "--fixtures", str(fixtures),
    )  # fmt: skip
    assert code == 0, output
    truth_dir = fixtures / "sahafa" / "site" / "_truth"
    index = json.loads((truth_dir / "index.json").read_text(encoding="utf-8"))
    assert index["production_origin"] == ORIGIN and index["timezone"] == "Etc/GMT-1"
    assert index["counts"] == {"pages": 3, "articles": 2, "non_articles": 1}
    truth = json.loads((truth_dir / "khutta-jadida-lil-naql-al-am-1.json").read_text("utf-8"))
    assert truth["title"] == ARTICLES[next(iter(ARTICLES))]
    assert truth["body"] == "\n\n".join(PARAGRAPHS)
    assert truth["published"] == "2024-03-01T09:30:00+00:00"
    assert (fixtures / "sahafa" / "site" / "about-us.html").is_file()

    code, output = invoke("parse", "sahafa", second, "--json")
    assert code == 0, output
    parsed = json.loads(output)
    assert parsed["is_article"] and parsed["article_url"]
    assert parsed["item"]["title"] == ARTICLES[list(ARTICLES)[1]]
    code, output = invoke("parse", "sahafa", str(fixtures / "sahafa" / "site" / "about-us.html"))
    assert code == 1
    assert "not an article:" in output and "sahafa.parse_article returned None" in output

    code, output = invoke("crawl", "sahafa")
    assert code == 0, output
    assert "succeeded" in output
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            titles = (
                connection.execute(
                    text(
                        "SELECT a.title FROM articles a JOIN outlets o ON o.id = a.outlet_id"
                        " WHERE o.name = 'sahafa' ORDER BY a.url"
                    )
                )
                .scalars()
                .all()
            )
            runs = connection.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one()
    finally:
        engine.dispose()
    assert titles == list(ARTICLES.values())
    assert runs == 1  # new-outlet, fixture save and parse recorded nothing


def test_scrapy_parse_reads_a_page_and_records_no_run(author_env) -> None:
    _, database_url = author_env
    site = Path(__file__).parent / "fixtures" / "hawarnews" / "site"
    page = "/ar/haber/2019/08/10/afttah-mard-llfn-altshkyly-fy-kwbany-bmsharkt-h14512/"
    with StaticSite(site) as server:
        env = {**os.environ, "AKHBAR_HOST_MAP": f"www.hawarnews.com={server.origin}"}
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "parse", "--spider=hawarnews",
             "-c", "_parse_article_page", f"https://www.hawarnews.com{page}"],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert "افتتاح معرض للفن التشكيلي في كوباني" in result.stdout, result.stderr[-2000:]
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one() == 0
    finally:
        engine.dispose()
