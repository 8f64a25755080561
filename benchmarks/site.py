"""A generated copy of casablancatoday.com with N articles, for the crawl benchmarks.

The pages, feeds and sitemaps have the shape of the saved casablancatoday pages
(``tests/fixtures/casablancatoday/site``, ``../shared/outlets/casablancatoday``), so the real
``casablancatoday`` spider crawls it unchanged through the host map: ``robots.txt`` names the
sitemap index, which lists a Google News sitemap, one sitemap per month and a sitemap of
pages; ``rss.xml`` has the newest 20 articles; ``/latest/`` and each section paginate
(``/<section>/page/N/``); every location in feeds and sitemaps is on the production origin.

Article texts are real Arabic news (titles and bodies) from ``../shared/corpora/`` when it is
there, read at run time; otherwise pseudo-Arabic text is generated. Article ``i`` is the same
page whatever N is, and its page never mentions newer articles, so a site of N + k articles
is the site of N plus k new pages and rewritten indexes (:func:`write_site` with ``first``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ORIGIN = "https://www.casablancatoday.com"
HOST = "www.casablancatoday.com"
SITE_TITLE = "الدار البيضاء اليوم"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "arabic-news.jsonl.gz"

#: URL section -> label shown on the page (as on the saved site).
SECTIONS = {
    "morocco": "أخبار المغرب",
    "world": "عربي ودولي",
    "economy": "اقتصاد",
    "sport": "رياضة",
    "culture": "ثقافة وفنون",
    "opinion": "مقالات الرأي",
}
FIRST_ID = 300_000
#: Article i is published at START + i * STEP (GMT, like every time on the site).
START = dt.datetime(2019, 1, 1, 6, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=17)
PER_PAGE = 20  # articles per listing page
NEWS_SITEMAP_SIZE = 1000  # Google News sitemaps hold at most 1,000 URLs
RSS_SIZE = 20

_WEEKDAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
#: Levantine and Egyptian month names as the site writes them (April and May reversed).
_MONTHS = (
    "كانون الثاني / يناير",
    "شباط / فبراير",
    "آذار / مارس",
    "إبريل / نيسان",
    "أيار / مايو",
    "حزيران / يونيو",
    "تموز / يوليو",
    "آب / أغسطس",
    "أيلول / سبتمبر",
    "تشرين الأول / أكتوبر",
    "تشرين الثاني / نوفمبر",
    "كانون الأول / ديسمبر",
)
_DATELINES = ("الرباط ـ المغرب اليوم", "الدار البيضاء ـ المغرب اليوم", "واشنطن ـ المغرب اليوم")
_AUTHORS = ("سناء بنصالح", "محمد الإدريسي", "فاطمة الزهراء")
_TAGS = ("المغرب", "الرباط", "الاقتصاد", "الرياضة", "سورية", "واشنطن", "الثقافة", "النفط")


@dataclass(frozen=True)
class Text:
    """A title and its body paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One generated article page and what it says."""

    index: int
    id: int
    section: str
    title: str
    paragraphs: tuple[str, ...]
    published: dt.datetime
    subtitle: str | None
    author: str | None
    tags: tuple[str, ...]

    @property
    def path(self) -> str:
        if self.section == "opinion":  # opinion columns carry no date in the URL
            return f"/opinion/{self.id}.html"
        return f"/{self.section}/{self.published:%Y/%m/%d}/{self.id}.html"

    @property
    def url(self) -> str:
        return ORIGIN + self.path


@dataclass(frozen=True)
class SiteInfo:
    """What :func:`write_site` wrote."""

    root: Path
    articles: int
    article_bytes: int  # total size of the article pages written by this call
    article_pages_written: int
    discovery_paths: tuple[str, ...]  # robots.txt, sitemaps, feed and listings: all of them
    text_source: str  # "corpus:<path>" or "generated"


def load_texts(corpus: Path | None = CORPUS, limit: int = 20_000) -> tuple[list[Text], str]:
    """Real titles and bodies from the corpus (deterministic order), else generated ones."""
    if corpus is not None and corpus.is_file():
        texts: list[Text] = []
        with gzip.open(corpus, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                title, body = record.get("title"), record.get("body") or ""
                paragraphs = tuple(p.strip() for p in body.split("\n") if p.strip())
                # Short items (captions, briefs) would make the site unlike a news site.
                if title and len(body) >= 600 and len(paragraphs) >= 2:
                    texts.append(Text(title.strip(), paragraphs))
                if len(texts) >= limit:
                    break
        if texts:
            random.Random(6).shuffle(texts)  # mix the outlets; same order on every run
            return texts, f"corpus:{corpus}"
    return _generated_texts(limit=2_000), "generated"


def _generated_texts(limit: int) -> list[Text]:
    """Pseudo-Arabic texts of news length, for machines without the corpus."""
    rng = random.Random(6)
    words = [
        "".join(rng.choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(rng.randint(2, 7)))
        for _ in range(3_000)
    ]

    def sentence(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    return [
        Text(
            sentence(rng.randint(6, 12)),
            tuple(sentence(rng.randint(25, 60)) + "." for _ in range(rng.randint(4, 10))),
        )
        for _ in range(limit)
    ]


def article(index: int, texts: Sequence[Text]) -> Article:
    """Article ``index`` of the site: depends on ``index`` alone, never on the site's size."""
    text = texts[index % len(texts)]
    sections = list(SECTIONS)
    return Article(
        index=index,
        id=FIRST_ID + index,
        section=sections[index % len(sections)],
        title=text.title,
        paragraphs=text.paragraphs,
        published=START + index * STEP,
        # Half the pages have the h2 subtitle that the site shows above the title.
        subtitle=" ".join(text.paragraphs[0].split()[:12]) if index % 2 else None,
        author=_AUTHORS[index % 3] if index % 3 == 0 else None,
        tags=tuple(_TAGS[(index + j) % len(_TAGS)] for j in range(3)),
    )


