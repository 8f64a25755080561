"""The host map sends requests for a production host to another origin, and back."""

from __future__ import annotations

from crawler.hostmap import map_url, unmap_url

HOST_MAP = {"www.hawarnews.com": "http://127.0.0.1:8782"}


def test_mapped_host_is_fetched_from_the_origin() -> None:
    url = "https://www.hawarnews.com/ar/news/page/2/?utm_source=x"
    assert map_url(url, HOST_MAP) == "http://127.0.0.1:8782/ar/news/page/2/?utm_source=x"


def test_other_hosts_are_left_alone() -> None:
    assert map_url("https://example.org/a", HOST_MAP) == "https://example.org/a"


def test_host_match_ignores_case() -> None:
    assert map_url("https://WWW.HawarNews.com/ar/", HOST_MAP) == "http://127.0.0.1:8782/ar/"


def test_redirect_to_the_origin_maps_back_to_the_production_url() -> None:
    original = "https://www.hawarnews.com/ar/about"
    assert (
        unmap_url("http://127.0.0.1:8782/ar/about/", original, HOST_MAP)
        == "https://www.hawarnews.com/ar/about/"
    )


def test_redirect_elsewhere_is_kept() -> None:
    original = "https://www.hawarnews.com/ar/about"
    assert unmap_url("https://other.example/x", original, HOST_MAP) == "https://other.example/x"
