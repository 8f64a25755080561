"""Import benchmark, and the builder of the search benchmark's archives.

Streams the shared real corpus, multiplied with variation (:mod:`benchmarks.corpus`),
through :func:`db.importer.import_file` — the function ``akhbar import`` runs, with the
same batching and upserts — into a database of its own, and reports rows/s per segment
of archive size (how the rate scales as the archive grows), then VACUUM ANALYZE and the
table and index sizes. Every index stays on during the load: that is what a real
import into a live archive pays.

    .venv/bin/python -m benchmarks.import_corpus --workers 2 --articles 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/akhbar_bench_search_1m

An interrupted build resumes where it stopped (the rows are deterministic).
``--add N`` measures instead: N more articles imported into a built archive (one
worker, every index on), then deleted again, for the rate at that archive size. With
``--search``, rare and 0.1-1 % searches run one after another while those articles are
imported, then again once they are: what a user searching during an import waits
(the search index's pending list holds up to ``--pending-list-kb`` then; the server's
CPU per article then includes the searches').
"""

from __future__ import annotations

import argparse
import itertools
import logging
import multiprocessing
import os
import threading
import time
from typing import Any

import psycopg
from psycopg import sql

from benchmarks._common import machine_info, print_report
from benchmarks.corpus import CORPUS, generate, read_corpus
from benchmarks.server_cpu import backend_cpu, watched_spent
from db import schema
from db.engine import make_engine
from db.importer import PENDING_LIST_LIMIT_KB, ImportSummary, import_file
from db.search import search

#: The bands of benchmarks.search timed during an import: the pending list, which every
#: search reads whole, weighs most on the searches that are otherwise cheapest.
SEARCH_BANDS = ("rare", "0.1-1%")

logger = logging.getLogger(__name__)

BENCH_PREFIX = "akhbar_bench_"