def arabic_date(when: dt.datetime) -> str:
    """``GMT 06:25 2019 الخميس ,07 شباط / فبراير``, the site's publication line."""
    return (
        f"GMT {when:%H:%M} {when.year} {_WEEKDAYS[when.weekday()]} ,{when:%d} "
        f"{_MONTHS[when.month - 1]}"
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _head(title: str, canonical: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} - {SITE_TITLE}</title>\n"
        f'<link rel="canonical" href="{canonical}">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_TITLE}" href="/rss.xml">\n'
        '<link rel="stylesheet" href="/assets/css/style.css">\n'
        f"{extra}"
        '<script src="/assets/js/app.js" defer></script>\n</head>\n'
    )


_MENU = "".join(f'<li><a href="/{s}/">{label}</a></li>' for s, label in SECTIONS.items())
_TOP = (
    '<div class="top-bar"><div class="container"><span class="last-update">'
    "آخر تحديث GMT 06:25:28</span></div></div>\n"
    '<header class="site-header"><div class="container"><a class="logo" href="/">'
    '<img src="/assets/images/logo.png" alt="casablancatoday" width="220" height="60"></a>\n'
    f'<div class="site-title">{SITE_TITLE}  -</div></div></header>\n'
    '<nav class="main-menu"><div class="container"><ul><li><a href="/">الرئيسية</a></li>'
    f'{_MENU}<li><a href="/latest/">آخر الأخبار</a></li></ul></div></nav>\n'
)
_FOOTER = (
    '<footer class="site-footer"><div class="container"><ul class="footer-links">'
    '<li><a href="/about-us.html">من نحن</a></li><li><a href="/contact-us.html">اتصل بنا</a></li>'
    '<li><a href="/rss.xml">RSS</a></li><li><a href="/admin/" rel="nofollow">دخول المحررين</a>'
    '</li></ul><div class="copyright"><p>جميع الحقوق محفوظة لمجموعة العرب اليوم الاعلامية 2023 ©'
    "</p></div></div></footer>\n</body>\n</html>\n"
)


