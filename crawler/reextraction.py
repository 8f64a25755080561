"""Re-extraction: an outlet's current ``parse_article`` over its stored responses, no network.

For the latest capture of each article, the response is read back from its WARC
record and turned into a Scrapy response again (same URL, headers, body, the
encoding the crawl read it with and the sitemap/feed date hint it had), then
read as a crawl reads it: ``parse_article``, the hint, the normalization
pipeline. Articles whose fields come out different are updated, their previous
version kept in ``article_revisions`` with reason ``reextraction``. It runs
under the outlet's crawl lock, in one transaction per outlet, so it never races
a crawl and a second run finds nothing to change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import HtmlResponse, Request
from scrapy.spiderloader import SpiderLoader
from sqlalchemy import Connection, Engine, select

from crawler.discovery import Entry
from crawler.pipelines import NormalizationPipeline
from crawler.registry import UnknownOutlet, generic_target, project_settings, resolve
from crawler.rows import article_row
from crawler.spiders.base import OutletSpider, apply_hint
from crawler.warc import CaptureUnreadable, read_payload
from db import articles, runs
from db.captures import StoredCapture, latest_captures
from db.config import Config
from db.models import Article

logger = logging.getLogger(__name__)

REASON = "reextraction"
COMPARED_FIELDS = tuple(
    f
    for f in articles.ARTICLE_FIELDS
    if f not in ("url", "outlet_id", "content_hash", "word_count")
)
"""What extraction decides; the URL stays the article's identity, the rest is derived."""


class OutletBusy(Exception):
    """A crawl (or another re-extraction) of the outlet holds its lock."""


@dataclass(frozen=True)
class Problem:
    """A capture that gave no article: unreadable, or no longer read as an article."""

    capture_id: int
    url: str
    reason: str


@dataclass
class ReextractResult:
    """What one outlet's re-extraction found (and, unless a dry run, did)."""

    outlet: str
    captures: int = 0
    changed: int = 0
    unchanged: int = 0
    fields: Counter[str] = field(default_factory=Counter)
    """Field -> articles in which it changed."""
    unreadable: list[Problem] = field(default_factory=list)
    not_articles: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        by_field = ", ".join(f"{name} {n}" for name, n in sorted(self.fields.items()))
        parts = [
            f"{self.captures} captures read",
            f"{self.changed} articles changed" + (f" ({by_field})" if by_field else ""),
            f"{self.unchanged} unchanged",
        ]
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable")
        if self.not_articles:
            parts.append(f"{len(self.not_articles)} no longer read as articles")
        return f"{self.outlet}: " + ", ".join(parts)


def outlet_spider(name: str, config: Config, base_url: str) -> OutletSpider:
    """The spider that reads the outlet's pages today: its own, its configured generic site,
    else the generic spider on the outlet's archived base URL (an ad hoc crawl)."""
    try:
        target = resolve(name, config)
    except UnknownOutlet:
        target = generic_target(base_url, name)
    spider_class = SpiderLoader.from_settings(project_settings()).load(target.spider)
    return spider_class(**target.spider_args)


def reextract_outlet(
    engine: Engine,
    outlet_name: str,
    spider: OutletSpider,
    since: dt.datetime | None = None,
    dry_run: bool = False,
) -> ReextractResult:
    """Re-extract the outlet's articles from their latest captures (fetched since ``since``).

    Raises :class:`OutletBusy` when a crawl of the outlet is running.
    """
    result = ReextractResult(outlet_name)
    with engine.connect() as lock:
        outlet_id = articles.outlet_id(lock, outlet_name)
        if outlet_id is None:
            return result
        if not runs.try_lock_outlet(lock, outlet_id):
            raise OutletBusy(f"a crawl of {outlet_name} is running; try again when it ends")
        lock.commit()
        try:
            with engine.begin() as connection:
                _reextract(connection, outlet_id, spider, since, dry_run, result)
        finally:
            runs.unlock_outlet(lock, outlet_id)
            lock.commit()
    return result


def _reextract(
    connection: Connection,
    outlet_id: int,
    spider: OutletSpider,
    since: dt.datetime | None,
    dry_run: bool,
    result: ReextractResult,
) -> None:
    captures = latest_captures(connection, outlet_id, since)
    stored = _stored_articles(connection, [c.article_id for c in captures])
    for capture in captures:
        result.captures += 1
        try:
            row = extract(capture, spider)
        except CaptureUnreadable as exc:
            logger.warning("capture %d of %s unreadable: %s", capture.capture_id, capture.url, exc)
            result.unreadable.append(Problem(capture.capture_id, capture.url, str(exc)))
            continue
        except Exception as exc:  # the outlet's extraction raised, as it would in a crawl
            logger.exception("could not re-extract %s", capture.url)
            result.not_articles.append(Problem(capture.capture_id, capture.url, repr(exc)))
            continue
        if row is None:
            result.not_articles.append(Problem(capture.capture_id, capture.url, "not an article"))
            continue
        old = stored[capture.article_id]
        changed = [name for name in COMPARED_FIELDS if old[name] != row[name]]
        if not changed:
            result.unchanged += 1
            continue
        result.changed += 1
        result.fields.update(changed)
        if not dry_run:
            values = {name: row[name] for name in changed}
            values.update(content_hash=row["content_hash"], word_count=row["word_count"])
            articles.revise_article(connection, old["url"], values, REASON)


def _stored_articles(connection: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    columns = [Article.id, Article.url, *(getattr(Article, f) for f in COMPARED_FIELDS)]
    rows = connection.execute(select(*columns).where(Article.id.in_(ids)).with_for_update())
    return {row.id: dict(row._mapping) for row in rows}


def extract(capture: StoredCapture, spider: OutletSpider) -> dict[str, Any] | None:
    """The ``articles`` row the spider reads today from a capture, or None (not an article).

    Raises :class:`CaptureUnreadable` when the capture's record cannot be read.
    """
    if capture.warc_file is None or capture.warc_offset is None or capture.warc_length is None:
        raise CaptureUnreadable("no response record holds its payload")
    payload = read_payload(
        capture.warc_file, capture.warc_offset, capture.warc_length, capture.payload_digest
    )
    published = payload.metadata.get("hint-published")
    hint = Entry(url=payload.url, published=published) if published else None
    response = rebuilt_response(
        payload.url,
        payload.status,
        payload.headers,
        payload.body,
        hint,
        payload.metadata.get("encoding"),
    )
    return read_article(spider, response, hint)


def rebuilt_response(
    url: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    hint: Entry | None = None,
    encoding: str | None = None,
) -> HtmlResponse:
    """A kept response as the spider saw it when it was fetched: URL, headers, body, the
    encoding it was read in (else found as Scrapy finds it) and its sitemap/feed hint."""
    return HtmlResponse(
        url=url,
        status=status,
        headers=headers,
        body=body,
        request=Request(url, meta={"hint": hint}),
        **({"encoding": encoding} if encoding else {}),
    )


def read_article(
    spider: OutletSpider, response: HtmlResponse, hint: Entry | None = None
) -> dict[str, Any] | None:
    """The ``articles`` row a crawl stores from ``response`` (``parse_article``, the hint,
    the normalization pipeline), without its outlet id; None when it is not an article."""
    item = spider.parse_article(response)
    if item is None:
        return None
    apply_hint(item, hint, spider.outlet.timezone)
    item.fetched_url = response.url
    NormalizationPipeline().process_item(item)
    if not item.title.strip() or not item.body.strip():
        return None
    return article_row(item)
