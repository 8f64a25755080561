"""The authors a page declares (JSON-LD ``author``, author meta tags): read_metadata."""

from __future__ import annotations

import json

import pytest
from parsel import Selector

from crawler.metadata import read_metadata


def page(author: object = None, metas: dict[str, list[str]] | None = None, **ld: object) -> str:
    """A page whose NewsArticle JSON-LD has *author* (none when None) and *metas*."""
    graph = ld.pop("graph", [])
    article = {"@type": "NewsArticle", "headline": "H", **ld}
    if author is not None:
        article["author"] = author
    tags = "".join(
        f'<meta name="{key}" content="{value}">'
        for key, values in (metas or {}).items()
        for value in values
    )
    script = json.dumps({"@context": "https://schema.org", "@graph": [article, *graph]})
    return f'<html><head>{tags}<script type="application/ld+json">{script}</script></head></html>'


def authors(html: str, url: str = "https://www.example-news.com/a/1") -> list[str]:
    return read_metadata(Selector(text=html), url=url).authors


def test_html_entities_are_decoded():
    assert authors(page({"name": "Maria &amp; Katerina"})) == ["Maria & Katerina"]
    assert authors(page(metas={"author": ["Dan O&#39;Brien"]})) == ["Dan O'Brien"]


@pytest.mark.parametrize(
    "declared, name",
    [
        ("By Arlene Marturano", "Arlene Marturano"),
        ("Written by: Jane Roe", "Jane Roe"),
        ("بقلم: محمد عبد الله", "محمد عبد الله"),
        ("كتب: أحمد السيد", "أحمد السيد"),
        ('"David Kim"', "David Kim"),
    ],
)
def test_a_byline_label_and_quotes_around_the_name_are_dropped(declared, name):
    assert authors(page({"@type": "Person", "name": declared})) == [name]


def test_a_name_opening_like_a_label_is_kept():
    assert authors(page({"name": "Byron Smith"})) == ["Byron Smith"]
    assert authors(page({"name": "كتبي الحسيني"})) == ["كتبي الحسيني"]


def test_arabic_names_stay_whole():
    name = "عبد الرحمن بن علي و محمد"
    assert authors(page(metas={"author": [name]})) == [name]


def test_the_outlet_after_the_persons_name_is_cut_off():
    usat = page({"name": ", USA TODAY"}, publisher={"@type": "Organization", "name": "USA TODAY"})
    assert authors(usat) == []
    two = page({"name": "Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal"})
    assert authors(two, "https://www.commercialappeal.com/story/1") == [
        "Manoj Jain and Jagpreet Chhatwal"
    ]
    team = page(
        {"name": "David Jackson - FullStack Editorial Team"}, publisher={"name": "FullStack"}
    )
    assert authors(team) == ["David Jackson"]


def test_a_person_named_like_the_host_is_a_person():
    assert authors(page({"name": "Karl Voit"}), "https://karlvoit.at/2020/post") == ["Karl Voit"]


def test_the_outlet_or_its_team_is_no_person():
    html = page(metas={"author": ["Automateed Team"], "og:site_name": ["Automateed"]})
    assert authors(html) == []


@pytest.mark.parametrize(
    "declared",
    [
        "andrew.keaveney",
        "page.head.extra.author",
        "262588213843476",
        "3d23d65-ddc6-4ce5",
        "jane_doe",
        "ops@our-hometown.com",
        "www.facebook.com/someone",
        "{{ author }}",
        "Administrator",
    ],
)
def test_user_names_ids_addresses_and_placeholders_are_no_names(declared):
    assert authors(page(metas={"author": [declared]})) == []


def test_repeated_names_are_given_once():
    html = page(
        metas={
            "article:author": ["Craig Randall", "Alli Miles", "Eszter Horanyi"],
            "author": ["Craig Randall, Alli Miles, Eszter Horanyi", "alli  miles"],
        }
    )
    assert authors(html) == ["Craig Randall", "Alli Miles", "Eszter Horanyi"]


def test_every_author_of_a_graph_is_read_through_its_references():
    people = [
        {"@type": "Person", "@id": "#p1", "name": "Jane Roe"},
        {"@type": "Person", "@id": "#p2", "name": "John Doe"},
    ]
    html = page([{"@id": "#p1"}, {"@id": "#p2"}], graph=people)
    assert authors(html) == ["Jane Roe", "John Doe"]


def test_a_name_given_as_a_list_gives_every_name():
    assert authors(page({"@type": "Person", "name": ["Jane Roe", "John Doe"]})) == [
        "Jane Roe",
        "John Doe",
    ]


def test_the_meta_tags_name_the_author_the_json_ld_does_not():
    html = page({"@id": "#unknown"}, metas={"author": ["Jill Barshay"]})
    assert authors(html) == ["Jill Barshay"]


def test_an_organisation_author_is_not_taken_from_the_meta_tags_either():
    html = page({"@type": "Organization", "name": "GlossGenius"}, metas={"author": ["GlossGenius"]})
    assert authors(html) == []
