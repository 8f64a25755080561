"""The one configuration reader: environment variables and an optional TOML file.

The CLI, the crawl processes (``crawler.crawl_config``), Alembic's ``env.py`` and the
scheduler all call :func:`load_config`, so a setting means the same thing everywhere.

Precedence, highest first: ``AKHBAR_*`` / ``DATABASE_URL`` environment variables,
then the TOML file (``--config FILE`` or ``AKHBAR_CONFIG``), then defaults. A crawl
can be given its own database URL and host entries on top (``-s``, see
``crawler.crawl_config``). The crawl settings (``AKHBAR_STORE_BATCH_SIZE`` and the
rest) have their defaults in ``crawler.settings`` and are set in the file under
``[scheduler.scrapy_settings]``.

One module, a little over 500 lines, on purpose: each table's settings class sits next to
the reader that checks its keys, and the error messages name keys the same way throughout.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from db.schedules import ScheduleError, read_schedule

APP_NAME = "akhbar"


class ConfigError(Exception):
    """A configuration file or variable that cannot be used; the message names it."""


@dataclass(frozen=True)
class OutletSettings:
    """Per-outlet overrides from ``[outlets.NAME]``."""

    schedule: str | None = None
    enabled: bool = True
    url: str | None = None
    """Start URL of a site crawled by the generic spider (an outlet with no spider module)."""
    title: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class SchedulerSettings:
    """The daemon's settings, from ``[scheduler]`` (seconds unless said otherwise)."""

    crawl_timeout: float = 3600.0
    """A crawl still running after this long is stopped and recorded ``timed_out``."""
    stop_grace: float = 30.0
    """On SIGTERM/SIGINT, how long running crawls may go on before they are stopped."""
    kill_grace: float = 30.0
    """After SIGTERM to a crawl process, how long it may take to close before SIGKILL."""
    jitter: float = 30.0
    """Up to this much random delay is added to each run (at most a tenth of an interval)."""
    misfire_grace_time: int = 3600
    """A run this late (daemon down, pool busy) still happens, once; later, it is skipped."""
    leader_poll: float = 5.0
    """How often a standby tries to take the lead, and the leader checks it still has it."""
    max_crawls: int = 4
    """Crawls of different outlets that may run at the same time."""
    runner: str = "local"
    """Where crawls run: ``local`` (a process of the daemon) or ``scrapyd`` (its nodes)."""
    scrapy_settings: dict[str, str] = field(default_factory=dict)
    """Scrapy settings for every crawl, over ``crawler.settings``, from
    ``[scheduler.scrapy_settings]``. A ``scrapy crawl`` process reads them from the file
    itself (``crawler.crawl_config``); the crawls Akhbar starts are given them as ``-s``
    too (``crawler.registry.crawl_settings``), which carries them to scrapyd nodes."""
    metrics_address: tuple[str, int] | None = None
    """Host and port the daemon serves Prometheus metrics on (``"127.0.0.1:9464"``);
    None, the default, serves none: a daemon opens no port it was not asked to."""


@dataclass(frozen=True)
class ScrapydNode:
    """One scrapyd service, from ``[scrapyd] nodes``."""

    url: str
    """``http://host:6800``: what crawl_runs.node records (never the credentials)."""
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class ScrapydSettings:
    """The scrapyd nodes crawls are sent to, from ``[scrapyd]`` (seconds unless said otherwise)."""

    nodes: tuple[ScrapydNode, ...] = ()
    project: str = "akhbar"
    """The project name the egg is deployed as and jobs are scheduled in."""
    poll: float = 2.0
    """How often the daemon asks a node about the job it runs (listjobs.json)."""
    node_timeout: float = 30.0
    """A node that has not answered for this long is given up: its crawl is left to its
    lock (recorded ``interrupted`` by the outlet's next crawl) and new crawls go elsewhere."""


@dataclass(frozen=True)
class HealthSettings:
    """When a crawl is ``degraded``, from ``[health]`` (see ``crawler.health``).

    A crawl is compared with its outlet's usual: the median over the outlet's last
    ``window`` successful crawls, when there are at least ``min_history`` of them.
    """

    window: int = 5
    """How many of the outlet's latest successful crawls make its usual."""
    min_history: int = 3
    """Fewer successful crawls than this, and nothing is compared: no usual yet."""
    min_articles: int = 10
    """Yield and fill rates are compared only for crawls (this one and the usual's) that
    fetched at least this many article pages: a few pages say little."""
    yield_ratio: float = 0.5
    """Degraded when the share of article pages that gave an article falls below this
    fraction of the usual share."""
    field_ratio: float = 0.5
    """Degraded when a field's fill rate falls below this fraction of its usual rate."""
    min_field_rate: float = 0.3
    """Fields the outlet usually fills in fewer articles than this are not watched."""
    min_urls_found: int = 10
    """Degraded when discovery found no article URL where it usually finds this many."""


