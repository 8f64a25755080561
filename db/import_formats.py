"""What other tools write, read as article records: ours, news-please's and trafilatura's.

Each reader turns one JSON object into a :class:`Record`, or raises :class:`BadRecord`.
Readers are pure: which outlet a record belongs to and the time zone of its naive
times are only known with the archive at hand, so dates stay as written here
(:data:`Moment`) and :func:`resolve_dates` applies the rule once the zone is known:

* a time with a zone or offset is that instant;
* a time without one is read in the outlet's zone when that zone is known, else
  only its day is kept (``published_date``): never a guessed instant;
* a naive time of exactly midnight is a day: news-please and trafilatura (htmldate)
  write a date found without a time as ``00:00:00``;
* a date alone is a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

Moment = dt.datetime | dt.date
"""A date as a record gives it: an aware or naive time, or a day."""


class BadRecord(ValueError):
    """One input record that cannot become an article."""


@dataclass
class Record:
    """One article read from another tool's output, before the archive resolves its outlet."""

    url: str
    title: str
    body: str
    host: str
    outlet: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    published: Moment | None = None
    published_date: dt.date | None = None
    modified: Moment | None = None
    image_url: str | None = None
    dateline: str | None = None


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and real corpora have stray ones (the shared
    # Arabic corpus ends some bodies with one): drop them rather than fail the batch.
    return unicodedata.normalize("NFC", value.replace("\x00", "")).strip()


def _text(value: Any, name: str, required: bool = False) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadRecord(f"{name} must be a string")
    cleaned = _clean(value) if value else ""
    if not cleaned and required:
        raise BadRecord(f"missing {name}")
    return cleaned or None


def _list(value: Any, name: str, separator: str | None = None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(separator) if separator else [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(f"{name} must be a list of strings")
    return [cleaned for v in value if (cleaned := _clean(v))]


def _moment(value: Any, name: str) -> Moment | None:
    """An ISO 8601 day or time (``T`` or a space between them, zone optional)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{name} must be an ISO 8601 string or null")
    written = value.strip()
    try:
        if len(written) == 10:
            return dt.date.fromisoformat(written)
        return dt.datetime.fromisoformat(written.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRecord(f"{name} is not ISO 8601: {value[:40]!r}") from exc


def _stated_day(value: Any) -> dt.date | None:
    day = _moment(value, "published_date")
    if isinstance(day, dt.datetime):
        raise BadRecord(f"published_date must be a day: {value[:40]!r}")
    return day


def _url(value: Any) -> str:
    url = _text(value, "url", required=True)
    assert url is not None
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise BadRecord(f"url must be http(s): {url[:60]!r}")
    return url


def _host(url: str, given: Any = None) -> str:
    """The site's host, lower case, without ``www.`` (as the generic spider names outlets)."""
    host = (given if isinstance(given, str) and given.strip() else urlsplit(url).hostname) or ""
    host = host.strip().lower().rstrip(".")
    return host.removeprefix("www.")


def _paragraphs(text: str) -> str:
    # Both tools put one paragraph per line; the archive separates them with a blank line.
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def parse_jsonl_record(record: Mapping[str, Any]) -> Record:
    """Our format (what ``akhbar export`` writes): ``url``, ``outlet``, ``title``, ``body``..."""
    url = _url(record.get("url"))
    title = _text(record.get("title"), "title", required=True)
    body = _text(record.get("body"), "body", required=True)
    assert title is not None and body is not None
    return Record(
        url=url,
        title=title,
        body=body,
        host=_host(url),
        outlet=_text(record.get("outlet"), "outlet"),
        subtitle=_text(record.get("subtitle"), "subtitle"),
        authors=_list(record.get("authors"), "authors"),
        section=_text(record.get("section"), "section"),
        tags=_list(record.get("tags"), "tags"),
        language=_text(record.get("language"), "language"),
        published=_moment(record.get("published"), "published"),
        published_date=_stated_day(record.get("published_date")),
        modified=_moment(record.get("modified"), "modified"),
        image_url=_text(record.get("image_url"), "image_url"),
        dateline=_text(record.get("dateline"), "dateline"),
    )


def parse_news_please_record(record: Mapping[str, Any]) -> Record:
    """news-please 1.6's JSON (``get_serializable_dict()``, what its JSON file storage writes).

    Its missing dates are the string ``'None'`` (``str(None)``), its times are naive
    (``'2020-01-03 07:30:00'``), ``text`` is usually null with the body in ``maintext``,
    and the site is ``source_domain``. ``date_download`` is when news-please fetched
    the page, not a publication date: the archive keeps its own ``first_seen_at``.
    """
    values = {key: None if value == "None" else value for key, value in record.items()}
    url = _url(values.get("url"))
    title = next(
        (t for key in ("title", "title_page", "title_rss") if (t := _text(values.get(key), key))),
        None,
    )
    if title is None:
        raise BadRecord("missing title (title, title_page, title_rss)")
    raw_body = _text(values.get("maintext"), "maintext") or _text(values.get("text"), "text")
    if raw_body is None:
        raise BadRecord("missing body (maintext, text)")
    body = _paragraphs(raw_body)
    description = _text(values.get("description"), "description")
    image = _text(values.get("image_url"), "image_url")
    return Record(
        url=url,
        title=title,
        body=body,
        host=_host(url, values.get("source_domain")),
        subtitle=description if description and description not in body else None,
        authors=_list(values.get("authors"), "authors"),
        language=_text(values.get("language"), "language"),
        published=_moment(values.get("date_publish"), "date_publish"),
        modified=_moment(values.get("date_modify"), "date_modify"),
        # Without an image news-please falls back on the page's own URL: not an image.
        image_url=image if image != url else None,
    )


def parse_trafilatura_record(record: Mapping[str, Any]) -> Record:
    """trafilatura's JSON (``--json``, ``extract(output_format="json", with_metadata=True)``)
    or a ``bare_extraction(...).as_dict()`` dict.

    The two name some fields differently (``source``/``url``, ``excerpt``/``description``)
    and join lists differently (``categories`` and ``tags`` are ``;``-joined strings in
    the JSON, lists in the dict); ``author`` is one ``"; "``-joined string in both. The
    first category is the section.
    """
    url = _url(record.get("url") or record.get("source"))
    title = _text(record.get("title"), "title", required=True)
    raw_body = _text(record.get("text"), "text") or _text(record.get("raw_text"), "raw_text")
    if raw_body is None:
        raise BadRecord("missing text")
    assert title is not None
    body = _paragraphs(raw_body)
    description = _text(record.get("description") or record.get("excerpt"), "description")
    categories = _list(record.get("categories"), "categories", separator=";")
    return Record(
        url=url,
        title=title,
        body=body,
        host=_host(url, record.get("hostname")),
        subtitle=description if description and description not in body else None,
        authors=_list(record.get("author"), "author", separator=";"),
        section=categories[0] if categories else None,
        tags=_list(record.get("tags"), "tags", separator=";"),
        language=_text(record.get("language"), "language"),
        published=_moment(record.get("date"), "date"),
        image_url=_text(record.get("image"), "image"),
    )


PARSERS: dict[str, Callable[[Mapping[str, Any]], Record]] = {
    "jsonl": parse_jsonl_record,
    "news-please": parse_news_please_record,
    "trafilatura": parse_trafilatura_record,
}


def _is_day(moment: Moment) -> bool:
    if not isinstance(moment, dt.datetime):
        return True
    return moment.tzinfo is None and moment.time() == dt.time()


def resolve_dates(
    published: Moment | None,
    modified: Moment | None,
    zone: ZoneInfo | None,
    published_day: dt.date | None = None,
) -> tuple[dt.datetime | None, dt.date | None, dt.datetime | None]:
    """``(published_at, published_date, modified_at)`` by the rule in the module docstring.

    ``published_day`` is a day the record states on its own (our format's
    ``published_date``, the outlet's day as the archive stored it): it wins.
    """
    published_at = _instant(published, zone)
    if published_day is None and published is not None:
        published_day = _day(published, published_at, zone)
    return published_at, published_day, _instant(modified, zone)


def _day(moment: Moment, instant: dt.datetime | None, zone: ZoneInfo | None) -> dt.date:
    """The day the article appeared: in the outlet's zone, else as the record wrote it."""
    if instant is not None and zone is not None:
        return instant.astimezone(zone).date()
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _instant(moment: Moment | None, zone: ZoneInfo | None) -> dt.datetime | None:
    if moment is None or _is_day(moment):
        return None
    assert isinstance(moment, dt.datetime)
    if moment.tzinfo is None:
        if zone is None:
            return None
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def content_hash(title: str, body: str) -> str:
    """What ``store_articles`` compares: equal for word-for-word copies."""
    folded = " ".join(f"{title}\n{body}".split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()
