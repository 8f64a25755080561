"""A small archive of its own for the web face (what it holds: tests/support/web_archive.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db import schema
from db.engine import make_engine
from tests.support.databases import DatabaseMaker
from tests.support.web_archive import (
    COPY_URL,
    EDITED_URL,
    ENGLISH_URL,
    HOSTILE_URL,
    WebArchive,
    article_id,
    fill,
)


@pytest.fixture(scope="session")
def web_archive(databases: DatabaseMaker) -> Iterator[WebArchive]:
    url = databases.create("akhbar_web")
    schema.upgrade(url)
    engine = make_engine(url)
    fill(engine)
    yield WebArchive(
        engine,
        url,
        article_id(engine, EDITED_URL),
        article_id(engine, COPY_URL),
        article_id(engine, HOSTILE_URL),
        article_id(engine, ENGLISH_URL),
    )
    engine.dispose()
