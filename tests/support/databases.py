"""Throw-away databases on the test server (the ``databases`` fixture of tests/conftest.py)."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql


def _database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the same server as ``server``."""
    info = psycopg.conninfo.conninfo_to_dict(server)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


class DatabaseMaker:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.created: list[str] = []

    def create(self, prefix: str = "akhbar_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return to_uri(_database_url(self.server, name))

    def drop_all(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as conn:
            for name in self.created:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def to_uri(conninfo: str) -> str:
    """A ``postgresql://`` URI for a libpq conninfo string (what SQLAlchemy takes)."""
    if "://" in conninfo:
        return conninfo
    info = psycopg.conninfo.conninfo_to_dict(conninfo)
    user = info.pop("user", "")
    password = info.pop("password", "")
    dbname = info.pop("dbname", "")
    host = info.pop("host", "")
    port = info.pop("port", "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    netloc = "" if host.startswith("/") else f"{host}{':' + port if port else ''}"
    query = "&".join(f"{k}={v}" for k, v in info.items())
    if host.startswith("/"):
        query = "&".join(filter(None, [f"host={host}", f"port={port}" if port else "", query]))
    return f"postgresql://{auth}{netloc}/{dbname}" + (f"?{query}" if query else "")
