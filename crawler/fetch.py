"""One page fetched outside a crawl, for the spider authors' commands.

``akhbar new-outlet``, ``fixture save`` and ``parse`` read a few pages each: no
Scrapy engine is started for them. Like a crawl, they fetch a production URL
from the origin the host map names for its host (:func:`crawler.hostmap.map_url`),
and keep the production URL.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from crawler.hostmap import map_url
from crawler.settings import USER_AGENT

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0
MAX_BYTES = 16 * 1024 * 1024


class FetchError(Exception):
    """The page could not be fetched (network error, HTTP error)."""


@dataclass(frozen=True)
class Fetched:
    url: str
    """The production URL asked for (the host map does not show here)."""
    status: int
    body: bytes
    content_type: str


def fetch(url: str, host_map: dict[str, str]) -> Fetched:
    """GET ``url`` (through the host map); raise :class:`FetchError` unless it answers 2xx."""
    target = map_url(url, host_map)
    request = urllib.request.Request(target, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_BYTES)
            return Fetched(url, response.status, body, response.headers.get_content_type())
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: {reason} (fetched from {target})") from None


def fetch_or_none(url: str, host_map: dict[str, str]) -> Fetched | None:
    """:func:`fetch`, or None when the page is not there: for files a site may not have."""
    try:
        return fetch(url, host_map)
    except FetchError as exc:
        logger.debug("%s", exc)
        return None
