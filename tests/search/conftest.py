"""A database of its own for the search tests, filled through ``store_articles``.

It holds the two seed texts (one writes سورية/الأميركي, the other سوريا/الأمريكي)
and every article of the two fixture outlets, from their truth files.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db import schema
from db.engine import make_engine
from tests.support.articles import fill_search_archive
from tests.support.databases import DatabaseMaker


@pytest.fixture(scope="session")
def search_url(databases: DatabaseMaker) -> str:
    url = databases.create("akhbar_search")
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def search_engine(search_url: str) -> Iterator[Engine]:
    """An engine on the search database, loaded with the seeds and the fixture articles."""
    engine = make_engine(search_url)
    fill_search_archive(engine)
    yield engine
    engine.dispose()