@dataclass(frozen=True)
class AlertSettings:
    """The command run when a crawl fails or is degraded, from ``[alerts]``."""

    command: str | None = None
    """A shell command; it gets the crawl's ``crawl_runs`` record as JSON on stdin."""
    timeout: float = 30.0
    """Seconds the command may run before it is killed (and that logged)."""


@dataclass(frozen=True)
class Config:
    """Settings in effect for one process."""

    database_url: str | None = None
    """The configured server URL, or None for the embedded PostgreSQL."""

    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    """Where the embedded PostgreSQL and other local state live."""

    host_map: dict[str, str] = field(default_factory=dict)
    """Production host -> origin that answers for it (``curl --connect-to`` style)."""

    outlets: dict[str, OutletSettings] = field(default_factory=dict)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    scrapyd: ScrapydSettings = field(default_factory=ScrapydSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    spiders_dir: Path | None = None
    """A folder of outlet spider modules of your own, loaded besides ``crawler.spiders``
    (``spiders_dir`` or ``AKHBAR_SPIDERS_DIR``); ``akhbar new-outlet`` writes there."""
    source: Path | None = None
    """The TOML file read, if any."""

    def outlet(self, name: str) -> OutletSettings:
        return self.outlets.get(name, OutletSettings())


_TOP_LEVEL_KEYS = {
    "database_url",
    "data_dir",
    "host_map",
    "outlets",
    "scheduler",
    "spiders_dir",
    "scrapyd",
    "health",
    "alerts",
}
_OUTLET_KEYS = {"schedule": str, "enabled": bool, "url": str, "title": str, "language": str}


def load_config(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read the configuration from ``path`` (or ``AKHBAR_CONFIG``) and the environment."""
    env = os.environ if environ is None else environ
    file_path = path or env.get("AKHBAR_CONFIG") or None
    raw: dict[str, Any] = _read_toml(Path(file_path)) if file_path else {}
    where = str(file_path) if file_path else "configuration"

    unknown = sorted(set(raw) - _TOP_LEVEL_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}")

    database_url = (
        env.get("AKHBAR_DATABASE_URL")
        or env.get("DATABASE_URL")
        or _optional_str(raw, "database_url", where)
    )
    data_dir_value = env.get("AKHBAR_DATA_DIR") or _optional_str(raw, "data_dir", where)
    data_dir = (
        Path(data_dir_value).expanduser()
        if data_dir_value
        else Path(platformdirs.user_data_dir(APP_NAME))
    )

    spiders_dir_value = env.get("AKHBAR_SPIDERS_DIR") or _optional_str(raw, "spiders_dir", where)

    host_map = _host_map_from_table(raw.get("host_map", {}), where)
    host_map.update(parse_host_map(env.get("AKHBAR_HOST_MAP", ""), "AKHBAR_HOST_MAP"))

    return Config(
        database_url=database_url or None,
        data_dir=data_dir,
        host_map=host_map,
        outlets=_outlets_from_table(raw.get("outlets", {}), where),
        scheduler=_scheduler_from_table(raw.get("scheduler", {}), where),
        scrapyd=_scrapyd_from_table(raw.get("scrapyd", {}), raw.get("scheduler", {}), where),
        health=_health_from_table(raw.get("health", {}), where),
        alerts=_alerts_from_table(raw.get("alerts", {}), where),
        spiders_dir=Path(spiders_dir_value).expanduser() if spiders_dir_value else None,
        source=Path(file_path) if file_path else None,
    )


def parse_host_map(text: str, where: str = "--map-host") -> dict[str, str]:
    """Parse ``"host=origin host=origin"`` (spaces or commas between pairs)."""
    mapping: dict[str, str] = {}
    for pair in text.replace(",", " ").split():
        host, sep, origin = pair.partition("=")
        if not sep or not host or not origin:
            raise ConfigError(f"{where}: expected HOST=ORIGIN, got {pair!r}")
        mapping[host.lower()] = _checked_origin(origin, f"{where}: {host}")
    return mapping


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # TOML files are UTF-8
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _optional_str(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a string, not {type(value).__name__}")
    return value


def _host_map_from_table(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f'{where}: [host_map] must be a table of "host" = "origin"')
    mapping: dict[str, str] = {}
    for host, origin in table.items():
        if not isinstance(origin, str):
            raise ConfigError(f"{where}: host_map.{host} must be a string origin")
        mapping[host.lower()] = _checked_origin(origin, f"{where}: host_map.{host}")
    return mapping


def check_site_url(url: str, where: str) -> str:
    """``url`` if a crawl can start there (http or https, with a host); else ConfigError."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[oops/": a broken IPv6 literal
        usable = False
    if not usable:
        raise ConfigError(f"{where}: {url!r} is not an http:// or https:// URL with a host")
    return url


def _checked_origin(origin: str, where: str) -> str:
    if not origin.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: origin {origin!r} must start with http:// or https://")
    return origin.rstrip("/")


def _outlets_from_table(table: Any, where: str) -> dict[str, OutletSettings]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [outlets] must be a table of [outlets.NAME] tables")
    outlets: dict[str, OutletSettings] = {}
    for name, settings in table.items():
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: outlets.{name} must be a table")
        for key, value in settings.items():
            expected = _OUTLET_KEYS.get(key)
            if expected is None:
                raise ConfigError(f"{where}: unknown key 'outlets.{name}.{key}'")
            if not isinstance(value, expected):
                raise ConfigError(
                    f"{where}: outlets.{name}.{key} must be {expected.__name__}, "
                    f"not {type(value).__name__}"
                )
        _check_schedule(settings.get("schedule"), f"{where}: outlets.{name}.schedule")
        if "url" in settings:
            check_site_url(settings["url"], f"{where}: outlets.{name}.url")
        outlets[name] = OutletSettings(**settings)
    return outlets


def _check_schedule(schedule: str | None, where: str) -> None:
    """Refuse a bad schedule when the configuration is read, not when the daemon runs it."""
    if schedule is None:
        return
    try:
        read_schedule(schedule)
    except ScheduleError as exc:
        raise ConfigError(f"{where} = {schedule!r}: {exc.reason}") from None


RUNNERS = ("local", "scrapyd")

# [scheduler] key -> (type, smallest allowed value); durations are seconds.
_SCHEDULER_NUMBERS: dict[str, tuple[type, float]] = {
    "crawl_timeout": (float, 1.0),
    "stop_grace": (float, 0.0),
    "kill_grace": (float, 0.0),
    "jitter": (float, 0.0),
    "misfire_grace_time": (int, 1),
    "leader_poll": (float, 0.1),
    "max_crawls": (int, 1),
}


def _scheduler_from_table(table: Any, where: str) -> SchedulerSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [scheduler] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "scrapy_settings":
            values[key] = _scrapy_settings_from_table(value, where)
            continue
        if key == "metrics_address":
            values[key] = _listen_address(value, f"scheduler.{key}", where)
            continue
        if key == "runner":
            if value not in RUNNERS:
                raise ConfigError(
                    f"{where}: scheduler.runner must be one of {', '.join(RUNNERS)}, not {value!r}"
                )
            values[key] = value
            continue
        spec = _SCHEDULER_NUMBERS.get(key)
        if spec is None:
            raise ConfigError(f"{where}: unknown key 'scheduler.{key}'")
        expected, minimum = spec
        # bool is an int subclass in Python; `true` is never a number of seconds.
        allowed = (int,) if expected is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            name = "an integer" if expected is int else "a number of seconds"
            raise ConfigError(
                f"{where}: scheduler.{key} must be {name}, not {type(value).__name__}"
            )
        if not math.isfinite(value):  # TOML has nan and inf; neither is a duration
            raise ConfigError(f"{where}: scheduler.{key} must be a finite number, not {value}")
        if value < minimum:
            raise ConfigError(f"{where}: scheduler.{key} must be at least {minimum}, not {value}")
        values[key] = expected(value)
    return SchedulerSettings(**values)


def _listen_address(value: Any, key: str, where: str) -> tuple[str, int]:
    """``"HOST:PORT"`` (``"[::1]:9464"`` for IPv6) as (host, port)."""
    if not isinstance(value, str):
        raise ConfigError(f'{where}: {key} must be a string "HOST:PORT", not {value!r}')
    host, sep, port = value.rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]")
    host = host[1:-1] if bracketed else host
    if not sep or not host or (":" in host and not bracketed):
        raise ConfigError(
            f'{where}: {key} must be "HOST:PORT" ("[::1]:PORT" for IPv6), not {value!r}'
        )
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"{where}: {key} needs a port from 1 to 65535, not {value!r}")
    return host, int(port)


