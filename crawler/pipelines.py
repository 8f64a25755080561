"""Item pipelines: validate -> normalize -> dedupe -> store.

Pipelines only normalize and store; outlet quirks live in the outlet's spider
module. Storage is batched and runs in a thread so the reactor never waits on
PostgreSQL.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.archive import Archive
from crawler.items import ArticleItem
from crawler.language import detect_language
from crawler.text import clean_text, content_hash, word_count
from crawler.urls import canonicalize_url

logger = logging.getLogger(__name__)


class ValidationPipeline:
    """Reject items that cannot be archived, counting each reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for field in ("url", "outlet", "title", "body"):
            value = adapter.get(field)
            if not isinstance(value, str) or not value.strip():
                self.stats.inc_value(f"akhbar/errors/item_missing_{field}")
                raise DropItem(f"no {field}: {adapter.get('url') or adapter.get('fetched_url')}")
        for field in ("published_at", "modified_at"):
            value = adapter.get(field)
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                self.stats.inc_value(f"akhbar/errors/item_naive_{field}")
                raise DropItem(f"{field} is not timezone-aware: {adapter['url']}")
        return item


class NormalizationPipeline:
    """Canonical URL, NFC text, UTC times, language, word count and content hash."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        adapter["url"] = canonicalize_url(adapter["url"])
        adapter["title"] = clean_text(adapter["title"])
        for field in ("subtitle", "section", "dateline"):
            if adapter.get(field):
                adapter[field] = clean_text(adapter[field]) or None
        adapter["body"] = "\n\n".join(
            paragraph
            for paragraph in (clean_text(p) for p in adapter["body"].split("\n\n"))
            if paragraph
        )
        for field in ("authors", "tags"):
            values = [clean_text(v) for v in adapter.get(field) or []]
            adapter[field] = list(dict.fromkeys(v for v in values if v))
        for field in ("published_at", "modified_at"):
            if adapter.get(field) is not None:
                adapter[field] = adapter[field].astimezone(UTC)
        if not adapter.get("language"):
            adapter["language"] = detect_language(adapter["body"])
        return item


class DedupePipeline:
    """Drop a second item for a canonical URL already seen in this crawl (print pages, short
    links and tracking variants that resolve to the same article)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item)["url"]
        if url in self.seen:
            self.stats.inc_value("akhbar/items_duplicate")
            raise DropItem(f"already archived in this crawl: {url}")
        self.seen.add(url)
        return item


class StoragePipeline:
    """Batched, idempotent upserts into PostgreSQL, off the reactor thread."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.batch: list[dict[str, Any]] = []
        self.archive: Archive | None = None
        self.outlet_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        if not crawler.settings.getbool("AKHBAR_STORE", True):
            raise NotConfigured("AKHBAR_STORE is off")
        return cls(crawler, crawler.settings.getint("AKHBAR_STORE_BATCH_SIZE", 100))

    async def open_spider(self) -> None:
        await maybe_deferred_to_future(deferToThread(self._open, self.crawler.spider))

    def _open(self, spider: Spider) -> None:
        self.archive = Archive.from_settings(self.crawler.settings)
        self.outlet_id = self.archive.register_outlet(spider.outlet_name, spider.outlet)

    async def process_item(self, item: Any) -> Any:
        self.batch.append(self.row(item))
        if len(self.batch) >= self.batch_size:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        try:
            await self._flush()
        finally:
            if self.archive is not None:
                self.archive.close()

    async def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            await maybe_deferred_to_future(deferToThread(self._store, batch))

    def _store(self, batch: list[dict[str, Any]]) -> None:
        assert self.archive is not None
        result = self.archive.store(batch)
        self.stats.inc_value("akhbar/articles_new", len(result.new))
        self.stats.inc_value("akhbar/articles_updated", len(result.updated))
        self.stats.inc_value("akhbar/articles_unchanged", len(result.unchanged))
        for url in result.updated:
            logger.info("article changed, previous version kept: %s", url)

    def row(self, item: Any) -> dict[str, Any]:
        adapter = ItemAdapter(item)
        values = {field: adapter.get(field) for field in ArticleItem.__dataclass_fields__}
        values["outlet_id"] = self.outlet_id
        values["content_hash"] = content_hash(values["title"], values["body"])
        values["word_count"] = word_count(values["body"])
        values["authors"] = values["authors"] or []
        values["tags"] = values["tags"] or []
        return values