def article_page(art: Article, texts: Sequence[Text], page_bytes: int) -> str:
    """The article's page, laid out as the saved casablancatoday pages, about ``page_bytes``."""
    label = SECTIONS[art.section]
    published = art.published.isoformat()
    meta = (
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{_e(art.title)}">\n'
        f'<meta property="og:url" content="{art.url}">\n'
        f'<meta property="og:image" content="{ORIGIN}/uploads/images/{art.id}.jpg">\n'
        f'<meta property="article:published_time" content="{published}">\n'
        f'<meta property="article:section" content="{label}">\n'
        + "".join(f'<meta property="article:tag" content="{_e(t)}">\n' for t in art.tags)
    )
    paragraphs = [f"<p>{_e(p)}</p>" for p in art.paragraphs]
    if art.index > 0:  # a "read also" line inside the body, linking to an older article
        older = article(art.index - 1, texts)
        paragraphs.insert(
            min(2, len(paragraphs)),
            f'<p><strong>أقرأ أيضًا:</strong><a href="{older.path}">{_e(older.title)}</a></p>',
        )
    writer = (
        f'<div class="article-writer">بقلم: <span class="writer-name">{art.author}</span></div>\n'
        if art.author
        else ""
    )
    tags = " ".join(f'<a href="/tag/{quote(t.replace(" ", "-"))}/">{_e(t)}</a>' for t in art.tags)
    related = "".join(
        f'<div class="related-item"><div class="related-date">{arabic_date(older.published)}'
        f'</div><h4><a href="{older.url}">{_e(older.title)}</a></h4></div>\n'
        for older in (article(j, texts) for j in range(max(0, art.index - 15), art.index))
    )
    page = (
        _head(art.title, art.url, meta)
        + '<body class="article-page">\n'
        + _TOP
        + '<main class="container main-content"><div class="row">\n<div class="col-md-8">\n'
        + f'<article class="article-details" id="article-{art.id}">\n'
        + f'<div class="article-category"><a href="/{art.section}/">{label}</a></div>\n'
        + (f'<h2 class="article-subtitle">{_e(art.subtitle)}</h2>\n' if art.subtitle else "")
        + f'<h1 class="article-title">{_e(art.title)}</h1>\n'
        + f'<div class="article-source">{SITE_TITLE}  -</div>\n'
        + f'<div class="article-date"><i class="icon-clock"></i> {arabic_date(art.published)}'
        + "</div>\n"
        + writer
        + f'<figure class="article-image"><img src="/uploads/images/{art.id}.jpg" alt="" '
        + 'width="760" height="428"></figure>\n<div class="article-body">\n'
        + f'<p class="article-dateline"><strong>{_DATELINES[art.index % 3]}</strong></p>\n'
        + "\n".join(paragraphs)
        + "\n</div>\n"
        + f'<div class="article-tags"><span>الكلمات الدالة:</span> {tags}</div>\n'
        + f'<div class="article-tools"><a href="/print/{art.id}.html" rel="nofollow">طباعة</a>'
        + "</div>\n</article>\n"
        + f'<section class="related-news">\n{related}</section>\n</div>\n</div></main>\n'
    )
    return page + _padding(page_bytes - len(page.encode()) - len(_FOOTER.encode())) + _FOOTER


