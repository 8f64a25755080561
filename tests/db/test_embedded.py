"""With no database configured, Akhbar runs its own PostgreSQL and reuses it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from db.embedded import stop_embedded

pytestmark = pytest.mark.db


def akhbar(*args: str, data_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {
        # sbin too: as root, pgserver creates its own system user with useradd.
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(data_dir),
        "AKHBAR_DATA_DIR": str(data_dir),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "akhbar", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def running(pid: int) -> bool:
    """Whether the process runs (a zombie waits for a container's init to reap it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not under pytest's own temporary folder: every pytest session run meanwhile resets
    # its root to mode 0700, and as root the server runs as another user that must reach it.
    with tempfile.TemporaryDirectory(prefix="akhbar-embedded-") as path:
        yield Path(path)
        # The embedded server outlives each command on purpose; stop it after the test.
        stop_embedded(Path(path))


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


def test_db_stop_stops_the_embedded_server(data_dir: Path) -> None:
    started = akhbar("db", "url", data_dir=data_dir)
    assert started.returncode == 0, started.stderr
    pgdata = data_dir / "pgdata"
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])

    stopped = akhbar("db", "stop", data_dir=data_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout == f"embedded PostgreSQL in {pgdata} stopped\n"
    assert not (pgdata / "postmaster.pid").exists()
    assert not running(pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(started.stdout.strip(), connect_timeout=5)

    again = akhbar("db", "stop", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"embedded PostgreSQL in {pgdata} was not running\n"


def test_db_stop_leaves_a_configured_server_alone(data_dir: Path) -> None:
    url = "postgresql://akhbar@db.example.org:5432/news"
    done = akhbar("db", "stop", data_dir=data_dir, DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("not applicable: the configured database is db.example.org:5432/")
    assert not (data_dir / "pgdata").exists()
