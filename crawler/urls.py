"""Canonical URLs: the key an article is stored under.

Two URLs that a browser would show as the same page must give the same
string here, whatever way a feed, a listing or a share link spelt them.
:func:`normalize_url` builds on :func:`w3lib.url.canonicalize_url` (the one
Scrapy uses for request fingerprints) and adds what it leaves out: joining
relative links, default ports, a trailing-dot host and tracking parameters.
:func:`url_to_store` decides which URL names a page: the one its
``<link rel="canonical">`` gives, when that can be trusted, else its own.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize_url

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "InvalidURLError",
    "date_in_url",
    "host_of",
    "normalize_url",
    "url_to_store",
]


class InvalidURLError(ValueError):
    """A URL that cannot be made absolute (relative and no base) or has no host."""


# Query parameters that only say where a click came from; never part of what
# page is served. Compared case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",  # Google Display
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X / Twitter
        "ttclid",  # TikTok
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_ga",  # Google Analytics cross-domain
        "_gl",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "xtor",  # AT Internet (legacy)
        "ocid",  # Microsoft / MSN
        "cmpid",
        "s_cid",  # Adobe
        "ito",
        "spm",
        "ref",  # "?ref=rss", "?ref=twitter" on news sites; no outlet serves content by it
        "ref_src",
        "ref_url",
        "ncid",
        "sr_share",
        "amp_referrer",
        "__twitter_impression",
    }
)
# Families of tracking parameters: Google Analytics campaigns, AT Internet
# (at_medium, at_campaign...), Matomo/Piwik, comScore, Webtrends.
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "ns_", "wt_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HTTP_SCHEMES = frozenset(_DEFAULT_PORTS)
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Paths that serve a site's (or a section's) home page.
_HOME_PATH_RE = re.compile(r"/(?:(?:index|default)\.[a-z]+)?", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _strip_tracking(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.split("=", 1)[0]
        if not _is_tracking(name):
            kept.append(pair)
    return "&".join(kept)


def _normalize_netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    # Split ":port" off, leaving IPv6 literals ("[::1]") whole.
    if ":" in hostport and not hostport.endswith("]"):
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port and (not port.isdigit() or int(port) == _DEFAULT_PORTS.get(scheme)):
        port = ""
    return f"{userinfo}{at}{host}{':' + port if port else ''}"


def normalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical spelling of ``url`` (joined with ``base`` when relative).

    For http(s) URLs: scheme and host lower-cased (IDN hosts in punycode),
    trailing dot of the host and default port (``:80``, ``:443``) dropped,
    fragment dropped, tracking parameters removed (:data:`TRACKING_PARAMS`
    and the :data:`TRACKING_PREFIXES` families such as ``utm_*``), remaining
    query parameters sorted, an empty query's ``?`` dropped, empty path made
    ``/``, dot segments resolved and the path percent-encoded as UTF-8 with
    upper-case hex (``/tag/الملف-السوري/`` and ``/tag/%d8%a7...`` give the same
    ``/tag/%D8%A7...``). Trailing slashes are kept: ``/x`` and ``/x/`` may be
    different pages.

    Other schemes (``mailto:``, ``javascript:``) come back stripped of
    surrounding whitespace and otherwise unchanged.

    Raises :class:`InvalidURLError` when the URL is relative and no ``base`` is
    given, or when an http(s) URL has no host.
    """
    url = url.strip()
    if base:
        url = join_url(base.strip(), url)
    return _normalize_absolute(url)


