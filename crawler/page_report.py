"""What a spider reads from one page, and why a page is not an article: ``akhbar parse``.

Runs the spider's own ``parse_article`` on one response, as a crawl would (but
with no engine, pipelines or database), and explains a None with what can be
seen: an empty or non-HTML page, a page that asks not to be indexed or
redirects, a URL shaped like a listing, selectors stricter than the generic
extraction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extraction import extract_article
from crawler.items import ArticleItem
from crawler.meta_tags import is_noindex, refresh_target
from crawler.spiders.base import OutletSpider, looks_like_html
from crawler.spiders.generic import looks_like_article_path


@dataclass
class PageReport:
    url: str
    item: ArticleItem | None
    article_url: bool
    """Whether the URL matches the spider's article patterns (a crawl fetches it as one)."""
    reasons: list[str] = field(default_factory=list)
    """Why the page gave no article."""


def read(spider: OutletSpider, url: str, body: bytes) -> PageReport:
    """Run ``spider.parse_article`` on ``body`` served as ``url``."""
    report = PageReport(url=url, item=None, article_url=spider.is_article_url(url))
    if not body.strip():
        report.reasons.append("the page is empty")
        return report
    if not looks_like_html(body):
        report.reasons.append("the page is not HTML")
        return report
    response = HtmlResponse(url=url, body=body)
    report.item = spider.parse_article(response)
    if report.item is None:
        report.reasons = _why_not(spider, response)
    return report


def _why_not(spider: OutletSpider, response: HtmlResponse) -> list[str]:
    reasons = [f"{spider.name}.parse_article returned None"]
    if extract_article(response.body, response.url) is not None:
        reasons.append(
            "the generic extraction does read an article here: the spider's own code rejects it"
        )
        return reasons
    selector = Selector(text=response.text)
    if is_noindex(selector):
        reasons.append("the page asks not to be indexed (robots noindex: print copies, drafts)")
    if refresh_target(selector):
        reasons.append("the page redirects elsewhere (meta refresh: a short link)")
    if not selector.css("h1") and not selector.css("title::text").get("").strip():
        reasons.append("the page has no headline")
    parts = urlsplit(response.url)
    if not looks_like_article_path(parts.path, parts.query):
        reasons.append("its URL has the shape of a home, listing, tag or static page")
    if len(reasons) == 1:
        reasons.append(
            "the generic extraction finds no article either: its text and markup read as a "
            "listing or another kind of page (few prose paragraphs, many headline links, no date)"
        )
    return reasons


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_dict(report: PageReport) -> dict[str, Any]:
    """The report as JSON-ready data: every item field, dates in ISO 8601."""
    item = report.item
    fields = {k: _jsonable(v) for k, v in dataclasses.asdict(item).items()} if item else None
    return {
        "url": report.url,
        "is_article": item is not None,
        "article_url": report.article_url,
        "item": fields,
        "reasons": report.reasons,
    }


def as_text(report: PageReport) -> str:
    """One field per line, the body last; or the reasons the page gave no article."""
    lines = [f"url            {report.url}"]
    pattern_note = "matches" if report.article_url else "matches none of"
    lines.append(f"article URL    {pattern_note} the spider's article_url_patterns")
    if report.item is None:
        lines.append("not an article:")
        lines += [f"  - {reason}" for reason in report.reasons]
        return "\n".join(lines)
    data = as_dict(report)["item"]
    body = data.pop("body")
    for name, value in data.items():
        if name == "url":
            name = "canonical url"
        shown = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"{name:<14} {'—' if shown in (None, '') else shown}")
    paragraphs = body.split("\n\n")
    lines.append(f"body           {len(paragraphs)} paragraphs, {len(body)} characters:")
    lines += ["", body]
    return "\n".join(lines)
