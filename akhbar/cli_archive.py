"""``akhbar reextract`` (repair the archive from the responses it kept, its WARC captures) and
``akhbar export`` (stream the archive out as JSON Lines, CSV, or the kept responses as WARC)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, TextIO

import click
from sqlalchemy import Connection

from akhbar.context import CliState, friendly_errors, pass_state
from db.captures import captured_outlets
from db.engine import make_engine

if TYPE_CHECKING:
    from db.export import Selection

_DAY_OR_TIME = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])


@click.command("reextract")
@click.argument("outlet", required=False)
@click.option(
    "--since",
    type=_DAY_OR_TIME,
    default=None,
    help="Only articles whose latest capture was fetched since then (UTC).",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@pass_state
@friendly_errors
def reextract(
    state: CliState, outlet: str | None, since: dt.datetime | None, dry_run: bool
) -> None:
    """Read OUTLET's stored responses again with today's extraction (every outlet with
    captures when omitted), without the network.

    Changed articles are updated, their previous version kept in article_revisions
    (reason 'reextraction'); unchanged ones are left alone. Prints one line per
    outlet, with the changes field by field. Exits 1 when some captures could not
    be read (listed on stderr).
    """
    from crawler.reextraction import OutletBusy, outlet_spider, reextract_outlet

    engine = make_engine(state.database_url())
    try:
        with engine.connect() as connection:
            outlets = captured_outlets(connection)
        if outlet is not None and outlet not in outlets:
            raise click.ClickException(f"no captures of {outlet!r}: nothing to re-extract")
        names = [outlet] if outlet is not None else list(outlets)
        since_utc = since.replace(tzinfo=dt.UTC) if since is not None else None
        unreadable = 0
        for name in names:
            spider = outlet_spider(name, state.config, outlets[name])
            try:
                result = reextract_outlet(engine, name, spider, since_utc, dry_run)
            except OutletBusy as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(result.summary() + (" (dry run: nothing written)" if dry_run else ""))
            for problem in result.unreadable:
                click.echo(
                    f"unreadable: capture {problem.capture_id} {problem.url}: {problem.reason}",
                    err=True,
                )
            unreadable += len(result.unreadable)
    finally:
        engine.dispose()
    if unreadable:
        sys.exit(1)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "warc"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one article per line, as `akhbar import` reads it back; csv: a spreadsheet; "
    "warc: the kept responses of the articles (.warc.gz), copied record by record.",
)
@click.option("--outlet", default=None, help="Only this outlet's articles.")
@click.option("--since", type=_DAY_OR_TIME, default=None, help="Published since then (UTC).")
@click.option("--until", type=_DAY_OR_TIME, default=None, help="Published before then (UTC).")
@click.option(
    "--query",
    default=None,
    help="Only the articles this search matches (all of them, in the syntax of `akhbar search`).",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="File to write (default: stdout).",
)
@pass_state
@friendly_errors
def export(
    state: CliState,
    fmt: str,
    outlet: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    query: str | None,
    output: TextIO,
) -> None:
    """Write the archive's articles (oldest stored first); the count goes to stderr."""
    from db.export import Selection, exported_articles, write_csv, write_jsonl

    selection = Selection(
        outlet,
        since.replace(tzinfo=dt.UTC) if since else None,
        until.replace(tzinfo=dt.UTC) if until else None,
        query,
    )
    engine = make_engine(state.database_url())
    try:
        with engine.connect() as connection:
            if fmt == "warc":
                _export_warc(connection, selection, output)
                return
            records = exported_articles(connection, selection)
            count = (write_csv if fmt == "csv" else write_jsonl)(records, output)
    finally:
        engine.dispose()
    click.echo(f"{count} articles exported", err=True)


def _export_warc(connection: Connection, selection: Selection, output: TextIO) -> None:
    """The captures of the selected articles as one ``.warc.gz``: a warcinfo record, then
    each response (and the response a revisit refers to) with its metadata record, oldest
    first. Records that cannot be read are listed on stderr and make it exit 1."""
    from crawler.warc import CaptureUnreadable, copy_capture, write_warcinfo
    from db.export import exported_captures

    out = output.buffer  # type: ignore[attr-defined]  # WARC is bytes: the text file's own
    write_warcinfo(out, getattr(output, "name", "akhbar-export.warc.gz"))
    copied = unreadable = 0
    for capture in exported_captures(connection, selection):
        try:
            copy_capture(capture.warc_file, capture.warc_offset, capture.warc_length, out)
        except CaptureUnreadable as exc:
            click.echo(f"unreadable: capture {capture.capture_id} {capture.url}: {exc}", err=True)
            unreadable += 1
            continue
        copied += 1
    out.flush()
    click.echo(f"{copied} captures exported", err=True)
    if unreadable:
        sys.exit(1)


def register(cli: click.Group) -> None:
    """Add the archive commands to the ``akhbar`` group."""
    cli.add_command(reextract)
    cli.add_command(export)
