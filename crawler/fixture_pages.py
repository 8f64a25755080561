"""Saved pages of an outlet and their truth files: ``akhbar fixture save``.

Layout (the regression suite of every outlet reads it: tests/crawler/test_outlet_extraction.py)::

    <fixtures>/<outlet>/site/<URL path>          the page as fetched (folders: index.html)
    <fixtures>/<outlet>/site/_truth/<slug>.json  what the page holds, written by a person
    <fixtures>/<outlet>/site/_truth/index.json   the outlet, its origin and zone, every page

A truth file is first written from what the spider extracts now: its author
reads it against the page and corrects it. Saving a page again keeps its truth
file (it may have been corrected) unless asked to rewrite it.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.items import ArticleItem
from crawler.page_report import PageReport
from crawler.spiders.base import OutletSpider

_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Saved:
    """One page saved: where, its truth file, and whether the spider read an article."""

    url_path: str
    page: Path
    truth: Path
    is_article: bool
    truth_written: bool


def page_file(site_root: Path, url_path: str) -> Path:
    """The saved file answering ``url_path`` (percent-decoded; folders answer with index.html)."""
    relative = unquote(url_path).lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    path = (site_root / relative).resolve()
    if not path.is_relative_to(site_root.resolve()):
        raise ValueError(f"{url_path!r} leaves the saved site")
    return path


def slug(url_path: str) -> str:
    """A truth file's name for a page: its last path segment, without extension."""
    segments = [s for s in unquote(url_path).split("/") if s]
    if not segments:
        return "home"
    stem = segments[-1].rsplit(".", 1)[0] if "." in segments[-1] else segments[-1]
    return _UNSAFE.sub("-", stem).strip("-").lower() or "page"


def _when(item: ArticleItem) -> str | None:
    if item.published_at is not None:
        return item.published_at.isoformat()
    return item.published_date.isoformat() if item.published_date else None


def truth_record(spider: OutletSpider, url_path: str, report: PageReport) -> dict[str, Any]:
    """The truth of a page as the spider reads it now; its author corrects it."""
    item = report.item
    if item is None:
        return {
            "url_path": url_path,
            "title": None,
            "is_article": False,
            "page_type": "other",
            "why_not_article": report.reasons,
            "outlet": spider.name,
        }
    return {
        "url_path": url_path,
        "title": item.title,
        "subtitle": item.subtitle,
        "body": item.body,
        "published": _when(item),
        "modified": item.modified_at.isoformat() if item.modified_at else None,
        "author": list(item.authors) or None,
        "section": item.section,
        "tags": list(item.tags),
        "language": item.language,
        "is_article": True,
        "page_type": "article",
        "story_key": None,
        "dateline": item.dateline,
        "outlet": spider.name,
        "edge_cases": [],
        "syndicated_copy": False,
        "revision": None,
    }


class FixtureSite:
    """The saved site of one outlet under ``<fixtures>/<outlet>/site``."""

    def __init__(self, fixtures: Path, spider: OutletSpider) -> None:
        self.spider = spider
        self.outlet_dir = fixtures / spider.name
        self.root = self.outlet_dir / "site"
        self.truth_dir = self.root / "_truth"
        self.index_path = self.truth_dir / "index.json"
        self.origin = spider.outlet.base_url.rstrip("/")

    def url_path(self, url: str) -> str:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            raise ValueError(f"{url} is not on {self.spider.name}'s origin {self.origin}")
        return parts.path or "/"

    def index(self) -> dict[str, Any]:
        if self.index_path.is_file():
            return json.loads(self.index_path.read_text(encoding="utf-8"))
        outlet = self.spider.outlet
        return {
            "outlet": self.spider.name,
            "outlet_name": outlet.title,
            "production_origin": self.origin,
            "timezone": outlet.timezone,
            "counts": {},
            "entries": [],
        }

    def save(self, url: str, body: bytes, report: PageReport, rewrite_truth: bool) -> Saved:
        """Write the page, its truth file (unless one exists) and its index entry."""
        url_path = self.url_path(url)
        page = page_file(self.root, url_path)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(body)
        index = self.index()
        entry = next((e for e in index["entries"] if e["url_path"] == url_path), None)
        truth_name = entry["truth"] if entry else self._new_truth_name(index, url_path, report)
        truth_path = self.root / truth_name
        write = rewrite_truth or not truth_path.is_file()
        if write:
            record = truth_record(self.spider, url_path, report)
            truth_path.parent.mkdir(parents=True, exist_ok=True)
            truth_path.write_text(render(record), encoding="utf-8")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        new_entry = {
            "url_path": url_path,
            "truth": truth_name,
            "is_article": truth["is_article"],
            "page_type": truth.get("page_type", "article" if truth["is_article"] else "other"),
            "title": truth.get("title"),
            "story_key": truth.get("story_key"),
        }
        index["entries"] = [e for e in index["entries"] if e["url_path"] != url_path]
        index["entries"].append(new_entry)
        self._write_index(index)
        return Saved(url_path, page, truth_path, truth["is_article"], write)

    def _new_truth_name(self, index: dict[str, Any], url_path: str, report: PageReport) -> str:
        taken = {e["truth"] for e in index["entries"]}
        stem = slug(url_path) if report.item is not None else f"page-{slug(url_path)}"
        name, n = f"_truth/{stem}.json", 2
        while name in taken or (self.root / name).exists():
            name, n = f"_truth/{stem}-{n}.json", n + 1
        return name

    def _write_index(self, index: dict[str, Any]) -> None:
        """The index with its entries in path order and its counts up to date."""
        entries = sorted(index["entries"], key=lambda e: e["url_path"])
        articles = sum(e["is_article"] for e in entries)
        index["entries"] = entries
        index["counts"] = {
            "pages": len(entries),
            "articles": articles,
            "non_articles": len(entries) - articles,
        }
        self.truth_dir.mkdir(parents=True, exist_ok=True)
        self.index_path.write_text(render(index), encoding="utf-8")


def render(content: dict[str, Any]) -> str:
    """JSON as the fixtures write it: indented, Arabic as is."""
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def write_expected(fixtures: Path, outlet_dir: Path) -> Iterator[Path]:
    """Regenerate the outlet's expected items with ``<fixtures>/make_expected.py``, if present.

    The expected items are what the regression suite compares with; they come from
    the truth files, never from the spider, so they are regenerated, not written here.
    """
    script = fixtures / "make_expected.py"
    if not script.is_file():
        return
    spec = importlib.util.spec_from_file_location("make_expected", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path, content in module.expected_files(outlet_dir):
        text = module.render(content)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            yield path
