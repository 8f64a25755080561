"""``akhbar run``, ``akhbar runs`` and ``akhbar status``: the daemon and its history.

Importing this module adds the commands to ``akhbar.cli.cli`` (one import line in
``_register_commands``).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import click

from akhbar.cli import cli
from akhbar.context import CliState, friendly_errors, pass_state
from akhbar.text_table import echo_table
from db.engine import make_engine


@cli.command("run")
@pass_state
@friendly_errors
def run(state: CliState) -> None:
    """Run the scheduler daemon in the foreground (logs to stderr).

    Crawls every enabled outlet on its schedule. A second `akhbar run` on the same
    database stands by and takes over when this one stops. SIGTERM or Ctrl-C stops
    it gracefully (running crawls get [scheduler] stop_grace seconds); a second
    signal forces the stop.
    """
    from scheduler.daemon import run_daemon

    sys.exit(run_daemon(state.config))


@cli.command("runs")
@click.option("--outlet", default=None, help="Only this outlet's crawls.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@pass_state
@friendly_errors
def runs_command(state: CliState, outlet: str | None, limit: int) -> None:
    """Show the latest crawls, newest first; then why each degraded one is degraded."""
    from db import runs

    engine = make_engine(state.database_url())
    try:
        with engine.connect() as connection:
            rows = runs.list_runs(connection, outlet, limit)
    finally:
        engine.dispose()
    header = ("ID", "OUTLET", "TRIGGER", "STARTED (UTC)", "SECONDS", "STATUS")
    header += ("PAGES", "NEW", "UPDATED", "UNCHANGED", "ERRORS")
    table = [
        (
            row["id"],
            row["outlet"],
            row["trigger"],
            _time(row["started_at"]),
            _seconds(row["started_at"], row["finished_at"]),
            row["status"],
            row["pages_crawled"],
            row["articles_new"],
            row["articles_updated"],
            row["articles_unchanged"],
            row["errors"],
        )
        for row in rows
    ]
    echo_table(header, table)
    _echo_degraded((f"run {row['id']} ({row['outlet']})", row) for row in rows)


@cli.command("status")
@pass_state
@friendly_errors
def status(state: CliState) -> None:
    """Show the daemons (leader, standbys), and each outlet's next and last run.

    An outlet whose last crawl is degraded gets a line saying what dropped.
    """
    from scheduler.status import collect

    engine = make_engine(state.database_url())
    try:
        with engine.connect() as connection:
            report = collect(connection, state.config)
    finally:
        engine.dispose()
    if not report.daemons:
        click.echo("daemon: none running (start one with `akhbar run`)")
    for daemon in report.daemons:
        click.echo(f"daemon: {daemon.role} {daemon.name}, up since {_time(daemon.backend_start)}")
    click.echo()
    header = ("OUTLET", "SCHEDULE", "NEXT RUN (UTC)", "LAST RUN (UTC)", "STATUS", "NEW", "ERRORS")
    table = []
    for item in report.outlets:
        last = item.last_run or {}
        schedule = item.schedule if item.enabled else f"{item.schedule} (disabled)"
        table.append(
            (
                item.outlet,
                schedule,
                _time(item.next_run),
                _time(last.get("started_at")),
                last.get("status", "-"),
                last.get("articles_new", "-"),
                last.get("errors", "-"),
            )
        )
    echo_table(header, table)
    _echo_degraded((item.outlet, item.last_run or {}) for item in report.outlets)


def _echo_degraded(runs: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """A line under the table for each degraded run: what dropped, from what to what."""
    lines = [
        f"{name} degraded: {run.get('degraded_reason')}"
        for name, run in runs
        if run.get("status") == "degraded"
    ]
    if lines:
        click.echo()
    for line in lines:
        click.echo(line)


def _time(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _seconds(started: dt.datetime | None, finished: dt.datetime | None) -> str:
    if started is None or finished is None:
        return "-"
    return f"{(finished - started).total_seconds():.1f}"
