from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
import pytest

from crawler.urls import (
    TRACKING_PARAMS,
    InvalidURLError,
    host_of,
    join_url,
    normalize_url,
    url_to_store,
)
from tests.support import FIXTURES

CASA = "https://www.casablancatoday.com"
HAWAR = "https://www.hawarnews.com"
TAG_ENCODED = (
    "/tag/%D8%A7%D9%84%D9%85%D9%84%D9%81-%D8%A7%D9%84%D8%B3%D9%88%D8%B1%D9%8A/"  # الملف-السوري
)


# --------------------------------------------------------------------------
# normalize_url


@pytest.mark.parametrize(
    "url",
    [
        f"{CASA}/tag/الملف-السوري/",
        f"{CASA}{TAG_ENCODED}",
        f"{CASA}{TAG_ENCODED.lower()}",
        f"{CASA}/tag/%D8%A7%D9%84%D9%85%D9%84%D9%81-السوري/",  # half encoded
    ],
)
def test_arabic_paths_raw_or_percent_encoded_give_the_uppercase_encoded_form(url):
    assert normalize_url(url) == f"{CASA}{TAG_ENCODED}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.CasablancaToday.COM/world/", f"{CASA}/world/"),
        ("https://www.casablancatoday.com./world/", f"{CASA}/world/"),
        ("https://www.casablancatoday.com:443/world/", f"{CASA}/world/"),
        ("http://www.casablancatoday.com:80/world/", "http://www.casablancatoday.com/world/"),
        ("http://127.0.0.1:8081/world/", "http://127.0.0.1:8081/world/"),  # other ports kept
        ("https://www.hawarnews.com", f"{HAWAR}/"),  # empty path
        ("https://www.hawarnews.com?x=1", f"{HAWAR}/?x=1"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_scheme_and_host_are_normalized(url, expected):
    assert normalize_url(url) == expected


def test_path_case_is_kept():
    assert normalize_url(f"{CASA}/World/") == f"{CASA}/World/"


def test_fragment_is_dropped():
    assert normalize_url(f"{CASA}/world/2019/02/07/242730.html#comments") == (
        f"{CASA}/world/2019/02/07/242730.html"
    )


def test_trailing_slash_is_significant():
    assert normalize_url(f"{HAWAR}/ar/news") != normalize_url(f"{HAWAR}/ar/news/")


def test_dot_segments_are_resolved():
    assert normalize_url(f"{HAWAR}/ar/news/../about/./") == f"{HAWAR}/ar/about/"


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=rss&utm_medium=feed",  # hawarnews RSS item links
        "UTM_SOURCE=rss",
        "utm_campaign=x&utm_term=y&utm_content=z",
        "fbclid=IwAR0abc",
        "gclid=abc",
        "msclkid=abc",
        "mc_cid=abc&mc_eid=def",
        "at_medium=custom7&at_campaign=64",
        "xtor=RSS-1",
        "ref=twitter",
        "_ga=2.1234",
        "igshid=abc",
        "pk_campaign=x",
    ],
)
def test_tracking_parameters_are_removed(query):
    url = f"{HAWAR}/ar/haber/2019/11/14/bwmbyw-mstmrwn-fy-mharbt-daash-wmnah-mn-h16729/?{query}"
    assert normalize_url(url) == (
        f"{HAWAR}/ar/haber/2019/11/14/bwmbyw-mstmrwn-fy-mharbt-daash-wmnah-mn-h16729/"
    )


def test_other_query_parameters_are_kept_sorted():
    url = f"{CASA}/search/?utm_source=x&q=%D8%AF%D8%A7%D8%B9%D8%B4&page=2&b=1&b=0"
    assert normalize_url(url) == f"{CASA}/search/?b=0&b=1&page=2&q=%D8%AF%D8%A7%D8%B9%D8%B4"


def test_arabic_query_values_raw_or_encoded_are_the_same():
    assert normalize_url(f"{CASA}/search/?q=داعش") == normalize_url(
        f"{CASA}/search/?q=%d8%af%d8%a7%d8%b9%d8%b4"
    )


