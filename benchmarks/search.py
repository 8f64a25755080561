"""Search benchmark: latency per frequency band on archives built by ``import_corpus``.

Queries are real words of the shared corpus, chosen by how many articles they match
(checked in the archive with the very tsquery the search sends): rare (< 0.01 % of
articles), 0.1–1 %, 2–10 % and >= 20 %, one word and two words (AND). Each query is
run through :func:`db.search.search` — what the API and ``akhbar search`` call, one
transaction each — in these modes:

- ``default``: the default (bounded) search, relevance, 10 results with snippets;
- ``no_snippets``: the same without snippets;
- ``filtered``: the default search with an outlet and a one-year ``since`` filter;
- ``exhaustive``: every match ranked (``exhaustive=True``), for comparison.

"cold" is each query's first run on a fresh connection (its pages may still be in
the OS page cache: the machine is shared, so caches are not dropped); "warm" are the
repeats. The query set is chosen on the first archive and reused on the others.

    .venv/bin/python -m benchmarks.search \\
        --database-url postgresql://postgres@127.0.0.1:5432/akhbar_bench_search_100k \\
        --database-url postgresql://postgres@127.0.0.1:5432/akhbar_bench_search_1m
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import math
import random
import re
import statistics
import time
from collections import defaultdict
from typing import Any

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from benchmarks._common import machine_info, print_report
from benchmarks.corpus import CORPUS, generate, read_corpus
from benchmarks.import_corpus import sizes
from db import schema
from db.engine import make_engine
from db.importer import import_file
from db.search import CANDIDATES, build_tsquery, search

logger = logging.getLogger(__name__)

# Band name -> (lowest, highest) fraction of the archive's articles a query matches.
BANDS: dict[str, tuple[float, float]] = {
    "rare": (0.0, 0.0001),
    "0.1-1%": (0.001, 0.01),
    "2-10%": (0.02, 0.10),
    ">=20%": (0.20, 1.0),
}
# Where to look for each band in the corpus sample: document frequency there.
SAMPLE_DF = {"rare": (1, 1), "0.1-1%": (5, 35), "2-10%": (90, 380), ">=20%": (850, 4000)}
SAMPLE_SIZE = 4000
PER_BAND = 5  # one-word queries per band, and as many two-word queries
MODES = ("default", "no_snippets", "filtered", "exhaustive")
EXHAUSTIVE_BUDGET_S = 40.0  # per band and archive; the queries run are counted in "n"
FILTER_OUTLET = "skynewsarabia.com"
_WORD = re.compile(r"[\u0621-\u064A]{3,}")
# The expression of the search index (migration 9d4f2a6c8e31), to count matches on it.
SEARCH_INDEX = (
    "(a.search_vector || public.akhbar_recency_week_v1(a.published_at, a.published_date))"
)
_MARKS = re.compile(r"[\u064B-\u065F\u0640]")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def _sample_documents() -> list[set[str]]:
    records = read_corpus(CORPUS)
    sample = random.Random(6).sample(records, SAMPLE_SIZE)
    return [
        set(_WORD.findall(_MARKS.sub("", f"{r.get('title') or ''} {r['body']}"))) for r in sample
    ]


def _match_count(engine: Engine, query: str) -> int | None:
    with engine.begin() as connection:
        tsq = build_tsquery(connection, query)
        if tsq is None or (" " in query and " & " not in tsq):
            return None  # a stop word: not the query it claims to be
        return connection.execute(
            text(f"SELECT count(*) FROM articles a WHERE {SEARCH_INDEX} @@ CAST(:q AS tsquery)"),
            {"q": tsq},
        ).scalar_one()


def choose_queries(engine: Engine, articles: int) -> dict[str, list[str]]:
    """PER_BAND one-word and PER_BAND two-word queries per band, checked in the archive."""
    documents = _sample_documents()
    postings: dict[str, set[int]] = defaultdict(set)
    for index, words in enumerate(documents):
        for word in words:
            postings[word].add(index)
    rng = random.Random(7)
    chosen: dict[str, list[str]] = {}
    pools: dict[str, list[str]] = {}
    for band, (low_df, high_df) in SAMPLE_DF.items():
        pool = sorted(w for w, docs in postings.items() if low_df <= len(docs) <= high_df)
        rng.shuffle(pool)
        pools[band] = pool
        chosen[band] = _checked(engine, articles, band, pool, PER_BAND)
    # Two words: pairs that co-occur about as often as the band asks, from all pools.
    words = [w for band in SAMPLE_DF for w in pools[band][:150]]
    for band, (low_df, high_df) in SAMPLE_DF.items():
        pairs = [
            f"{a} {b}"
            for a, b in itertools.combinations(words, 2)
            if low_df <= len(postings[a] & postings[b]) <= high_df
        ]
        rng.shuffle(pairs)
        chosen[band] += _checked(engine, articles, band, pairs, PER_BAND)
    return chosen


def _checked(engine: Engine, articles: int, band: str, pool: list[str], wanted: int) -> list[str]:
    low, high = BANDS[band]
    found: list[str] = []
    for query in pool[: wanted * 40]:
        count = _match_count(engine, query)
        if count and low * articles <= count <= max(high * articles, 1):
            found.append(query)
            if len(found) == wanted:
                break
    if len(found) < wanted:
        logger.warning("band %s: only %d queries found", band, len(found))
    return found


def _newest(engine: Engine) -> dt.datetime:
    with engine.connect() as connection:
        return connection.execute(text("SELECT max(published_at) FROM articles")).scalar_one()


def _run(engine: Engine, query: str, mode: str, since: dt.datetime) -> tuple[float, int]:
    options: dict[str, Any] = {"limit": 10}
    if mode == "no_snippets":
        options["snippets"] = False
    elif mode == "filtered":
        options.update(outlet=FILTER_OUTLET, since=since)
    elif mode == "exhaustive":
        options["exhaustive"] = True
    began = time.perf_counter()
    try:
        with engine.begin() as connection:
            result = search(connection, query, **options)
    except DBAPIError:  # db.search's statement timeout: exhaustive, very common word
        return (time.perf_counter() - began) * 1000, -1
    return (time.perf_counter() - began) * 1000, result.total


def measure(
    url: str, queries: dict[str, list[str]], reps: int, exhaustive_reps: int
) -> dict[str, Any]:
    """Timings (ms) per band and mode, cold and warm, on the archive at ``url``."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            articles = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        since = _newest(engine) - dt.timedelta(days=365)
        out: dict[str, Any] = {"articles": articles, "bands": {}}
        for band, band_queries in queries.items():
            figures: dict[str, Any] = {"queries": band_queries, "match_fraction": {}}
            for query in band_queries:
                count = _match_count(engine, query) or 0
                figures["match_fraction"][query] = round(count / articles, 6)
            for mode in MODES:
                cold, warm, totals = [], [], []
                began = time.monotonic()
                for query in band_queries:
                    if mode == "exhaustive" and time.monotonic() - began > EXHAUSTIVE_BUDGET_S:
                        break  # seconds per query on common words at 1M: sample, do not sweep
                    engine.dispose()  # a fresh connection: the query's first run is "cold"
                    ms, total = _run(engine, query, mode, since)
                    cold.append(ms)
                    totals.append(total)
                    for _ in range((exhaustive_reps if mode == "exhaustive" else reps) - 1):
                        warm.append(_run(engine, query, mode, since)[0])
                figures[mode] = {
                    "cold": latency_summary(cold),
                    "warm": latency_summary(warm or cold),
                    "mean_total": round(statistics.fmean([t for t in totals if t >= 0] or [0])),
                    "timeouts": totals.count(-1),
                }
                logger.info("%s %s %s", articles, band, figures[mode])
            out["bands"][band] = figures
        out["sizes_bytes"] = _sizes(url)
        return out
    finally:
        engine.dispose()


