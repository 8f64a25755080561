"""Extraction health: what a crawl records of its yield and fill rates (crawler.health)."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.health import FIELD_PREFIX, FIELDS, filled_fields, health_columns
from crawler.items import ArticleItem


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
