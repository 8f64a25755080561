"""Send requests for a production host to another origin, like ``curl --connect-to``.

A download handler is the one place where this is invisible to the rest of
Scrapy: the request keeps its production URL everywhere (dupefilter, robots.txt,
spiders, items), only the bytes come from the mapped origin. Redirects that point
at the mapped origin are mapped back so they stay on the production URL too.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from crawler.crawl_config import crawl_config

logger = logging.getLogger(__name__)


def map_url(url: str, host_map: dict[str, str]) -> str:
    """The URL to fetch for ``url``: the same path and query on the mapped origin."""
    parts = urlsplit(url)
    origin = host_map.get((parts.hostname or "").lower())
    if origin is None:
        return url
    target = urlsplit(origin)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))


def unmap_url(url: str, original: str, host_map: dict[str, str]) -> str:
    """Map a URL on a mapped origin back to the production host of ``original``."""
    parts = urlsplit(url)
    source = urlsplit(original)
    for host, origin in host_map.items():
        target = urlsplit(origin)
        if parts.scheme == target.scheme and parts.netloc == target.netloc:
            if host == (source.hostname or "").lower():
                return urlunsplit((source.scheme, source.netloc, parts.path, parts.query, ""))
            return urlunsplit(("https", host, parts.path, parts.query, ""))
    return url


class HostMapDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, fetching mapped hosts from their local origin."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.host_map = crawl_config(crawler.settings).host_map
        if self.host_map:
            logger.info("host map in effect: %s", self.host_map)

    async def download_request(self, request: Request) -> Response:
        target = map_url(request.url, self.host_map)
        if target == request.url:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=target))
        location = response.headers.get(b"Location")
        if not location:
            return response.replace(url=request.url, request=request)
        headers = response.headers.copy()
        absolute = location.decode("latin-1")
        headers[b"Location"] = unmap_url(absolute, request.url, self.host_map).encode("latin-1")
        return response.replace(url=request.url, request=request, headers=headers)
