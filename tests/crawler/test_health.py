"""Extraction health: what a crawl records of its yield and fill rates (crawler.health)."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.health import (
    FIELD_PREFIX,
    FIELDS,
    History,
    degraded_reasons,
    filled_fields,
    health_columns,
)
from crawler.items import ArticleItem
from db.config import HealthSettings


def item(**values: object) -> ArticleItem:
    return ArticleItem(url="https://x.test/a", outlet="x", title="T", body="B", **values)


def test_a_bare_item_has_only_title_and_body() -> None:
    assert filled_fields(item()) == ["title", "body"]


def test_a_full_item_has_every_field() -> None:
    full = item(
        authors=["A"],
        section="S",
        tags=["t"],
        published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        image_url="https://x.test/i.jpg",
    )
    assert filled_fields(full) == list(FIELDS)


def test_a_day_alone_is_a_publication_date() -> None:
    assert "published" in filled_fields(item(published_date=dt.date(2024, 1, 1)))


def test_health_columns_from_stats() -> None:
    stats = {
        "akhbar/article_pages": 10,
        "akhbar/articles_extracted": 8,
        "akhbar/article_urls_requested": 10,
        "akhbar/articles_skipped_known": 5,
        FIELD_PREFIX + "title": 8,
        FIELD_PREFIX + "authors": 2,
    }
    columns = health_columns(stats)
    assert columns["article_pages"] == 10
    assert columns["articles_extracted"] == 8
    assert columns["article_urls_found"] == 15
    assert columns["fill_title"] == 1.0
    assert columns["fill_authors"] == 0.25
    assert columns["fill_tags"] == 0.0


def test_no_article_stored_measures_no_fill_rate() -> None:
    columns = health_columns({"akhbar/article_pages": 3})
    assert all(columns[f"fill_{field}"] is None for field in FIELDS)


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_has_its_column(field: str) -> None:
    from db.models import CrawlRun

    assert f"fill_{field}" in CrawlRun.__table__.columns


SETTINGS = HealthSettings(min_history=2, min_articles=5, min_urls_found=10)


def run(pages: int = 20, extracted: int = 20, found: int = 30, **fills: float | None) -> dict:
    rates = {f"fill_{field}": 1.0 for field in FIELDS} | {f"fill_{k}": v for k, v in fills.items()}
    return {
        "article_pages": pages,
        "articles_extracted": extracted,
        "article_urls_found": found,
        **rates,
    }


def usual(*runs: dict) -> History:
    return History(recent=runs, measured=runs)


def test_a_run_like_the_usual_is_not_degraded() -> None:
    assert degraded_reasons(run(), usual(run(), run()), SETTINGS) == []


def test_a_field_far_below_its_usual_rate_is_named_with_both_rates() -> None:
    history = usual(run(authors=0.8), run(authors=0.9), run(authors=0.85))
    reasons = degraded_reasons(run(authors=0.1), history, SETTINGS)
    assert reasons == ["authors filled in 10% of articles, usually 85%"]


def test_a_field_the_outlet_seldom_fills_is_not_watched() -> None:
    history = usual(run(tags=0.2), run(tags=0.2))
    assert degraded_reasons(run(tags=0.0), history, SETTINGS) == []


def test_a_low_yield_is_degraded() -> None:
    reasons = degraded_reasons(run(extracted=4), usual(run(), run()), SETTINGS)
    assert reasons == ["4 articles from 20 article pages (20%), usually 100%"]


def test_discovery_finding_nothing_where_it_found_many_is_degraded() -> None:
    now = run(pages=0, extracted=0, found=0, **{f: None for f in FIELDS})
    reasons = degraded_reasons(now, usual(run(found=25), run(found=35)), SETTINGS)
    assert reasons == ["discovery found no article URL, usually 30"]


def test_discovery_of_an_outlet_that_finds_few_is_not_watched() -> None:
    now = run(pages=0, extracted=0, found=0, **{f: None for f in FIELDS})
    assert degraded_reasons(now, usual(run(found=3), run(found=2)), SETTINGS) == []


def test_nothing_is_compared_without_enough_history() -> None:
    assert degraded_reasons(run(extracted=1, tags=0.0), usual(run()), SETTINGS) == []


def test_a_crawl_of_a_few_article_pages_is_not_compared() -> None:
    few = run(pages=3, extracted=1, tags=0.0)
    assert degraded_reasons(few, usual(run(), run()), SETTINGS) == []


def test_the_usual_is_the_median_so_one_odd_crawl_does_not_move_it() -> None:
    history = usual(run(tags=1.0), run(tags=0.0), run(tags=1.0))
    assert degraded_reasons(run(tags=0.0), history, SETTINGS) == [
        "tags filled in 0% of articles, usually 100%"
    ]
