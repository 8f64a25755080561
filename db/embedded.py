"""The embedded PostgreSQL used when no server is configured.

``pgserver`` ships PostgreSQL binaries in a wheel. The server runs from the
user's data directory, listens on a Unix socket only, and is left running when
the process exits so that the next command reuses it instead of paying start-up
again; :func:`stop_embedded` (``akhbar db stop``) stops it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path
from types import ModuleType

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "akhbar"


class EmbeddedServerError(Exception):
    """The embedded PostgreSQL could not be started."""


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the embedded server under ``data_dir`` and return a libpq URL.

    The database is created on first use.
    """
    pgserver = _pgserver()
    pgdata = data_dir / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        raise EmbeddedServerError(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}"
        ) from exc
    _ensure_database(server.get_uri(), database)
    return server.get_uri(database)


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server under ``data_dir``; False when it was not running.

    A fast shutdown: sessions still connected (a daemon, a crawl) are ended. The
    next command that needs the server starts it again.
    """
    pgdata = data_dir / "pgdata"
    pgserver = _pgserver()
    from pgserver.utils import PostmasterInfo

    postmaster = PostmasterInfo.read_from_pgdata(pgdata)
    if postmaster is None or not postmaster.is_running():
        return False
    try:
        pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=_server_user())
    except subprocess.CalledProcessError as exc:
        raise EmbeddedServerError(f"could not stop the embedded PostgreSQL in {pgdata}") from exc
    return True


def _server_user() -> str | None:
    """The system user pgserver runs PostgreSQL as: its own one under root, else ours."""
    return "pgserver" if os.name == "posix" and os.geteuid() == 0 else None


def _pgserver() -> ModuleType:
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime dir at import; without XDG_RUNTIME_DIR
        # (services, containers, root shells) the /tmp fallback is fine and the warning noise.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver  # imported here: it is only needed when no server is configured

    # Its INFO lines ("exiting ... remaining pids") would end every command's output.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver


def _ensure_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            logger.info("creating database %s in the embedded server", database)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
