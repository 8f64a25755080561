""":func:`search`: from a query string to a page of hits, with counts per outlet.

The query is parsed (:mod:`db.search.query`) and built into tsqueries
(:mod:`db.search.tsquery`); the page is found by the bounded search
(:mod:`db.search.recency`) or, ``exhaustive``, by ranking every match here; the
hits shown get their snippets (:mod:`db.search.snippets`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from db.search.filters import (
    RECENCY,
    Filters,
    as_utc,
    check_language,
    outlet_id_named,
)
from db.search.query import parse_query
from db.search.recency import MATCH, search_recent
from db.search.results import SearchHit, SearchResult, SortOrder
from db.search.snippets import add_snippets
from db.search.tsquery import QueryBuilder

# Bounds that keep one request cheap whatever a user (or a fuzzer) sends.
MAX_LIMIT = 100
MAX_OFFSET = 10_000
STATEMENT_TIMEOUT = "10s"

# Per-search settings. The tsquery must be planned as a constant (a generic plan
# guesses 0.5 % for any @@); bitmaps of common words must stay exact (a lossy page
# forces rechecks). The planner does not know that reading a search_vector means
# detoasting ~5 KB, so it would test @@ row by row on a sequential or recency-index
# scan; the GIN index (alone or ANDed with a btree) is the right path for every
# search, so the others are disabled for the search's transaction.
_SETTINGS_SQL = text(
    "SELECT pg_catalog.set_config('statement_timeout', :timeout, true),"
    " pg_catalog.set_config('plan_cache_mode', 'force_custom_plan', true),"
    " pg_catalog.set_config('work_mem', '32MB', true),"
    " pg_catalog.set_config('enable_seqscan', 'off', true),"
    " pg_catalog.set_config('enable_indexscan', 'off', true),"
    # Parallel workers only slow a search down when many run at once on few cores.
    " pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)"
)


_ORDER = {
    "relevance": f"rank DESC, {RECENCY} DESC NULLS LAST, a.id DESC",
    "date": f"{RECENCY} DESC NULLS LAST, rank DESC, a.id DESC",
}


# Both tsqueries are bound parameters cast once in FROM, never a function per row:
# :mq finds the matches, :tsq (the full query) ranks them.
def _exhaustive_hits_sql(sort: SortOrder, conditions: str) -> Any:
    return text(
        f"""
        SELECT a.id, a.url, o.name AS outlet, a.title, a.published_at, a.published_date, a.language,
               pg_catalog.ts_rank(a.search_vector, q.q) AS rank
        FROM CAST(:tsq AS tsquery) AS q(q), CAST(:mq AS tsquery) AS m(q), articles a
        JOIN outlets o ON o.id = a.outlet_id
        WHERE {MATCH} {conditions}
        ORDER BY {_ORDER[sort]}
        LIMIT :limit OFFSET :offset
        """
    )


def _exhaustive_counts_sql(conditions: str) -> Any:
    return text(
        f"""
        SELECT o.name, count(*)
        FROM CAST(:mq AS tsquery) AS m(q), articles a
        JOIN outlets o ON o.id = a.outlet_id
        WHERE {MATCH} {conditions}
        GROUP BY o.name
        ORDER BY count(*) DESC, o.name
        """
    )


def search(
    connection: Connection,
    query: str,
    *,
    outlet: str | None = None,
    lang: str | None = None,
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: SortOrder = "relevance",
    snippets: bool = True,
    exhaustive: bool = False,
) -> SearchResult:
    """Search the archive; malformed queries give an empty result, never an error.

    An ``outlet`` not in the outlets table, or a ``lang`` no article has, raises
    :class:`UnknownFilter`. ``since`` is inclusive, ``until`` exclusive (a date
    ``until`` includes that day). Counts per outlet apply every filter. By default only the
    :data:`~db.search.recency.CANDIDATES` most recent matches are ranked and counted per outlet (all
    of them when there are no more); ``exhaustive=True`` ranks and counts every
    match, at a cost that grows with their number.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    sort = sort if sort in _ORDER else "relevance"
    connection.execute(_SETTINGS_SQL, {"timeout": STATEMENT_TIMEOUT})
    lang = lang.strip().lower() if lang and lang.strip() else None  # codes are stored lower case
    # The outlet first: a misspelt one is an error even for a query that finds nothing.
    filters = Filters(
        outlet_id_named(connection, outlet), lang, as_utc(since), as_utc(until, end=True)
    )
    builder = QueryBuilder(connection)
    parsed = parse_query(query or "")
    tsq = builder.build(parsed)
    if tsq is None:
        result = SearchResult(query, None, 0, [], {}, limit, offset)
    else:
        params = {
            "tsq": tsq,
            "mq": builder.build(parsed, matching=True),
            **filters.params(),
            "limit": limit,
            "offset": offset,
        }
        run = _search_exhaustive if exhaustive else search_recent
        result = run(connection, tsq, filters, params, sort)
        result.query = query
    if lang is not None and not result.total:
        # Only an empty answer can hide a misspelt language: checking then spares every
        # other search a scan (articles.language has no index).
        check_language(connection, lang)
    if snippets and result.hits:
        add_snippets(connection, result.hits, builder.positive_lexemes)
    return result


def _search_exhaustive(
    connection: Connection, tsq: str, filters: Filters, params: dict[str, Any], sort: SortOrder
) -> SearchResult:
    counts = dict(connection.execute(_exhaustive_counts_sql(filters.sql()), params).all())
    total = sum(counts.values())
    hits = [
        SearchHit.from_row(row, float(row.rank))
        for row in connection.execute(_exhaustive_hits_sql(sort, filters.sql()), params)
    ]
    return SearchResult("", tsq, total, hits, counts, params["limit"], params["offset"])
