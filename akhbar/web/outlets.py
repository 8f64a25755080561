"""The outlets and their crawls: ``/outlets`` (the page) and ``/api/outlets`` (JSON).

Counts and the latest crawl come from the archive (``crawl_runs``); schedules come
from the configuration, else the outlet's spider, exactly as ``akhbar outlets`` and
the daemon read them. An outlet in the archive that nothing schedules (an import,
say) has no schedule; a configured outlet never crawled has no row yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from akhbar.web.site import Site
from crawler.outlet import OutletInfo
from crawler.registry import configured_sites, outlet_spiders
from db.archive_views import LastRun, OutletView, outlet_views
from scheduler.schedules import OutletSchedule, outlet_schedules


class LastRunOut(BaseModel):
    """The outlet's latest crawl, as recorded in ``crawl_runs``."""

    id: int
    trigger: Literal["manual", "scheduled"]
    status: Literal["running", "succeeded", "degraded", "failed", "timed_out", "interrupted"]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    pages_crawled: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    errors: int


class OutletOut(BaseModel):
    """An outlet: its articles, its crawls, and when it is crawled."""

    name: str
    title: str | None
    base_url: str | None
    language: str | None
    in_archive: bool
    articles: int
    latest_article_at: dt.datetime | None
    runs: int
    failed_runs: int
    last_success_at: dt.datetime | None
    last_run: LastRunOut | None
    schedule: str | None
    """A 5-field cron expression in UTC or an interval (``15m``); null when not scheduled."""
    schedule_source: Literal["config", "spider"] | None
    enabled: bool | None


class OutletRow:
    """One line of the page and one object of the API: an archive row and/or a schedule."""

    def __init__(
        self,
        name: str,
        view: OutletView | None,
        plan: OutletSchedule | None,
        info: OutletInfo | None,
    ) -> None:
        self.name = name
        self.view = view
        self.plan = plan
        self.info = info
        """What the spider or configuration declares, for an outlet not yet in the archive."""

    def out(self) -> OutletOut:
        view, plan, about = self.view, self.plan, self.view or self.info
        return OutletOut(
            name=self.name,
            title=about.title if about else None,
            base_url=about.base_url if about else None,
            language=about.language if about else None,
            in_archive=view is not None,
            articles=view.articles if view else 0,
            latest_article_at=view.latest_article_at if view else None,
            runs=view.runs if view else 0,
            failed_runs=view.failed_runs if view else 0,
            last_success_at=view.last_success_at if view else None,
            last_run=_run_out(view.last_run) if view and view.last_run else None,
            schedule=plan.schedule if plan else None,
            schedule_source=plan.source if plan else None,  # type: ignore[arg-type]
            enabled=plan.enabled if plan else None,
        )


def _run_out(run: LastRun) -> LastRunOut:
    return LastRunOut(**vars(run))


def add_outlet_routes(app: FastAPI, site: Site) -> None:
    def rows() -> list[OutletRow]:
        with site.engine.connect() as connection:
            views = {view.name: view for view in outlet_views(connection)}
        plans = outlet_schedules(site.config)
        infos = {name: spider.outlet for name, spider in outlet_spiders().items()}
        infos |= {name: target.outlet for name, target in configured_sites(site.config).items()}
        names = sorted(views.keys() | plans.keys())
        return [
            OutletRow(name, views.get(name), plans.get(name), infos.get(name)) for name in names
        ]

    @app.get("/api/outlets", response_model=list[OutletOut], tags=["outlets"])
    def api_outlets() -> list[OutletOut]:
        """Every outlet in the archive or in the configuration, by name: its article
        count, its crawls (``crawl_runs``) and its schedule."""
        return [row.out() for row in rows()]

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request) -> HTMLResponse:
        return site.render(request, "outlets.html", {"outlets": [r.out() for r in rows()]})
