"""Each way a request fails has a stable reason of its own in ``crawl_runs``."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.failures import failure_reason


def failure(exc: BaseException) -> Failure:
    try:
        raise exc
    except BaseException:
        return Failure()


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            HttpError(Response("https://x.test/", status=410, request=Request("https://x.test/"))),
            "http_410",
        ),
        (DownloadTimeoutError("took longer than 3 seconds"), "timeout"),
        (ResponseDataLossError(), "connection_lost"),
        (DownloadFailedError(), "connection_lost"),
        (DownloadCancelledError(), "too_large"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (16 B) during decompression."), "too_large"),
        (IgnoreRequest("something else"), "IgnoreRequest"),
        (ValueError("surprise"), "ValueError"),
    ],
)
def test_failure_reason(exc: BaseException, reason: str) -> None:
    assert failure_reason(failure(exc)) == reason
