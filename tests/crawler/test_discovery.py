"""Discovery reads what outlets publish: robots.txt, sitemap indexes, Google News sitemaps,
RSS and Atom, keeping the hints Scrapy's own sitemap parser drops."""

from __future__ import annotations

from pathlib import Path

from crawler.discovery import parse_feed, parse_sitemap, robots_sitemaps
from tests.support import FIXTURES

CASABLANCA = FIXTURES / "casablancatoday" / "site"
HAWAR = FIXTURES / "hawarnews" / "site"


def test_robots_txt_names_the_sitemap_index() -> None:
    assert robots_sitemaps((CASABLANCA / "robots.txt").read_bytes()) == [
        "https://www.casablancatoday.com/sitemap.xml"
    ]


def test_robots_sitemap_lines_are_case_insensitive() -> None:
    body = b"User-agent: *\nsitemap: https://a.example/s1.xml\nSITEMAP:https://a.example/s2.xml\n"
    assert robots_sitemaps(body) == ["https://a.example/s1.xml", "https://a.example/s2.xml"]


def test_sitemap_index_lists_child_sitemaps() -> None:
    sitemap = parse_sitemap((HAWAR / "sitemap.xml").read_bytes())
    assert sitemap is not None and sitemap.is_index
    assert [e.url for e in sitemap.entries] == [
        "https://www.hawarnews.com/sitemap-news.xml",
        "https://www.hawarnews.com/sitemap-posts-2019.xml",
        "https://www.hawarnews.com/sitemap-pages.xml",
    ]
    assert sitemap.entries[0].lastmod == "2019-12-11T18:12:00+02:00"


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    sitemap = parse_sitemap((CASABLANCA / "sitemaps" / "news.xml").read_bytes())
    assert sitemap is not None and not sitemap.is_index
    first = sitemap.entries[0]
    assert first.url == "https://www.casablancatoday.com/economy/2019/12/11/254098.html"
    assert first.published == "2019-12-11T09:30:00+00:00"
    assert first.title == 'سهم "أرامكو" يقفز 10 في المئة في أول أيام تداوله في البورصة السعودية'


def test_rss_items_keep_link_title_and_date() -> None:
    entries = parse_feed((HAWAR / "ar" / "rss.xml").read_bytes())
    assert entries is not None and len(entries) == 20
    assert entries[0].url.endswith("-h17346/?utm_source=rss&utm_medium=feed")
    assert entries[0].published and entries[0].published.startswith("Wed, 11 Dec 2019")


def test_atom_entries_use_the_alternate_link() -> None:
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><title>t</title><link rel="self" href="https://a.example/self"/>
      <link href="https://a.example/article"/><updated>2020-01-02T03:04:05Z</updated></entry>
      </feed>"""
    entries = parse_feed(body)
    assert entries is not None
    assert [(e.url, e.published) for e in entries] == [
        ("https://a.example/article", "2020-01-02T03:04:05Z")
    ]


def test_html_is_neither_a_sitemap_nor_a_feed() -> None:
    body = (CASABLANCA / "index.html").read_bytes()
    assert parse_sitemap(body) is None
    assert parse_feed(body) is None


def test_garbage_is_neither_a_sitemap_nor_a_feed() -> None:
    assert parse_sitemap(b"\x00\x01\x02 not xml") is None
    assert parse_feed(b"") is None


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    body = f"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://a.example/&xxe;</loc></url></urlset>""".encode()
    sitemap = parse_sitemap(body)
    assert sitemap is None or all("TOP-SECRET" not in e.url for e in sitemap.entries)
