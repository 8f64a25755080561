"""The ``akhbar`` command: help everywhere, one clear line for errors a user can fix."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from akhbar.cli import cli


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(cli), ids=lambda p: " ".join(p) or "akhbar")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_outlets_lists_every_outlet_spider() -> None:
    from crawler.registry import outlet_spiders

    result = CliRunner().invoke(cli, ["outlets"])
    assert result.exit_code == 0, result.output
    for name in outlet_spiders():
        assert name in result.output


def test_outlets_lists_configured_generic_sites_with_their_schedule(tmp_path) -> None:
    path = tmp_path / "akhbar.toml"
    path.write_text(
        '[outlets.daily]\nurl = "https://daily.example/"\nschedule = "2h"\nenabled = false\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(path), "outlets"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("daily ")]
    assert line.split()[2:5] == ["2h", "no", "https://daily.example/"]


def test_unreachable_database_is_one_line_naming_the_host() -> None:
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing", "AKHBAR_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, ["db", "current"], env=env)
    assert result.exit_code == 1
    assert "127.0.0.1:1/nothing" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_non_postgresql_url_is_refused_clearly() -> None:
    env = {"DATABASE_URL": "mysql://root@127.0.0.1/x", "AKHBAR_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, ["db", "url"], env=env)
    assert result.exit_code == 1
    assert "only PostgreSQL" in result.output


def test_bad_config_file_is_one_line_naming_the_key(tmp_path) -> None:
    path = tmp_path / "akhbar.toml"
    path.write_text("colour = 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "outlets"])
    assert result.exit_code == 1
    assert "unknown key 'colour'" in result.output


@pytest.mark.db
def test_db_url_prints_the_configured_url(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["db", "url"], env={"AKHBAR_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == database_url


@pytest.mark.db
def test_db_current_reports_head(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["db", "current"], env={"AKHBAR_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "(head)" in result.output


@pytest.mark.db
def test_db_upgrade_then_downgrade_through_the_cli(empty_database_url: str) -> None:
    env = {"AKHBAR_DATABASE_URL": empty_database_url}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    assert "(head)" in runner.invoke(cli, ["db", "current"], env=env).output
    assert runner.invoke(cli, ["db", "downgrade", "base"], env=env).exit_code == 0
    assert "none" in runner.invoke(cli, ["db", "current"], env=env).output
