"""The publication date of a page, from every place a page states it.

Pure: a parsed page, its URL and what is known of the outlet's zone in, a
:class:`PageDates` out. Evidence, most trusted first:

1. the JSON-LD object describing the article (``datePublished``, ``dateCreated``;
   never a breadcrumb's, an organisation's or a related item's);
2. ``<meta>`` publication dates of every common vocabulary (Open Graph, Dublin
   Core, Highwire ``citation_*``, Parse.ly, Sailthru, ...), then names sites coin
   (``published-date``);
3. microdata ``itemprop=datePublished`` outside comments and related items;
4. ``<time pubdate>``, ``<abbr class=published>`` and the ``<time datetime>``
   of the date line next to the headline;
5. the JSON-LD ``WebPage``'s ``datePublished``;
6. the date line printed near the headline, in any language
   :mod:`crawler.extraction.datetext` reads (a byline first when the machine
   date is only the last save's stamp);
7. the day in the URL (a day, never a time; ``/2023/october/03/`` too);
8. publication keys in the page's script data (``"publishedAt":...``), when the
   markup states nothing;
9. a date line elsewhere in the article (bylines, ``Published on ...``).

Never a guess: no copyright year, no "today", no dates of comments or related
articles, no modification date for a publication date; impossible dates
(before 1990, more than a day ahead) are dropped.

Times printed without a zone are read in the outlet's zone when it is known,
else in the zone the page's machine-readable dates are written in, else in UTC
(``zone_assumed``: the caller may prefer a sitemap's instant then).

This module weighs the evidence; :mod:`~crawler.extraction.datescan` walks the page
once, :mod:`~crawler.extraction.datestructured` reads its JSON-LD, microdata and
scripts, :mod:`~crawler.extraction.datelines` its printed date lines,
:mod:`~crawler.extraction.dateurl` its URL, and :mod:`~crawler.extraction.datevalue`
turns each stated value into a :class:`~crawler.extraction.datevalue.When`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from crawler.extraction.datelines import elsewhere, headline_of, line_dates, near_top
from crawler.extraction.datescan import PageScan, reading_locale, scan_page
from crawler.extraction.datestructured import ld_dates, microdata_date, script_dates
from crawler.extraction.datetext import as_tzinfo
from crawler.extraction.dateurl import url_day
from crawler.extraction.datevalue import When, machine_date, plausible, utc_offset

__all__ = ["PageDates", "find_dates"]

#: A printed time this close to a machine instant states the same moment (printed to the
#: minute, the machine value to the second).
SAME_MOMENT = timedelta(minutes=1)


@dataclass(frozen=True)
class PageDates:
    """When a page says it was published (and last modified)."""

    published_at: datetime | None = None
    """Publication instant, aware UTC; only when the page gives a time of day."""

    published_date: date | None = None
    """Publication day in the page's (outlet's) zone; set whenever a date is known."""

    modified_at: datetime | None = None
    """Last modification instant, aware UTC, when the page gives one unlike publication."""

    zone_assumed: bool = False
    """The publication time was printed without a zone and read in an assumed one."""


@dataclass
class _Evidence:
    """Publication candidates in order of trust, and modification candidates."""

    machine: list[When]
    printed_near: list[When]
    url_day: date | None
    printed_far: list[When]
    modified: list[When]
    byline: When | None
    """The first date printed as a date line under the headline (its markup says so, or
    it sits in the headline's byline block), not a date the text mentions."""

    page: PageScan
    ld_raw: list[Any]
    """The JSON-LD's article and modification values as written (their zones count)."""


def _collect(tree: Any, url: str, headline: Any | None) -> _Evidence:
    h1 = headline_of(tree, headline)
    # The walk places the headline: the date lines near it are told by their positions.
    page = scan_page(tree, place=(h1, near_top(h1)) if h1 is not None else ())
    day_in_url = url_day(url)
    page.lang = lang = reading_locale(page, url, day_in_url)
    ld_article, ld_page, ld_modified = ld_dates(page.ld_texts)
    machine = [machine_date(v, lang) for v in ld_article]
    machine += [machine_date(v, lang) for _, v in page.metas]
    modified = [machine_date(v, lang) for v in ld_modified + page.modified_metas]
    stop = frozenset(h1.iterancestors()) if h1 is not None else frozenset()
    # datePublished before dateCreated, wherever each stands: a record's creation may be a
    # draft's, or the CMS's copy of the page made a day after its publication.
    for prop, el in sorted(page.itemprops, key=lambda pair: pair[0] != "datePublished"):
        if elsewhere(el, stop):
            continue
        value = microdata_date(el, lang)
        (modified if prop == "dateModified" else machine).append(value)
    lines = line_dates(page, h1, urlsplit(url).path)
    return _Evidence(
        machine=[
            *(m for m in machine if m),
            *lines.machine,
            *(m for m in (machine_date(v, lang) for v in ld_page) if m),
        ],
        printed_near=lines.printed_near,
        url_day=day_in_url,
        printed_far=lines.printed_far,
        modified=[*(m for m in modified if m), *lines.modified],
        byline=lines.byline,
        page=page,
        ld_raw=ld_article + ld_modified,
    )


def find_dates(
    tree: lxml.html.HtmlElement,
    url: str,
    *,
    headline: lxml.html.HtmlElement | None = None,
    timezone: str | None = None,
) -> PageDates:
    """The publication (and modification) dates *tree* states; see the module's notes.

    *headline* is the article's ``h1`` (the first non-empty ``h1`` when not
    given); *timezone* the outlet's IANA zone when it is known.
    """
    ev = _collect(tree, url, headline)
    now = datetime.now(UTC)
    zone_known = timezone is not None
    zone = as_tzinfo(timezone) if timezone else _machine_zone(ev)
    if zone is not None:
        zone_known = True
    read_zone = zone or UTC

    def instant(w: When) -> datetime | None:
        if w.at is not None:
            return w.at
        if w.naive is not None:
            return w.naive.replace(tzinfo=read_zone).astimezone(UTC)
        return None

    def day_of(w: When) -> date:
        if w.at is not None and timezone:
            return w.at.astimezone(read_zone).date()
        return w.day

    # A byline outranks a machine date that is only the last save's stamp.
    first = [ev.byline] if ev.byline and _stamped_on_save(ev) else []
    stated = [*first, *ev.machine, *ev.printed_near, *_url_when(ev.url_day)]
    # The page's script data is read only when its markup states nothing (it is slow to scan).
    scripted = [] if stated else script_dates(ev.page.scripts, url, ev.page.lang)
    candidates = [w for w in (*stated, *scripted, *ev.printed_far) if plausible(w.day, now)]
    if not candidates:
        # A page that states only when it was last updated is dated by that update (the
        # day of the version it shows); no publication instant is made of it.
        updated = next((w for w in ev.modified if plausible(w.day, now)), None)
        return PageDates(
            published_date=day_of(updated) if updated else None,
            modified_at=_modified(ev.modified, None, instant, now),
        )
    first = candidates[0]
    day = day_of(first)
    # A value without a zone is compared as UTC: when it is the printed moment's UTC clock,
    # it was written in UTC (a wall clock of the page's zone has the printed day anyway).
    written = first.at or (first.naive.replace(tzinfo=UTC) if first.naive else None)
    if written is not None and not timezone:
        day = _local_day(written, day, ev)
    published_at = None
    assumed = False
    for w in candidates:
        at = instant(w)
        if at is not None and day_of(w) == day:
            published_at = at
            assumed = w.at is None and not zone_known
            break
    return PageDates(
        published_at=published_at,
        published_date=day,
        modified_at=_modified(ev.modified, published_at, instant, now),
        zone_assumed=assumed,
    )


def _stamped_on_save(ev: _Evidence) -> bool:
    """True when the machine publication date is only the last save's stamp.

    Some CMSs (Webflow's templates among them) write the last save as both
    ``datePublished`` and ``dateModified``: a publication no earlier than the
    modification, later than the date printed under the headline, is that stamp.
    """
    if not ev.machine or ev.byline is None or not ev.modified:
        return False
    published = ev.machine[0]
    if published.day < max(w.day for w in ev.modified) or ev.byline.day >= published.day:
        return False
    if ev.byline.day < published.day - timedelta(days=1):
        return True
    # A byline one day earlier may be the same moment in the page's zone (00:57 UTC on the
    # 23rd is the evening of the 22nd in New York): then only a publication instant no
    # earlier than the last save's says it is the stamp.
    saved = [w.at for w in ev.modified if w.at]
    return published.at is not None and bool(saved) and published.at >= max(saved)


def _local_day(at: datetime, day: date, ev: _Evidence) -> date:
    """The page's own day for an instant written in another zone (often UTC).

    ``2025-12-19T02:41Z`` on a page whose URL says ``/2025/12/18/``, or that prints
    "Dec 18, 2025 at 9:41 pm ET" (the same moment, its zone printed), was published
    on the 18th where it was published. A day printed without its time does not move
    it: readers and annotators take the day the metadata writes
    (``2025-12-02T23:00:55+00:00`` is the 2nd on a page printing "03 Dec 2025").
    """
    local = ev.url_day
    if local is None:
        local = next(
            (w.day for w in ev.printed_near if w.at is not None and abs(w.at - at) < SAME_MOMENT),
            None,
        )
    if local is not None and abs(local - day) == timedelta(days=1):
        return local
    return day


def _url_when(day: date | None) -> tuple[When, ...]:
    return (When(day=day),) if day else ()


def _machine_zone(ev: _Evidence) -> tzinfo | None:
    """The UTC offset the page writes its machine-readable dates in, if any says one."""
    page = ev.page
    values: list[Any] = [v for _, v in page.metas] + page.modified_metas
    values += [el.get("datetime") for _, el, _ in page.lines if el.tag == "time"]
    for value in ev.ld_raw + values:
        zone = utc_offset(value)
        if zone is not None:
            return zone
    return None


def _modified(
    candidates: list[When], published_at: datetime | None, instant: Any, now: datetime
) -> datetime | None:
    for w in candidates:
        at = instant(w)
        if at is not None and plausible(w.day, now) and at != published_at:
            return at
    return None