def _split(url: str) -> tuple[str, str]:
    """(URL of the server's postgres database, database name) for a libpq URL."""
    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    if not name.startswith(BENCH_PREFIX):
        raise SystemExit(f"refusing {name!r}: benchmark databases are named {BENCH_PREFIX}*")
    return f"{base}/postgres", name


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist, then migrate it to head."""
    admin, name = _split(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    schema.upgrade(url)


def article_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM articles").fetchone()
    return int(row[0]) if row else 0


def sizes(url: str) -> dict[str, int]:
    """Bytes of the articles table (with TOAST) and of each of its indexes."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """
            SELECT 'table_with_toast', pg_table_size('articles')
            UNION ALL
            SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)
            FROM pg_index WHERE indrelid = 'articles'::regclass
            """
        ).fetchall()
    return {name: int(size) for name, size in rows}


def _worker(
    url: str,
    start: int,
    stop: int,
    batch_size: int,
    pending_list_kb: int,
    done: Any,
    ready: Any,
    cpu: Any,
    finished: Any,
    let_go: Any,
) -> None:
    """Import articles ``start .. stop-1`` in a process of its own, skipping stored ones;
    add the CPU seconds the import took to ``cpu``. Once ``finished``, its connections
    stay open until ``let_go``, so that the server's CPU is read once all their work is done
    (the merge of the pending list at the end included)."""
    records = read_corpus(CORPUS)
    with psycopg.connect(url) as conn:
        stored = {row[0] for row in conn.execute("SELECT url FROM articles")}
    engine = make_engine(url)
    seen = 0
    ready.release()  # reading the corpus is not part of the import
    began = time.process_time()

    def progress(summary: ImportSummary) -> None:
        nonlocal seen
        with done.get_lock():
            done.value += summary.lines - seen
        seen = summary.lines

    try:
        import_file(
            engine,
            generate(records, stop, start, stored),  # type: ignore[arg-type]  # lines, to it
            batch_size=batch_size,
            pending_list_kb=pending_list_kb,
            progress=progress,
        )
    finally:
        with cpu.get_lock():
            cpu.value += time.process_time() - began
        finished.release()
        let_go.acquire(timeout=60)
        engine.dispose()


class _Searches:
    """Searches (``db.search.search``, 10 results with snippets) run one after another on
    a thread of this process while an import runs in others."""

    def __init__(self, url: str) -> None:
        from benchmarks.search import choose_queries  # that module imports this one

        self.engine = make_engine(url)
        chosen = choose_queries(self.engine, article_count(url))
        self.queries = [query for band in SEARCH_BANDS for query in chosen[band]]
        self.during: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.during.extend(self._time(query) for query in self.queries)

    def _time(self, query: str) -> float:
        began = time.perf_counter()
        with self.engine.begin() as connection:
            search(connection, query, limit=10)
        return (time.perf_counter() - began) * 1000

    def figures(self) -> dict[str, Any]:
        """The latencies during the import and of three runs of each query after it."""
        from benchmarks.search import latency_summary

        after = [self._time(query) for _ in range(3) for query in self.queries]
        self.engine.dispose()
        return {
            "search_queries": self.queries,
            "search_during_import": latency_summary(self.during),
            "search_after_import": latency_summary(after),
        }


def load(
    url: str,
    articles: int,
    segment: int,
    batch_size: int,
    workers: int,
    first: int = 0,
    pending_list_kb: int = PENDING_LIST_LIMIT_KB,
    searches: _Searches | None = None,
) -> dict[str, Any]:
    """Import up to ``articles`` rows, timing each ``segment``; VACUUM ANALYZE after;
    ``searches`` run from the import's first row to its last.

    With several workers each imports a contiguous slice in its own process (the
    tsvector is computed by the server backend of each connection, so this is how a
    bulk import uses more than one core); segments are timed on the combined count.
    """
    ensure_database(url)
    start = article_count(url)
    done, ready = multiprocessing.Value("q", 0), multiprocessing.Semaphore(0)
    client_cpu = multiprocessing.Value("d", 0.0)
    finished, let_go = multiprocessing.Semaphore(0), multiprocessing.Semaphore(0)
    # Generated from ``first`` (0: all of it, stored articles skipped, so a build resumes).
    bounds = [first + (articles - first) * i // workers for i in range(workers + 1)]
    processes = [
        multiprocessing.Process(
            target=_worker,
            args=(
                url,
                lo,
                hi,
                batch_size,
                pending_list_kb,
                done,
                ready,
                client_cpu,
                finished,
                let_go,
            ),
        )
        for lo, hi in itertools.pairwise(bounds)
        if hi > lo
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire(timeout=300)  # a worker that died before it was ready: go on
    if searches:
        searches.thread.start()
    began = time.perf_counter()
    segments: list[dict[str, Any]] = []
    mark_rows, mark_time = start, began
    backends: dict[int, tuple[float, float]] = {}
    monitor = psycopg.connect(url, autocommit=True)
    ended = 0
    while True:
        while finished.acquire(block=False):
            ended += 1
        alive = ended < len(processes) and any(p.is_alive() for p in processes)
        # Read after the workers said they finished: their backends' last work is counted.
        watched_spent(backends, backend_cpu(monitor))
        rows, now = start + done.value, time.perf_counter()
        if rows - mark_rows >= segment or (not alive and rows > mark_rows):
            segments.append(
                {
                    "archive_from": mark_rows,
                    "archive_to": rows,
                    "rows": rows - mark_rows,
                    "seconds": round(now - mark_time, 1),
                    "rows_per_s": round((rows - mark_rows) / (now - mark_time), 1),
                }
            )
            logger.info("%s", segments[-1])
            mark_rows, mark_time = rows, now
        if not alive:
            break
        time.sleep(0.5)
    import_s = time.perf_counter() - began
    monitor.close()
    if searches:
        searches.stop.set()
        searches.thread.join()
    for _ in processes:
        let_go.release()
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    vacuum_began = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE articles")
    after = article_count(url)
    return {
        "articles_before": start,
        "articles_after": after,
        "imported": after - start,
        "workers": workers,
        "failed_workers": failed,
        "import_s": round(import_s, 1),
        "rows_per_s": round((after - start) / import_s, 1),
        # Per imported article: the importing processes, and the server's backends as
        # read every half second and once the workers finished (a backend that ended
        # between two readings loses what it spent after the first).
        "client_cpu_ms_per_article": _per_article(client_cpu.value, after - start),
        "server_cpu_ms_per_article": _per_article(
            sum(last - first for first, last in backends.values()), after - start
        ),
        "load_average_1min_end": round(os.getloadavg()[0], 1),
        "vacuum_analyze_s": round(time.perf_counter() - vacuum_began, 1),
        "segments": segments,
        "sizes_bytes": sizes(url),
        "batch_size": batch_size,
        "pending_list_kb": pending_list_kb,
    }


def _per_article(seconds: float, articles: int) -> float | None:
    return round(seconds * 1000 / articles, 3) if articles else None


def measure_addition(
    url: str, add: int, batch_size: int, pending_list_kb: int, searching: bool = False
) -> dict[str, Any]:
    """Import ``add`` more articles into a built archive, timed, then delete them again.

    This is the import rate at that archive size, with every index in place, and
    the archive is left as it was for the search benchmark. ``searching``: searches
    are timed during the import and after it (:class:`_Searches`).
    """
    ensure_database(url)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM articles").fetchone()
    before, last_id = (int(row[0]), int(row[1])) if row else (0, 0)
    searches = _Searches(url) if searching else None
    figures = load(url, before + add, add, batch_size, 1, before, pending_list_kb, searches)
    if searches:
        figures |= searches.figures()
    with psycopg.connect(url, autocommit=True) as conn:
        deleted = conn.execute("DELETE FROM articles WHERE id > %s", (last_id,)).rowcount
        conn.execute("VACUUM ANALYZE articles")
    return {**figures, "deleted_after": deleted}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database named akhbar_bench_*")
    parser.add_argument("--articles", type=int, default=100_000, help="archive size to reach")
    parser.add_argument("--segment", type=int, default=100_000, help="rows per timed segment")
    parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")
    parser.add_argument("--workers", type=int, default=1, help="importing processes")
    parser.add_argument(
        "--add",
        type=int,
        default=0,
        help="instead: import this many more articles into the archive, then delete them",
    )
    parser.add_argument(
        "--pending-list-kb",
        type=int,
        default=PENDING_LIST_LIMIT_KB,
        help="the search index's pending list in the import's transactions",
    )
    parser.add_argument(
        "--search",
        action="store_true",
        help="with --add: time searches during the import and after it",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.add:
        figures = measure_addition(
            args.database_url, args.add, args.batch_size, args.pending_list_kb, args.search
        )
    else:
        figures = load(
            args.database_url,
            args.articles,
            args.segment,
            args.batch_size,
            args.workers,
            pending_list_kb=args.pending_list_kb,
        )
    print_report(
        "import: akhbar import of the shared corpus, multiplied",
        figures["segments"],
        figures,
        machine=machine_info(
            packages=("akhbar", "sqlalchemy", "psycopg", "alembic"),
            database_url=args.database_url,
        ),
        notes=[f"sizes: {figures['sizes_bytes']}"],
    )


if __name__ == "__main__":
    main()
