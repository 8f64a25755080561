"""Write-path benchmark: importing new articles, and seeing unchanged ones again.

Into a fresh database (every index on, as ``akhbar import`` and the crawler find it):

1. ``--articles`` articles of the shared corpus imported through
   :func:`db.importer.import_file` (what ``akhbar import`` runs), one process: rows/s,
   and CPU milliseconds per article of the importing process and of the PostgreSQL
   backends (read from ``/proc`` when the server runs here: figures that move far less
   than rows/s on a shared machine);
2. ``--revisits`` of them stored again unchanged through :func:`db.articles.store_articles`
   in batches of ``--batch`` (what a re-crawl's pipeline does): milliseconds per article
   (wall time of the calls: the database's work plus the round trips), with what the
   table statistics say happened (HOT updates, GIN index growth);
3. the search vectors checked: how many differ from ``akhbar_article_tsvector_v1``.

    .venv/bin/python -m benchmarks.write_path --articles 5000 --revisits 5000

Run it from another checkout (``PYTHONPATH=...``) to compare revisions on the same machine
in the same conditions.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import select

from benchmarks._common import fresh_database, machine_info, print_report
from benchmarks.corpus import CORPUS, read_corpus
from benchmarks.server_cpu import backend_cpu, spent
from db.articles import ARTICLE_FIELDS, store_articles
from db.engine import make_engine
from db.importer import PENDING_LIST_LIMIT_KB, import_file
from db.models import Article

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "akhbar_bench_write_path"


def table_stats(url: str) -> dict[str, int]:
    """Updates, HOT updates and the bytes of the GIN indexes of ``articles``."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        row = conn.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'articles'"
        ).fetchone()
        gin = conn.execute(
            "SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
            " WHERE i.indrelid = 'articles'::regclass AND am.amname = 'gin'"
        ).fetchone()
    updates, hot = row if row else (0, 0)
    return {
        "updates": int(updates),
        "hot_updates": int(hot),
        "gin_bytes": int(gin[0] if gin else 0),
    }


def import_new(url: str, records: list[dict[str, Any]], pending_list_kb: int) -> dict[str, Any]:
    """Import ``records``; the time includes the merge of the pending list at the end."""
    engine = make_engine(url)
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    with psycopg.connect(url, autocommit=True) as monitor:
        server_before, client_before = backend_cpu(monitor), time.process_time()
        began = time.perf_counter()
        summary = import_file(engine, lines, batch_size=1000, pending_list_kb=pending_list_kb)
        seconds = time.perf_counter() - began
        client = time.process_time() - client_before
        server = spent(server_before, backend_cpu(monitor))
    engine.dispose()
    return {
        "imported": summary.new,
        "import_s": round(seconds, 2),
        "rows_per_s": summary.new / seconds,
        "client_cpu_ms_per_article": round(client * 1000 / summary.new, 3),
        "server_cpu_ms_per_article": None
        if server is None
        else round(server * 1000 / summary.new, 3),
    }


def revisit(url: str, count: int, batch: int) -> dict[str, Any]:
    """Store ``count`` archived articles again, unchanged, as a re-crawl does."""
    engine = make_engine(url)
    with engine.connect() as connection:
        columns = [getattr(Article, field) for field in ARTICLE_FIELDS]
        rows = [dict(r._mapping) for r in connection.execute(select(*columns).limit(count))]
    before = table_stats(url)
    began = time.perf_counter()
    for start in range(0, len(rows), batch):
        with engine.begin() as connection:
            result = store_articles(connection, rows[start : start + batch])
            assert not result.new and not result.updated
    seconds = time.perf_counter() - began
    after = table_stats(url)
    engine.dispose()
    return {
        "revisited": len(rows),
        "revisit_ms_per_article": seconds * 1000 / len(rows),
        "revisit_updates": after["updates"] - before["updates"],
        "revisit_hot_updates": after["hot_updates"] - before["hot_updates"],
        "revisit_gin_growth_bytes": after["gin_bytes"] - before["gin_bytes"],
    }


def vectors_differing(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM articles WHERE search_vector IS DISTINCT FROM"
            " public.akhbar_article_tsvector_v1(language, title, subtitle, body)"
        ).fetchone()
    return int(row[0]) if row else -1


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=5000, help="articles imported")
    parser.add_argument("--revisits", type=int, default=5000, help="articles seen again")
    parser.add_argument("--batch", type=int, default=100, help="articles per revisit batch")
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="PostgreSQL server")
    parser.add_argument(
        "--pending-list-kb",
        type=int,
        default=PENDING_LIST_LIMIT_KB,
        help="the search index's pending list in the import's transactions",
    )
    args = parser.parse_args(argv)

    records = [
        {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in record.items()}
        for record in read_corpus(CORPUS)[: args.articles]
    ]
    url = fresh_database(args.server_url, DATABASE)
    try:
        figures: dict[str, Any] = {
            "articles": args.articles,
            "batch": args.batch,
            "pending_list_kb": args.pending_list_kb,
        }
        figures |= import_new(url, records, args.pending_list_kb)
        figures |= revisit(url, args.revisits, args.batch)
        figures["vectors_differing"] = vectors_differing(url)
    finally:
        with psycopg.connect(args.server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    figures["rows_per_s"] = round(figures["rows_per_s"], 1)
    figures["revisit_ms_per_article"] = round(figures["revisit_ms_per_article"], 3)
    rows = [
        {
            "step": "import into an empty archive",
            "articles": figures["imported"],
            "figure": f"{figures['rows_per_s']} rows/s, CPU ms/article: client"
            f" {figures['client_cpu_ms_per_article']}, server"
            f" {figures['server_cpu_ms_per_article']}",
        },
        {
            "step": "seen again unchanged",
            "articles": figures["revisited"],
            "figure": f"{figures['revisit_ms_per_article']} ms/article",
        },
    ]
    print_report(
        "write path: import and revisit",
        rows,
        figures,
        machine=machine_info(database_url=args.server_url),
    )


if __name__ == "__main__":
    main()
