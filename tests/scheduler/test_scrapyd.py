"""The daemon sending crawls to two real scrapyd services (from PyPI) on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scheduler.scrapyd_nodes import ScrapydNode
from tests.support import REPO, wait_for
from tests.support.daemon import OUTLETS, assert_no_overlaps, query, runs

pytestmark = [pytest.mark.db, pytest.mark.crawl]

PROJECT = "akhbar"
ARTICLES_PER_OUTLET = 29


@pytest.fixture
def nodes(tmp_path: Path, migrated_url: str) -> Iterator[list[ScrapydNode]]:
    """Two scrapyd services whose crawls write to the test's database; killed at the end."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("AKHBAR_CONFIG", None)
    env["AKHBAR_DATABASE_URL"] = migrated_url  # how a node's crawls find the database
    started = []
    try:
        for name in ("node1", "node2"):
            node_env = {**env, "AKHBAR_DATA_DIR": str(tmp_path / name / "data")}
            started.append(ScrapydNode(tmp_path / name, node_env))
        for node in started:
            node.wait_ready()
        yield started
    finally:
        for node in started:
            node.kill()


def scrapyd_tables(nodes: list[ScrapydNode]) -> str:
    listed = ", ".join(f'"{node.url}"' for node in nodes)
    return f"[scrapyd]\nnodes = [{listed}]\npoll = 0.3\nnode_timeout = 2\n"


def deploy(config: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "AKHBAR_CONFIG")}
    done = subprocess.run(
        [sys.executable, "-m", "akhbar", "--config", str(config), "deploy", "--version", "1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def finished_on(url: str, node: str) -> list[dict]:
    return [r for r in runs(url) if r["node"] == node and r["finished_at"] is not None]


def test_crawls_go_to_both_nodes_and_avoid_a_dead_one(
    tmp_path, migrated_url, sites, nodes, start_daemon
) -> None:
    first, second = nodes
    config = tmp_path / "deploy.toml"
    config.write_text(scrapyd_tables(nodes), encoding="utf-8")
    output = deploy(config)
    assert f"{first.url}: {PROJECT} 1" in output and f"{second.url}: {PROJECT} 1" in output

    daemon = start_daemon(
        migrated_url,
        sites,
        dict.fromkeys(OUTLETS, "3s"),
        scheduler={"runner": "scrapyd", "kill_grace": 2},
        tables=scrapyd_tables(nodes),
    )
    # Both outlets fall due together: the least busy node takes each, so both nodes crawl.
    for node in nodes:
        wait_for(lambda n=node: finished_on(migrated_url, n.url), 60, f"a crawl on {node.url}")
    for outlet in OUTLETS:
        wait_for(
            lambda o=outlet: [
                r for r in runs(migrated_url) if r["outlet"] == o and r["status"] == "succeeded"
            ],
            60,
            f"a successful crawl of {outlet}",
        )

    # The first node dies (scrapyd and its crawls) while it crawls.
    wait_for(
        lambda: [
            r for r in runs(migrated_url) if r["node"] == first.url and r["status"] == "running"
        ],
        60,
        "a crawl running on the first node",
    )
    first.kill()
    died = max(r["id"] for r in runs(migrated_url))
    for outlet in OUTLETS:
        wait_for(
            lambda o=outlet: [
                r
                for r in runs(migrated_url)
                if r["id"] > died and r["outlet"] == o and r["status"] == "succeeded"
            ],
            60,
            f"a crawl of {outlet} after the node died",
        )
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(30) == 0, daemon.log()

    after = [r for r in runs(migrated_url) if r["id"] > died]
    assert {r["node"] for r in after} == {second.url}
    cut = [r for r in runs(migrated_url) if r["id"] <= died and r["node"] == first.url]
    assert "interrupted" in {r["status"] for r in cut}, cut
    assert all(r["trigger"] == "scheduled" for r in runs(migrated_url))
    assert {r["status"] for r in runs(migrated_url)} <= {"succeeded", "interrupted"}
    counts = query(
        migrated_url,
        "SELECT o.name, count(*) AS n FROM articles a JOIN outlets o ON o.id = a.outlet_id"
        " GROUP BY o.name ORDER BY o.name",
    )
    assert {row["name"]: row["n"] for row in counts} == dict.fromkeys(
        sorted(OUTLETS), ARTICLES_PER_OUTLET
    )
    assert_no_overlaps(migrated_url)
    log = daemon.log()
    assert "Traceback" not in log, log
    assert f"scrapyd node skipped: {first.url}" in log
    assert "given up: the node stopped answering" in log
