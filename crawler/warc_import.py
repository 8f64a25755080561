"""``akhbar import --format warc``: articles from WARC files other tools wrote (CC-NEWS...).

Every response of an HTML page (:mod:`crawler.warc_input`) is given to the outlet
whose host it is on (:class:`OutletsByHost`): an outlet spider's ``parse_article``,
else the generic extraction under the configured or archived outlet of that host,
else under a new outlet named after the host. It is then read exactly as a crawl
reads a page (:func:`crawler.reextraction.read_article`: the normalization
pipeline, no date hint since a WARC file carries none), with the record's
``WARC-Date`` as the fetch time.

The response of every stored article is copied, record by record, into our own
WARC files (``akhbar-import-*.warc.gz`` in the WARC folder) and recorded in
``captures`` like a crawled one, so ``akhbar reextract`` works on it and the
archive keeps it when the user's file is moved or deleted. The metadata record
of each copy names the source file, offset and record id.

Idempotent: a record whose URL, date and payload digest already have a capture is
skipped before anything is written. Pages are stored in batches, one transaction
each, copies written before their rows as in a crawl.

Like ``akhbar import`` (:mod:`db.importer`), its transactions let the search index's
pending list grow past the 1 MB of other sessions, and it merges the list when it ends,
on an error too, so searches after it read no list.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine

from crawler.archive import outlet_row
from crawler.capture import warc_dir
from crawler.reextraction import outlet_spider, read_article, rebuilt_response
from crawler.registry import configured_sites, crawl_scrapy_settings, outlet_spiders
from crawler.spiders.base import OutletSpider, looks_like_html
from crawler.warc import (
    DEFAULT_MAX_FILE_SIZE,
    Earlier,
    Fetch,
    WarcFiles,
    payload_digest,
)
from crawler.warc_input import NotAPage, Unreadable, WarcResponse, read_warc
from db import articles, captures
from db.config import Config
from db.importer import Place, grow_pending_list, merge_pending_list_after_load

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
WARC_SUFFIXES = (".warc", ".warc.gz")


def host_key(url: str) -> str:
    """A URL's host without ``www.``: both spellings of a site are one outlet."""
    return (urlsplit(url).hostname or "").lower().rstrip(".").removeprefix("www.")


