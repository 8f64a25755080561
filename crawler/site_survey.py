"""What a site shows a spider author before any spider exists: ``akhbar new-outlet``.

:func:`survey` reads the home page, robots.txt, the sitemaps it names (or the
usual places), the feeds the home page advertises (or the usual places), and a
few article pages, and says what an outlet module should declare: where to
discover articles, which URL paths are articles (patterns learnt from the
sitemap and feed URLs), the language, the time zone when the pages state one,
and which fields the generic extraction fills on this site.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from lxml import html as lxml_html

from crawler import discovery
from crawler.extraction import read_page
from crawler.fetch import Fetched
from crawler.items import ArticleItem
from crawler.spiders.generic import FALLBACK_FEEDS, FALLBACK_SITEMAPS, looks_like_article_path
from crawler.urls import normalize_url

logger = logging.getLogger(__name__)

Fetch = Callable[[str], Fetched | None]
"""Gets a production URL, None when the site has no such page."""

SAMPLE_PAGES = 5
"""Article pages read to learn the language, zone and what the generic extraction fills."""
MAX_CHILD_SITEMAPS = 5
MAX_LISTINGS = 8
MAX_PATTERNS = 5
MAX_ALTERNATIVES = 12
"""A segment that takes at most this many values (sections) is written as their list."""

#: Fields the generic extraction may fill, as ``akhbar parse`` and crawl health name them.
FIELDS = ("title", "body", "published", "authors", "section", "tags", "image", "subtitle")

_ISO_WITH_OFFSET = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(?::\d\d(?:\.\d+)?)?\s*([+-]\d\d):?(\d\d)"
)
_GENERIC_TLDS = {"com", "net", "org", "info", "news", "io", "co", "tv", "me", "biz"}


@dataclass
class Survey:
    """What :func:`survey` learnt of a site."""

    base_url: str
    title: str
    language: str
    country: str | None = None
    timezone: str = "UTC"
    timezone_evidence: str = "no page states a UTC offset"
    sitemap_urls: list[str] = field(default_factory=list)
    """Sitemaps found at the usual places (those robots.txt names are read anyway)."""
    robots_sitemaps: list[str] = field(default_factory=list)
    feed_urls: list[str] = field(default_factory=list)
    listing_urls: list[str] = field(default_factory=list)
    article_urls: list[str] = field(default_factory=list)
    article_url_patterns: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    """Article pages read for the figures below."""
    filled: dict[str, int] = field(default_factory=dict)
    """Field -> how many sampled pages the generic extraction filled it on."""
    not_articles: list[str] = field(default_factory=list)
    """Sampled pages the generic extraction did not take for articles."""


def survey(url: str, fetch: Fetch) -> Survey:
    """Look at the site whose home (or start) page is ``url``."""
    parts = urlsplit(normalize_url(url))
    base = f"{parts.scheme}://{parts.netloc}/"
    home_page = fetch(url)
    home = _tree(home_page)
    found = Survey(base_url=base, title=_site_title(home, parts.hostname or ""), language="und")
    found.country = country_of(parts.hostname or "")

    robots = fetch(base + "robots.txt")
    found.robots_sitemaps = discovery.robots_sitemaps(robots.body) if robots else []
    entries = _sitemap_entries(found, fetch) + _feed_entries(found, home, fetch)
    candidates = [e.url for e in entries] + _links(home, url)
    found.article_urls = _article_urls(candidates, parts.hostname or "")
    found.article_url_patterns = learn_patterns(found.article_urls)
    found.listing_urls = [normalize_url(url), *_section_links(home, url)]
    _sample(found, fetch)
    declared = home.get("lang") if home is not None else None
    if declared:
        found.language = declared.split("-")[0].lower()
    return found


def _tree(page: Fetched | None) -> lxml_html.HtmlElement | None:
    if page is None or not page.body.strip():
        return None
    try:
        return lxml_html.document_fromstring(page.body)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _site_title(home: lxml_html.HtmlElement | None, host: str) -> str:
    if home is not None:
        for value in home.xpath("//meta[@property='og:site_name']/@content | //title/text()"):
            if value.strip():
                return " ".join(value.split())
    return host


def country_of(host: str) -> str | None:
    """ISO country of a country-code domain (``.ma`` -> ``MA``), None for ``.com`` and such."""
    tld = host.rsplit(".", 1)[-1].lower()
    return tld.upper() if len(tld) == 2 and tld not in _GENERIC_TLDS else None


def _sitemap_entries(found: Survey, fetch: Fetch) -> list[discovery.Entry]:
    """Entries of the sitemaps robots.txt names, else of those at the usual places."""
    named = list(found.robots_sitemaps)
    if not named:
        for path in FALLBACK_SITEMAPS:
            page = fetch(found.base_url.rstrip("/") + path)
            if page is not None and discovery.parse_sitemap(page.body) is not None:
                found.sitemap_urls.append(page.url)
        named = found.sitemap_urls
    entries: list[discovery.Entry] = []
    for url in named:
        page = fetch(url)
        sitemap = discovery.parse_sitemap(page.body) if page else None
        if sitemap is None:
            continue
        if not sitemap.is_index:
            entries += sitemap.entries
            continue
        # The newest sitemaps of an index are enough to learn the article URLs' shape.
        for child in sitemap.entries[-MAX_CHILD_SITEMAPS:]:
            child_page = fetch(child.url)
            parsed = discovery.parse_sitemap(child_page.body) if child_page else None
            if parsed is not None and not parsed.is_index:
                entries += parsed.entries
    return entries


def _feed_entries(
    found: Survey, home: lxml_html.HtmlElement | None, fetch: Fetch
) -> list[discovery.Entry]:
    """Entries of the feeds the home page advertises, else of those at the usual places."""
    advertised = feed_links(home, found.base_url) if home is not None else []
    usual = [found.base_url.rstrip("/") + path for path in FALLBACK_FEEDS]
    entries: list[discovery.Entry] = []
    for url in advertised or usual:
        page = fetch(url)
        parsed = discovery.parse_feed(page.body) if page else None
        if parsed is not None:
            found.feed_urls.append(url)
            entries += parsed
    return entries


def feed_links(home: lxml_html.HtmlElement, base: str) -> list[str]:
    """RSS/Atom feeds named by ``<link rel="alternate" type="application/rss+xml">``."""
    found: list[str] = []
    for el in home.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        kind = (el.get("type") or "").lower()
        href = (el.get("href") or "").strip()
        if "alternate" in rel and kind in ("application/rss+xml", "application/atom+xml") and href:
            url = normalize_url(href, base=base)
            if url not in found:
                found.append(url)
    return found


def _links(tree: lxml_html.HtmlElement | None, base: str) -> list[str]:
    if tree is None:
        return []
    return [normalize_url(h.strip(), base=base) for h in tree.xpath("//a/@href") if h.strip()]


def _section_links(home: lxml_html.HtmlElement | None, base: str) -> list[str]:
    """Links of the home page's menu (``nav``, ``header``) to the site's sections."""
    if home is None:
        return []
    host = urlsplit(base).hostname
    found: list[str] = []
    for href in home.xpath("//nav//a/@href | //header//a/@href"):
        url = normalize_url(href.strip(), base=base)
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if parts.hostname != host or len(segments) != 1 or parts.query:
            continue
        if looks_like_article_path(parts.path) or url in found:
            continue
        found.append(url)
    return found[:MAX_LISTINGS]


def _article_urls(urls: Iterable[str], host: str) -> list[str]:
    """Same-host URLs shaped like articles, in order, once each."""
    found: dict[str, None] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.hostname == host and looks_like_article_path(parts.path, parts.query):
            found.setdefault(normalize_url(url))
    return list(found)


# ----------------------------------------------------------------------------- URL patterns


def _shape(segment: str) -> str:
    if segment.isdigit():
        return "digits"
    match = re.fullmatch(r"\d+(\.\w+)", segment)
    return f"digits{match.group(1)}" if match else "word"


def learn_patterns(urls: Iterable[str]) -> list[str]:
    """Regular expressions of article paths, learnt from example article URLs.

    Paths with the same number of segments and the same shape of each (digits,
    ``digits.html``, a word) are one group; each segment of a group becomes its
    one value, its few values (sections), ``\\d{n}``/``\\d+`` or ``[^/]+``. The
    most common groups are kept, and a group of a single URL only when few URLs
    are known.
    """
    groups: dict[tuple[object, ...], list[list[str]]] = {}
    for url in urls:
        path = urlsplit(url).path
        segments = [s for s in path.split("/") if s]
        key = (len(segments), path.endswith("/"), tuple(_shape(s) for s in segments))
        groups.setdefault(key, []).append(segments)
    total = sum(len(v) for v in groups.values())
    ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    patterns = []
    for (_, slash, shapes), members in ranked[:MAX_PATTERNS]:
        if len(members) < 2 and total >= 2 * MAX_PATTERNS:
            continue
        parts = [_segment_pattern(shape, [m[i] for m in members]) for i, shape in enumerate(shapes)]
        patterns.append("^/" + "/".join(parts) + ("/" if slash else "") + "$")
    return patterns


def _segment_pattern(shape: str, values: list[str]) -> str:
    distinct = sorted(set(values))
    if len(distinct) == 1 and shape == "word":
        return re.escape(distinct[0])
    if shape == "digits":
        lengths = {len(v) for v in values}
        return rf"\d{{{lengths.pop()}}}" if len(lengths) == 1 else r"\d+"
    if shape.startswith("digits"):
        return r"\d+" + re.escape(shape.removeprefix("digits"))
    if len(distinct) <= min(MAX_ALTERNATIVES, len(values) // 2):
        return "(?:" + "|".join(re.escape(v) for v in distinct) + ")"
    return "[^/]+"


# ----------------------------------------------------------------------------- sample pages


def _sample(found: Survey, fetch: Fetch) -> None:
    """Read a few article pages: fields the generic extraction fills, language, zone."""
    found.filled = dict.fromkeys(FIELDS, 0)
    languages: Counter[str] = Counter()
    offsets: list[tuple[datetime, timedelta]] = []
    for url in found.article_urls[:SAMPLE_PAGES]:
        page = fetch(url)
        if page is None:
            continue
        found.samples.append(url)
        offsets += stated_offsets(page.body)
        extraction = read_page(page.body, url)
        if extraction is None:
            found.not_articles.append(url)
            continue
        for name in FIELDS:
            found.filled[name] += bool(field_value(extraction.item, name))
        if extraction.item.language:
            languages[extraction.item.language] += 1
    if languages:
        found.language = languages.most_common(1)[0][0]
    zone = zone_for(offsets, found.country)
    if zone is not None:
        found.timezone, found.timezone_evidence = zone


def field_value(item: ArticleItem, name: str) -> object:
    """The value of one of :data:`FIELDS` on an item."""
    if name == "published":
        return item.published_at or item.published_date
    if name == "image":
        return item.image_url
    return getattr(item, name)


def stated_offsets(body: bytes) -> list[tuple[datetime, timedelta]]:
    """Local times with a UTC offset written in a page (``2019-11-14T19:10:00+02:00``)."""
    text = body.decode("utf-8", "replace")
    found = []
    for day, clock, hours, minutes in _ISO_WITH_OFFSET.findall(text):
        sign = -1 if hours.startswith("-") else 1
        offset = sign * timedelta(hours=abs(int(hours)), minutes=int(minutes))
        try:
            found.append((datetime.fromisoformat(f"{day}T{clock}"), offset))
        except ValueError:
            continue
    return found


def zone_for(
    stated: list[tuple[datetime, timedelta]], country: str | None
) -> tuple[str, str] | None:
    """An IANA zone agreeing with every offset the pages state at their times, and why.

    The zones of the site's country come first; else a fixed ``Etc/GMT`` zone when
    the pages state one whole-hour offset. None when the pages state none, or only UTC.
    """
    offsets = {offset for _, offset in stated}
    if not offsets or offsets == {timedelta(0)}:
        return None
    evidence = "pages state " + ", ".join(sorted(_offset_text(o) for o in offsets))
    for zone in zones_of(country):
        tz = ZoneInfo(zone)
        if all(local.replace(tzinfo=tz).utcoffset() == offset for local, offset in stated):
            return zone, f"{evidence}, as {zone} does on those days"
    if len(offsets) == 1:
        offset = offsets.pop()
        hours, rest = divmod(offset, timedelta(hours=1))
        if not rest and hours:
            # Etc/ zones count the other way round: Etc/GMT-2 is two hours ahead of UTC.
            return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}", evidence
    return None


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zones_of(country: str | None) -> list[str]:
    """IANA zones of a country, from the zone.tab of the time zone database."""
    if not country:
        return []
    for table in _zone_tables():
        zones = [
            columns[2]
            for line in table.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#") and len(columns := line.split("\t")) >= 3
            if columns[0] == country
        ]
        if zones:
            return [z for z in zones if z in available_timezones()]
    return []


def _zone_tables() -> list[Path]:
    tables = [Path("/usr/share/zoneinfo/zone.tab")]
    try:
        import tzdata

        tables.insert(0, Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:
        pass
    return [t for t in tables if t.is_file()]
