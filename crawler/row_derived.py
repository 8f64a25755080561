"""The columns of an ``articles`` row derived from its text: content hash and word count.

Apart from :mod:`crawler.rows` so that the writer process (:mod:`crawler.writer_worker`),
which completes rows with them, does not import Scrapy and itemadapter (a quarter of a
second of its start-up, spent while the crawl is running).
"""

from __future__ import annotations

from typing import Any

from crawler.text import content_hash, word_count


def with_derived(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its content hash and word count (computed once; returned for chaining)."""
    if "content_hash" not in row:
        row["content_hash"] = content_hash(row["title"], row["body"])
        row["word_count"] = word_count(row["body"])
    return row
