"""Why a request failed, as one short stable word: the ``akhbar/errors/<reason>`` keys.

Scrapy reports failures as exception classes, and one class can mean several
things (``IgnoreRequest`` is robots.txt, too many redirects or a gzip bomb).
People read the reasons in ``crawl_runs.error_summary``, so each fault gets a
name of its own that does not change with Scrapy's versions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from scrapy.utils.url import url_is_from_any_domain
from twisted.internet.error import ConnectionLost, ConnectionRefusedError, DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

logger = logging.getLogger(__name__)

ERROR_PREFIX = "akhbar/errors/"

ARTICLE_PAGE_REASONS = ("parse_error", "no_article_found", "empty_page")
"""Reasons that mean an article page was fetched and yielded no article."""
REJECTED_ARTICLE_PREFIXES = ("item_missing_", "item_naive_")
"""Reasons that mean an article was read but the pipelines refused it as incomplete."""

_BY_TYPE: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TwistedTimeoutError), "timeout"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection_refused"),
    ((CannotResolveHostError, DNSLookupError), "dns_error"),
    # Scrapy cancels a download for one reason of its own: the body outgrew
    # DOWNLOAD_MAXSIZE (announced, or counted while it arrived).
    ((DownloadCancelledError,), "too_large"),
    (
        (
            ResponseDataLossError,
            DownloadFailedError,
            ConnectionLost,
            ResponseFailed,
            ResponseNeverReceived,
        ),
        "connection_lost",
    ),
)

#: IgnoreRequest messages (Scrapy's wording) -> reason.
_BY_MESSAGE = (
    ("robots.txt", "robots_forbidden"),
    ("max redirections", "too_many_redirects"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
)


def failure_reason(failure: Failure) -> str:
    """The reason a request's errback was called with ``failure``."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    for types, reason in _BY_TYPE:
        if failure.check(*types):
            return reason
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        for fragment, reason in _BY_MESSAGE:
            if fragment in message:
                return reason
    return failure.type.__name__ if failure.type else "error"


def lost_articles(errors: Mapping[str, int]) -> int:
    """How many fetched article pages stored nothing, from errors counted by reason.

    A page the generic spider only guessed was an article is not counted: it is
    ``akhbar/pages_not_article``, not an error.
    """
    return sum(
        count
        for reason, count in errors.items()
        if reason in ARTICLE_PAGE_REASONS or reason.startswith(REJECTED_ARTICLE_PREFIXES)
    )


def count_error(stats: StatsCollector, reason: str, url: str) -> None:
    """Count one failure in the crawl's stats (they end up in ``crawl_runs``) and log it."""
    stats.inc_value(ERROR_PREFIX + reason)
    logger.warning("error %s on %s", reason, url)


class LostRequestCounter:
    """Counts the redirects Scrapy drops without calling the request's errback.

    A redirect to another site is filtered by the offsite middleware, and a
    redirect back to a URL of its own chain by the duplicate filter; both vanish
    silently, so the page they stood for would be missing from the archive with
    no trace. Here they become ``offsite_redirect`` and ``redirect_loop`` errors.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LostRequestCounter:
        counter = cls(crawler)
        crawler.signals.connect(counter.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(counter.request_dropped, signal=signals.request_dropped)
        return counter

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        chain = request.meta.get("redirect_urls")
        domains = getattr(spider, "allowed_domains", None)
        if not chain or not domains or request.dont_filter or request.meta.get("allow_offsite"):
            return  # not a redirect, or one the offsite middleware lets through
        if not url_is_from_any_domain(request.url, domains):
            logger.warning("%s redirects to another site: %s", chain[0], request.url)
            count_error(self.crawler.stats, "offsite_redirect", chain[0])

    def request_dropped(self, request: Request, spider: Spider) -> None:
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            logger.warning("redirect loop: %s", " -> ".join([*chain, request.url]))
            count_error(self.crawler.stats, "redirect_loop", chain[0])