def latency_summary(values: list[float]) -> dict[str, float]:
    """Count and nearest-rank p50/p95/p99 of latencies in milliseconds."""
    if not values:
        return {"n": 0, "p50_ms": math.nan, "p95_ms": math.nan, "p99_ms": math.nan}
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "p99_ms": round(percentile(values, 99), 1),
    }


_REPORTED_SIZES = (
    "table_with_toast",
    "ix_articles_search_vector",
    "ix_articles_search_recent",
    "ix_articles_recency",
    "ix_articles_outlet_id_recency",
)


def _sizes(url: str) -> dict[str, int]:
    return {name: size for name, size in sizes(url).items() if name in _REPORTED_SIZES}


def burst(url: str, count: int) -> dict[str, Any]:
    """Import ``count`` new articles without VACUUM: the searches that follow read an index
    just written to. The import merges its GIN pending list when it ends, so what remains
    of the list is what an import leaves (nothing); a crawl's writes leave up to the
    database's 1 MB (benchmarks/README.md, "Write path")."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM articles").fetchone()
    before, last_id = (int(row[0]), int(row[1])) if row else (0, 0)
    engine = make_engine(url)
    began = time.perf_counter()
    import_file(engine, generate(read_corpus(CORPUS), before + count, before))  # type: ignore[arg-type]
    seconds = time.perf_counter() - began
    engine.dispose()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        pending = conn.execute(
            "SELECT pending_pages, pending_tuples FROM pgstatginindex('ix_articles_search_recent')"
        ).fetchone()
    return {
        "burst_articles": count,
        "burst_rows_per_s": round(count / seconds, 1),
        "pending_pages": pending[0] if pending else None,
        "pending_tuples": pending[1] if pending else None,
        "last_id_before": last_id,
    }


def drop_burst(url: str, last_id: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM articles WHERE id > %s", (last_id,))
        conn.execute("VACUUM ANALYZE articles")


def _prepare(url: str) -> None:
    """Migrate to head (the recency indexes) and refresh statistics."""
    schema.upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE articles")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", required=True, help="repeatable")
    parser.add_argument("--reps", type=int, default=6, help="runs per query (1 cold + warm)")
    parser.add_argument("--exhaustive-reps", type=int, default=2, help="runs per exhaustive query")
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="first import this many articles into each archive, not vacuumed (searches then "
        "read an index just written to); deleted again afterwards",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for url in args.database_url:
        _prepare(url)
    first = make_engine(args.database_url[0])
    with first.connect() as connection:
        articles = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    queries = choose_queries(first, articles)
    first.dispose()
    results = {}
    for url in args.database_url:
        burst_figures = burst(url, args.burst) if args.burst else None
        try:
            figures = measure(url, queries, args.reps, args.exhaustive_reps)
        finally:
            if burst_figures:
                drop_burst(url, burst_figures["last_id_before"])
        results[str(figures["articles"])] = {**figures, "burst": burst_figures}
    rows = []
    for size, figures in results.items():
        for band, per_band in figures["bands"].items():
            for mode in MODES:
                rows.append(
                    {
                        "articles": int(size),
                        "band": band,
                        "mode": mode,
                        "matches": per_band[mode]["mean_total"],
                        **{f"warm_{k}": v for k, v in per_band[mode]["warm"].items() if k != "n"},
                        "cold_p95_ms": per_band[mode]["cold"]["p95_ms"],
                    }
                )
    target = {
        size: all(f["bands"][band]["default"]["warm"]["p95_ms"] <= 100 for band in BANDS)
        for size, f in results.items()
    }
    print_report(
        "search: latency per frequency band",
        rows,
        {"candidates": CANDIDATES, "p95_default_le_100ms": target, "sizes": results},
        machine=machine_info(
            packages=("akhbar", "sqlalchemy", "psycopg"), database_url=args.database_url[0]
        ),
        notes=[f"index sizes: { {s: f['sizes_bytes'] for s, f in results.items()} }"],
    )


if __name__ == "__main__":
    main()
