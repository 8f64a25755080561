"""One configuration reader: environment over TOML file over defaults, strict about keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.config import ConfigError, load_config, parse_host_map


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "akhbar.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_and_no_environment_means_embedded_database() -> None:
    assert load_config(environ={}).database_url is None


def test_database_url_from_environment() -> None:
    config = load_config(environ={"DATABASE_URL": "postgresql://u@h/db"})
    assert config.database_url == "postgresql://u@h/db"


def test_akhbar_database_url_wins_over_database_url() -> None:
    env = {"DATABASE_URL": "postgresql://a@h/a", "AKHBAR_DATABASE_URL": "postgresql://b@h/b"}
    assert load_config(environ=env).database_url == "postgresql://b@h/b"


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'database_url = "postgresql://file@h/db"\n')
    env = {"DATABASE_URL": "postgresql://env@h/db"}
    assert load_config(path, environ=env).database_url == "postgresql://env@h/db"


def test_config_file_named_by_akhbar_config(tmp_path: Path) -> None:
    path = write(tmp_path, 'database_url = "postgresql://file@h/db"\n')
    config = load_config(environ={"AKHBAR_CONFIG": str(path)})
    assert config.database_url == "postgresql://file@h/db"
    assert config.source == path


def test_outlet_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[outlets.hawarnews]\nschedule = "15m"\nenabled = false\n',
    )
    config = load_config(path, environ={})
    assert config.outlet("hawarnews").schedule == "15m"
    assert config.outlet("hawarnews").enabled is False
    assert config.outlet("casablancatoday").enabled is True


def test_host_map_from_file_and_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[host_map]\n"www.casablancatoday.com" = "http://127.0.0.1:8781/"\n')
    env = {"AKHBAR_HOST_MAP": "www.hawarnews.com=http://127.0.0.1:8782"}
    config = load_config(path, environ=env)
    assert config.host_map == {
        "www.casablancatoday.com": "http://127.0.0.1:8781",
        "www.hawarnews.com": "http://127.0.0.1:8782",
    }


def test_host_map_pairs_may_be_separated_by_spaces_or_commas() -> None:
    assert parse_host_map("a.com=http://x:1, b.com=http://y:2") == {
        "a.com": "http://x:1",
        "b.com": "http://y:2",
    }


@pytest.mark.parametrize("pair", ["a.com", "=http://x", "a.com=", "a.com=ftp://x"])
def test_bad_host_map_pair_is_a_clear_error(pair: str) -> None:
    with pytest.raises(ConfigError, match="AKHBAR_HOST_MAP"):
        load_config(environ={"AKHBAR_HOST_MAP": pair})


def test_unknown_top_level_key_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'databse_url = "x"\n')
    with pytest.raises(ConfigError, match=r"akhbar\.toml: unknown key 'databse_url'"):
        load_config(path, environ={})


def test_unknown_outlet_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[outlets.hawarnews]\nschedul = "15m"\n')
    with pytest.raises(ConfigError, match=r"outlets\.hawarnews\.schedul"):
        load_config(path, environ={})


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[outlets.hawarnews]\nenabled = "no"\n')
    with pytest.raises(ConfigError, match=r"outlets\.hawarnews\.enabled must be bool"):
        load_config(path, environ={})


def test_invalid_toml_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "database_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, environ={})


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", environ={})


def test_scheduler_defaults_without_a_table() -> None:
    settings = load_config(environ={}).scheduler
    assert settings.crawl_timeout == 3600.0
    assert settings.misfire_grace_time == 3600
    assert settings.max_crawls == 4
    assert settings.scrapy_settings == {}


def test_scheduler_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[scheduler]\ncrawl_timeout = 600\nstop_grace = 2.5\njitter = 0\n"
        "misfire_grace_time = 120\nleader_poll = 1\nmax_crawls = 2\n"
        "[scheduler.scrapy_settings]\nAUTOTHROTTLE_ENABLED = false\nDOWNLOAD_DELAY = 0.5\n",
    )
    settings = load_config(path, environ={}).scheduler
    assert settings.crawl_timeout == 600.0
    assert isinstance(settings.crawl_timeout, float)
    assert settings.stop_grace == 2.5
    assert settings.jitter == 0.0
    assert settings.misfire_grace_time == 120
    assert settings.leader_poll == 1.0
    assert settings.max_crawls == 2
    assert settings.scrapy_settings == {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0.5"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scheduler]\ntimeout = 5\n", r"unknown key 'scheduler\.timeout'"),
        ('[scheduler]\ncrawl_timeout = "1h"\n', r"scheduler\.crawl_timeout must be a number"),
        ("[scheduler]\nstop_grace = true\n", r"scheduler\.stop_grace must be a number"),
        ("[scheduler]\nmax_crawls = 1.5\n", r"scheduler\.max_crawls must be an integer"),
        ("[scheduler]\nmax_crawls = 0\n", r"scheduler\.max_crawls must be at least 1"),
        ("[scheduler]\njitter = -1\n", r"scheduler\.jitter must be at least"),
        ("[scheduler]\ncrawl_timeout = nan\n", r"scheduler\.crawl_timeout must be a finite"),
        ("[scheduler]\nstop_grace = inf\n", r"scheduler\.stop_grace must be a finite"),
        ("scheduler = 3\n", r"\[scheduler\] must be a table"),
        ("[scheduler.scrapy_settings]\nX = [1]\n", r"scrapy_settings\.X must be a string"),
        # One name each: the file's own keys, not a second way beside them.
        (
            '[scheduler.scrapy_settings]\nAKHBAR_DATABASE_URL = "postgresql://h/d"\n',
            r"scrapy_settings\.AKHBAR_DATABASE_URL: set database_url instead",
        ),
        (
            '[scheduler.scrapy_settings]\nAKHBAR_HOST_MAP = "a=http://127.0.0.1:1"\n',
            r"scrapy_settings\.AKHBAR_HOST_MAP: set \[host_map\] instead",
        ),
    ],
)
def test_bad_scheduler_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, environ={})


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("5x", "expected a 5-field cron expression"),
        ("0s", "longer than zero"),
        ("61 * * * *", "higher than the maximum"),
    ],
)
def test_bad_outlet_schedule_names_key_and_file(tmp_path: Path, schedule: str, reason: str) -> None:
    path = write(tmp_path, f'[outlets.hawarnews]\nschedule = "{schedule}"\n')
    with pytest.raises(ConfigError, match=r"akhbar\.toml: outlets\.hawarnews\.schedule = ") as exc:
        load_config(path, environ={})
    assert reason in str(exc.value)


def test_cron_and_interval_schedules_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[outlets.a]\nschedule = "*/30 * * * 1-5"\n[outlets.b]\nschedule = "90s"\n',
    )
    config = load_config(path, environ={})
    assert config.outlet("a").schedule == "*/30 * * * 1-5"
    assert config.outlet("b").schedule == "90s"


@pytest.mark.parametrize("url", ["notaurl", "ftp://x/", "https:///path", "http://[oops/"])
def test_outlet_url_must_be_http_with_a_host(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, f'[outlets.mysite]\nurl = "{url}"\n')
    with pytest.raises(ConfigError, match=r"akhbar\.toml: outlets\.mysite\.url: .* not an http"):
        load_config(path, environ={})


def test_scrapyd_runner_and_nodes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[scheduler]\nrunner = "scrapyd"\n'
        '[scrapyd]\nproject = "news"\npoll = 1\nnode_timeout = 10\nnodes = [\n'
        '  "http://crawl1:6800/",\n'
        '  { url = "http://crawl2:6800", username = "akhbar", password = "secret" },\n]\n',
    )
    config = load_config(path, environ={})
    assert config.scheduler.runner == "scrapyd"
    assert config.scrapyd.project == "news"
    assert config.scrapyd.poll == 1.0
    assert config.scrapyd.node_timeout == 10.0
    assert [(n.url, n.username, n.password) for n in config.scrapyd.nodes] == [
        ("http://crawl1:6800", None, None),
        ("http://crawl2:6800", "akhbar", "secret"),
    ]


def test_the_runner_is_local_by_default() -> None:
    config = load_config(environ={})
    assert config.scheduler.runner == "local"
    assert config.scrapyd.nodes == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[scheduler]\nrunner = "docker"\n', r"scheduler\.runner must be one of local, scrapyd"),
        ('[scheduler]\nrunner = "scrapyd"\n', r'runner = "scrapyd" needs scrapyd\.nodes'),
        ("[scrapyd]\nnode = []\n", r"unknown key 'scrapyd\.node'"),
        ('[scrapyd]\nnodes = "http://a:6800"\n', r"scrapyd\.nodes must be a list"),
        ('[scrapyd]\nnodes = ["crawl1:6800"]\n', r"scrapyd\.nodes\[0\]: origin"),
        ('[scrapyd]\nnodes = [{ username = "u", password = "p" }]\n', r"nodes\[0\] has no url"),
        ('[scrapyd]\nnodes = [{ url = "http://a:6800", username = "u" }]\n', r"both username"),
        (
            '[scrapyd]\nnodes = [{ url = "http://a:6800", user = "u" }]\n',
            r"'scrapyd\.nodes\[0\]\.user'",
        ),
        ('[scrapyd]\nnodes = ["http://u:p@a:6800"]\n', r"credentials in username and password"),
        ('[scrapyd]\nnodes = ["http://a:6800", "http://a:6800"]\n', r"lists a node twice"),
        ("[scrapyd]\npoll = 0\n", r"scrapyd\.poll must be at least"),
        ('[scrapyd]\nproject = ""\n', r"scrapyd\.project must be a non-empty string"),
    ],
)
def test_bad_scrapyd_settings_name_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"akhbar\.toml: ") as exc:
        load_config(path, environ={})
    assert exc.match(message)


def test_health_defaults_without_a_table() -> None:
    health = load_config(environ={}).health
    assert (health.window, health.min_history, health.field_ratio) == (5, 3, 0.5)


def test_health_table(tmp_path: Path) -> None:
    path = write(tmp_path, "[health]\nwindow = 8\nmin_history = 4\nfield_ratio = 0.25\n")
    health = load_config(path, environ={}).health
    assert (health.window, health.min_history, health.field_ratio) == (8, 4, 0.25)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[health]\nwindoww = 5\n", r"akhbar\.toml: unknown key 'health\.windoww'"),
        ("[health]\nwindow = 2.5\n", r"akhbar\.toml: health\.window must be an integer"),
        ("[health]\nwindow = 0\n", r"akhbar\.toml: health\.window must be at least 1"),
        ("[health]\nfield_ratio = 1.5\n", r"health\.field_ratio must be from 0\.0 to 1\.0"),
        ("[health]\nyield_ratio = nan\n", r"health\.yield_ratio must be from 0\.0 to 1\.0"),
        ("[health]\nmin_field_rate = true\n", r"health\.min_field_rate must be a number"),
        ("[health]\nwindow = 2\nmin_history = 3\n", r"health\.min_history \(3\) cannot exceed"),
        ("health = 3\n", r"akhbar\.toml: \[health\] must be a table"),
    ],
)
def test_bad_health_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), environ={})


def test_alerts_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[alerts]\ncommand = "mail -s akhbar ops@example.org"\ntimeout = 5\n')
    alerts = load_config(path, environ={}).alerts
    assert (alerts.command, alerts.timeout) == ("mail -s akhbar ops@example.org", 5.0)
    assert load_config(environ={}).alerts.command is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[alerts]\ncomand = "x"\n', r"akhbar\.toml: unknown key 'alerts\.comand'"),
        ('[alerts]\ncommand = ""\n', r"akhbar\.toml: alerts\.command must be a non-empty string"),
        ("[alerts]\ncommand = 3\n", r"alerts\.command must be a non-empty string"),
        ('[alerts]\ncommand = "x"\ntimeout = 0\n', r"alerts\.timeout must be at least 0\.1"),
    ],
)
def test_bad_alert_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), environ={})
