"""The filters of a search: an outlet, a language, a range of publication dates.

A filter that names what the archive does not have is an error
(:class:`UnknownFilter`), not an empty result. The conditions are fixed SQL
fragments; the values are bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, text


class UnknownFilter(ValueError):
    """A filter names an outlet or a language the archive does not have.

    A typo must not look like "no results": the message lists what exists.
    """

    def __init__(self, name: Literal["outlet", "lang"], value: str, known: Sequence[str]) -> None:
        self.name = name
        self.value = value
        self.known = list(known)
        what = "outlet" if name == "outlet" else "language"
        listed = ", ".join(self.known) or "none yet"
        super().__init__(f"unknown {what} {value[:40]!r}; the archive has: {listed}")


# Publication instant, else the UTC midnight of the date: the expression of
# ix_articles_recency and ix_articles_outlet_id_recency (migration c3f8a1d5e7b2).
RECENCY = (
    "coalesce(a.published_at, pg_catalog.timezone('UTC', CAST(a.published_date AS timestamp)))"
)


@dataclass(frozen=True)
class Filters:
    """The filters of one search, the dates as aware datetimes."""

    outlet_id: int | None
    lang: str | None
    since: dt.datetime | None
    until: dt.datetime | None

    def sql(self, with_outlet: bool = True) -> str:
        """The WHERE conditions of the filters that are set: fixed fragments, bound values."""
        parts = []
        if with_outlet and self.outlet_id is not None:
            parts.append("a.outlet_id = :outlet_id")
        if self.lang is not None:
            parts.append("a.language = :lang")
        if self.since is not None:
            parts.append(f"{RECENCY} >= :since")
        if self.until is not None:
            parts.append(f"{RECENCY} < :until")
        return "".join(f" AND {part}" for part in parts)

    def params(self) -> dict[str, Any]:
        """The values bound to the conditions of :meth:`sql`."""
        return {
            "outlet_id": self.outlet_id,
            "lang": self.lang,
            "since": self.since,
            "until": self.until,
        }


def as_utc(value: dt.datetime | dt.date | None, end: bool = False) -> dt.datetime | None:
    """A filter bound as an aware datetime; a date means its whole day (UTC)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
        if end:
            value += dt.timedelta(days=1)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def outlet_id_named(connection: Connection, outlet: str | None) -> int | None:
    """The id of the outlet named; :class:`UnknownFilter` lists the names when there is none."""
    if not outlet:
        return None
    # The outlets table is small: one read both finds the name and lists the others.
    ids = dict(connection.execute(text("SELECT name, id FROM outlets ORDER BY name")).all())
    if outlet not in ids:
        raise UnknownFilter("outlet", outlet, list(ids))
    return ids[outlet]


_LANGUAGE_SQL = text("SELECT EXISTS (SELECT 1 FROM articles WHERE language = :lang)")
_LANGUAGES_SQL = text(
    "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY language"
)


def check_language(connection: Connection, lang: str) -> None:
    """Raise :class:`UnknownFilter`, listing the archive's languages, if no article has ``lang``.

    A valid ISO 639-1 code that no article has is refused too: "unknown language,
    the archive has ar, en" tells more than "0 articles".
    """
    if not connection.execute(_LANGUAGE_SQL, {"lang": lang}).scalar():
        raise UnknownFilter("lang", lang, connection.execute(_LANGUAGES_SQL).scalars().all())
