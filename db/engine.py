"""Engines and sessions on the configured PostgreSQL, with the embedded default."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from db.config import Config
from db.embedded import embedded_database_url
from db.errors import brief

logger = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message names the server, never the password."""


def ensure_database_url(config: Config) -> str:
    """The URL in effect, as psql takes it: the configured one, else the embedded server's,
    which this starts (in ``config.data_dir``) if it is not running yet."""
    if config.database_url:
        return config.database_url
    return embedded_database_url(config.data_dir)


def sqlalchemy_url(url: str) -> str:
    """Turn a libpq URL (``postgresql://``, ``postgres://``) into SQLAlchemy's psycopg 3 form."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise DatabaseUnavailable(f"not a database URL: {describe_server(url)}")
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        return f"postgresql+psycopg://{rest}"
    raise DatabaseUnavailable(f"only PostgreSQL URLs are supported, got {scheme}://")


def describe_server(url: str) -> str:
    """``host:port/database`` (or the socket directory) of a URL, without credentials."""
    try:
        parsed = make_url(sqlalchemy_url(url)) if "://" in url else None
    except Exception:
        parsed = None
    if parsed is None:
        return urlsplit(url).netloc.rpartition("@")[2] or "?"
    host = parsed.host or parsed.query.get("host") or "local socket"
    if isinstance(host, tuple):
        host = ",".join(host)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine on ``url`` (libpq or SQLAlchemy form) with UTC sessions."""
    return create_engine(
        sqlalchemy_url(url),
        pool_pre_ping=True,
        connect_args={"options": "-c timezone=UTC", "connect_timeout": 10},
        **kwargs,
    )


def check_connection(url: str) -> None:
    """Raise :class:`DatabaseUnavailable` with one clear line when ``url`` cannot be reached."""
    sqlalchemy_url(url)  # rejects URLs of other databases before trying to connect
    try:
        with psycopg.connect(plain_libpq_url(url), connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = brief(exc).removeprefix("connection failed: ")
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {describe_server(url)}: {reason}"
        ) from exc


def plain_libpq_url(url: str) -> str:
    """A URL psycopg and libpq take: SQLAlchemy's ``postgresql+driver://`` form undone."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgresql+") else url
