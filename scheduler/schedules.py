"""Crawl schedules: parsing ``"*/30 * * * *"`` or ``"15m"``, and which outlets get one.

A schedule is either a 5-field cron expression (minute hour day month weekday, in
UTC) or an interval: a whole number and a unit, ``s``, ``m``, ``h`` or ``d``
(``"90s"``, ``"15m"``, ``"2h"``). Each outlet's comes from ``[outlets.NAME] schedule``
in the configuration, else from its spider's ``outlet.schedule``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.config import Config

logger = logging.getLogger(__name__)

_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WEEKDAY_NUMBER = re.compile(r"(?<![/\d])\d+")  # not the step in "*/2"
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
JITTER_SHARE = 0.1
"""An interval's jitter is at most this share of it: a 90s schedule never drifts 30s."""


class ScheduleError(ValueError):
    """A schedule that is neither a 5-field cron expression nor an interval."""


@dataclass(frozen=True)
class OutletSchedule:
    """When one outlet is crawled."""

    outlet: str
    schedule: str
    """As written: ``"*/30 * * * *"`` or ``"15m"``."""
    enabled: bool
    source: str
    """Where the schedule came from: ``config`` or ``spider``."""


def parse_interval(text: str) -> dt.timedelta | None:
    """``"15m"`` -> 15 minutes; None when ``text`` is not an interval."""
    match = _INTERVAL.match(text)
    if not match:
        return None
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise ScheduleError(f"schedule {text!r}: an interval must be longer than zero")
    return dt.timedelta(seconds=seconds)


def parse_schedule(text: str, jitter: float = 0.0) -> BaseTrigger:
    """The APScheduler trigger for a schedule, firing up to ``jitter`` seconds late.

    Cron expressions are read in UTC, so a schedule means the same on every host.
    """
    interval = parse_interval(text)
    if interval is not None:
        capped = min(jitter, interval.total_seconds() * JITTER_SHARE)
        return IntervalTrigger(seconds=interval.total_seconds(), jitter=capped or None)
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"schedule {text!r}: expected a 5-field cron expression "
            '("*/30 * * * *") or an interval ("90s", "15m", "2h")'
        )
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_cron_weekdays(weekday),
            timezone=dt.UTC,
            jitter=jitter or None,
        )
    except ValueError as exc:
        raise ScheduleError(f"schedule {text!r}: {exc}") from exc


def _cron_weekdays(field: str) -> str:
    """Cron's weekday numbers (0 or 7 = Sunday) as names: APScheduler 3 counts from Monday."""
    return _WEEKDAY_NUMBER.sub(lambda m: _WEEKDAYS[int(m.group(0)) % 7], field)


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
