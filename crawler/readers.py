"""The crawl's reader processes (:mod:`crawler.reader_worker`): article pages read on the
machine's other cores.

Scrapy runs a crawl in one thread, and reading an article page costs that thread more than
downloading it (an outlet's layout), or many times more (the generic extraction).
:class:`Readers`, a Scrapy extension, starts ``AKHBAR_READERS`` child processes on first
use and sends each page to the one with the fewest pages waiting; the spider awaits the
article. ``AKHBAR_READERS = 0`` reads every page in the crawl process, as a machine with
two cores should: there the second core is busy with the writer process and the database,
and a reader only adds the cost of sending pages across.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.threads import deferToThread

from crawler.child_process import ChildProcess
from crawler.extraction import Extraction
from crawler.outlet import OutletInfo
from crawler.outlet_page import ArticleLayout, OutletArticle

logger = logging.getLogger(__name__)


class Readers:
    """Scrapy extension: the crawl's reader processes."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._children: list[ChildProcess] = []
        self._starting = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Readers:
        count = crawler.settings.getint("AKHBAR_READERS")
        if count < 1:
            raise NotConfigured("AKHBAR_READERS is 0: pages are read in the crawl process")
        readers = cls(count)
        crawler.signals.connect(readers.spider_closed, signal=signals.spider_closed)
        return readers

    async def read_article(
        self, response: TextResponse, layout: ArticleLayout, outlet_name: str, outlet: OutletInfo
    ) -> OutletArticle | None:
        """:func:`crawler.outlet_page.read_article` of ``response``, in a reader process."""
        future = self._least_busy().call(
            "read_article",
            type(response),
            response.url,
            response.body,
            response.encoding,
            layout,
            outlet_name,
            outlet,
        )
        return await maybe_deferred_to_future(_deferred(future))

    async def read_page(self, html: str, url: str, timezone: str | None) -> Extraction | None:
        """:func:`crawler.extraction.read_page` (the generic extraction), in a reader process."""
        future = self._least_busy().call("read_page", html, url, timezone)
        return await maybe_deferred_to_future(_deferred(future))

    def _least_busy(self) -> ChildProcess:
        return min(self._started(), key=lambda child: child.waiting)

    def _started(self) -> list[ChildProcess]:
        with self._starting:
            if not self._children:
                self._children = [
                    ChildProcess("crawler.reader_worker", None) for _ in range(self.count)
                ]
        return self._children

    async def spider_closed(self) -> None:
        children, self._children = self._children, []
        closing = [deferToThread(child.close) for child in children]
        for _, status in await maybe_deferred_to_future(DeferredList(closing)):
            if status:
                logger.error("a reader process ended with exit status %s", status)


def _deferred(future: Future[Any]) -> Deferred[Any]:
    """A Deferred fired in the reactor thread with ``future``'s outcome."""
    from twisted.internet import reactor  # the one Scrapy installed, not a default

    deferred: Deferred[Any] = Deferred()

    def fire(done: Future[Any]) -> None:
        error = done.exception()
        if error is None:
            deferred.callback(done.result())
        else:
            deferred.errback(error)

    future.add_done_callback(lambda done: reactor.callFromThread(fire, done))
    return deferred
