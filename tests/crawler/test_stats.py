"""The crawl's stats collector keeps Scrapy's stats without Scrapy's check of every access."""

from __future__ import annotations

import warnings
from typing import Any

from scrapy.settings import Settings
from scrapy.spiders import Spider
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as crawl_settings
from crawler.stats import StatsCollector


def _record(stats: Any) -> dict[str, Any]:
    stats.open_spider()
    stats.inc_value("downloader/request_count")
    stats.inc_value("downloader/request_count", 2)
    stats.inc_value("akhbar/errors/parse", start=10)
    stats.set_value("start_time", 1)
    stats.max_value("max", 3)
    stats.max_value("max", 2)
    stats.min_value("min", 3)
    stats.min_value("min", 5)
    return dict(stats.get_stats())


def test_crawls_use_akhbars_stats_collector() -> None:
    settings = Settings()
    settings.setmodule(crawl_settings)
    assert load_object(settings["STATS_CLASS"]) is StatsCollector


def test_records_what_scrapys_memory_collector_records() -> None:
    crawler = get_crawler(Spider)
    assert _record(StatsCollector(crawler)) == _record(MemoryStatsCollector(crawler))


def test_a_spider_argument_is_still_accepted() -> None:
    stats = StatsCollector(get_crawler(Spider))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("pages", spider=Spider("s"))
        assert stats.get_value("pages", spider=Spider("s")) == 1
