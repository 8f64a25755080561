"""``akhbar demo``, the README's first command: both bundled outlets crawled and searchable."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from akhbar.cli import cli
from akhbar.demo import SAMPLE_QUERY

pytestmark = [pytest.mark.db, pytest.mark.crawl]


def test_demo_archives_both_outlets_and_shows_a_sample_search(databases) -> None:
    url = databases.create("akhbar_demo")  # no schema yet: the demo upgrades it
    result = CliRunner().invoke(cli, ["demo"], env={"AKHBAR_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    for outlet in ("casablancatoday", "hawarnews"):
        assert f"{outlet}: succeeded" in result.output
    assert result.output.count("29 new") == 2
    (line,) = [line for line in result.output.splitlines() if line.startswith("akhbar search")]
    assert line.startswith(f"akhbar search {SAMPLE_QUERY}: ")
    assert "casablancatoday" in line and "hawarnews" in line
