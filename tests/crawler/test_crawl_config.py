"""A crawl runs with one configuration however it is started: ``crawler.settings``, then
``[scheduler.scrapy_settings]`` of the config file, then ``-s`` for that one crawl; its
database URL and host map are the environment's over the file's, and ``-s`` over both."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings

from akhbar.cli import cli
from akhbar.static_server import StaticSite
from crawler.crawl_config import ConfigFileSettings, crawl_config
from crawler.registry import project_settings
from db import schema
from tests.support import FIXTURES, REPO


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def one_crawl(**settings: str) -> Settings:
    """``crawler.settings`` with ``settings`` given as ``-s`` for one crawl."""
    values = project_settings()
    values.setdict(settings, priority="cmdline")
    return values


def test_database_url_of_one_crawl_wins_over_environment_and_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "akhbar.toml", 'database_url = "postgresql://file/db"\n')
    environ = {"AKHBAR_CONFIG": str(config), "AKHBAR_DATABASE_URL": "postgresql://env/db"}
    settings = one_crawl(AKHBAR_DATABASE_URL="postgresql://one-crawl/db")
    assert crawl_config(settings, environ).database_url == "postgresql://one-crawl/db"


def test_database_url_of_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "akhbar.toml", 'database_url = "postgresql://file/db"\n')
    environ = {"AKHBAR_CONFIG": str(config), "AKHBAR_DATABASE_URL": "postgresql://env/db"}
    assert crawl_config(one_crawl(), environ).database_url == "postgresql://env/db"


def test_host_map_of_one_crawl_adds_to_the_environments_and_the_files(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "akhbar.toml",
        '[host_map]\n"a.example" = "http://127.0.0.1:1"\n"b.example" = "http://127.0.0.1:2"\n',
    )
    environ = {"AKHBAR_CONFIG": str(config), "AKHBAR_HOST_MAP": "b.example=http://127.0.0.1:3"}
    settings = one_crawl(AKHBAR_HOST_MAP="c.example=http://127.0.0.1:4")
    assert crawl_config(settings, environ).host_map == {
        "a.example": "http://127.0.0.1:1",
        "b.example": "http://127.0.0.1:3",
        "c.example": "http://127.0.0.1:4",
    }


def test_config_file_settings_override_the_defaults_and_yield_to_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(
        tmp_path / "akhbar.toml",
        "[scheduler.scrapy_settings]\nAKHBAR_STORE_BATCH_SIZE = 7\nAKHBAR_REVISIT_DAYS = 9\n",
    )
    monkeypatch.setenv("AKHBAR_CONFIG", str(config))
    settings = one_crawl(AKHBAR_REVISIT_DAYS="1.5")
    ConfigFileSettings.update_pre_crawler_settings(settings)
    assert settings.getint("AKHBAR_STORE_BATCH_SIZE") == 7
    assert settings.getfloat("AKHBAR_REVISIT_DAYS") == 1.5


def test_akhbar_spool_looks_where_the_config_file_sends_the_spool(tmp_path: Path) -> None:
    spool = tmp_path / "spool-from-config"
    config = write_config(
        tmp_path / "akhbar.toml", f'[scheduler.scrapy_settings]\nAKHBAR_SPOOL_DIR = "{spool}"\n'
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "spool", "status"])
    assert result.exit_code == 0, result.output
    assert f"0 articles in 0 spool files in {spool}" in result.output


# Real crawls of a small local site: the setting observed is where the WARC files go.

HAWARNEWS_ARTICLES = FIXTURES / "hawarnews" / "site" / "ar" / "haber"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[StaticSite]:
    """A start page linking two article pages of the saved hawarnews site."""
    root = tmp_path / "site"
    links = []
    for page in sorted(HAWARNEWS_ARTICLES.glob("*/*/*/*/index.html"))[:2]:
        path = page.relative_to(HAWARNEWS_ARTICLES.parents[1])
        (root / path).parent.mkdir(parents=True)
        shutil.copy(page, root / path)
        links.append(f'<li><a href="/{path.parent.as_posix()}/">{path.parent.name}</a></li>')
    (root / "index.html").write_text(
        f"<!doctype html><html><body><ul>{''.join(links)}</ul></body></html>", encoding="utf-8"
    )
    with StaticSite(root) as server:
        yield server


@pytest.fixture
def crawl_env(databases) -> dict[str, str]:
    url = databases.create("akhbar_settings")
    schema.upgrade(url)
    return {**os.environ, "AKHBAR_DATABASE_URL": url, "AKHBAR_CONFIG": ""}


def warc_config(tmp_path: Path) -> tuple[Path, Path]:
    """A config file sending WARC files to a folder of its own, and that folder."""
    warc = tmp_path / "warc-from-config"
    config = write_config(
        tmp_path / "akhbar.toml",
        f'[scheduler.scrapy_settings]\nAKHBAR_WARC_DIR = "{warc}"\nAUTOTHROTTLE_ENABLED = false\n',
    )
    return config, warc


def warc_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.warc.gz"))


def scrapy_crawl(origin: str, env: dict[str, str], *settings: str) -> None:
    command = ["scrapy", "crawl", "generic", "-a", f"url={origin}/"]
    for setting in settings:
        command += ["-s", setting]
    done = subprocess.run(
        [sys.executable, "-m", *command],
        env=env,
        cwd=REPO,  # scrapy.cfg
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.db
@pytest.mark.crawl
def test_a_config_file_setting_reaches_akhbar_crawl(
    site: StaticSite, crawl_env: dict[str, str], tmp_path: Path
) -> None:
    config, warc = warc_config(tmp_path)
    command = ["akhbar", "--config", str(config), "crawl", "generic", "--url", site.origin + "/"]
    done = subprocess.run(
        [sys.executable, "-m", *command],
        env=crawl_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert warc_files(warc), done.stderr


@pytest.mark.db
@pytest.mark.crawl
def test_a_config_file_setting_reaches_a_plain_scrapy_crawl(
    site: StaticSite, crawl_env: dict[str, str], tmp_path: Path
) -> None:
    config, warc = warc_config(tmp_path)
    scrapy_crawl(site.origin, {**crawl_env, "AKHBAR_CONFIG": str(config)})
    assert warc_files(warc)


@pytest.mark.db
@pytest.mark.crawl
def test_s_for_one_crawl_wins_over_the_config_file(
    site: StaticSite, crawl_env: dict[str, str], tmp_path: Path
) -> None:
    config, warc = warc_config(tmp_path)
    elsewhere = tmp_path / "warc-of-this-crawl"
    scrapy_crawl(
        site.origin, {**crawl_env, "AKHBAR_CONFIG": str(config)}, f"AKHBAR_WARC_DIR={elsewhere}"
    )
    assert warc_files(elsewhere)
    assert not warc_files(warc)
