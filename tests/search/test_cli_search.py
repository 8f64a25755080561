"""``akhbar search``: one line for an unknown filter, and a count line that tells the truth."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from akhbar.cli import cli

pytestmark = pytest.mark.db


@pytest.fixture
def archive_url(search_engine: Engine, search_url: str) -> str:
    """The search tests' archive (seeds and both fixture outlets), loaded."""
    return search_url


def search_cli(url: str, *args: str) -> Result:
    env = {"DATABASE_URL": url, "AKHBAR_DATABASE_URL": ""}
    return CliRunner().invoke(cli, ["search", *args], env=env)


def test_unknown_outlet_is_one_line_listing_the_known_ones(archive_url: str) -> None:
    result = search_cli(archive_url, "داعش", "--outlet", "nosuch")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "Error: --outlet: unknown outlet 'nosuch'; the archive has: " in result.output
    known = result.output.rsplit(": ", 1)[-1].strip().split(", ")
    assert {"casablancatoday", "hawarnews", "seeds"} <= set(known)


def test_unknown_lang_is_one_line_listing_the_archive_languages(archive_url: str) -> None:
    result = search_cli(archive_url, "داعش", "--lang", "xx")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "--lang: unknown language 'xx'; the archive has: " in result.output
    assert "ar" in result.output.rsplit(": ", 1)[-1].strip().split(", ")


def test_counts_per_outlet_honour_the_outlet_filter(archive_url: str) -> None:
    everywhere = search_cli(archive_url, "داعش")
    assert "casablancatoday" in everywhere.stderr.splitlines()[0]
    result = search_cli(archive_url, "داعش", "--outlet", "hawarnews")
    assert result.exit_code == 0, result.output
    count_line = result.stderr.splitlines()[0]
    assert "(hawarnews " in count_line and "casablancatoday" not in count_line


def test_count_line_says_1_article(archive_url: str) -> None:
    result = search_cli(archive_url, "عفرين", "--outlet", "seeds")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "1 article (seeds 1); showing 1–1"


def test_count_line_tells_how_to_see_more(archive_url: str) -> None:
    result = search_cli(archive_url, "داعش", "--limit", "2", "--offset", "2")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0].endswith("; showing 3–4; --offset 4 for more")


def test_count_line_says_when_the_offset_is_past_the_end(archive_url: str) -> None:
    result = search_cli(archive_url, "داعش", "--offset", "5000")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0].endswith("; none at --offset 5000")
