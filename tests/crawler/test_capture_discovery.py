"""With ``AKHBAR_CAPTURE_DISCOVERY`` on, a crawl also keeps the discovery documents it read
(robots.txt, sitemaps, feeds, listings) in its WARC files, each named by its metadata
record, beside the article responses; they get no ``captures`` row. Off (the default),
only article responses are kept: ``test_capture`` counts them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from akhbar.static_server import StaticSite
from crawler.warc import iter_records, parse_fields
from db import schema
from db.config import load_config
from scheduler.crawl import CrawlRequest, run_crawl
from tests.support import copy_outlet_site
from tests.support.daemon import query

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTLET = "hawarnews"
HOST = "www.hawarnews.com"
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "AKHBAR_CAPTURE_DISCOVERY": "True",
}


def test_discovery_documents_are_kept_beside_the_articles_when_asked(
    databases, tmp_path: Path
) -> None:
    url = databases.create("akhbar_capture_discovery")
    schema.upgrade(url)
    root = tmp_path / "site"
    copy_outlet_site(OUTLET, root)
    warc_dir = tmp_path / "warc"
    settings = {**SETTINGS, "AKHBAR_WARC_DIR": str(warc_dir)}
    with StaticSite(root) as server:
        request = CrawlRequest(
            outlet=OUTLET, host_map={HOST: server.origin}, timeout=240, settings=settings
        )
        result = run_crawl(load_config(environ={"AKHBAR_DATABASE_URL": url}), request)
    assert result.status == "succeeded", result

    [path] = warc_dir.glob("*.warc.gz")
    kinds: dict[str, str] = {}  # fetched URL -> discovery kind, or "article"
    for record in iter_records(path):
        if record.type == "metadata":
            fields = parse_fields(record.content)
            kinds[record.header("WARC-Target-URI")] = fields.get("discovery", "article")
    captured = {row["url"] for row in query(url, "SELECT url FROM captures")}
    assert {u for u, kind in kinds.items() if kind == "article"} == captured
    assert {"robots", "sitemap", "listing"} <= set(kinds.values())
    warcio = Path(sys.executable).parent / "warcio"
    done = subprocess.run([warcio, "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
