"""The module ``akhbar new-outlet`` writes: a spider filled in from a site survey.

Like ``scrapy genspider -t``, a template (``crawler/templates/outlet_spider.py.tmpl``)
with the site's particulars put in; here they come from
:func:`crawler.site_survey.survey` rather than from the command line.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from crawler.site_survey import FIELDS, Survey

TEMPLATE = Path(__file__).parent / "templates" / "outlet_spider.py.tmpl"
OUTLET_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class BadOutletName(ValueError):
    """Not usable as a spider, module and fixture folder name."""


def check_name(name: str) -> str:
    if not OUTLET_NAME.match(name):
        raise BadOutletName(
            f"{name!r}: an outlet name is lower-case letters, digits and _ (it names the "
            "spider, its module and its fixtures folder)"
        )
    return name


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Spider"


def _string(value: str) -> str:
    """A Python string literal in double quotes, the way ruff formats them."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pattern(regex: str) -> str:
    """A regular expression as a raw string literal when it has backslashes."""
    if "\\" in regex and '"' not in regex:
        return f'r"{regex}"'
    return _string(regex)


def _urls(urls: list[str], origin: str) -> str:
    """A tuple literal of URLs, written ``f"{ORIGIN}/path"`` on the site's origin."""
    items = [
        f'f"{{ORIGIN}}{u[len(origin) :]}"' if u.startswith(origin + "/") else _string(u)
        for u in urls
    ]
    return _tuple(items)


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    if len(items) == 1:
        return f"({items[0]},)"
    return "(\n" + "".join(f"            {item},\n" for item in items) + "        )"


def _fill_table(found: Survey) -> str:
    sampled = len(found.samples) - len(found.not_articles)
    if not sampled:
        return "    (no article page could be read)"
    return "\n".join(
        f"    {name:<10} {found.filled.get(name, 0)}/{sampled} pages" for name in FIELDS
    )


def _survey_table(found: Survey) -> str:
    rows = [
        (
            "sitemaps",
            f"{len(found.robots_sitemaps)} named by robots.txt, "
            f"{len(found.sitemap_urls)} more at the usual places",
        ),
        ("feeds", f"{len(found.feed_urls)}"),
        ("listings", f"{len(found.listing_urls)} pages (the start page, the menu's sections)"),
        ("articles", f"{len(found.article_urls)} URLs seen; the patterns are learnt from them:"),
        ("", "check that they match every article and no other page"),
        ("time zone", f"{found.timezone} ({found.timezone_evidence})"),
    ]
    return "\n".join(f"    {name:<10} {text}".rstrip() for name, text in rows)


def render(name: str, found: Survey, today: date | None = None) -> str:
    """The source of the spider module for outlet ``name``."""
    origin = found.base_url.rstrip("/")
    patterns = [_pattern(p) for p in found.article_url_patterns]
    values = {
        "name": check_name(name),
        "class_name": class_name(name),
        "title": found.title.replace('"""', "'''"),
        "title_literal": _string(found.title),
        "host": urlsplit(found.base_url).hostname or origin,
        "day": (today or date.today()).isoformat(),
        "sampled": str(len(found.samples)),
        "fill_table": _fill_table(found),
        "survey_table": _survey_table(found),
        "origin": _string(origin),
        "language": _string(found.language),
        "country": _string(found.country) if found.country else "None",
        "timezone": _string(found.timezone),
        "sitemap_urls": _urls(found.sitemap_urls, origin),
        "feed_urls": _urls(found.feed_urls, origin),
        "listing_urls": _urls(found.listing_urls, origin),
        "article_url_patterns": _tuple(patterns),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)
