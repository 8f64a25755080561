"""An article item as the ``articles`` row the archive stores (``db.articles``)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from crawler.items import ArticleItem
from crawler.row_derived import with_derived


def article_fields(item: Any) -> dict[str, Any]:
    """The row of a normalized item, without its derived columns
    (:func:`crawler.row_derived.with_derived`)."""
    adapter = ItemAdapter(item)
    values = {field: adapter.get(field) for field in ArticleItem.__dataclass_fields__}
    values["authors"] = values["authors"] or []
    values["tags"] = values["tags"] or []
    return values


def article_row(item: Any) -> dict[str, Any]:
    """The ``articles`` row of a normalized item, with its derived columns."""
    return with_derived(article_fields(item))
