"""Parse the dates that Arabic news sites print and the ones their metadata carries,
and choose an article's dates among them (:func:`resolve_published`, :func:`resolve_modified`).

Every function here is pure and never guesses: when a string does not say a
full calendar date, the answer is ``None`` (never "today", never January 1st).

Return conventions shared by the parsers:

* a timezone-aware :class:`~datetime.datetime` **in UTC** when the source gives
  a time of day;
* a plain :class:`~datetime.date` (the calendar date as printed, in the
  outlet's own time zone) when it gives a date only;
* ``None`` when nothing parseable, or something impossible (31 February,
  25:00), is found.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from crawler.urls import date_in_url

__all__ = [
    "UrlDay",
    "local_date",
    "parse_arabic_date",
    "parse_iso_datetime",
    "parse_rfc822_datetime",
    "resolve_modified",
    "resolve_published",
    "to_utc",
    "url_day",
]

# --------------------------------------------------------------------------
# Normalization of the printed text before matching.

# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits.
_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

# Month names are matched on a folded spelling, so أبريل/إبريل/ابريل and
# آذار/اذار are one entry each. Tashkeel and tatweel are dropped; the Arabic
# comma and slash-like separators become ASCII so the regexes stay simple.
_FOLD = (
    _DIGITS
    | dict.fromkeys(map(ord, "أإآٱ"), "ا")
    | {ord("ى"): "ي", ord("،"): ","}
    | dict.fromkeys(range(0x064B, 0x0660), None)  # harakat, tanween, shadda, sukun...
    | {0x0670: None, 0x0640: None}  # superscript alef, tatweel
    | dict.fromkeys([0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E], None)
    | {0x00A0: " ", 0x202F: " ", 0x2009: " "}
)

# Folded month spellings. Levantine (Syria, Lebanon, Iraq, Jordan, Palestine),
# Egyptian/Gulf MSA, Moroccan (from French), Algerian/Tunisian (from French).
_MONTHS: dict[str, int] = {
    # Levantine
    "كانون الثاني": 1,
    "كانون ثاني": 1,
    "كانون الثان": 1,
    "كانون ثان": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين اول": 10,
    "تشرين الثاني": 11,
    "تشرين ثاني": 11,
    "تشرين الثان": 11,
    "تشرين ثان": 11,
    "كانون الاول": 12,
    "كانون اول": 12,
    # Egyptian / MSA
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Moroccan
    "ماي": 5,
    "يوليوز": 7,
    "غشت": 8,
    "شتنبر": 9,
    "نونبر": 11,
    "دجنبر": 12,
    # Algerian / Tunisian
    "جانفي": 1,
    "فيفري": 2,
    "افريل": 4,
    "جوان": 6,
    "جويلية": 7,
    "جويليه": 7,
    "اوت": 8,
}

# Longest first so "مايو" wins over "ماي" and "كانون الثاني" over nothing shorter.
_MONTH_ALT = "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_MONTHS, key=len, reverse=True)
)
# Arabic letters are \w in Python's re, so these lookarounds are word boundaries.
_MONTH = rf"(?<!\w)(?:{_MONTH_ALT})(?!\w)"

# "07 شباط / فبراير", "03 إبريل / نيسان", "7 فبراير (شباط)", optional year after.
_NAMED_DATE_RE = re.compile(
    rf"""
    (?<![\d:])(?P<day>\d{{1,2}})(?![\d:])
    [\s,.\-/]*(?:من\s+)?
    (?P<m1>{_MONTH})
    (?:\s*(?:/|\||-|–|\()\s*(?P<m2>{_MONTH})\s*\)?)?
    (?:[\s,.\-/]*(?P<year>(?<!\d)\d{{4}}(?!\d)))?
    """,
    re.VERBOSE,
)
_NUMERIC_DATE_RE = re.compile(
    r"""
    (?<![\d:])(?:
        (?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})
      | (?P<d2>\d{1,2})(?P<s2>[-/.])(?P<m2>\d{1,2})(?P=s2)(?P<y2>\d{4})
    )(?![\d:])
    """,
    re.VERBOSE,
)
_YEAR_RE = re.compile(r"(?<![\d:])(?:1[89]|2[01])\d\d(?![\d:])")
_MAX_YEAR_DISTANCE = 30  # "2019 الأربعاء ,07": the year printed before the weekday
_TIME_RE = re.compile(
    r"""
    (?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d:])
    (?:\s*(?P<ampm>صباحا|صباح|مساء|ظهرا|ص|م|[AaPp]\.?[Mm]\.?)(?!\w))?
    """,
    re.VERBOSE,
)
# An explicit zone printed with the time overrides the outlet's zone.
_ZONE_RE = re.compile(
    r"""
    (?<![A-Za-z])(?:GMT|UTC|بتوقيت\s+[غج]ريني?تش)(?![A-Za-z])
    (?:\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?!\d))?
    """,
    re.VERBOSE,
)
_PM_MARKERS = frozenset({"م", "مساء", "ظهرا", "pm", "p.m.", "p.m", "pm."})
_AM_MARKERS = frozenset({"ص", "صباح", "صباحا", "am", "a.m.", "a.m", "am."})


#: Any character _FOLD changes. str.translate looks every character up in its table, which
#: for Arabic text costs more than finding none to change, as in most printed dates.
_FOLDED = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")


def _fold(text: str) -> str:
    return text.translate(_FOLD) if _FOLDED.search(text) else text


def _month_number(name: str) -> int:
    return _MONTHS[" ".join(name.split())]


@lru_cache(maxsize=64)
def _zone(tz: str) -> tzinfo:
    if tz.upper() in ("UTC", "GMT", "Z"):
        return UTC
    return ZoneInfo(tz)


def _as_tzinfo(tz: str | tzinfo) -> tzinfo:
    return _zone(tz) if isinstance(tz, str) else tz


def to_utc(dt: datetime, tz: str | tzinfo | None = None) -> datetime:
    """Return ``dt`` as an aware datetime in UTC.

    A naive ``dt`` is read as wall-clock time in ``tz`` (an IANA name such as
    ``"Asia/Damascus"`` or a tzinfo), with that zone's DST rules on that day;
    a naive ``dt`` without ``tz`` raises ``ValueError`` rather than being
    silently taken for UTC.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        if tz is None:
            raise ValueError(f"naive datetime {dt.isoformat()} and no time zone given")
        dt = dt.replace(tzinfo=_as_tzinfo(tz))
    return dt.astimezone(UTC)


