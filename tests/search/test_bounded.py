"""The default search ranks the newest matches only; ``exhaustive`` ranks them all.

Forty articles share an invented word, one a day; the oldest repeats it in its
title and body, so it is the best match by ts_rank. With the candidate set cut
to ten, the default search must return exactly the ten newest matches (found
through recency windows, on statistics or without them), the exhaustive search
must put the oldest first, and both must agree when every match fits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

import db.search.recency
from akhbar.web import create_app
from db import schema
from db.articles import store_articles, upsert_outlet
from db.engine import make_engine
from db.search import search, weeks_tsquery
from tests.support.articles import article_row, fill_search_archive
from tests.support.databases import DatabaseMaker

pytestmark = pytest.mark.db

WORD = "زلزلونيا"
COUNT = 40
NEWEST = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
BEST_URL = "https://bounded.test/0"  # the oldest, and the best ranked


def _recency_statistics(engine: Engine) -> int:
    """How many statistics rows ANALYZE has kept for the recency index (what the planner reads)."""
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM pg_stats WHERE tablename = 'ix_articles_recency'")
        ).scalar_one()


@pytest.fixture(scope="module", params=["no statistics", "analyzed"])
def bounded(request: pytest.FixtureRequest, databases: DatabaseMaker) -> Iterator[Engine]:
    """The search tests' archive and the forty articles, in a database of their own, never
    analyzed or analyzed once (windows sized from the recency histogram)."""
    url = databases.create("akhbar_bounded")
    schema.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        # Only the ANALYZE below may give this archive statistics.
        connection.execute(text("ALTER TABLE articles SET (autovacuum_enabled = false)"))
    fill_search_archive(engine)
    with engine.begin() as connection:
        outlet = upsert_outlet(
            connection,
            {
                "name": "bounded",
                "title": "bounded",
                "base_url": "https://bounded.test/",
                "language": "ar",
            },
        )
        rows = []
        for day in range(COUNT):
            published = NEWEST - dt.timedelta(days=COUNT - 1 - day)
            title = f"{WORD} {WORD} {WORD}" if day == 0 else f"خبر رقم {day}"
            body = f"{WORD} " * (20 if day == 0 else 1) + "في المدينة اليوم."
            rows.append(
                article_row(
                    outlet, f"https://bounded.test/{day}", title, body, published_at=published
                )
            )
        store_articles(connection, rows)
    if request.param == "analyzed":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE articles"))
        assert _recency_statistics(engine) > 0
    else:
        assert _recency_statistics(engine) == 0
    yield engine
    engine.dispose()


@pytest.fixture
def small_candidates(bounded: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(db.search.recency, "CANDIDATES", 10)
    return bounded


def _newest(count: int) -> list[str]:
    return [f"https://bounded.test/{day}" for day in range(COUNT - 1, COUNT - 1 - count, -1)]


def test_default_search_ranks_only_the_newest_matches(small_candidates: Engine) -> None:
    with small_candidates.begin() as connection:
        result = search(connection, WORD, limit=10)
        by_date = search(connection, WORD, limit=10, sort="date")
    assert result.ranked == 10
    assert {h.url for h in result.hits} == set(_newest(10))
    assert BEST_URL not in {h.url for h in result.hits}
    assert [h.url for h in by_date.hits] == _newest(10)
    assert result.total >= 10 and sum(result.outlet_counts.values()) == 10
    ranks = [h.rank for h in result.hits]
    assert ranks == sorted(ranks, reverse=True)


def test_exhaustive_search_ranks_every_match(small_candidates: Engine) -> None:
    with small_candidates.begin() as connection:
        result = search(connection, WORD, limit=10, exhaustive=True)
    assert result.ranked is None and result.total_exact and result.total == COUNT
    assert result.hits[0].url == BEST_URL
    assert result.outlet_counts == {"bounded": COUNT}


def test_both_agree_when_every_match_fits(bounded: Engine) -> None:
    with bounded.begin() as connection:
        default = search(connection, WORD, limit=50)
        exhaustive = search(connection, WORD, limit=50, exhaustive=True)
    assert default.ranked is None and default.total_exact and default.total == COUNT
    assert [h.url for h in default.hits] == [h.url for h in exhaustive.hits]
    assert default.hits[0].url == BEST_URL


def test_deep_pages_stay_consistent(small_candidates: Engine) -> None:
    with small_candidates.begin() as connection:
        first = search(connection, WORD, limit=5)
        second = search(connection, WORD, limit=5, offset=5)
        deep = search(connection, WORD, limit=5, offset=15)
    assert not {h.url for h in first.hits} & {h.url for h in second.hits}
    assert {h.url for h in first.hits + second.hits} == set(_newest(10))
    assert len(deep.hits) == 5  # past the candidates, more are ranked rather than none


def test_filters_apply_inside_the_window(small_candidates: Engine) -> None:
    since = NEWEST - dt.timedelta(days=4)
    with small_candidates.begin() as connection:
        recent = search(connection, WORD, since=since, limit=50)
        outlet = search(connection, WORD, outlet="bounded", limit=10)
    assert {h.url for h in recent.hits} == set(_newest(5)) and recent.total_exact
    assert {h.url for h in outlet.hits} == set(_newest(10)) and outlet.ranked == 10
    until = NEWEST - dt.timedelta(days=20)  # the windows count back from it
    with small_candidates.begin() as connection:
        older = search(connection, WORD, until=until, limit=10, sort="date")
    assert [h.url for h in older.hits] == _newest(31)[21:]  # until is exclusive


@pytest.mark.parametrize(
    ("published_at", "published_date"),
    [
        (dt.datetime(2026, 12, 2, 23, 59, tzinfo=dt.UTC), None),
        (dt.datetime(1969, 12, 31, 12, tzinfo=dt.UTC), None),
        (None, dt.date(2019, 2, 7)),
    ],
)
def test_week_lexemes_match_the_index_function(
    search_engine: Engine, published_at: dt.datetime | None, published_date: dt.date | None
) -> None:
    with search_engine.connect() as connection:
        vector = connection.execute(
            text("SELECT CAST(public.akhbar_recency_week_v1(:at, :day) AS text)"),
            {"at": published_at, "day": published_date},
        ).scalar_one()
    when = published_at or dt.datetime.combine(published_date, dt.time(), tzinfo=dt.UTC)
    assert vector == weeks_tsquery(when, when)


def test_api_exhaustive_flag(small_candidates: Engine) -> None:
    with TestClient(create_app(engine=small_candidates)) as client:
        default = client.get("/api/search", params={"q": WORD}).json()
        exhaustive = client.get("/api/search", params={"q": WORD, "exhaustive": "true"}).json()
    assert default["ranked"] == 10
    assert exhaustive["ranked"] is None and exhaustive["total"] == COUNT
    assert exhaustive["results"][0]["url"] == BEST_URL


def test_window_kinds() -> None:
    newest = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    kind = db.search.recency._window_kind
    assert kind(2, None, newest, 1e6, 10) is None  # the whole archive
    assert kind(0, newest - dt.timedelta(weeks=40), newest, 2500, 1e5) == "weeks"  # first
    assert kind(1, newest - dt.timedelta(weeks=4), newest, 9000, 1e5) == "weeks"
    # wide: a btree range for a word with many matches, the rows themselves for few
    assert kind(1, newest - dt.timedelta(weeks=100), newest, 150_000, 50_000) == "range"
    assert kind(1, newest - dt.timedelta(weeks=100), newest, 150_000, 4_000) == "filter"
