"""One stated date (:class:`When`), and how a machine-readable or printed value becomes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from crawler.dates import parse_rfc822_datetime
from crawler.extraction.datetext import TextDate, find_text_date

#: Longest text read as one date line; longer elements are prose, not a line.
MAX_LINE = 200
EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class When:
    """One stated date: its day (in the zone it was written in) and instant, if any."""

    day: date
    at: datetime | None = None
    """Aware UTC when the value carries a time and its zone is known."""

    naive: datetime | None = None
    """Wall-clock time written without a zone (read later in the page's zone)."""

    zone_printed: bool = True


def plausible(day: date, now: datetime) -> bool:
    """True for a day a page can have been published on: since 1990, at most a day ahead."""
    return EARLIEST <= day <= (now + timedelta(days=1)).date()


def machine_date(value: Any, lang: str | None) -> When | None:
    """A machine-readable date (ISO 8601, RFC 822, or a printed one in a meta tag)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    iso = value.replace("z", "Z").replace("t", "T") if value[:4].isdigit() else value
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is None:
        rfc = parse_rfc822_datetime(value)
        if rfc is not None:
            return When(day=rfc.date(), at=rfc)
        found = find_text_date(value, UTC, lang)
        return from_text(found) if found else None
    if len(iso) <= 10 and ":" not in iso:
        return When(day=parsed.date())
    if parsed.tzinfo is None:
        return When(day=parsed.date(), naive=parsed)
    return When(day=parsed.date(), at=parsed.astimezone(UTC))


def utc_offset(value: Any) -> tzinfo | None:
    """The zone an ISO date-time is written in (its UTC offset), if it states one."""
    if not isinstance(value, str) or "T" not in value.upper()[:11]:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    return parsed.tzinfo


def printed_date(text: str, lang: str | None) -> When | None:
    """A printed line as a date; its time kept naive (read later in the page's zone)."""
    found = find_text_date(text, UTC, lang)
    return from_text(found) if found else None


def from_text(found: TextDate) -> When:
    """A date found in printed text; a time printed without a zone is kept naive."""
    if found.at is None:
        return When(day=found.day)
    if found.zone_printed:
        return When(day=found.day, at=found.at)
    return When(day=found.day, naive=found.at.replace(tzinfo=None), zone_printed=False)


def element_text(el: Any) -> str:
    """An element's text with its whitespace collapsed."""
    # str.split() splits on the characters ``\s`` matches, at a third of a regex's cost.
    return " ".join("".join(el.itertext()).split())