def test_parameters_that_only_look_like_tracking_are_kept():
    url = f"{CASA}/x/?reference=1&prefix=2&utm=3"
    assert normalize_url(url) == f"{CASA}/x/?prefix=2&reference=1&utm=3"


def test_tracking_list_is_lower_case():
    assert all(name == name.lower() for name in TRACKING_PARAMS)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/world/2019/02/07/242730.html", f"{CASA}/world/2019/02/07/242730.html"),
        ("242730.html", f"{CASA}/world/2019/02/07/242730.html"),
        ("../../01/15/241877.html", f"{CASA}/world/2019/01/15/241877.html"),
        ("//www.casablancatoday.com/world/", f"{CASA}/world/"),
        (TAG_ENCODED, f"{CASA}{TAG_ENCODED}"),
        ("  /world/  ", f"{CASA}/world/"),
    ],
)
def test_relative_urls_are_joined_with_the_base(href, expected):
    assert normalize_url(href, base=f"{CASA}/world/2019/02/07/index.html") == expected


@pytest.mark.parametrize(
    "base",
    [f"{CASA}/world/2019/02/07/index.html", f"{CASA}/latest/page/3/?sort=new#top", CASA],
)
def test_a_root_relative_link_resolves_alike_from_every_page_of_the_site(base):
    # Joined links are cached by scheme and host for root-relative ones: the page's own
    # path, query and fragment must not leak into the result.
    assert normalize_url("/a/./b/../c?x=1#frag", base=base) == f"{CASA}/a/c?x=1"


def test_relative_url_without_base_is_an_error():
    with pytest.raises(InvalidURLError):
        normalize_url("/world/")


def test_http_url_without_host_is_an_error():
    with pytest.raises(InvalidURLError):
        normalize_url("https:///world/")


def test_non_http_schemes_are_returned_unchanged():
    assert normalize_url(" mailto:info@example.com ") == "mailto:info@example.com"


def test_canonicalization_is_idempotent():
    url = f"{CASA}/tag/الملف-السوري/?utm_source=rss&b=2&a=1#x"
    once = normalize_url(url)
    assert normalize_url(once) == once


def _casablancatoday_tag_links() -> set[str]:
    hrefs = set()
    for page in (FIXTURES / "casablancatoday/site").rglob("*.html"):
        hrefs.update(re.findall(r'href="(/tag/[^"]+)"', page.read_text("utf-8")))
    return hrefs


def test_fixture_tag_links_are_already_canonical():
    hrefs = _casablancatoday_tag_links()
    assert hrefs
    for href in hrefs:
        assert normalize_url(href, base=CASA) == CASA + href


def test_fixture_tag_folders_named_in_arabic_match_their_encoded_links():
    links = {CASA + href for href in _casablancatoday_tag_links()}
    folders = [p.name for p in (FIXTURES / "casablancatoday/site/tag").iterdir() if p.is_dir()]
    assert folders
    for name in folders:
        assert normalize_url(f"/tag/{name}/", base=CASA) in links


# --------------------------------------------------------------------------
# url_to_store


PRINT_PAGE = f"{CASA}/print/242730.html"
ARTICLE = f"{CASA}/world/2019/02/07/242730.html"


def test_canonical_link_wins_over_the_page_url():
    assert url_to_store(PRINT_PAGE, ARTICLE) == ARTICLE


def test_relative_canonical_link_is_resolved_against_the_page():
    assert url_to_store(PRINT_PAGE, "/world/2019/02/07/242730.html") == ARTICLE


def test_canonical_link_is_canonicalized():
    assert url_to_store(PRINT_PAGE, ARTICLE.upper().replace("HTML", "html") + "?utm_source=x") == (
        "https://www.casablancatoday.com/WORLD/2019/02/07/242730.html"
    )


def test_page_reached_through_a_tracking_link_gets_its_canonical():
    page = f"{HAWAR}/ar/h16729/?utm_source=rss&utm_medium=feed"
    target = f"{HAWAR}/ar/haber/2019/11/14/bwmbyw-mstmrwn-fy-mharbt-daash-wmnah-mn-h16729/"
    assert url_to_store(page, target) == target


