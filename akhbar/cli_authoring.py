"""The spider authors' commands: ``new-outlet``, ``fixture save`` and ``parse``.

Each fetches through the host map (the config file's ``[host_map]``,
``AKHBAR_HOST_MAP``, ``--map-host``), as crawls do, and none touches the database.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from akhbar.context import CliState, pass_state
from crawler.fetch import FetchError, fetch, fetch_or_none
from crawler.spiders.base import OutletSpider
from db.config import Config, parse_host_map

_MAP_HOST = click.option(
    "--map-host",
    "map_hosts",
    multiple=True,
    metavar="HOST=ORIGIN",
    help="Fetch HOST from ORIGIN (repeatable); added to the configured host map.",
)


def _host_map(config: Config, pairs: tuple[str, ...]) -> dict[str, str]:
    host_map = dict(config.host_map)
    for pair in pairs:
        host_map.update(parse_host_map(pair, "--map-host"))
    return host_map


def checkout_spiders_dir() -> Path | None:
    """``crawler/spiders`` when Akhbar runs from a source checkout (not a pip install)."""
    import crawler.spiders

    folder = Path(crawler.spiders.__file__).parent
    return folder if (folder.parents[1] / "pyproject.toml").is_file() else None


def spider_instance(name: str, config: Config) -> OutletSpider:
    from crawler.registry import outlet_spiders

    spiders = outlet_spiders(config)
    if name not in spiders:
        raise click.ClickException(
            f"no outlet spider named {name!r} (see `akhbar outlets`; spiders of your own are "
            "loaded from spiders_dir)"
        )
    return spiders[name]()


@click.command("new-outlet")
@click.argument("name")
@click.argument("url")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write NAME.py in (default: spiders_dir, else crawler/spiders of a checkout).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing module.")
@_MAP_HOST
@pass_state
def new_outlet(
    state: CliState, name: str, url: str, folder: Path | None, force: bool, map_hosts: tuple
) -> None:
    """Write the spider module of a new outlet NAME, whose home page is URL.

    The site is looked at first (robots.txt, sitemaps, feeds, menus, a few
    articles) to fill in its discovery, article URL patterns, language and time
    zone. Until you add selectors, the spider reads pages with the generic
    extraction, so `akhbar crawl NAME` archives the site at once.
    """
    from crawler.registry import outlet_spiders
    from crawler.site_survey import survey
    from crawler.spider_template import BadOutletName, check_name, render

    try:
        check_name(name)
    except BadOutletName as exc:
        raise click.UsageError(str(exc)) from None
    if name in outlet_spiders(state.config) and not force:
        raise click.ClickException(f"an outlet spider named {name!r} exists already")
    folder = folder or state.config.spiders_dir or checkout_spiders_dir()
    if folder is None:
        raise click.UsageError(
            "where should the module go? Give --dir, or set spiders_dir in the config file "
            "(or AKHBAR_SPIDERS_DIR) so that Akhbar loads the spiders kept there"
        )
    target = folder / f"{name}.py"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists already (--force to overwrite it)")
    host_map = _host_map(state.config, map_hosts)
    try:
        fetch(url, host_map)  # the home page must answer; other files may be missing
    except FetchError as exc:
        raise click.ClickException(str(exc)) from None
    found = survey(url, lambda u: fetch_or_none(u, host_map))
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(render(name, found), encoding="utf-8")
    click.echo(f"wrote {target}")
    click.echo(f"  articles: {len(found.article_urls)} URLs seen, patterns:")
    for pattern in found.article_url_patterns or ["(none learnt: write article_url_patterns)"]:
        click.echo(f"    {pattern}")
    click.echo(f"  language {found.language}, time zone {found.timezone}")
    filled = ", ".join(f"{k} {v}/{len(found.samples)}" for k, v in found.filled.items())
    click.echo(f"  generic extraction on sample pages: {filled}")
    click.echo(f"next: akhbar fixture save {name} URL...   (a few articles and other pages)")


@click.group("fixture")
def fixture() -> None:
    """Saved pages of an outlet, for its regression tests."""


@fixture.command("save")
@click.argument("name")
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("tests/fixtures"),
    show_default=True,
    help="The fixtures folder (NAME/site/ is written in it).",
)
@click.option(
    "--rewrite-truth", is_flag=True, help="Rewrite truth files that exist (they may be corrected)."
)
@_MAP_HOST
@pass_state
def fixture_save(
    state: CliState,
    name: str,
    urls: tuple[str, ...],
    fixtures_dir: Path,
    rewrite_truth: bool,
    map_hosts: tuple,
) -> None:
    """Save pages of outlet NAME under FIXTURES/NAME/site/ with their truth files.

    Each truth file says what the spider extracts now: read it against the page
    and correct it. The index (site/_truth/index.json) lists every saved page.
    """
    from crawler import page_report
    from crawler.fixture_pages import FixtureSite, write_expected

    spider = spider_instance(name, state.config)
    site = FixtureSite(fixtures_dir, spider)
    host_map = _host_map(state.config, map_hosts)
    for url in urls:
        try:
            site.url_path(url)
            page = fetch(url, host_map)
        except (ValueError, FetchError) as exc:
            raise click.ClickException(str(exc)) from None
        report = page_report.read(spider, url, page.body)
        saved = site.save(url, page.body, report, rewrite_truth)
        kind = "article" if saved.is_article else "not an article"
        truth_note = "written" if saved.truth_written else "kept (--rewrite-truth to redo it)"
        click.echo(f"{saved.url_path}: {kind}; truth {saved.truth} {truth_note}")
    for path in write_expected(fixtures_dir, site.outlet_dir):
        click.echo(f"expected item written: {path}")
    click.echo(f"index: {site.index_path}")


@click.command("parse")
@click.argument("name")
@click.argument("page")
@click.option("--url", "page_url", default=None, help="Production URL of a saved FILE.")
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON.")
@_MAP_HOST
@pass_state
def parse(
    state: CliState, name: str, page: str, page_url: str | None, as_json: bool, map_hosts: tuple
) -> None:
    """Print every field outlet NAME's spider extracts from PAGE (a URL or a saved file).

    When the page gives no article, says why. Records nothing in the archive.
    Exits 1 when the page is not an article.
    """
    from crawler import page_report

    spider = spider_instance(name, state.config)
    if Path(page).is_file():
        body = Path(page).read_bytes()
        url = page_url or saved_page_url(Path(page), spider)
    elif not page.startswith(("http://", "https://")):
        raise click.UsageError(f"{page}: no such file, and not an http(s) URL")
    else:
        try:
            body = fetch(page, _host_map(state.config, map_hosts)).body
        except FetchError as exc:
            raise click.ClickException(str(exc)) from None
        url = page
    report = page_report.read(spider, url, body)
    if as_json:
        click.echo(json.dumps(page_report.as_dict(report), ensure_ascii=False, indent=2))
    else:
        click.echo(page_report.as_text(report))
    if report.item is None:
        raise SystemExit(1)


def saved_page_url(path: Path, spider: OutletSpider) -> str:
    """The production URL of a page saved under ``.../site/`` (else ask for ``--url``)."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "site":
            relative = resolved.relative_to(parent).as_posix()
            if relative.endswith("index.html"):
                relative = relative.removesuffix("index.html")
            return spider.outlet.base_url + relative
    raise click.UsageError(f"{path} is not in a saved site: give its URL with --url")


def register(cli: click.Group) -> None:
    for command in (new_outlet, fixture, parse):
        cli.add_command(command)