def _padding(size: int) -> str:
    """Inline ad configuration script, the usual bulk of a real news page, up to ``size``."""
    if size <= 0:
        return ""
    slot = '{"slot":"div-gpt-ad-0000000000000-0","sizes":[[300,250],[728,90]],"refresh":30},'
    body = (slot * (size // len(slot) + 1))[: max(0, size - 40)]
    return f"<script>window.adSlots=[{body}];</script>\n"


def listing_page(name: str, title: str, items: Sequence[Article], page: int, pages: int) -> str:
    """One page of a listing (``/latest/`` or a section), with the site's pagination."""
    base = f"/{name}/"

    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    cards = "".join(
        f'<div class="news-item"><a class="thumb" href="{a.path}"><img src="/uploads/images/'
        f'{a.id}.jpg" alt="" width="300" height="170" loading="lazy"></a><div class="news-info">'
        f'<div class="news-date">{arabic_date(a.published)}</div><h3><a href="{a.path}">'
        f'{_e(a.title)}</a></h3><p class="excerpt">{_e(a.paragraphs[0][:150])}...</p></div></div>\n'
        for a in items
    )
    links = []
    if page > 1:
        links.append(f'<a class="prev" rel="prev" href="{href(page - 1)}">السابق</a>')
    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    for n in window:
        links.append(
            f'<span class="current">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>'
        )
    if page < pages:
        links.append(f'<a class="next" rel="next" href="{href(page + 1)}">التالي</a>')
    canonical = ORIGIN + href(page)
    return (
        _head(title, canonical)
        + '<body class="list-page">\n'
        + _TOP
        + '<main class="container main-content"><div class="row">\n<div class="col-md-8">\n'
        + f'<h1 class="page-title">{title}</h1>\n<div class="news-list">\n{cards}</div>\n'
        + f'<nav class="pagination">{" ".join(links)}</nav>\n</div>\n</div></main>\n'
        + _FOOTER
    )


def _xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def _urlset(articles: Sequence[Article]) -> str:
    entries = "".join(
        f"<url><loc>{a.url}</loc><lastmod>{a.published.isoformat()}</lastmod></url>\n"
        for a in articles
    )
    return _xml(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )


def _news_sitemap(articles: Sequence[Article]) -> str:
    entries = "".join(
        f"<url><loc>{a.url}</loc><news:news><news:publication><news:name>{SITE_TITLE}"
        "</news:name><news:language>ar</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{_e(a.title)}</news:title></news:news></url>\n"
        for a in articles
    )
    return _xml(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{entries}</urlset>\n"
    )


def _rss(articles: Sequence[Article]) -> str:
    items = "".join(
        f"<item>\n<title>{_e(a.title)}</title>\n<link>{a.url}</link>\n"
        f'<guid isPermaLink="false">casablancatoday-{a.id}</guid>\n'
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S +0000}</pubDate>\n"
        f"<category>{SECTIONS[a.section]}</category>\n"
        f"<description><![CDATA[{a.paragraphs[0][:300]}]]></description>\n</item>\n"
        for a in articles
    )
    return _xml(
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{SITE_TITLE}</title>\n<link>{ORIGIN}/</link>\n<language>ar</language>\n"
        f"{items}</channel>\n</rss>\n"
    )


_ROBOTS = (
    "User-agent: *\nDisallow: /admin\nDisallow: /search\nDisallow: /comments/\n\n"
    f"User-agent: GPTBot\nDisallow: /\n\nSitemap: {ORIGIN}/sitemap.xml\n"
)


def _chunks(items: Sequence[Article], size: int) -> Iterator[Sequence[Article]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_site(
    root: Path,
    n_articles: int,
    *,
    first: int = 0,
    page_kb: float = 49.0,
    texts: Sequence[Text] | None = None,
    text_source: str = "given",
) -> SiteInfo:
    """Write a site of ``n_articles`` under ``root``; article pages from ``first`` on only.

    Indexes (robots.txt, sitemaps, feed, home and listings) are always rewritten, so
    ``write_site(root, n + k, first=n)`` turns the site of ``n`` articles into that of
    ``n + k``, the way a live site gains k new articles.
    """
    if texts is None:
        texts, text_source = load_texts()
    root.mkdir(parents=True, exist_ok=True)
    articles = [article(i, texts) for i in range(n_articles)]
    newest_first = articles[::-1]
    written = 0
    total_bytes = 0
    for art in articles[first:]:
        data = article_page(art, texts, int(page_kb * 1024)).encode()
        _write(root, art.path, data)
        written += 1
        total_bytes += len(data)

    documents: dict[str, str] = {"/robots.txt": _ROBOTS, "/rss.xml": _rss(newest_first[:RSS_SIZE])}
    documents["/sitemaps/news.xml"] = _news_sitemap(newest_first[:NEWS_SITEMAP_SIZE])
    months: dict[str, list[Article]] = {}
    for art in newest_first:
        months.setdefault(f"{art.published:%Y-%m}", []).append(art)
    index_entries = [
        (f"{ORIGIN}/sitemaps/news.xml", newest_first[0].published if articles else START)
    ]
    for month, arts in months.items():
        documents[f"/sitemaps/articles-{month}.xml"] = _urlset(arts)
        index_entries.append((f"{ORIGIN}/sitemaps/articles-{month}.xml", arts[0].published))
    pages = [f"{ORIGIN}/", f"{ORIGIN}/latest/", *(f"{ORIGIN}/{s}/" for s in SECTIONS)]
    documents["/sitemaps/pages.xml"] = _xml(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"<url><loc>{p}</loc></url>\n" for p in pages)
        + "</urlset>\n"
    )
    index_entries.append((f"{ORIGIN}/sitemaps/pages.xml", START))
    documents["/sitemap.xml"] = _xml(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(
            f"<sitemap><loc>{loc}</loc><lastmod>{when.isoformat()}</lastmod></sitemap>\n"
            for loc, when in index_entries
        )
        + "</sitemapindex>\n"
    )
    listings = {"latest": ("آخر الأخبار", newest_first)}
    for section, label in SECTIONS.items():
        listings[section] = (label, [a for a in newest_first if a.section == section])
    for name, (title, arts) in listings.items():
        chunks = list(_chunks(arts, PER_PAGE)) or [[]]
        for number, chunk in enumerate(chunks, start=1):
            path = f"/{name}/" if number == 1 else f"/{name}/page/{number}/"
            documents[path] = listing_page(name, title, chunk, number, len(chunks))
    documents["/"] = listing_page("latest", SITE_TITLE, newest_first[:PER_PAGE], 1, 1)
    for path, content in documents.items():
        _write(root, path, content.encode())
    return SiteInfo(
        root=root,
        articles=n_articles,
        article_bytes=total_bytes,
        article_pages_written=written,
        discovery_paths=tuple(p for p in documents if p != "/"),
        text_source=text_source,
    )


def _write(root: Path, path: str, data: bytes) -> None:
    """Write the file that a static server answers ``path`` with (folders: index.html)."""
    target = root / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def article_urls(n_articles: int, texts: Sequence[Text], first: int = 0) -> list[str]:
    """Production URLs of articles ``first`` .. ``n_articles - 1``."""
    return [article(i, texts).url for i in range(first, n_articles)]


# Serving ----------------------------------------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

_NGINX_CONF = """\
{user}
worker_processes 1;
daemon {daemon};
master_process on;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {state}/body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    server {{
        {listen}
        server_name _;
        root {root};
        index index.html;
        charset utf-8;
        {tls}
        # Folders answer from index.html; a folder without its slash is redirected (nginx's
        # default), like the static servers the saved copies were made for.
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
"""


def nginx_config(
    root: Path, state: Path, listen: Sequence[str], *, daemon: bool = False, tls: str = ""
) -> Path:
    """Write an nginx configuration serving ``root`` on ``listen`` (``127.0.0.1:8080``...)."""
    state.mkdir(parents=True, exist_ok=True)
    conf = state / "nginx.conf"
    conf.write_text(
        _NGINX_CONF.format(
            # As root, nginx's worker would run as nobody, who may not read a site under a
            # private temporary folder; the benchmark's own files are all it serves.
            user="user root;" if os.geteuid() == 0 else "",
            daemon="on" if daemon else "off",
            state=state,
            root=root,
            listen=" ".join(f"listen {address};" for address in listen),
            tls=tls,
        )
    )
    return conf


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SiteServer:
    """Serve a generated site on 127.0.0.1: nginx when installed, else Python's server.

    nginx (one worker) answers tens of thousands of small static requests per second here,
    so it is not what a crawl of a few hundred pages per second waits for; the fallback,
    ``akhbar.static_server`` (a threaded ``http.server`` in this process), may be, and
    competes for the same cores, so results say which one served them (``kind``).
    """

    def __init__(self, root: Path, *, prefer_nginx: bool = True) -> None:
        self.root = root
        self.kind = "nginx" if (NGINX and prefer_nginx) else "python-http.server"
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._python: Any = None
        self._state: tempfile.TemporaryDirectory[str] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SiteServer:
        try:
            self._start()
            _wait_for(self.origin + "/robots.txt")
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        if self.kind == "nginx":
            assert NGINX is not None
            self._state = tempfile.TemporaryDirectory(prefix="akhbar-bench-nginx-")
            state = Path(self._state.name)
            conf = nginx_config(self.root, state, [f"127.0.0.1:{self.port}"])
            self._process = subprocess.Popen(
                [NGINX, "-c", str(conf), "-e", str(state / "e.log")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            from akhbar.static_server import StaticSite

            self._python = StaticSite(self.root, port=self.port).start()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
        if self._python is not None:
            self._python.stop()
            self._python = None
        if self._state is not None:
            self._state.cleanup()
            self._state = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_for(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
