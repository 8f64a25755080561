"""The crawl process collects garbage less often, from the spider's opening on."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.gc_tuning import CollectorTuning


@pytest.fixture(autouse=True)
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_young_collections_run_every_threshold_allocations_once_the_spider_opens() -> None:
    older = gc.get_threshold()[1:]
    tuning = CollectorTuning.from_crawler(get_crawler(settings_dict={"AKHBAR_GC_THRESHOLD": 1234}))
    tuning.spider_opened()
    assert gc.get_threshold() == (1234, *older)


def test_what_the_process_allocated_before_the_spider_opened_is_no_longer_scanned() -> None:
    before = object.__new__(type("Allocated", (), {}))
    tuning = CollectorTuning.from_crawler(get_crawler(settings_dict={"AKHBAR_GC_THRESHOLD": 10}))
    tuning.spider_opened()
    assert gc.get_freeze_count() > 0
    assert not any(o is before for o in gc.get_objects())


def test_a_threshold_of_zero_keeps_python_s_collector_as_it_is() -> None:
    with pytest.raises(NotConfigured):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"AKHBAR_GC_THRESHOLD": 0}))
