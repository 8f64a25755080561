"""An article item as the ``articles`` row the archive stores (``db.articles``)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from crawler.items import ArticleItem
from crawler.text import content_hash, word_count


def article_fields(item: Any) -> dict[str, Any]:
    """The row of a normalized item, without its derived columns (:func:`with_derived`)."""
    adapter = ItemAdapter(item)
    values = {field: adapter.get(field) for field in ArticleItem.__dataclass_fields__}
    values["authors"] = values["authors"] or []
    values["tags"] = values["tags"] or []
    return values


def with_derived(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its content hash and word count (computed once; returned for chaining)."""
    if "content_hash" not in row:
        row["content_hash"] = content_hash(row["title"], row["body"])
        row["word_count"] = word_count(row["body"])
    return row


def article_row(item: Any) -> dict[str, Any]:
    """The ``articles`` row of a normalized item, with its derived columns."""
    return with_derived(article_fields(item))
