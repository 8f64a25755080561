"""The ``akhbar`` command: help everywhere, one clear line for errors a user can fix."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from akhbar.cli import cli
from db import schema


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


def run_akhbar(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    """``python -m akhbar ARGS`` as a user runs it: with the CLI's own logging on stderr
    (in-process, pytest's log capture would hide lines printed twice)."""
    env = {**os.environ, "AKHBAR_DATABASE_URL": database_url, "AKHBAR_CONFIG": ""}
    return subprocess.run(
        [sys.executable, "-m", "akhbar", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
def test_db_current_reports_latest(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["db", "current"], env={"AKHBAR_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert result.output == f"{schema.head_revision()} (latest)\n"


@pytest.mark.db
def test_db_current_prints_one_plain_line_and_no_log(database_url: str) -> None:
    result = run_akhbar(["db", "current"], database_url)
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).splitlines() == [f"{schema.head_revision()} (latest)"]


@pytest.mark.db
def test_import_reports_each_bad_line_once(database_url: str, tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("oops\n", encoding="utf-8")
    result = run_akhbar(["import", str(path)], database_url)
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("line 1") == 1, result.stderr


@pytest.mark.db
def test_db_upgrade_then_downgrade_through_the_cli(empty_database_url: str) -> None:
    env = {"AKHBAR_DATABASE_URL": empty_database_url}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    assert "(latest)" in runner.invoke(cli, ["db", "current"], env=env).output
    assert runner.invoke(cli, ["db", "downgrade", "base"], env=env).exit_code == 0
    assert runner.invoke(cli, ["db", "current"], env=env).output.startswith("not migrated")


@pytest.mark.parametrize("url", ["notaurl", "ftp://x/"])
def test_crawl_generic_refuses_a_url_it_cannot_crawl(url: str) -> None:
    result = CliRunner().invoke(cli, ["crawl", "generic", "--url", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: --url: {url!r} is not an http:// or https:// URL with a host"]


def test_crawl_generic_without_url_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["crawl", "generic"])
    assert result.exit_code == 2, result.output
    assert "Error: the generic spider needs --url" in result.output


def test_crawl_of_an_outlet_refuses_url() -> None:
    result = CliRunner().invoke(cli, ["crawl", "hawarnews", "--url", "http://x/"])
    assert result.exit_code == 2, result.output
    assert "Error: --url is only for the generic spider" in result.output


@pytest.mark.parametrize(
    "command",
    [["outlets"], ["status"], ["runs"], ["crawl", "hawarnews"], ["db", "current"]],
    ids=" ".join,
)
def test_bad_schedule_is_refused_by_every_command(tmp_path, command: list[str]) -> None:
    path = tmp_path / "akhbar.toml"
    path.write_text('[outlets.hawarnews]\nschedule = "5x"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), *command])
    assert result.exit_code == 1, result.output
    assert f"Error: {path}: outlets.hawarnews.schedule = '5x': expected" in result.output


def test_bad_scheduler_value_is_refused_outside_the_daemon(tmp_path) -> None:
    path = tmp_path / "akhbar.toml"
    path.write_text("[scheduler]\ncrawl_timeout = nan\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "outlets"])
    assert result.exit_code == 1, result.output
    assert f"{path}: scheduler.crawl_timeout must be a finite number" in result.output
