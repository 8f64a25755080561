"""What a page's URL says of its date: the day in its path, and the slug that names the page."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from crawler.extraction.datetext import month_number
from crawler.urls import date_in_url

#: A day written in a URL's slug: ``/blog/2025-12-17-release``, ``/2025_12_17/``.
_SLUG_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d\d)[-_](0[1-9]|1[0-2])[-_](0[1-9]|[12]\d|3[01])(?!\d)"
)
#: A day in folders with the month's name: ``/blog/2023/october/03/slug``.
_NAMED_MONTH_PATH = re.compile(r"/((?:19|20)\d\d)/([^\W\d_]{3,12})/(0?[1-9]|[12]\d|3[01])(?:/|$)")
#: Shortest slug worth looking for in a script (``/a/1`` is everywhere).
MIN_SLUG = 8


def url_day(url: str) -> date | None:
    """The day the URL's path states, in a folder (``/2020/02/18/``) or in its slug."""
    day = date_in_url(url)
    if day is not None:
        return day
    path = urlsplit(url).path
    match = _SLUG_DATE.search(path)
    ymd = tuple(map(int, match.groups())) if match else None
    named = _NAMED_MONTH_PATH.search(path)
    month = month_number(named[2]) if named else None
    if ymd is None and named and month:
        ymd = (int(named[1]), month, int(named[3]))
    if ymd is None:
        return None
    try:
        return date(*ymd)
    except ValueError:
        return None


def url_slug(url: str) -> str | None:
    """The last segment of the URL's path, when long enough to name the page alone."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return segment if len(segment) >= MIN_SLUG else None
