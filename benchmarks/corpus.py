"""The benchmark archive: the shared real Arabic corpus, multiplied with variation.

Copy 0 is the corpus as published (plus a title or URL where the source lacks
one, since the importer requires them). Copy ``k >= 1`` of an article keeps its
first paragraph, shuffles the others and drops one of them when there are three
or more, so copies are not word-for-word duplicates (their ``content_hash``
differs) while term frequencies stay those of real news. Every article gets a
publication time drawn uniformly over ``SPAN`` (4.4 % of the corpus has no date
and stays undated in every copy), so recency is spread evenly over the archive
and insertion order is unrelated to publication order, as in an imported history.

Everything is deterministic (seeded per article and copy): two builds of the
same size hold the same rows.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "arabic-news.jsonl.gz"
SPAN = (dt.datetime(2014, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


def read_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus records (72,751 of them), read once at run time."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def _title(record: dict[str, Any]) -> str:
    if record.get("title"):
        return record["title"]
    # 364 articles have no headline: their first words stand in for it.
    return " ".join(record["body"].split()[:12])


def _variant(record: dict[str, Any], copy: int) -> dict[str, Any]:
    rng = random.Random(f"{record['id']}:{copy}")
    span = (SPAN[1] - SPAN[0]).total_seconds()
    published = SPAN[0] + dt.timedelta(seconds=rng.uniform(0, span))
    outlet = record.get("outlet") or f"{(record.get('country') or 'unknown').lower()}.corpus"
    url = record.get("url") or f"https://{outlet}/corpus/{record['id']}"
    body = record["body"]
    if copy:
        url = f"{url}{'&' if '?' in url else '?'}copy={copy}"
        paragraphs = [p for p in body.split("\n") if p.strip()]
        head, rest = paragraphs[:1], paragraphs[1:]
        rng.shuffle(rest)
        if len(rest) >= 2:
            rest.pop(rng.randrange(len(rest)))
        body = "\n\n".join(head + rest)
    return {
        "url": url,
        "outlet": outlet,
        "title": _title(record),
        "body": body,
        "published": published.isoformat() if record.get("published") else None,
        "language": "ar",
        "section": record.get("category"),
        "authors": [record["author"]] if isinstance(record.get("author"), str) else [],
    }


def generate(
    records: list[dict[str, Any]],
    stop: int,
    start: int = 0,
    skip: Collection[str] = frozenset(),
) -> Iterator[str]:
    """JSON Lines for articles ``start .. stop-1`` of the multiplied corpus.

    Articles whose URL is in ``skip`` (already in the archive) are left out, so
    that an interrupted build resumes without re-sending what it stored.
    """
    for index in range(start, stop):
        copy, position = divmod(index, len(records))
        article = _variant(records[position], copy)
        if article["url"] not in skip:
            yield json.dumps(article, ensure_ascii=False) + "\n"
