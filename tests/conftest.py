"""Shared fixtures: a real PostgreSQL, migrated with Alembic, per test session.

The server is the one given by ``DATABASE_URL`` / ``AKHBAR_DATABASE_URL`` when
set, else an embedded one started in a temporary directory. Each session gets a
fresh database of its own, so tests never touch a user's archive.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import schema
from db.embedded import embedded_database_url, stop_embedded
from db.engine import make_engine
from tests.support.databases import DatabaseMaker


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory of the session's own: crawls in tests never replay a user's spool
    into a test database, nor start an embedded server in the user's directory."""
    path = tmp_path_factory.mktemp("akhbar-data")
    saved = os.environ.get("AKHBAR_DATA_DIR")
    os.environ["AKHBAR_DATA_DIR"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("AKHBAR_DATA_DIR", None)
    else:
        os.environ["AKHBAR_DATA_DIR"] = saved


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """libpq URL of a maintenance database on the test server.

    An embedded server started here is stopped when the session ends. Its folder
    is not under pytest's own: every pytest session resets that root to mode 0700,
    and as root the server runs as another user, who must reach its data.
    """
    url = os.environ.get("AKHBAR_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="akhbar-test-pg-") as data_dir:
        try:
            yield embedded_database_url(Path(data_dir), database="postgres")
        finally:
            stop_embedded(Path(data_dir))


@pytest.fixture(scope="session")
def databases(server_url: str) -> Iterator[DatabaseMaker]:
    maker = DatabaseMaker(server_url)
    yield maker
    maker.drop_all()


@pytest.fixture(scope="session")
def database_url(databases: DatabaseMaker) -> str:
    """A database migrated to head with Alembic, shared by the session's tests."""
    url = databases.create()
    schema.upgrade(url)
    return url


@pytest.fixture
def empty_database_url(databases: DatabaseMaker) -> str:
    """A new database with no schema at all."""
    return databases.create("akhbar_empty")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work, commits included, is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()