@dataclass
class WarcImportSummary:
    """What an import of WARC files read and did."""

    files: int = 0
    records: int = 0
    pages: int = 0
    """Responses of HTML pages."""
    not_pages: int = 0
    """Other records: requests, metadata, images, redirects, errors."""
    other_outlets: int = 0
    """Pages of outlets not asked for (``--outlet``)."""
    already: int = 0
    """Pages whose capture an earlier import recorded."""
    not_articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    outlets_created: list[str] = field(default_factory=list)
    errors: list[tuple[Place, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def stored(self) -> int:
        return self.new + self.updated + self.unchanged

    def progress(self) -> str:
        """One line for a terminal: records read, articles stored, per second."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"{self.records} records read ({self.records / elapsed:.0f}/s), "
            f"{self.stored} articles stored ({self.stored / elapsed:.1f}/s)"
        )

    def summary(self) -> str:
        created = (
            f"; outlets created: {', '.join(self.outlets_created)}" if self.outlets_created else ""
        )
        elapsed = time.monotonic() - self.started
        other = f", {self.other_outlets} of other outlets" if self.other_outlets else ""
        return (
            f"{self.records} records in {self.files} WARC files ({elapsed:.1f} s): "
            f"{self.pages} HTML pages, {self.not_pages} other records; "
            f"{self.stored} articles ({self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged), {self.not_articles} pages not articles, "
            f"{self.already} already imported{other}, {len(self.errors)} bad records{created}"
        )


class OutletsByHost:
    """The outlet, and the spider reading its pages, of a page's host.

    An outlet spider's host first, then a configured generic site's, then an outlet
    of the archive (read by the generic extraction under its name), else a new
    outlet named after the host.
    """

    def __init__(self, config: Config, archived: dict[str, str]) -> None:
        self.config = config
        self.bases = dict(archived)
        """Outlet name -> base URL."""
        self.by_host = {host_key(base): name for name, base in reversed(archived.items())}
        sites = {name: target.outlet.base_url for name, target in configured_sites(config).items()}
        spiders = {name: cls.outlet.base_url for name, cls in outlet_spiders(config).items()}
        for named in (sites, spiders):  # later ones win a shared host
            self.bases.update(named)
            self.by_host.update({host_key(base): name for name, base in named.items()})
        self.spiders: dict[str, OutletSpider] = {}

    def name_of(self, url: str) -> str:
        host = host_key(url)
        return self.by_host.get(host, host)

    def spider(self, name: str) -> OutletSpider:
        if name not in self.spiders:
            base = self.bases.get(name, f"https://{name}/")
            self.spiders[name] = outlet_spider(name, self.config, base)
        return self.spiders[name]


@dataclass
class _Page:
    response: WarcResponse
    outlet: str
    digest: str

    @property
    def key(self) -> tuple[str, Any, str]:
        return (self.response.url, self.response.fetched_at, self.digest)


class WarcImport:
    """Reads WARC files into the archive, batch by batch."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        files: WarcFiles,
        only: Sequence[str] = (),
        batch_size: int = BATCH_SIZE,
        progress: Callable[[WarcImportSummary], None] | None = None,
    ) -> None:
        self.engine = engine
        self.files = files
        self.only = set(only)
        self.batch_size = batch_size
        self.progress = progress
        self.summary = WarcImportSummary()
        with engine.connect() as connection:
            self.outlets = OutletsByHost(config, captures.outlet_bases(connection))
        self.outlet_ids: dict[str, int] = {}

    def run(self, paths: Iterable[Path]) -> WarcImportSummary:
        batch: list[_Page] = []
        try:
            for path in paths:
                self.summary.files += 1
                for page in self._pages(path):
                    batch.append(page)
                    if len(batch) >= self.batch_size:
                        self._store(batch)
                        batch = []
            if batch:
                self._store(batch)
        finally:
            self.files.close()
            merge_pending_list_after_load(self.engine)
        return self.summary

    def _pages(self, path: Path) -> Iterable[_Page]:
        """The HTML pages of one file that belong to the outlets asked for."""
        summary = self.summary
        try:
            for event in read_warc(path):
                summary.records += 1
                if isinstance(event, Unreadable):
                    summary.errors.append((Place(event.path, offset=event.offset), event.reason))
                elif isinstance(event, NotAPage) or not looks_like_html(event.body):
                    summary.not_pages += 1
                else:
                    outlet = self.outlets.name_of(event.url)
                    if self.only and outlet not in self.only:
                        summary.other_outlets += 1
                        continue
                    summary.pages += 1
                    yield _Page(event, outlet, payload_digest(event.body))
        except OSError as exc:
            summary.errors.append((Place(str(path)), f"cannot read: {exc.strerror or exc}"))

    def _store(self, batch: list[_Page]) -> None:
        """Extract, copy the articles' responses, then store articles and captures at once."""
        with self.engine.connect() as connection:
            done = captures.captured_already(connection, [page.key for page in batch])
            latest = captures.latest_of_urls(connection, [p.response.url for p in batch])
        rows: list[dict[str, Any]] = []
        fetches: list[dict[str, Any]] = []
        for page in batch:
            if page.key in done:
                self.summary.already += 1
                continue
            row = self._extract(page)
            if row is None:
                continue
            written = self.files.write(_fetch(page, row["url"]), _earlier(page, latest))
            latest[page.response.url] = (written.digest, written.fetched_at)
            rows.append({**row, "outlet": page.outlet})
            fetches.append({**written.capture_row(None), "article_url": row["url"]})
        if rows:
            self._write(rows, fetches)
        if self.progress is not None:
            self.progress(self.summary)

    def _extract(self, page: _Page) -> dict[str, Any] | None:
        response = page.response
        spider = self.outlets.spider(page.outlet)
        rebuilt = rebuilt_response(response.url, response.status, response.headers, response.body)
        try:
            row = read_article(spider, rebuilt)
        except Exception as exc:  # the outlet's extraction raised, as it may in a crawl
            logger.debug("could not read %s", response.url, exc_info=True)
            place = Place(response.path, offset=response.offset)
            self.summary.errors.append((place, f"{response.url}: extraction failed ({exc!r})"))
            return None
        if row is None:
            self.summary.not_articles += 1
        return row

    def _write(self, rows: list[dict[str, Any]], fetches: list[dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            grow_pending_list(connection)
            for row, fetch in zip(rows, fetches, strict=True):
                row["outlet_id"] = fetch["outlet_id"] = self._outlet_id(connection, row["outlet"])
            result = articles.store_articles(connection, rows)
            captures.record_captures(connection, fetches)
        self.summary.new += len(result.new)
        self.summary.updated += len(result.updated)
        self.summary.unchanged += len(result.unchanged)

    def _outlet_id(self, connection: Connection, name: str) -> int:
        """The outlet's id, adding the outlet (as its spider describes it) when new."""
        if name not in self.outlet_ids:
            found = articles.outlet_id(connection, name)
            if found is None:
                spider = self.outlets.spider(name)
                found = articles.upsert_outlet(connection, outlet_row(name, spider.outlet))
                self.summary.outlets_created.append(name)
            self.outlet_ids[name] = found
        return self.outlet_ids[name]


def _earlier(page: _Page, latest: dict[str, tuple[str, Any]]) -> Earlier | None:
    """The URL's latest capture, when it is no later than this page (a revisit refers back)."""
    found = latest.get(page.response.url)
    if found is None or found[1] > page.response.fetched_at:
        return None
    return Earlier(found[0], page.response.url, found[1])


def _fetch(page: _Page, article_url: str) -> Fetch:
    response = page.response
    metadata = {
        "outlet": page.outlet,
        "imported-from": response.path,
        "imported-offset": str(response.offset),
        "imported-record-id": response.record_id,
        "article-url": article_url,
    }
    return Fetch(
        url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.body,
        request_method="GET",
        request_headers=[],
        fetched_at=response.fetched_at,
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


def warc_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories walked for ``.warc`` and ``.warc.gz`` files (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.name.endswith(WARC_SUFFIXES) and p.is_file())
            )
        else:
            found.append(path)
    return found


def import_warcs(
    engine: Engine,
    config: Config,
    paths: Sequence[Path],
    *,
    only: Sequence[str] = (),
    batch_size: int = BATCH_SIZE,
    progress: Callable[[WarcImportSummary], None] | None = None,
) -> WarcImportSummary:
    """Import WARC files (directories walked) into the archive, copying the responses of
    the stored articles into the WARC folder a crawl of this configuration writes to."""
    settings = crawl_scrapy_settings(config)
    files = WarcFiles(
        warc_dir(settings, config.data_dir),
        "akhbar-import",
        settings.getint("AKHBAR_WARC_MAX_SIZE", DEFAULT_MAX_FILE_SIZE),
    )
    importer = WarcImport(engine, config, files, only, batch_size, progress)
    return importer.run(warc_paths(paths))
