"""``akhbar spool status`` and ``akhbar spool replay``: articles waiting for the database.

A crawl that cannot reach the database spools its articles to local files
(:mod:`db.spool`); the next crawl replays them, and these commands show and
replay them by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from akhbar.context import CliState, friendly_errors, pass_state
from db import spool
from db.engine import make_engine
from db.errors import brief, is_connection_error

_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Spool directory (default: AKHBAR_SPOOL_DIR, else spool/ in the data directory).",
)


@click.group("spool")
def spool_group() -> None:
    """Articles a crawl could not store (database down), waiting to be stored."""


@spool_group.command("status")
@_DIR_OPTION
@pass_state
@friendly_errors
def status(state: CliState, directory: Path | None) -> None:
    """List pending spool files; no database needed."""
    directory = directory or _spool_dir(state)
    files = spool.pending_files(directory)
    total = 0
    for path in files:
        spooled = spool.read_spool_file(path)
        total += len(spooled.lines)
        outlets = sorted({outlet["name"] for outlet, _ in spooled.lines})
        notes = [f"{len(spooled.damaged)} damaged lines"] if spooled.damaged else []
        if spool.in_use(path):
            notes.append("being written by a running crawl")
        suffix = f" ({'; '.join(notes)})" if notes else ""
        click.echo(f"{path.name}: {len(spooled.lines)} articles of {', '.join(outlets)}{suffix}")
    click.echo(f"{total} articles in {len(files)} spool files in {directory}", err=True)


@spool_group.command("replay")
@_DIR_OPTION
@pass_state
@friendly_errors
def replay(state: CliState, directory: Path | None) -> None:
    """Store the spooled articles in the archive and remove their files.

    Safe to repeat: storing an article again changes nothing. Exits 1 when some
    articles could not be stored (damaged lines, articles the database refuses).
    """
    directory = directory or _spool_dir(state)
    engine = make_engine(state.database_url())
    try:
        result = spool.replay(engine, directory)
    except Exception as exc:
        if not is_connection_error(exc):
            raise
        raise click.ClickException(
            f"database unavailable ({brief(exc)}); the spool in {directory} is kept"
        ) from exc
    finally:
        engine.dispose()
    click.echo(f"replayed {result.summary()}")
    if result.kept or result.damaged:
        sys.exit(1)


def _spool_dir(state: CliState) -> Path:
    """The directory crawls spool to: their Scrapy settings decide, as in a crawl."""
    from crawler.archive import spool_dir
    from crawler.registry import crawl_scrapy_settings

    return spool_dir(crawl_scrapy_settings(state.config), state.config.data_dir)


def register(cli: click.Group) -> None:
    """Add the spool commands to the ``akhbar`` group."""
    cli.add_command(spool_group)
