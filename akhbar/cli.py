"""The ``akhbar`` command: a thin face over the db, crawler and scheduler packages."""

from __future__ import annotations

import logging
import sys

import click

from akhbar.context import CliState, friendly_errors, pass_state
from akhbar.text_table import echo_table
from db.config import ConfigError, check_site_url, load_config, parse_host_map
from db.engine import make_engine

EXIT_DEGRADED = 3
"""``akhbar crawl``'s exit status for a degraded crawl (1 is a failed one)."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="AKHBAR_CONFIG",
    help="TOML configuration file (default: $AKHBAR_CONFIG, else none).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr.")
@click.version_option(package_name="akhbar")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Akhbar: a scheduled news crawler with a searchable archive in PostgreSQL.

    The database is AKHBAR_DATABASE_URL, else DATABASE_URL, else database_url in the
    config file; with none set, an embedded PostgreSQL in your data directory.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic announces every autogenerate plugin at INFO; that is noise on a terminal.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        ctx.obj = CliState(load_config(config_path))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.group()
def db() -> None:
    """Manage the archive's schema (Alembic migrations) and connection."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_state
@friendly_errors
def db_upgrade(state: CliState, revision: str) -> None:
    """Migrate the schema up to REVISION (default: the latest)."""
    from db import schema

    schema.upgrade(state.database_url(), revision)
    click.echo(f"schema at {revision}", err=True)


@db.command("downgrade")
@click.argument("revision")
@pass_state
@friendly_errors
def db_downgrade(state: CliState, revision: str) -> None:
    """Migrate the schema down to REVISION (``base`` removes every table)."""
    from db import schema

    schema.downgrade(state.database_url(), revision)
    click.echo(f"schema at {revision}", err=True)


@db.command("current")
@pass_state
@friendly_errors
def db_current(state: CliState) -> None:
    """Print the schema revision of the database and whether it is the latest."""
    from db import schema

    engine = make_engine(state.database_url())
    try:
        with engine.connect() as connection:
            current = schema.current_revision(connection)
    finally:
        engine.dispose()
    head = schema.head_revision()
    if current is None:
        click.echo("not migrated (run `akhbar db upgrade`)")
    elif current == head:
        click.echo(f"{current} (latest)")
    else:
        click.echo(f"{current} (the latest is {head}: run `akhbar db upgrade`)")


@db.command("url")
@pass_state
@friendly_errors
def db_url(state: CliState) -> None:
    """Print the database URL in effect, for psql "$(akhbar db url)"."""
    click.echo(state.database_url())


@db.command("stop")
@pass_state
@friendly_errors
def db_stop(state: CliState) -> None:
    """Stop the embedded PostgreSQL; the next command that needs it starts it again."""
    from db.embedded import stop_embedded
    from db.engine import describe_server

    if state.config.database_url:
        server = describe_server(state.config.database_url)
        click.echo(f"not applicable: the configured database is {server}, not the embedded one")
        return
    pgdata = state.config.data_dir / "pgdata"
    stopped = stop_embedded(state.config.data_dir)
    click.echo(f"embedded PostgreSQL in {pgdata} {'stopped' if stopped else 'was not running'}")


@cli.command("outlets")
@pass_state
@friendly_errors
def outlets(state: CliState) -> None:
    """List the outlets Akhbar can crawl (spiders, then configured generic sites)."""
    from crawler.registry import configured_sites, outlet_spiders
    from scheduler.schedules import outlet_schedules

    infos = {name: spider.outlet for name, spider in outlet_spiders(state.config).items()}
    infos |= {name: target.outlet for name, target in configured_sites(state.config).items()}
    rows = [
        (
            name,
            infos[name].language,
            item.schedule,
            "yes" if item.enabled else "no",
            infos[name].base_url,
            infos[name].title,
        )
        for name, item in outlet_schedules(state.config).items()
    ]
    echo_table(("NAME", "LANG", "SCHEDULE", "ENABLED", "BASE URL", "TITLE"), rows)


def _site_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--url``'s value, refused with one line (exit 2) unless a crawl can start there."""
    if value is None:
        return None
    try:
        return check_site_url(value, "--url")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@cli.command("crawl")
@click.argument("outlet")
@click.option(
    "--map-host",
    "map_hosts",
    multiple=True,
    metavar="HOST=ORIGIN",
    help="Fetch HOST from ORIGIN (repeatable); added to the configured host map.",
)
@click.option("--full", is_flag=True, help="Fetch archived articles again to catch every edit.")
@click.option("--timeout", type=float, default=None, help="Stop the crawl after this many seconds.")
@click.option(
    "--url",
    "start_url",
    default=None,
    callback=_site_url,
    help="Site to crawl (http:// or https://), for the generic spider only.",
)
@pass_state
@friendly_errors
def crawl(
    state: CliState,
    outlet: str,
    map_hosts: tuple[str, ...],
    full: bool,
    timeout: float | None,
    start_url: str | None,
) -> None:
    """Crawl OUTLET now, in its own process, and record it in crawl_runs.

    Prints one summary line; exits 1 when the crawl failed, 3 when it is degraded
    (it stored articles but read far less from its pages than the outlet usually
    gives; the reason is printed on stderr). Either runs the [alerts] command.
    """
    from crawler.registry import GENERIC, UnknownOutlet, crawl_settings
    from scheduler.alerts import alert_for_run
    from scheduler.crawl import CrawlLocked, CrawlRequest, run_crawl

    if outlet == GENERIC and not start_url:
        raise click.UsageError("the generic spider needs --url https://site/")
    if outlet != GENERIC and start_url:
        # An outlet crawls its own site; quietly ignoring --url would crawl the real one.
        raise click.UsageError(
            f"--url is only for the generic spider (`akhbar crawl generic --url {start_url}`); "
            f"{outlet} crawls its own site"
        )
    host_map: dict[str, str] = {}
    for pair in map_hosts:
        host_map.update(parse_host_map(pair, "--map-host"))
    state.database_url()
    request = CrawlRequest(
        outlet=outlet,
        host_map=host_map,
        full=full,
        timeout=timeout,
        settings=crawl_settings(state.config),
        url=start_url,
    )
    try:
        result = run_crawl(state.config, request)
    except (UnknownOutlet, CrawlLocked) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())
    alert_for_run(state.config, result.run_id)
    if result.status == "degraded":
        click.echo(f"degraded: {result.degraded_reason}", err=True)
        sys.exit(EXIT_DEGRADED)
    if result.status != "succeeded":
        if result.error_summary:
            click.echo(result.error_summary, err=True)
        sys.exit(1)


def main() -> None:
    cli(prog_name="akhbar")


def _register_commands() -> None:
    """Add the commands that live in modules of their own (one line each)."""
    cli.add_command(__import__("akhbar.demo", fromlist=["demo"]).demo)
    __import__("akhbar.cli_search", fromlist=["register"]).register(cli)
    __import__("akhbar.cli_spool", fromlist=["register"]).register(cli)
    __import__("akhbar.cli_archive", fromlist=["register"]).register(cli)
    __import__("akhbar.cli_authoring", fromlist=["register"]).register(cli)
    __import__("akhbar.cli_deploy", fromlist=["register"]).register(cli)
    import akhbar.cli_scheduler  # noqa: F401  (run, runs, status register themselves)


_register_commands()