#: An absolute http(s) URL that urljoin gives back as it is: an ASCII host, and nothing it
#: strips, splits off or drops (spaces, controls, ``;``, ``?``, ``#``, brackets).
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[a-zA-Z0-9.-]+(?::[0-9]+)?(?:/[\w.~%!$&'()*+,=:@/-]*)?", re.ASCII
)
#: A path from the root, of the same characters: urljoin puts it after the base's scheme and
#: host as it is when no segment is a dot segment.
_PLAIN_PATH = re.compile(r"/(?!/)[\w.~%!$&'()*+,=:@/-]*", re.ASCII)


def join_url(base: str, url: str) -> str:
    """``urljoin(base, url)``, quicker.

    Most links are plain (absolute URLs, or paths from the root, of ASCII characters urljoin
    leaves alone): urljoin, ~5-8 us a call, parses and puts them back together unchanged, so
    they are joined here by hand. Other links are cached; a path from the root resolves
    against the base's scheme and host alone, so it is cached under those: the links a site
    repeats on every page (menus, cards, pagination) are joined once per crawl.
    """
    if base:
        if _PLAIN_ABSOLUTE.fullmatch(url):
            urlsplit(base)  # raises where urljoin raises on the base
            return url
        if url.startswith("/") and not url.startswith("//"):
            scheme, netloc = urlsplit(base)[:2]
            if scheme in _HTTP_SCHEMES:
                if _PLAIN_PATH.fullmatch(url) and "/." not in url:
                    return f"{scheme}://{netloc}{url}"
                base = f"{scheme}://{netloc}/"
    return _cached_urljoin(base, url)


@lru_cache(maxsize=16384)
def _cached_urljoin(base: str, url: str) -> str:
    return urljoin(base, url)


# A crawl normalizes each article URL several times (sitemaps, feed, every listing that
# links it, twice per card, the pipeline) and the menu links on every page; w3lib's
# canonicalization is ~30 µs a call. Bounded, so a long crawl's memory stays flat (~5 MB).
@lru_cache(maxsize=16384)
def _normalize_absolute(url: str) -> str:
    if not _SCHEME_RE.match(url):
        raise InvalidURLError(f"relative URL without a base: {url!r}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _HTTP_SCHEMES:
        return url
    netloc = _normalize_netloc(scheme, parts.netloc)
    if not netloc or netloc.startswith((":", "@")) or netloc.endswith("@"):
        raise InvalidURLError(f"URL without a host: {url!r}")
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", _strip_tracking(parts.query), ""))
    return _w3lib_canonicalize_url(rebuilt)


def url_to_store(page_url: str, canonical_href: str | None) -> str:
    """The URL to store a page under: its ``<link rel="canonical">`` or its own URL.

    ``canonical_href`` is used when it is a usable http(s) URL, absolute or
    relative to ``page_url``; an empty, unparseable or non-http one falls back
    to ``page_url``. So does a canonical that points to the site's home page
    (``/``) from a page other than ``/`` or ``/index.html``: a common CMS
    misconfiguration that would otherwise file every article under one key.
    The result is normalized (:func:`normalize_url`) either way.
    """
    page = normalize_url(page_url)
    href = (canonical_href or "").strip()
    if not href:
        return page
    try:
        candidate = normalize_url(href, base=page)
    except (InvalidURLError, ValueError):
        return page
    target = urlsplit(candidate)
    if target.scheme not in _HTTP_SCHEMES:
        return page
    if target.path == "/" and not _HOME_PATH_RE.fullmatch(urlsplit(page).path):
        return page
    return candidate


def host_of(url: str) -> str:
    """Lower-case host of ``url`` without port or trailing dot (``""`` when there is none)."""
    host = urlsplit(url.strip()).hostname or ""
    return host.rstrip(".")


#: A date written as path segments: ``/2019/11/14/``, ``/2020/02/18/slug``.
_PATH_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")
#: A compact date segment: ``/20200218/``.
_COMPACT_PATH_DATE = re.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:/|$)")


def date_in_url(url: str) -> date | None:
    """The day a URL's path states (``/2020/02/18/``, ``/20200218/``), or None.

    Outlets that put a date in their article paths put the publication day
    there: it is evidence of the day (never of the time).
    """
    path = urlsplit(url).path
    for pattern in (_PATH_DATE, _COMPACT_PATH_DATE):
        match = pattern.search(path)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                continue
    return None
