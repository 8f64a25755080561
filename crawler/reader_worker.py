"""A crawl's reader process: article pages read beside the crawl.

Started by :class:`crawler.readers.Readers` (:mod:`crawler.child_process`). Reading a
page (lxml's parse, the layout's fields or the generic extraction, the dates) is the
largest share of the crawl's own work per article; here it runs on another core while
the crawl's reactor thread downloads and schedules. :func:`crawler.outlet_page.
read_article` and :func:`crawler.extraction.read_page` are pure functions of the page,
so the page read here is the one the crawl would have read: the same class of response,
URL, bytes and encoding, or the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.http import TextResponse

from crawler.child_process import run_child
from crawler.extraction import Extraction, read_page
from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout, OutletArticle, read_article


class Reader:
    """Reads the pages the crawl sends."""

    def __init__(self, opening: None = None) -> None:
        del opening  # nothing to open: every call carries what it needs

    def read_article(
        self,
        response_class: type[TextResponse],
        url: str,
        body: bytes,
        encoding: str,
        layout: ArticleLayout,
        outlet_name: str,
        outlet: OutletInfo,
    ) -> OutletArticle | None:
        response = response_class(url=url, body=body, encoding=encoding)
        return read_article(response, layout, outlet_name, outlet)

    def read_page(self, html: str, url: str, timezone: str | None) -> Extraction | None:
        return read_page(html, url, timezone=timezone)

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {"read_article": self.read_article, "read_page": self.read_page}

    def close(self) -> None:
        pass


def main() -> None:
    run_child(Reader)


if __name__ == "__main__":
    main()
