"""With no database configured, Akhbar runs its own PostgreSQL and reuses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.db


def akhbar(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        # sbin too: as root, pgserver creates its own system user with useradd.
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(data_dir),
        "AKHBAR_DATA_DIR": str(data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "akhbar", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path: Path):
    yield tmp_path
    # The embedded server outlives each command on purpose; stop it after the test.
    pgdata = tmp_path / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        import pgserver

        pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()


def test_upgrade_creates_the_schema_in_the_embedded_server(data_dir: Path) -> None:
    upgraded = akhbar("db", "upgrade", data_dir=data_dir)
    assert upgraded.returncode == 0, upgraded.stderr
    url = akhbar("db", "url", data_dir=data_dir).stdout.strip()
    assert url.startswith("postgresql://")
    with psycopg.connect(url) as conn:
        tables = {
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        comment = conn.execute("SELECT obj_description('articles'::regclass)").fetchone()[0]
    assert {"outlets", "articles", "article_revisions", "crawl_runs"} <= tables
    assert comment


def test_later_commands_reuse_the_running_server(data_dir: Path) -> None:
    first = akhbar("db", "url", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    pid = (data_dir / "pgdata" / "postmaster.pid").read_text().split()[0]
    second = akhbar("db", "url", data_dir=data_dir)
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout
    assert (data_dir / "pgdata" / "postmaster.pid").read_text().split()[0] == pid
