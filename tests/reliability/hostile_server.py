"""A news site that misbehaves in every way a real one can, served on 127.0.0.1.

The home page links to good articles (some in legacy Arabic encodings, one in
broken markup, one full of markup an attacker would plant) and to pages that
fail: HTTP errors with and without ``Retry-After``, a page that never answers,
connections dropped before or during the body, redirect loops and redirects to
another host, a 50 MB page and a gzip bomb, binary data sent as HTML, an empty
page, and a pagination trap. ``robots`` chooses the site's robots.txt.

Every request is recorded (:attr:`HostileSite.hits`) so tests can tell what the
crawler fetched, how often, and when.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from akhbar.static_server import LocalServer

Robots = Literal["allow", "missing", "broken", "disallow_all"]

#: Seconds the hanging page waits before answering: longer than the tests' DOWNLOAD_TIMEOUT.
HANG_SECONDS = 8.0
HUGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024
#: Maximum pagination depth a trap could go to without a bound (the test expects far fewer).
TRAP_PAGES = 10_000


@dataclass(frozen=True)
class Article:
    """A good article of the site: what the archive must hold for it."""

    path: str
    title: str
    body: list[str]
    encoding: str = "utf-8"
    #: Content-Type header charset (None: no charset parameter).
    header_charset: str | None = "utf-8"
    #: <meta charset> in the page (None: none).
    meta_charset: str | None = "utf-8"
    bom: bool = False


_PROSE = [
    "أعلنت وزارة الخارجية اليوم عن استئناف المفاوضات بين الطرفين في العاصمة بعد توقف دام عدة "
    "أشهر، وقال المتحدث باسم الوزارة إن الجولة الجديدة ستتناول الملفات العالقة كافة.",
    "وأضاف المتحدث في مؤتمر صحافي عقده صباح اليوم أن الوفدين اتفقا على جدول أعمال مفصل يشمل "
    "قضايا الحدود والمياه والتعاون الاقتصادي، وأن اللقاءات ستستمر حتى نهاية الأسبوع المقبل.",
    "ورحب عدد من المراقبين بهذه الخطوة معتبرين أنها تفتح الباب أمام تسوية طال انتظارها، في حين "
    "دعا آخرون إلى الحذر وانتظار النتائج الفعلية على الأرض قبل الحكم على مسار المحادثات.",
]


def _article(slug: str, title: str, **kw: object) -> Article:
    return Article(path=f"/2024/05/14/{slug}.html", title=title, body=_PROSE, **kw)  # type: ignore[arg-type]


#: The site's good articles: every one of them must end up in the archive, text intact.
GOOD = [
    _article("good-article-one", "استئناف المفاوضات بين الطرفين في العاصمة"),
    _article("good-article-two", "وزير الخارجية يلتقي نظيره في جولة جديدة"),
    _article(
        "legacy-windows-arabic",
        "الحكومة تقر موازنة العام المقبل",
        encoding="windows-1256",
        header_charset="windows-1256",
        meta_charset=None,
    ),
    _article(
        "iso-arabic-meta-only",
        "افتتاح معرض الكتاب الدولي",
        encoding="iso-8859-6",
        header_charset=None,
        meta_charset="ISO-8859-6",
    ),
    _article(
        "utf8-bom-wrong-meta",
        "ارتفاع اسعار النفط في الاسواق العالمية",
        bom=True,
        header_charset=None,
        meta_charset="windows-1252",
    ),
    _article(
        "undeclared-windows-arabic",
        "انطلاق الموسم الزراعي في السهول الشمالية",
        encoding="windows-1256",
        header_charset=None,
        meta_charset=None,
    ),
    _article(
        "header-says-utf8-page-is-windows-arabic",
        "تدشين محطة جديدة لتحلية المياه",
        encoding="windows-1256",
        header_charset="utf-8",
        meta_charset="windows-1256",
    ),
    _article(
        "undeclared-utf8", "اختتام بطولة الشطرنج العربية", header_charset=None, meta_charset=None
    ),
]
MALFORMED = Article(
    path="/2024/05/14/malformed-markup.html",
    title="مهرجان الموسيقى يختتم دورته الخامسة",
    # Stray angle brackets in the text are text.
    body=[*_PROSE, "نهاية <<< >>>"],
)
RETRIED = {
    # First asked: 503 with Retry-After in seconds; then the page.
    "/2024/05/14/busy-then-fine-seconds.html": ("503", "1"),
    # First asked: 429 with Retry-After as an HTTP date; then the page.
    "/2024/05/14/busy-then-fine-http-date.html": ("429", "date"),
}
RETRIED_TITLES = {
    "/2024/05/14/busy-then-fine-seconds.html": "عودة الحركة الى المطار بعد توقف قصير",
    "/2024/05/14/busy-then-fine-http-date.html": "البرلمان يناقش قانون الانتخابات الجديد",
}
UNTRUSTED_PATH = "/2024/05/14/planted-markup-in-article.html"
UNTRUSTED_TITLE = "تقرير عن <script>alert(1)</script> الاختراقات"


def good_articles() -> list[Article]:
    """Every article that must be archived, with the text the archive must hold."""
    retried = [
        _article(path.rsplit("/", 1)[1].removesuffix(".html"), title)
        for path, title in RETRIED_TITLES.items()
    ]
    return [*GOOD, MALFORMED, *retried]


#: Pages that fail, with the reason the crawl must record for each.
FAILING: dict[str, str] = {
    "/2024/05/14/forbidden-403.html": "http_403",
    "/2024/05/14/missing-404.html": "http_404",
    "/2024/05/14/gone-410.html": "http_410",
    "/2024/05/14/broken-500.html": "http_500",
    "/2024/05/14/unavailable-503.html": "http_503",
    "/2024/05/14/rate-limited-429-for-an-hour.html": "http_429",
    "/2024/05/14/never-answers.html": "timeout",
    "/2024/05/14/dropped-mid-body.html": "connection_lost",
    "/2024/05/14/dropped-before-answer.html": "connection_lost",
    "/2024/05/14/redirect-loop-a.html": "redirect_loop",
    "/2024/05/14/redirects-forever-0.html": "too_many_redirects",
    "/2024/05/14/redirect-to-another-host.html": "offsite_redirect",
    "/2024/05/14/fifty-megabyte-page.html": "too_large",
    "/2024/05/14/fifty-megabytes-unannounced.html": "too_large",
    "/2024/05/14/gzip-bomb.html": "too_large",
    "/2024/05/14/binary-served-as-html.html": "not_html",
    "/2024/05/14/empty-body.html": "empty_page",
}


def _html(title: str, paragraphs: list[str], extra_head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='ar' dir='rtl'><head>{extra_head}<title>{title}</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2024-05-14T09:30:00+00:00'>"
        f"</head><body><article><h1>{title}</h1>"
        "<time datetime='2024-05-14T09:30:00+00:00'>2024-05-14</time>"
        f"{body}</article></body></html>"
    )


def article_page(article: Article) -> tuple[bytes, str]:
    """The bytes of an article page and its Content-Type."""
    meta = f"<meta charset='{article.meta_charset}'>" if article.meta_charset else ""
    data = _html(article.title, article.body, meta).encode(article.encoding)
    if article.bom:
        data = b"\xef\xbb\xbf" + data
    kind = "text/html" + (f"; charset={article.header_charset}" if article.header_charset else "")
    return data, kind


def malformed_page() -> bytes:
    """Unclosed and stray tags, no </body>: a browser copes, so must we."""
    paragraphs = "".join(f"<p>{p}<div><span>" for p in MALFORMED.body[:-1])
    return (
        f"<html><head><meta charset=utf-8><title>{MALFORMED.title}</title>"
        "<meta property='og:type' content='article'></div></head><body></span><article>"
        f"<h1>{MALFORMED.title}</h1></b></i>"
        f"<time datetime='2024-05-14T09:30:00+00:00'>2024-05-14</time>{paragraphs}"
        f"<p>{MALFORMED.body[-1]} </td></tr></table>"
    ).encode()


def untrusted_page() -> bytes:
    """An article whose text names markup (entities) and whose markup carries scripts."""
    escaped_title = UNTRUSTED_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    paragraphs = [
        *_PROSE,
        "وكتب المهاجم &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; في خانة التعليق"
        " &amp; نجح في ذلك",
        "<a href='javascript:alert(1)' onclick='steal()'>اضغط هنا</a> للمزيد من التفاصيل"
        "<script>document.cookie</script><img src=x onerror='alert(2)'>",
    ]
    return _html(escaped_title, paragraphs, "<meta charset='utf-8'>").encode()


@cache
def gzip_bomb() -> bytes:
    """64 MB of zeros in about 64 kB."""
    return gzip.compress(b"\0" * BOMB_BYTES, compresslevel=9)


def listing(links: list[str]) -> bytes:
    items = "".join(f"<li><a href='{link}'>{link}</a></li>" for link in links)
    head = "<html><head><meta charset='utf-8'><title>أخبار</title></head>"
    return f"{head}<body><ul>{items}</ul>".encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests read self.server.hits instead

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.record(self.path)
        route = self.server.site.route(path)
        route(self)

    # Building blocks for routes.
    def send(
        self,
        status: int,
        body: bytes = b"",
        kind: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(302, headers={"Location": location})

    def drop(self, after: bytes | None) -> None:
        """Close the connection: before any answer, or after a promise of more body."""
        if after is not None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(after)
            self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def stream(self, total: int) -> None:
        """Chunked: no Content-Length warns the client how big this gets."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>"
        try:
            for _ in range(total // len(chunk)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The crawler opens many connections at once; the default backlog of 5 turns that
    # into connect timeouts that have nothing to do with the pages under test.
    request_queue_size = 128

    def __init__(self, site: HostileSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on the hostile pages is the point, not a server error

    def record(self, path: str) -> None:
        with self.lock:
            self.site.hits[path].append(time.monotonic())


class HostileSite(LocalServer):
    """The hostile site, on an ephemeral port of 127.0.0.1."""

    def __init__(
        self,
        robots: Robots = "allow",
        faults: bool = True,
        other_origin: str = "https://elsewhere.test",
    ) -> None:
        self.robots = robots
        self.faults = faults
        self.other_origin = other_origin
        self.hits: defaultdict[str, list[float]] = defaultdict(list)
        gzip_bomb()  # built now: compressing 64 MB while the crawler waits would time it out
        super().__init__(_Server(self))

    def links(self) -> list[str]:
        """What the home page links to: the good articles, and the faults unless told not to."""
        good = [a.path for a in GOOD]
        if not self.faults:
            return good
        return [*good, MALFORMED.path, *RETRIED, UNTRUSTED_PATH, *FAILING, "/trap/page/1/"]

    def route(self, path: str) -> Callable[[_Handler], None]:
        """What answering ``path`` looks like."""
        pages: dict[str, Callable[[_Handler], None]] = {
            "/": lambda h: h.send(200, listing(self.links())),
            "/robots.txt": self._robots,
            MALFORMED.path: lambda h: h.send(200, malformed_page(), "text/html"),
            UNTRUSTED_PATH: lambda h: h.send(200, untrusted_page()),
            "/2024/05/14/forbidden-403.html": lambda h: h.send(403, b"<h1>Forbidden</h1>"),
            "/2024/05/14/missing-404.html": lambda h: h.send(404, b"<h1>Not found</h1>"),
            "/2024/05/14/gone-410.html": lambda h: h.send(410, b"<h1>Gone</h1>"),
            "/2024/05/14/broken-500.html": lambda h: h.send(500, b"<h1>Oops</h1>"),
            "/2024/05/14/unavailable-503.html": lambda h: h.send(503, b"<h1>Busy</h1>"),
            "/2024/05/14/rate-limited-429-for-an-hour.html": lambda h: h.send(
                429, b"slow down", headers={"Retry-After": "3600"}
            ),
            "/2024/05/14/never-answers.html": self._hang,
            "/2024/05/14/dropped-mid-body.html": lambda h: h.drop(b"<html><body><p>half"),
            "/2024/05/14/dropped-before-answer.html": lambda h: h.drop(None),
            "/2024/05/14/redirect-loop-a.html": lambda h: h.redirect("/2024/05/14/loop-b.html"),
            "/2024/05/14/loop-b.html": lambda h: h.redirect("/2024/05/14/redirect-loop-a.html"),
            "/2024/05/14/redirect-to-another-host.html": lambda h: h.redirect(
                self.other_origin + "/2024/05/14/stolen.html"
            ),
            "/2024/05/14/fifty-megabyte-page.html": self._huge,
            "/2024/05/14/fifty-megabytes-unannounced.html": lambda h: h.stream(HUGE_BYTES),
            "/2024/05/14/gzip-bomb.html": lambda h: h.send(
                200, gzip_bomb(), headers={"Content-Encoding": "gzip"}
            ),
            "/2024/05/14/binary-served-as-html.html": lambda h: h.send(
                200, bytes(range(256)) * 64, "text/html"
            ),
            "/2024/05/14/empty-body.html": lambda h: h.send(200, b""),
        }
        for article in GOOD:
            pages[article.path] = lambda h, a=article: h.send(200, *article_page(a))
        if path in pages:
            return pages[path]
        if path in RETRIED:
            return lambda h: self._busy_then_fine(h, path)
        if path.startswith("/2024/05/14/redirects-forever-"):
            n = int(path.rsplit("-", 1)[1].removesuffix(".html"))
            return lambda h: h.redirect(f"/2024/05/14/redirects-forever-{n + 1}.html")
        if path.startswith("/trap/page/"):
            n = int(path.strip("/").rsplit("/", 1)[1])
            # Links to itself and to one more page, forever.
            return lambda h: h.send(200, listing([path, f"/trap/page/{n + 1}/"]))
        return lambda h: h.send(404, b"<h1>Not found</h1>")

    def _robots(self, h: _Handler) -> None:
        if self.robots == "missing":
            h.send(404, b"<h1>Not found</h1>")
        elif self.robots == "broken":
            h.send(200, b"\x00\xff<html>User-agent *\nDisallow\n\x89PNG garbage", "text/plain")
        elif self.robots == "disallow_all":
            h.send(200, b"User-agent: *\nDisallow: /\n", "text/plain")
        else:
            h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")

    def _hang(self, h: _Handler) -> None:
        time.sleep(HANG_SECONDS)
        with contextlib.suppress(OSError):  # the client hung up long ago
            h.send(200, b"<h1>too late</h1>")

    def _huge(self, h: _Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(HUGE_BYTES))
        h.end_headers()
        h.close_connection = True  # the client hangs up after the headers

    def _busy_then_fine(self, h: _Handler, path: str) -> None:
        status, after = RETRIED[path]
        if len(self.hits[path]) == 1:
            wait = formatdate(time.time() + 2, usegmt=True) if after == "date" else after
            h.send(int(status), b"busy", headers={"Retry-After": wait})
            return
        title = RETRIED_TITLES[path]
        h.send(200, _html(title, _PROSE, "<meta charset='utf-8'>").encode())
