"""``akhbar search``, ``akhbar import``, ``akhbar serve``: faces over db.search and db.importer."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from akhbar.context import CliState, friendly_errors, pass_state
from db.engine import make_engine
from db.search import MAX_OFFSET, SearchResult, UnknownFilter, search


class BadOption(click.ClickException):
    """A value the user can correct: one line and exit status 2, like click's usage errors."""

    exit_code = 2


def _date(value: str | None, name: str) -> dt.datetime | dt.date | None:
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadOption(f"{name}: not an ISO 8601 date: {value[:40]!r}") from exc


def count_line(result: SearchResult) -> str:
    """The summary above the hits, e.g. ``57 articles (a 40, b 17); showing 1–10; --offset 10 …``.

    The counts per outlet honour every filter, like the total.
    """
    noun = "article" if result.total == 1 else "articles"
    line = f"{result.total} {noun}" if result.total_exact else f"about {result.total} {noun}"
    if result.ranked is not None:
        line += f"; ranked the {result.ranked} most recent"
    if result.outlet_counts:
        line += " (" + ", ".join(f"{name} {n}" for name, n in result.outlet_counts.items()) + ")"
    if result.total == 0:
        return line
    if not result.hits:
        return line + f"; none at --offset {result.offset}"
    last = result.offset + len(result.hits)
    line += f"; showing {result.offset + 1}–{last}"
    if last < result.total and last <= MAX_OFFSET:
        line += f"; --offset {last} for more"
    return line


@click.command("search")
@click.argument("query")
@click.option(
    "--outlet", default=None, help="Only this outlet (a name in the outlets table, e.g. hawarnews)."
)
@click.option(
    "--lang",
    default=None,
    help="Only articles in this language (ISO 639-1 code of articles in the archive).",
)
@click.option("--since", default=None, help="Published on or after (YYYY-MM-DD or ISO time).")
@click.option("--until", default=None, help="Published before (a date includes that day).")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0, 10_000), default=0, show_default=True)
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True
)
@click.option(
    "--exhaustive",
    is_flag=True,
    help="Rank every match, not only the most recent ones (slow on very common words).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_state
@friendly_errors
def search_command(
    state: CliState,
    query: str,
    outlet: str | None,
    lang: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
    sort: str,
    exhaustive: bool,
    as_json: bool,
) -> None:
    """Search the archive: words, "quoted phrases", OR, -exclude (Arabic-aware)."""
    engine = make_engine(state.database_url())
    try:
        with engine.begin() as connection:
            result = search(
                connection,
                query,
                outlet=outlet,
                lang=lang,
                since=_date(since, "--since"),
                until=_date(until, "--until"),
                limit=limit,
                offset=offset,
                sort=sort,  # type: ignore[arg-type]
                exhaustive=exhaustive,
            )
    except UnknownFilter as exc:
        raise BadOption(f"--{exc.name}: {exc}") from exc
    finally:
        engine.dispose()
    if as_json:
        for hit in result.hits:
            click.echo(json.dumps(hit.as_json(), ensure_ascii=False))
        return
    click.echo(count_line(result), err=True)
    for number, hit in enumerate(result.hits, offset + 1):
        when = hit.day.isoformat() if hit.day else "undated   "
        click.echo(f"{number}. {hit.title}")
        click.echo(f"   {when}  {hit.outlet}  {hit.url}")
        snippet = "".join(
            click.style(part, bold=True) if matched else part for part, matched in hit.snippet_parts
        )
        if snippet:
            click.echo(f"   {snippet}")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "news-please", "trafilatura", "warc"]),
    default="jsonl",
    show_default=True,
    help="jsonl: url, outlet, title, body, published, ...; news-please or trafilatura: "
    "what that tool writes (JSON Lines, one array, or one object per file); warc: the HTML "
    "responses of WARC files (.warc or .warc.gz; with -, a list of their paths on stdin).",
)
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    help="JSON formats: put every article under this outlet (default: from each record). "
    "warc: import only the pages of this outlet (repeatable; an outlet's name, or a host).",
)
@click.option(
    "--timezone",
    "zone_name",
    metavar="AREA/CITY",
    help="Read times written without a zone in this zone (default: the outlet's, if known).",
)
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=500, show_default=True)
@pass_state
@friendly_errors
def import_command(
    state: CliState,
    files: tuple[str, ...],
    fmt: str,
    outlets: tuple[str, ...],
    zone_name: str | None,
    batch_size: int,
) -> None:
    """Load articles from FILES (files, directories of .json files, or - for stdin),
    upserting by URL."""
    from pathlib import Path

    from db.importer import import_file, import_paths

    if "-" in files and len(files) > 1:
        raise click.BadParameter("- (stdin) cannot be mixed with files", param_hint="FILES")
    if fmt == "warc":
        if zone_name is not None:
            raise click.BadParameter(
                "WARC pages are read by their outlet's extraction, which knows its zone",
                param_hint="--timezone",
            )
        _import_warc(state, files, outlets, batch_size)
        return
    if len(outlets) > 1:
        raise click.BadParameter("one outlet only for JSON formats", param_hint="--outlet")
    outlet = outlets[0] if outlets else None
    show = sys.stderr.isatty()

    def progress(summary: object) -> None:
        if show:
            click.echo(f"\r{summary.lines} records read", nl=False, err=True)  # type: ignore[attr-defined]

    options = {
        "outlet": outlet,
        "zone": _zone(zone_name),
        "batch_size": batch_size,
        "progress": progress,
    }
    engine = make_engine(state.database_url())
    try:
        if files == ("-",):
            summary = import_file(engine, click.get_text_stream("stdin"), fmt, **options)  # type: ignore[arg-type]
        else:
            summary = import_paths(engine, [Path(f) for f in files], fmt, **options)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    if show:
        click.echo("", err=True)
    for place, reason in summary.errors:
        click.echo(f"{place}: {reason} (skipped)", err=True)
    click.echo(summary.summary())