def _find_dates(text: str) -> list[tuple[int, int, int, int, int]]:
    """All (start, end, year, month, day) found in folded text; year 0 = absent, -1 = bad."""
    found = []
    for m in _NAMED_DATE_RE.finditer(text):
        month = _month_number(m["m1"])
        if m["m2"] and _month_number(m["m2"]) != month:
            month = -1  # "شباط / مارس": the two names contradict each other
        year = int(m["year"]) if m["year"] else 0
        found.append((m.start(), m.end(), year, month, int(m["day"])))
    if found:
        return found
    for m in _NUMERIC_DATE_RE.finditer(text):
        if m["y1"]:
            found.append((m.start(), m.end(), int(m["y1"]), int(m["m1"]), int(m["d1"])))
        else:
            found.append((m.start(), m.end(), int(m["y2"]), int(m["m2"]), int(m["d2"])))
    return found


def _nearby_year(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> int:
    """A four-digit year printed apart from its day and month, e.g. before the weekday."""
    best, best_gap = 0, _MAX_YEAR_DISTANCE + 1
    for m in _YEAR_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        gap = start - m.end() if m.end() <= start else m.start() - end
        if 0 <= gap < best_gap:
            best, best_gap = int(m.group()), gap
    return best


def _time_near(text: str, start: int, end: int, others: list[tuple[int, int]]):
    """The time of day closest to the date span with no other date in between."""
    best, best_gap = None, None
    for m in _TIME_RE.finditer(text):
        lo, hi = (m.end(), start) if m.end() <= start else (end, m.start())
        if any(lo <= s < hi for s, _ in others):
            continue
        gap = hi - lo
        if best_gap is None or gap < best_gap:
            best, best_gap = m, gap
    return best


def _clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    marker = (m["ampm"] or "").lower()
    if marker:
        # "19:10 م" is redundant but seen; "19:10 ص" and "00:10 م" contradict themselves.
        if (hour > 12 and marker in _AM_MARKERS) or (hour == 0 and marker in _PM_MARKERS):
            return None
        if marker in _PM_MARKERS and hour < 12:
            hour += 12
        elif marker in _AM_MARKERS and hour == 12:
            hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def parse_arabic_date(text: str, tz: str | tzinfo = "UTC") -> datetime | date | None:
    """Parse a date as an Arabic news page prints it.

    Understood: a day number, a month name (Levantine ``تشرين الثاني``,
    Egyptian/MSA ``نوفمبر``/``إبريل``/``يونيه``, Moroccan ``نونبر``/``غشت``,
    Algerian/Tunisian ``جوان``/``أوت``, or a pair naming the same month,
    ``شباط / فبراير``), a four-digit year (after the month or, as on the Arabs
    Today sites, before the weekday: ``GMT 06:25 2019 الخميس ,07 شباط / فبراير``),
    optionally a time ``HH:MM[:SS]`` with ``ص``/``م`` (AM/PM) markers; numeric
    ``YYYY-MM-DD`` / ``DD/MM/YYYY`` when no month name is present. Western,
    Arabic-Indic (``١٩``) and Persian (``۱۹``) digits; weekday names, tashkeel
    and tatweel are ignored.

    ``tz`` is the zone the outlet prints its times in (IANA name or tzinfo);
    a ``GMT``/``UTC`` (optionally ``GMT+3``) on the line overrides it.

    Returns an aware datetime in UTC when a time is present, a ``date`` (as
    printed, not shifted) when only the date is, and ``None`` when there is no
    complete date (``آخر تحديث GMT 06:25:28``, a day and month without a year),
    when two month names disagree, or when the date or time is impossible.
    When several dates are printed, the first one (and the time next to it) wins.
    """
    if not text:
        return None
    folded = _fold(text)

    zone: tzinfo = _as_tzinfo(tz)
    zone_match = _ZONE_RE.search(folded)
    if zone_match:
        zone = UTC
        if zone_match["sign"]:
            offset = timedelta(hours=int(zone_match["oh"]), minutes=int(zone_match["om"] or 0))
            if offset >= timedelta(hours=15):
                return None
            zone = timezone(-offset if zone_match["sign"] == "-" else offset)
        # Blank it so "GMT+03:00" is not read as the time 03:00.
        s, e = zone_match.span()
        folded = folded[:s] + " " * (e - s) + folded[e:]

    dates = _find_dates(folded)
    if not dates:
        return None
    start, end, year, month, day = dates[0]
    spans = [(s, e) for s, e, *_ in dates]
    if year == 0:
        year = _nearby_year(folded, start, end, spans)
    if year == 0 or month < 1:
        return None
    try:
        day_printed = date(year, month, day)
    except ValueError:
        return None

    time_match = _time_near(folded, start, end, spans[1:])
    if time_match is None:
        return day_printed
    clock = _clock(time_match)
    if clock is None:
        return None
    local = datetime(year, month, day, *clock, tzinfo=zone)
    return local.astimezone(UTC)


# --------------------------------------------------------------------------
# Machine-readable dates from metadata and feeds.

_ISO_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")


def parse_iso_datetime(value: str, tz: str | tzinfo | None = None) -> datetime | date | None:
    """Parse ISO 8601 / RFC 3339 from JSON-LD, ``article:published_time``, sitemaps.

    * ``2019-02-08T17:45:00+01:00``, ``...Z``, ``...+0100``, fractions of a
      second, a space instead of ``T``: an aware datetime converted to UTC;
    * ``2019-02-08``: that ``date``;
    * a naive date-time (``2019-02-08T17:45:00``): read in ``tz`` when given,
      else ``None`` (its zone is unknown, so its instant is too);
    * anything else (``2019-02``, ``""``, garbage, 30 February): ``None``.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    if _ISO_DATE_ONLY_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    # fromisoformat wants upper-case separators and designators.
    value = value.replace("t", "T").replace("z", "Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None if tz is None else to_utc(parsed, tz)
    return parsed.astimezone(UTC)


def parse_rfc822_datetime(value: str, tz: str | tzinfo | None = None) -> datetime | None:
    """Parse an RFC 822/2822 date as RSS ``pubDate`` carries it, to aware UTC.

    ``Thu, 07 Feb 2019 06:25:00 GMT``, ``... +0300``, ``... -0000`` (UTC),
    without the weekday or seconds, and US zone names (``EST``). A date with no
    zone is read in ``tz`` when given, else ``None``. Feeds that put ISO 8601 in
    ``pubDate`` are accepted too (date-only values give ``None``: RSS promises a
    time). Garbage gives ``None``.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        iso = parse_iso_datetime(value, tz=tz)
        return iso if isinstance(iso, datetime) else None
    if parsed.tzinfo is None:
        # parsedate_to_datetime returns naive for "-0000" (RFC 5322: UTC, origin unknown).
        if re.search(r"-0000\s*$", value):
            return parsed.replace(tzinfo=UTC)
        if re.search(r"\d\d:\d\d(?::\d\d)?\s*$", value):
            return None if tz is None else to_utc(parsed, tz)
        # A zone token the stdlib does not know ("Africa/Casablanca", "CEST"): unknown instant.
        return None
    return parsed.astimezone(UTC)


# --------------------------------------------------------------------------
# Choosing an article's dates among what its page prints and declares.


def local_date(value: datetime | date, tz: str | tzinfo) -> date:
    """The calendar date of *value* in the outlet's zone (a date is returned as is)."""
    if isinstance(value, datetime):
        return value.astimezone(_as_tzinfo(tz)).date()
    return value


class UrlDay(date):
    """A publication day read from the article's URL path, not from the page.

    Evidence of the day, never of the time: a sitemap or feed entry giving the
    instant on that same day may still supply the time (``apply_hint``), which
    it may not for a day the page prints.
    """


def url_day(url: str) -> UrlDay | None:
    """The day *url*'s path states (``/2020/02/18/``), as a :class:`UrlDay`."""
    day = date_in_url(url)
    return UrlDay(day.year, day.month, day.day) if day else None


def resolve_published(
    visible: datetime | date | None,
    declared: datetime | date | None,
    tz: str | tzinfo,
    url: str | None = None,
) -> tuple[datetime | None, date | None]:
    """``(published_at, published_date)`` from the visible date and the metadata's.

    The visible publication line wins. When it gives only a day, a metadata
    date-time on that same (local) day supplies the time; metadata may write
    another UTC offset, it is the same instant. When neither gives a date, the
    day in the article's *url* path is the publication day (:class:`UrlDay`).
    """
    if isinstance(visible, datetime):
        return visible, local_date(visible, tz)
    if isinstance(declared, datetime) and (visible is None or local_date(declared, tz) == visible):
        return declared, local_date(declared, tz)
    if visible is not None:
        return None, visible
    if declared is not None:
        return None, declared
    return None, url_day(url) if url else None


def resolve_modified(
    visible: datetime | date | None, declared: datetime | date | None, published_at: datetime | None
) -> datetime | None:
    """The modification instant: the visible update line, else metadata unlike publication.

    CMSes write ``dateModified`` equal to ``datePublished`` on pages never
    edited; that is not a modification.
    """
    for value in (visible, declared):
        if isinstance(value, datetime) and value != published_at:
            return value
    return None
