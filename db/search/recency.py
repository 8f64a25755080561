"""The bounded search: the most recent matches, found through a recency window.

Ranking costs ~10 µs per matching row (ts_rank detoasts each search_vector), so
ranking every match of a common word in a large archive takes seconds. The
default search ranks only the CANDIDATES most recent matches: for news, a reader
asking for a common word wants the best of what is recent, not a 2015 article
that happens to repeat it more often. The candidates are found without ranking
anything, through a recency window: the match query is ANDed with the week
lexemes of the window ('#w2968' | '#w2969' ...) on ix_articles_search_recent
(search_vector plus the article's week, migration c3f8a1d5e7b2), so GIN reads
the postings of those weeks and skips through the long list of a common word.
The first window suits the commonest words (the newest
CANDIDATES * WINDOW_SLACK / COMMON_FRACTION articles, read off the statistics
ANALYZE keeps); it widens by the density it found until it holds more than
CANDIDATES matches, the last pass being the whole archive on the words alone
(their postings in the same index). A rare word costs a few cheap passes, a
common one a single pass over a small window. ``exhaustive=True`` ranks every
match instead (:mod:`db.search.searching`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, text

from db.search.filters import RECENCY, Filters
from db.search.results import SearchHit, SearchResult, SortOrder

CANDIDATES = 500
WINDOW_SLACK = 1.5  # aim each window at 1.5x the candidates the density predicts
COMMON_FRACTION = 0.3  # the first window suits words in 30 % of the articles
MAX_WINDOWS = 4  # the last one is the whole archive
# When the archive is expected to hold no more matches than this, the next pass
# takes them all (a wide btree range would cost more than fetching them).
FULL_PASS_MATCHES = 2000
# Up to this many weeks a window is matched on week lexemes; GIN then tests every
# week's postings against the whole query, which costs more than a btree range.
MAX_WEEKS = 16
# Under a filter that leaves few of a common word's matches, the plain GIN
# postings of the word are long: week lexemes stay cheaper up to about a year.
MAX_WEEKS_COMMON = 40
# The first window is read on week lexemes however wide it is, but not past this:
# a date filter reaching back centuries would make a tsquery of a hundred thousand
# weeks that outlasts the statement timeout.
MAX_FIRST_WEEKS = 520
COMMON_DENSITY = 0.05
# A btree range entry costs about an eighth of fetching a matching row: past this
# many window rows per expected match, testing the matches' own rows is cheaper.
RANGE_ROWS_PER_MATCH = 8

# The expression of ix_articles_search_recent, the one search index (migration
# 9d4f2a6c8e31): the document plus its week lexeme. Every match is found through it
# (the week lexeme matches no word), so no second GIN index is kept up to date.
WITH_WEEK = "(a.search_vector || public.akhbar_recency_week_v1(a.published_at, a.published_date))"
MATCH = f"{WITH_WEEK} @@ m.q"

# How a recency window is read (see _candidates_sql); None: no window, every match.
WindowKind = Literal["weeks", "range", "filter", None]


def _candidates_sql(conditions: str, window: WindowKind, ranked: bool) -> Any:
    """The :k most recent matches (in the window), ranked, and how many the window holds.

    ``weeks``: a window of a few weeks, matched on the week lexemes of
    ix_articles_search_recent. Wider, where GIN would test many week postings for
    every article: ``range``, a range of ix_articles_recency ANDed with the words'
    GIN postings, or, when the word has few matches in all (reading a long btree range would
    cost more than fetching them), ``filter``: the words' GIN postings, the window tested
    on the rows (OFFSET 0 keeps the planner from turning the test into a btree scan).
    ``None``: every match.
    """
    match = {
        "weeks": f"{WITH_WEEK} @@ (m.q && w.q)",
        "range": f"{MATCH} AND {RECENCY} >= :cutoff",
        "filter": MATCH,
        None: MATCH,
    }[window]
    weeks = ", CAST(:wq AS tsquery) AS w(q)" if window == "weeks" else ""
    rank = "pg_catalog.ts_rank(c.search_vector, q.q)" if ranked else "0"
    matches = f"""
        SELECT a.id, a.outlet_id, {RECENCY} AS recency, a.search_vector
        FROM CAST(:mq AS tsquery) AS m(q){weeks}, articles a
        WHERE {match} {conditions}
    """
    if window == "filter":
        matches = f"SELECT * FROM ({matches} OFFSET 0) f WHERE f.recency >= :cutoff"
    return text(
        f"""
        SELECT c.id, o.name AS outlet, c.recency, {rank} AS rank, c.in_window
        FROM CAST(:tsq AS tsquery) AS q(q),
             LATERAL (
                 SELECT s.*, count(*) OVER () AS in_window
                 FROM ({matches}) s
                 ORDER BY s.recency DESC NULLS LAST, s.id DESC
                 LIMIT :k
             ) c
        JOIN outlets o ON o.id = c.outlet_id
        """
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_WEEK = dt.timedelta(days=7)


def weeks_tsquery(start: dt.datetime, end: dt.datetime) -> str:
    """The tsquery of the week lexemes from ``start``'s week to ``end``'s (see the migration)."""
    first, last = (start - _EPOCH) // _WEEK, (end - _EPOCH) // _WEEK
    return " | ".join(f"'#w{week}'" for week in range(first, last + 1))


# The archive's recency distribution, from the statistics ANALYZE keeps for the
# expression index: equal-count buckets, oldest first.
_HISTOGRAM_SQL = text(
    """
    SELECT CAST(CAST(s.histogram_bounds AS text) AS timestamptz[]), c.reltuples
    FROM pg_catalog.pg_stats s, pg_catalog.pg_class c
    WHERE s.schemaname = current_schema() AND s.tablename = 'ix_articles_recency'
      AND c.oid = CAST('ix_articles_recency' AS regclass)
    """
)

_PAGE_SQL = text(
    """
    SELECT a.id, a.url, o.name AS outlet, a.title, a.published_at, a.published_date, a.language
    FROM articles a JOIN outlets o ON o.id = a.outlet_id
    WHERE a.id = ANY(:ids)
    """
)


def _cutoff(bounds: Sequence[dt.datetime], total: float, rows: float) -> dt.datetime | None:
    """The recency above which the newest ``rows`` of ``total`` articles lie.

    Interpolated inside a histogram bucket; None when that is the whole archive
    (or there are no statistics yet).
    """
    buckets = len(bounds) - 1
    if buckets < 1 or total <= 0 or rows >= total:
        return None
    position = buckets * (1 - rows / total)  # in buckets, from the oldest bound
    low = min(int(position), buckets - 1)
    return bounds[low] + (bounds[low + 1] - bounds[low]) * (position - low)


def _rows_before(bounds: Sequence[dt.datetime], total: float, when: dt.datetime) -> float:
    """How many of ``total`` articles are older than ``when``, by the histogram."""
    buckets = len(bounds) - 1
    if buckets < 1 or when <= bounds[0]:
        return 0.0
    if when >= bounds[-1]:
        return total
    low = bisect.bisect_right(bounds, when) - 1
    fraction = (when - bounds[low]) / (bounds[low + 1] - bounds[low] or _WEEK)
    return total * (low + fraction) / buckets


def _window_kind(
    attempt: int,
    cutoff: dt.datetime | None,
    newest: dt.datetime,
    rows: float,
    matches: float,
    common: bool = False,
) -> WindowKind:
    """How to read a window of ``rows`` articles for a word expected in ``matches``."""
    if cutoff is None:
        return None
    weeks = (newest - cutoff) / _WEEK
    # The first window is small by design, unless a date filter set it.
    if weeks <= (MAX_WEEKS_COMMON if common else MAX_WEEKS) or (
        attempt == 0 and weeks <= MAX_FIRST_WEEKS
    ):
        return "weeks"
    return "range" if rows <= RANGE_ROWS_PER_MATCH * matches else "filter"


@dataclass
class _Candidates:
    """The matches ranked by the bounded search, and what is known of all matches."""

    matches: int  # counted over the whole archive, or estimated from a window
    rows: list[Any]  # (id, outlet, recency, rank): every match, or the k most recent
    complete: bool  # rows are every match
    exact: bool  # matches is a count, not an estimate
    density: float = 0.0  # matches per article of the archive


def _recent_candidates(
    connection: Connection,
    params: dict[str, Any],
    conditions: str,
    k: int,
    ranked: bool = True,
    common: bool = False,
) -> _Candidates:
    """The ``k`` most recent matches, found through a recency window of the right size.

    ``common``: the words are known to be common without the filters (an outlet): the
    plain GIN postings would be long, so wider windows are still read on week lexemes.
    """
    stats = connection.execute(_HISTOGRAM_SQL).first()
    bounds, total = (stats[0] or [], float(stats[1])) if stats else ([], 0.0)
    # The window runs to the newest week (articles stored since the last ANALYZE
    # too), or back from ``until``, the articles after it not counting.
    newest = max([dt.datetime.now(dt.UTC), *bounds[-1:]]) + _WEEK
    since, until = params.get("since"), params.get("until")
    later = 0.0
    if until is not None and until < newest:
        newest, later = until, total - _rows_before(bounds, total, until)
    wanted = k * WINDOW_SLACK / COMMON_FRACTION  # archive rows in the first window
    final, expected = False, math.inf
    for attempt in range(MAX_WINDOWS):
        cutoff = None if final else _cutoff(bounds, total, wanted + later)
        final = final or cutoff is None or attempt == MAX_WINDOWS - 1
        if since is not None and (final or cutoff <= since):
            cutoff, final = since, True  # the filter bounds the search: the window is all of it
        elif final:
            cutoff = None
        window = _window_kind(attempt, cutoff, newest, wanted, expected, common)
        rows = connection.execute(
            _candidates_sql(conditions, window, ranked),
            {
                **params,
                "k": k + 1,
                "cutoff": cutoff,
                "wq": weeks_tsquery(cutoff, newest) if window == "weeks" else None,
            },
        ).all()
        in_window = rows[0].in_window if rows else 0
        if final:
            density = in_window / max(total, 1.0)
            return _Candidates(in_window, rows[:k], in_window <= k, exact=True, density=density)
        # Whole weeks: the window starts at the beginning of the cutoff's week.
        start = _EPOCH + (cutoff - _EPOCH) // _WEEK * _WEEK if window == "weeks" else cutoff
        window_rows = max(total - later - _rows_before(bounds, total, start), 1.0)
        expected = in_window * (total - later) / window_rows  # matches, extrapolated
        if in_window > k:
            density = expected / max(total - later, 1.0)
            estimate = max(in_window, round(expected))
            return _Candidates(estimate, rows[:k], False, exact=False, density=density)
        # Few matches in the whole archive: take them all rather than widen again.
        final = expected <= FULL_PASS_MATCHES
        wanted = window_rows * max(4.0, k * WINDOW_SLACK / max(in_window, 1))
    raise AssertionError("the last window is the whole archive")


def _sort_key(sort: SortOrder) -> Any:
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)

    def by_recency(row: Any) -> dt.datetime:
        return row.recency or oldest

    if sort == "date":
        return lambda row: (by_recency(row), row.rank, row.id)
    return lambda row: (row.rank, by_recency(row), row.id)


def search_recent(
    connection: Connection, tsq: str, filters: Filters, params: dict[str, Any], sort: SortOrder
) -> SearchResult:
    """The page asked for, ranked among the :data:`CANDIDATES` most recent matches.

    ``params`` binds the tsqueries (``tsq`` ranks, ``mq`` matches), the filters'
    values, ``limit`` and ``offset``.
    """
    limit, offset = params["limit"], params["offset"]
    # Deep pages (past CANDIDATES) rank more: the first pages never change with depth.
    k = max(CANDIDATES, offset + limit)
    if filters.outlet_id is None:
        found = _recent_candidates(connection, params, filters.sql(), k)
    else:
        # How common the words are without the outlet decides how its windows are read.
        everywhere = _recent_candidates(
            connection, params, filters.sql(with_outlet=False), k, ranked=False
        )
        common = everywhere.density >= COMMON_DENSITY
        found = _recent_candidates(connection, params, filters.sql(), k, common=common)
    counts = Counter(row.outlet for row in found.rows)
    page = sorted(found.rows, key=_sort_key(sort), reverse=True)[offset : offset + limit]
    details = {row.id: row for row in connection.execute(_PAGE_SQL, {"ids": [r.id for r in page]})}
    hits = [
        SearchHit.from_row(details[row.id], float(row.rank)) for row in page if row.id in details
    ]
    return SearchResult(
        "",
        tsq,
        found.matches,
        hits,
        dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
        limit,
        offset,
        total_exact=found.exact,
        ranked=None if found.complete else len(found.rows),
    )
