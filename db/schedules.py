"""The schedule syntax: ``"*/30 * * * *"`` or ``"15m"``, read and checked.

A schedule is either a 5-field cron expression (minute hour day month weekday, in
UTC) or an interval: a whole number and a unit, ``s``, ``m``, ``h`` or ``d``
(``"90s"``, ``"15m"``, ``"2h"``). The configuration checks schedules here when it
is loaded, and the scheduler builds its triggers from what :func:`read_schedule`
returns, so a schedule the configuration accepts is one the daemon can run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from apscheduler.triggers.cron import CronTrigger

_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WEEKDAY_NUMBER = re.compile(r"(?<![/\d])\d+")  # not the step in "*/2"
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class ScheduleError(ValueError):
    """A schedule that is neither a 5-field cron expression nor an interval."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"schedule {text!r}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class CronFields:
    """A cron expression's fields, as APScheduler's ``CronTrigger`` takes them."""

    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str
    """Weekday names: cron counts from Sunday (0 or 7), APScheduler 3 from Monday."""


def parse_interval(text: str) -> dt.timedelta | None:
    """``"15m"`` -> 15 minutes; None when ``text`` is not an interval."""
    match = _INTERVAL.match(text)
    if not match:
        return None
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise ScheduleError(text, "an interval must be longer than zero")
    return dt.timedelta(seconds=seconds)


def read_schedule(text: str) -> dt.timedelta | CronFields:
    """An interval, or a cron expression's checked fields; :class:`ScheduleError` if neither."""
    interval = parse_interval(text)
    if interval is not None:
        return interval
    parts = text.split()
    if len(parts) != 5:
        raise ScheduleError(
            text,
            'expected a 5-field cron expression ("*/30 * * * *") '
            'or an interval ("90s", "15m", "2h")',
        )
    minute, hour, day, month, weekday = parts
    fields = CronFields(minute, hour, day, month, _WEEKDAY_NUMBER.sub(_weekday_name, weekday))
    try:
        # The field grammar (ranges, steps, names, "last") is APScheduler's: let it judge.
        CronTrigger(**asdict(fields), timezone=dt.UTC)
    except ValueError as exc:
        raise ScheduleError(text, str(exc)) from exc
    return fields


def _weekday_name(match: re.Match[str]) -> str:
    return _WEEKDAYS[int(match.group(0)) % 7]