@pytest.mark.parametrize(
    "href",
    [None, "", "   ", "javascript:void(0)", "mailto:a@b.c", "ftp://example.com/x"],
)
def test_missing_or_unusable_canonical_falls_back_to_the_page_url(href):
    assert url_to_store(ARTICLE + "#top", href) == ARTICLE


def test_canonical_pointing_to_the_home_page_from_an_article_is_ignored():
    assert url_to_store(ARTICLE, f"{CASA}/") == ARTICLE


def test_home_page_may_have_the_home_page_as_canonical():
    assert url_to_store(f"{CASA}/?utm_source=x", f"{CASA}/") == f"{CASA}/"


def test_canonical_on_another_host_is_accepted():
    assert url_to_store(ARTICLE, "https://m.casablancatoday.com/x.html") == (
        "https://m.casablancatoday.com/x.html"
    )


def test_every_fixture_page_canonical_is_on_the_production_origin():
    checked = 0
    for site, origin in (("casablancatoday", CASA), ("hawarnews", HAWAR)):
        for page in (FIXTURES / site / "site").rglob("*.html"):
            match = re.search(r'<link rel="canonical" href="([^"]+)"', page.read_text("utf-8"))
            if match is None:  # only the admin login pages have none
                assert page.parent.name == "admin", page
                continue
            local = "http://127.0.0.1:8081/" + page.relative_to(FIXTURES / site / "site").as_posix()
            assert url_to_store(local, match.group(1)).startswith(origin + "/")
            checked += 1
    assert checked > 200


# --------------------------------------------------------------------------
# host_of


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.HawarNews.com:443/ar/", "www.hawarnews.com"),
        ("http://127.0.0.1:8082/ar/", "127.0.0.1"),
        ("https://www.casablancatoday.com./", "www.casablancatoday.com"),
        ("/relative/path", ""),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


JOINED = [
    (f"{CASA}/morocco/2019/01/01/1.html", f"{HAWAR}/ar/news/x.html"),
    (f"{CASA}/morocco/2019/01/01/1.html", "/sport/"),
    (f"{CASA}/morocco/2019/01/01/1.html", "/a/./b/../c.html"),
    (f"{CASA}/morocco/2019/01/01/1.html", "/.hidden"),
    (f"{CASA}/morocco/2019/01/01/1.html", "//cdn.example/img.jpg"),
    (f"{CASA}/morocco/2019/01/01/1.html", "../2.html"),
    (f"{CASA}/morocco/2019/01/01/1.html", "2.html?page=2#top"),
    (f"{CASA}/morocco/", "/tag/الملف-السوري/"),
    (f"{CASA}/morocco/", TAG_ENCODED),
    (f"{CASA}:8443/a/b", "/c d"),
    (f"{CASA}/a", "https://EXAMPLE.org:8080/x;y?z#w"),
    (f"{CASA}/a", "http://[::1]/x"),
    (f"{CASA}/a", "mailto:desk@casablancatoday.com"),
    ("file:///tmp/page.html", "/other.html"),
    ("", "/other.html"),
    (f"{CASA}/a", ""),
]


@pytest.mark.parametrize(("base", "url"), JOINED)
def test_join_url_is_urljoin(base: str, url: str) -> None:
    assert join_url(base, url) == urljoin(base, url)


@pytest.mark.parametrize("outlet", ["casablancatoday", "hawarnews"])
def test_join_url_is_urljoin_on_every_link_of_the_saved_pages(outlet: str) -> None:
    pages = sorted((FIXTURES / outlet).rglob("*.html"))
    assert pages
    for page in pages:
        base = f"https://www.{outlet}.com/{page.relative_to(FIXTURES / outlet).as_posix()}"
        for href in lxml.html.parse(str(page)).xpath("//@href | //@src"):
            assert join_url(base, href) == urljoin(base, href), (page, href)