# Scrapy settings with a key of their own in the file: one name each, and their precedence
# (environment over file) stays true.
_OWN_KEYS = {"AKHBAR_DATABASE_URL": "database_url", "AKHBAR_HOST_MAP": "[host_map]"}


def _scrapy_settings_from_table(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [scheduler.scrapy_settings] must be a table of NAME = value")
    settings: dict[str, str] = {}
    for key, value in table.items():
        if key in _OWN_KEYS:
            raise ConfigError(
                f"{where}: scheduler.scrapy_settings.{key}: set {_OWN_KEYS[key]} instead"
            )
        if not isinstance(value, str | int | float | bool):
            raise ConfigError(
                f"{where}: scheduler.scrapy_settings.{key} must be a string, number or bool, "
                f"not {type(value).__name__}"
            )
        settings[key] = str(value)  # Scrapy parses -s values itself ("False", "2.5")
    return settings


_SCRAPYD_NUMBERS = {"poll": 0.1, "node_timeout": 1.0}
_NODE_KEYS = ("url", "username", "password")


def _scrapyd_from_table(table: Any, scheduler: Any, where: str) -> ScrapydSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [scrapyd] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "nodes":
            values[key] = _scrapyd_nodes(value, where)
        elif key == "project":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: scrapyd.project must be a non-empty string")
            values[key] = value
        elif key in _SCRAPYD_NUMBERS:
            values[key] = _seconds(value, f"scrapyd.{key}", _SCRAPYD_NUMBERS[key], where)
        else:
            raise ConfigError(f"{where}: unknown key 'scrapyd.{key}'")
    settings = ScrapydSettings(**values)
    if isinstance(scheduler, dict) and scheduler.get("runner") == "scrapyd" and not settings.nodes:
        raise ConfigError(f'{where}: scheduler.runner = "scrapyd" needs scrapyd.nodes')
    return settings


def _seconds(value: Any, key: str, minimum: float, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{where}: {key} must be a finite number of seconds, not {value!r}")
    if value < minimum:
        raise ConfigError(f"{where}: {key} must be at least {minimum}, not {value}")
    return float(value)


def _scrapyd_nodes(value: Any, where: str) -> tuple[ScrapydNode, ...]:
    """``nodes = ["http://host:6800", {url = "...", username = "...", password = "..."}]``."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: scrapyd.nodes must be a list of URLs or tables")
    nodes = []
    for index, item in enumerate(value):
        name = f"scrapyd.nodes[{index}]"
        entry = {"url": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: {name} must be a URL or a table with url")
        for key, field_value in entry.items():
            if key not in _NODE_KEYS:
                raise ConfigError(f"{where}: unknown key '{name}.{key}'")
            if not isinstance(field_value, str):
                raise ConfigError(f"{where}: {name}.{key} must be a string")
        if "url" not in entry:
            raise ConfigError(f"{where}: {name} has no url")
        url = _checked_origin(entry["url"], f"{where}: {name}")
        if urlsplit(url).username is not None:
            # crawl_runs.node records the URL: credentials belong in username and password.
            raise ConfigError(f"{where}: {name}: put credentials in username and password")
        if ("username" in entry) != ("password" in entry):
            raise ConfigError(f"{where}: {name} needs both username and password, or neither")
        nodes.append(ScrapydNode(url, entry.get("username"), entry.get("password")))
    urls = [node.url for node in nodes]
    if len(set(urls)) != len(urls):
        raise ConfigError(f"{where}: scrapyd.nodes lists a node twice")
    return tuple(nodes)


# [health] key -> (type, smallest, largest allowed value).
_HEALTH_NUMBERS: dict[str, tuple[type, float, float]] = {
    "window": (int, 1, math.inf),
    "min_history": (int, 1, math.inf),
    "min_articles": (int, 1, math.inf),
    "yield_ratio": (float, 0.0, 1.0),
    "field_ratio": (float, 0.0, 1.0),
    "min_field_rate": (float, 0.0, 1.0),
    "min_urls_found": (int, 1, math.inf),
}


def _health_from_table(table: Any, where: str) -> HealthSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [health] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        spec = _HEALTH_NUMBERS.get(key)
        if spec is None:
            raise ConfigError(f"{where}: unknown key 'health.{key}'")
        expected, smallest, largest = spec
        allowed = (int,) if expected is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            name = "an integer" if expected is int else "a number"
            raise ConfigError(f"{where}: health.{key} must be {name}, not {value!r}")
        if not smallest <= value <= largest:
            bounds = (
                f"at least {smallest}" if largest == math.inf else f"from {smallest} to {largest}"
            )
            raise ConfigError(f"{where}: health.{key} must be {bounds}, not {value}")
        values[key] = expected(value)
    settings = HealthSettings(**values)
    if settings.min_history > settings.window:
        raise ConfigError(
            f"{where}: health.min_history ({settings.min_history}) cannot exceed "
            f"health.window ({settings.window})"
        )
    return settings


def _alerts_from_table(table: Any, where: str) -> AlertSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [alerts] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "command":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: alerts.command must be a non-empty string")
            values[key] = value
        elif key == "timeout":
            values[key] = _seconds(value, "alerts.timeout", 0.1, where)
        else:
            raise ConfigError(f"{where}: unknown key 'alerts.{key}'")
    return AlertSettings(**values)
