"""Check: Python's normalization and stemming equal the SQL functions on the whole corpus.

``db.search_text`` computes at write time what ``akhbar_ar_normalize_v1`` and
``akhbar_ar_stem_v1`` compute in SQL (queries and SQL users still call those). This
reads every distinct whitespace-separated token of the shared corpus (titles and
bodies as published: harakat, tatweel, punctuation, digits and all), asks the SQL
functions of a freshly migrated database for each, and compares. Then, for
``--documents`` articles, the whole search_vector: ``akhbar_ar_document_v1`` of the
Python-prepared text against ``akhbar_article_tsvector_v1`` of the article.

    .venv/bin/python -m benchmarks.search_vocabulary
    .venv/bin/python -m benchmarks.search_vocabulary \
        --write-sample tests/fixtures/search/vocabulary.txt

``--write-sample`` also saves a sample of the vocabulary (every token with a
character the normalizer changes, and a random sample of the rest) for the unit test
``tests/search/test_search_text.py``. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from benchmarks._common import fresh_database, machine_info, print_report
from benchmarks.corpus import CORPUS, read_corpus
from db import search_text

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "akhbar_bench_vocabulary"
CHUNK = 20_000
SAMPLE_PLAIN = 3000


def vocabulary(records: Iterable[dict[str, Any]]) -> list[str]:
    """Every distinct token (split on whitespace) of the titles, subtitles and bodies,
    without NUL bytes (the import drops them: PostgreSQL text cannot hold them)."""
    words: set[str] = set()
    for record in records:
        for field in ("title", "subtitle", "body"):
            words.update((record.get(field) or "").replace("\x00", "").split())
    return sorted(words)


def differences(conn: psycopg.Connection, words: Sequence[str]) -> list[tuple[str, str, str]]:
    """(word, what SQL gives, what Python gives) for every normalized or stemmed form
    that differs."""
    found = []
    for start in range(0, len(words), CHUNK):
        chunk = list(words[start : start + CHUNK])
        rows = conn.execute(
            "SELECT public.akhbar_ar_normalize_v1(w),"
            " public.akhbar_ar_stem_v1(public.akhbar_ar_normalize_v1(w))"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, i) ORDER BY i",
            (chunk,),
        ).fetchall()
        for word, (normal, stemmed) in zip(chunk, rows, strict=True):
            mine = search_text.normalize(word)
            if mine != normal:
                found.append((word, f"normalize {normal!r}", repr(mine)))
            elif search_text.stem(mine) != stemmed:
                found.append((word, f"stem {stemmed!r}", repr(search_text.stem(mine))))
    return found


def document_differences(conn: psycopg.Connection, records: Sequence[dict[str, Any]]) -> list[str]:
    """URLs whose search_vector from Python-prepared text differs from the SQL one."""
    found = []
    for record in records:
        title, subtitle, body = (
            (record.get(field) or "").replace("\x00", "") for field in ("title", "subtitle", "body")
        )
        same = conn.execute(
            "SELECT public.akhbar_ar_document_v1(%s::text[])"
            " = public.akhbar_article_tsvector_v1('ar', %s, %s, %s)",
            (search_text.prepared(title, subtitle, body), title, subtitle, body),
        ).fetchone()
        if not (same and same[0]):
            found.append(record.get("url", "?"))
    return found


def sample(words: Sequence[str], seed: int = 16) -> list[str]:
    """Every word the normalizer changes, plus a random sample of the others."""
    changed = [w for w in words if search_text.normalize(w) != w]
    plain = [w for w in words if search_text.normalize(w) == w]
    chosen = random.Random(seed).sample(plain, min(SAMPLE_PLAIN, len(plain)))
    return sorted({*random.Random(seed).sample(changed, min(SAMPLE_PLAIN, len(changed))), *chosen})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="PostgreSQL server")
    parser.add_argument("--documents", type=int, default=3000, help="whole articles compared")
    parser.add_argument("--write-sample", type=Path, help="save a vocabulary sample here")
    args = parser.parse_args(argv)

    records = read_corpus(CORPUS)
    words = vocabulary(records)
    url = fresh_database(args.server_url, DATABASE)
    try:
        with psycopg.connect(url) as conn:
            began = time.perf_counter()
            wrong = differences(conn, words)
            words_s = time.perf_counter() - began
            documents = random.Random(16).sample(records, min(args.documents, len(records)))
            began = time.perf_counter()
            wrong_documents = document_differences(conn, documents)
            documents_s = time.perf_counter() - began
    finally:
        with psycopg.connect(args.server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    if args.write_sample:
        args.write_sample.parent.mkdir(parents=True, exist_ok=True)
        args.write_sample.write_text("\n".join(sample(words)) + "\n", encoding="utf-8")
    figures = {
        "corpus_articles": len(records),
        "distinct_tokens": len(words),
        "tokens_differing": len(wrong),
        "tokens_checked_s": round(words_s, 1),
        "documents": len(documents),
        "documents_differing": len(wrong_documents),
        "documents_checked_s": round(documents_s, 1),
        "examples": [list(w) for w in wrong[:10]] + wrong_documents[:10],
    }
    rows = [
        {"check": "distinct tokens", "checked": len(words), "differing": len(wrong)},
        {"check": "whole documents", "checked": len(documents), "differing": len(wrong_documents)},
    ]
    print_report(
        "search vocabulary: db.search_text against the SQL functions",
        rows,
        figures,
        machine=machine_info(database_url=args.server_url),
    )
    if wrong or wrong_documents:
        sys.exit(1)


if __name__ == "__main__":
    main()
