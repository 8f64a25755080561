"""Crawl schedules: their APScheduler triggers, and which outlets get one.

The syntax (a 5-field cron expression in UTC, or an interval such as ``"15m"``)
is read in :mod:`db.schedules`, where the configuration checks it too. Each
outlet's schedule comes from ``[outlets.NAME] schedule`` in the configuration,
else from its spider's ``outlet.schedule``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.config import Config
from db.schedules import read_schedule

JITTER_SHARE = 0.1
"""An interval's jitter is at most this share of it: a 90s schedule never drifts 30s."""


@dataclass(frozen=True)
class OutletSchedule:
    """When one outlet is crawled."""

    outlet: str
    schedule: str
    """As written: ``"*/30 * * * *"`` or ``"15m"``."""
    enabled: bool
    source: str
    """Where the schedule came from: ``config`` or ``spider``."""


def parse_schedule(text: str, jitter: float = 0.0) -> BaseTrigger:
    """The APScheduler trigger for a schedule, firing up to ``jitter`` seconds late.

    Cron expressions are read in UTC, so a schedule means the same on every host.
    Raises :class:`ScheduleError` for a schedule that is neither.
    """
    schedule = read_schedule(text)
    if isinstance(schedule, dt.timedelta):
        capped = min(jitter, schedule.total_seconds() * JITTER_SHARE)
        return IntervalTrigger(seconds=schedule.total_seconds(), jitter=capped or None)
    return CronTrigger(**asdict(schedule), timezone=dt.UTC, jitter=jitter or None)


def outlet_schedules(config: Config) -> dict[str, OutletSchedule]:
    """Every outlet Akhbar can crawl, with its schedule and whether it is enabled.

    Outlet spiders come first, then the configured generic sites, each sorted by name.
    """
    from crawler.registry import configured_sites, outlet_spiders

    found: dict[str, OutletSchedule] = {}
    for name, spider in outlet_spiders().items():
        found[name] = _schedule_for(config, name, spider.outlet.schedule)
    for name, target in configured_sites(config).items():
        found[name] = _schedule_for(config, name, target.outlet.schedule)
    return found


def _schedule_for(config: Config, name: str, default: str) -> OutletSchedule:
    settings = config.outlet(name)
    if settings.schedule:
        return OutletSchedule(name, settings.schedule, settings.enabled, "config")
    return OutletSchedule(name, default, settings.enabled, "spider")
