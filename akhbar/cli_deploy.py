"""``akhbar deploy``: send the crawler to every scrapyd node of ``[scrapyd] nodes``."""

from __future__ import annotations

import click

from akhbar.context import CliState, friendly_errors, pass_state


@click.command("deploy")
@click.option(
    "--version",
    "version",
    default=None,
    help="Version to upload as (default: the current Unix time, so the newest wins).",
)
@pass_state
@friendly_errors
def deploy_command(state: CliState, version: str | None) -> None:
    """Build the project's egg and upload it to every scrapyd node (addversion.json).

    A node needs Akhbar and scrapyd installed (`pip install akhbar scrapyd`) and the
    database URL in scrapyd's environment; the egg brings this checkout's crawler.
    Exits 1 if any node did not take it.
    """
    from scheduler.deploy import default_version, deploy

    nodes = state.config.scrapyd.nodes
    if not nodes:
        raise click.ClickException("no [scrapyd] nodes in the configuration")
    version = version or default_version()
    results = deploy(state.config, version)
    for result in results:
        if result.error is None:
            click.echo(
                f"{result.node}: {state.config.scrapyd.project} {version}, {result.spiders} spiders"
            )
        else:
            click.echo(f"{result.node}: FAILED: {result.error}", err=True)
    if any(result.error is not None for result in results):
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    cli.add_command(deploy_command)
