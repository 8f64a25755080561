"""``akhbar demo``: the offline tour over the bundled local copies of both outlets."""

from __future__ import annotations

from pathlib import Path

import click

from akhbar.context import CliState, friendly_errors, pass_state
from akhbar.static_server import StaticSite

#: The bundled offline copies of the outlets, shipped as package data so that the demo
#: works from any install; ``tests/fixtures/<outlet>/site`` links here.
SITES = Path(__file__).resolve().parent / "demo_sites"
SAMPLE_QUERY = "الحكومة"  # "the government": in both outlets, and in its inflected forms
DEMO_OUTLETS = {
    "casablancatoday": "www.casablancatoday.com",
    "hawarnews": "www.hawarnews.com",
}


@click.command("demo")
@pass_state
@friendly_errors
def demo(state: CliState) -> None:
    """Serve the bundled copies of both outlets on 127.0.0.1 and crawl them into the archive.

    Uses the configured database (the embedded one by default), upgrading its schema
    first. Nothing leaves this machine.
    """
    from crawler.registry import crawl_settings
    from db import schema
    from scheduler.crawl import CrawlRequest, run_crawl

    url = state.database_url()
    schema.upgrade(url)
    for outlet, host in DEMO_OUTLETS.items():
        root = SITES / outlet
        if not root.is_dir():
            raise click.ClickException(f"bundled copy of {outlet} not found in {root}")
        with StaticSite(root) as site:
            click.echo(f"serving {outlet} at {site.origin} for https://{host}/", err=True)
            request = CrawlRequest(
                outlet=outlet,
                host_map={host: site.origin},
                settings=crawl_settings(state.config, AUTOTHROTTLE_ENABLED="False"),
            )
            click.echo(run_crawl(state.config, request).summary())
    show_sample_search(url)
    click.echo(
        f"\nThe archive is at {url}\nTry: akhbar search {SAMPLE_QUERY}"
        ' or psql "$(akhbar db url)" -c '
        '"SELECT o.name, count(*) FROM articles a JOIN outlets o ON o.id = a.outlet_id '
        'GROUP BY 1"'
    )


def show_sample_search(url: str) -> None:
    """Search the new archive for a word both outlets use, as ``akhbar search`` would."""
    from db.engine import make_engine
    from db.search import search

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            result = search(connection, SAMPLE_QUERY, limit=3, snippets=False)
    finally:
        engine.dispose()
    counts = ", ".join(f"{name} {n}" for name, n in result.outlet_counts.items())
    click.echo(f"\nakhbar search {SAMPLE_QUERY}: {result.total} articles ({counts})")
    for hit in result.hits:
        click.echo(f"  {hit.outlet}: {hit.title}")
