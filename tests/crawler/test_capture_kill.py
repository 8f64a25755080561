"""A whole crawl killed with SIGKILL while it captures leaves WARC files that read back.

The crawl is ``python -m scrapy crawl casablancatoday`` (what the scheduler runs) against
a copy of the outlet served slowly (:class:`tests.support.daemon.SlowSite`), killed once
it has recorded a few captures. Its file then holds every record written before the
kill, each readable by warcio, and every ``captures`` row points at one of them (a
record is written before its article's row). A file cut inside a record, as a kill
landing in the middle of a write leaves it, reads back up to the cut, which is
reported, not raised.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import Truncated, iter_records, payload_digest, read_record
from crawler.warc_input import NotAPage, Unreadable, WarcResponse, read_warc
from db import schema
from tests.support import REPO, copy_outlet_site, wait_for
from tests.support.daemon import SlowSite, query

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTLET = "casablancatoday"
HOST = "www.casablancatoday.com"
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "AKHBAR_STORE_BATCH_SIZE": "2",
}
KILL_AFTER = 4
"""Captures recorded before the crawl is killed."""


@dataclass
class KilledCrawl:
    warc: Path
    captures: list[dict[str, Any]]
    articles: int


@pytest.fixture(scope="module")
def killed(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KilledCrawl]:
    url = databases.create("akhbar_capture_kill")
    schema.upgrade(url)
    root = tmp_path_factory.mktemp(OUTLET) / "site"
    copy_outlet_site(OUTLET, root)
    warc_dir = tmp_path_factory.mktemp("warc")
    command = [sys.executable, "-m", "scrapy", "crawl", OUTLET]
    for key, value in {**SETTINGS, "AKHBAR_WARC_DIR": str(warc_dir)}.items():
        command += ["-s", f"{key}={value}"]
    site = SlowSite(root, delay=0.1)  # serving from here on
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
        "AKHBAR_DATABASE_URL": url,
        "AKHBAR_HOST_MAP": f"{HOST}={site.origin}",
        "AKHBAR_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(
            lambda: query(url, "SELECT count(*) AS n FROM captures")[0]["n"] >= KILL_AFTER,
            120,
            f"{KILL_AFTER} recorded captures",
            step=0.05,
        )
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        site.stop()
    [warc] = warc_dir.glob("*.warc.gz")
    articles = query(url, "SELECT count(*) AS n FROM articles")[0]["n"]
    yield KilledCrawl(warc, query(url, "SELECT * FROM captures ORDER BY id"), articles)


def test_every_complete_record_of_a_killed_crawl_reads_back(killed: KilledCrawl) -> None:
    problems: list[Truncated] = []
    records = list(iter_records(killed.warc, problems=problems))
    kinds = [record.type for record in records]
    fetches = (len(kinds) - 1) // 3
    assert kinds[0] == "warcinfo"
    assert kinds[1 : 1 + 3 * fetches] == ["request", "response", "metadata"] * fetches
    assert fetches >= len(killed.captures) >= KILL_AFTER
    end = records[-1].offset + records[-1].length
    with killed.warc.open("rb") as handle:
        whole = handle.read(end)
    read_by_warcio = [r.rec_type for r in ArchiveIterator(io.BytesIO(whole), check_digests=True)]
    assert read_by_warcio == kinds
    if end < killed.warc.stat().st_size:  # the kill landed inside a write
        assert [(p.path, p.offset) for p in problems] == [(killed.warc, end)]
    else:
        assert problems == []


def test_every_capture_a_killed_crawl_recorded_has_its_record(killed: KilledCrawl) -> None:
    assert killed.articles == len(killed.captures)
    for row in killed.captures:
        record = read_record(row["warc_file"], row["warc_offset"], row["warc_length"])
        assert record.type == "response"
        assert record.header("WARC-Target-URI") == row["url"]
        assert payload_digest(record.content) == row["payload_digest"]


def test_a_killed_crawls_file_cut_inside_a_record_reads_up_to_the_cut(
    killed: KilledCrawl, tmp_path: Path
) -> None:
    last = killed.captures[-1]
    cut = tmp_path / killed.warc.name
    cut.write_bytes(killed.warc.read_bytes()[: last["warc_offset"] + last["warc_length"] // 2])

    problems: list[Truncated] = []
    records = list(iter_records(cut, problems=problems))
    events = list(read_warc(cut))

    assert records[-1].offset + records[-1].length == last["warc_offset"]
    assert [(p.path, p.offset) for p in problems] == [(cut, last["warc_offset"])]
    assert isinstance(events[-1], Unreadable) and events[-1].offset == last["warc_offset"]
    assert all(isinstance(event, WarcResponse | NotAPage) for event in events[:-1])
    assert len(events) == len(records) + 1
