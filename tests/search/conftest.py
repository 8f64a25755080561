"""A database of its own for the search tests, filled through ``store_articles``.

It holds the two seed texts (one writes سورية/الأميركي, the other سوريا/الأمريكي)
and every article of the two fixture outlets, from their truth files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from db import schema
from db.articles import store_articles, upsert_outlet
from db.engine import make_engine
from tests.support import FIXTURES
from tests.support.articles import ORIGINS, SEED_URLS, article_row, truth_articles


@pytest.fixture(scope="session")
def search_url(databases: Any) -> str:
    url = databases.create("akhbar_search")
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def search_engine(search_url: str) -> Iterator[Engine]:
    """An engine on the search database, loaded with the seeds and the fixture articles."""
    import datetime as dt

    engine = make_engine(search_url)
    with engine.begin() as connection:
        ids = {
            name: upsert_outlet(
                connection,
                {"name": name, "title": name, "base_url": origin + "/", "language": "ar"},
            )
            for name, origin in {**ORIGINS, "seeds": "https://seeds.test"}.items()
        }
        rows = []
        for name, url in SEED_URLS.items():
            lines = (FIXTURES / "seeds" / name).read_text().strip().splitlines()
            title = next(line for line in lines[1:] if line.strip())
            rows.append(article_row(ids["seeds"], url, title, "\n".join(lines)))
        for data in truth_articles():
            published = data.get("published")
            rows.append(
                article_row(
                    ids[data["outlet"]],
                    data["url"],
                    data["title"],
                    data["body"],
                    subtitle=data.get("subtitle"),
                    published_at=dt.datetime.fromisoformat(published) if published else None,
                    language=data.get("language") or "ar",
                )
            )
        store_articles(connection, rows)
    yield engine
    engine.dispose()