def _import_warc(
    state: CliState, files: tuple[str, ...], outlets: tuple[str, ...], batch_size: int
) -> None:
    """``import --format warc``: a progress line on a terminal (at most one a second), the
    bad records with their file and offset, then the summary."""
    from pathlib import Path

    from crawler.warc_import import WarcImportSummary, import_warcs

    stdin = files == ("-",)
    names = [line.strip() for line in sys.stdin if line.strip()] if stdin else list(files)
    show = sys.stderr.isatty()
    shown = [0.0]

    def progress(summary: WarcImportSummary) -> None:
        now = time.monotonic()
        if show and now - shown[0] >= 1:
            shown[0] = now
            click.echo(f"\r{summary.progress()}", nl=False, err=True)

    engine = make_engine(state.database_url())
    try:
        summary = import_warcs(
            engine,
            state.config,
            [Path(name) for name in names],
            only=outlets,
            batch_size=batch_size,
            progress=progress,
        )
    finally:
        engine.dispose()
    if show and shown[0]:
        click.echo("", err=True)
    for place, reason in summary.errors:
        click.echo(f"{place}: {reason} (skipped)", err=True)
    click.echo(summary.summary())


def _zone(name: str | None) -> ZoneInfo | None:
    """The ZoneInfo of ``--timezone``, or a usage error naming the option."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(f"unknown time zone {name!r}", param_hint="--timezone") from exc


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log every request (a cost under heavy load).",
)
@pass_state
@friendly_errors
def serve_command(state: CliState, host: str, port: int, access_log: bool) -> None:
    """Serve the search page and the JSON API (/api/search, /docs)."""
    import uvicorn

    from akhbar.web import create_app

    uvicorn.run(
        create_app(state.database_url(), config=state.config),
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
    )


def register(cli: click.Group) -> None:
    """Add the search commands to the ``akhbar`` group."""
    cli.add_command(search_command)
    cli.add_command(import_command)
    cli.add_command(serve_command)
