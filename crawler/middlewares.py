"""Downloader middlewares: robots.txt obeyed by every request, retries that honour
``Retry-After``, charset repair, and meta refresh read only where it may be."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

from crawler.charset import better_encoding, reads_as_utf8

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RobotsTxtEveryRequestMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, without letting the first burst of requests through.

    While a site's robots.txt downloads, Scrapy makes every request to the site
    wait on one shared Deferred. Turned into an asyncio future, a Deferred hands
    its result to the first waiter only and None to the others, and None means
    "no robots.txt": with a ``Disallow: /`` site, all but one of the requests
    made before robots.txt arrived were fetched anyway. Here each waiter waits
    on a Deferred of its own and then reads the parser Scrapy stored.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[None] = Deferred()

        def wake(result: object) -> object:
            mine.callback(None)
            return result  # the next waiter gets the result too

        pending.addBoth(wake)
        await maybe_deferred_to_future(mine)
        parser = self._parsers[netloc]
        assert not isinstance(parser, Deferred)
        return parser


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429/503's ``Retry-After`` asks first.

    Retrying at once a server that said "come back in 30 s" only earns another
    refusal (and, at many sites, a ban). A wait longer than
    ``AKHBAR_RETRY_AFTER_MAX`` seconds is not waited for within the crawl: the
    page fails now, counted by status, and the next crawl asks again.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("AKHBAR_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if (
            wait is None
            or request.meta.get("dont_retry", False)
            or response.status not in self.retry_http_codes
        ):
            return super().process_response(request, response)
        if wait > self.max_wait:
            logger.warning(
                "not retrying %s in this crawl: Retry-After %.0fs is over AKHBAR_RETRY_AFTER_MAX",
                request.url,
                wait,
            )
            self.crawler.stats.inc_value("akhbar/retry_after_too_long")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        logger.info("waiting %.1fs (Retry-After) before retrying %s", wait, request.url)
        self.crawler.stats.inc_value("akhbar/retry_after_waits")
        await sleep(wait)
        return retry


class CharsetMiddleware:
    """Re-read an HTML page in the charset its bytes are really in (:mod:`crawler.charset`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body or reads_as_utf8(response):
            return response
        encoding = better_encoding(response.body, response.encoding)
        if encoding is None:
            return response
        logger.info(
            "%s declares %s, which its bytes show wrong: read as %s",
            response.url,
            response.encoding,
            encoding,
        )
        self.stats.inc_value("akhbar/charset_corrected")
        return response.replace(encoding=encoding)


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's, without its scan of pages that cannot hold a ``<meta http-equiv="refresh">``.

    Scrapy looks for one in the first 4,096 characters of every HTML page, with character
    references decoded and comments removed, by regular expressions (with the page's
    decoding, 132 us a page in a crawl; 25 with this check). Its pattern needs the word
    "refresh", in any case. Where those characters do not spell it in ASCII letters, hold
    no character reference (``&#114;`` is an r) and no long s (``ſ``, which matches an s
    in any case), the scan is skipped. One page differs: a "refresh" whose letters a
    comment or a ``<noscript>`` block splits (``ref<!---->resh``), which Scrapy joins and
    no browser reads as one.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if isinstance(response, HtmlResponse) and not _may_refresh(response.text[:4096]):
            return response
        return super().process_response(request, response)


def _may_refresh(head: str) -> bool:
    letters = head.encode("ascii", "ignore").lower()
    return b"refresh" in letters or b"&#" in letters or "\u017f" in head
