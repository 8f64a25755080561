"""Schedules: cron or interval, jitter, and which outlets are scheduled from what."""

from __future__ import annotations

import datetime as dt

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.config import Config, OutletSettings
from db.schedules import ScheduleError, parse_interval
from scheduler.schedules import outlet_schedules, parse_schedule


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), (" 5M ", 300)],
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == dt.timedelta(seconds=seconds)
    trigger = parse_schedule(text)
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == dt.timedelta(seconds=seconds)


def test_cron_expression_is_read_in_utc() -> None:
    trigger = parse_schedule("*/30 * * * *")
    assert isinstance(trigger, CronTrigger)
    now = dt.datetime(2026, 1, 1, 10, 7, tzinfo=dt.UTC)
    assert trigger.get_next_fire_time(None, now) == dt.datetime(2026, 1, 1, 10, 30, tzinfo=dt.UTC)


def test_cron_jitter_delays_by_at_most_the_jitter() -> None:
    trigger = parse_schedule("0 * * * *", jitter=30)
    now = dt.datetime(2026, 1, 1, 10, 7, tzinfo=dt.UTC)
    fire = trigger.get_next_fire_time(None, now)
    hour = dt.datetime(2026, 1, 1, 11, 0, tzinfo=dt.UTC)
    assert hour <= fire <= hour + dt.timedelta(seconds=30)


def test_interval_jitter_is_capped_at_a_tenth_of_the_interval() -> None:
    assert parse_schedule("90s", jitter=30).jitter == 9
    assert parse_schedule("2h", jitter=30).jitter == 30
    assert parse_schedule("15m", jitter=0).jitter is None


@pytest.mark.parametrize(
    "text", ["", "15", "15x", "0s", "* * * *", "61 * * * *", "every hour", "1.5h"]
)
def test_bad_schedules_are_named(text: str) -> None:
    with pytest.raises(ScheduleError, match="schedule"):
        parse_schedule(text)


def test_outlets_take_their_spider_schedule_unless_configured() -> None:
    config = Config(
        outlets={
            "hawarnews": OutletSettings(schedule="15m"),
            "casablancatoday": OutletSettings(enabled=False),
        }
    )
    schedules = outlet_schedules(config)
    assert schedules["hawarnews"].schedule == "15m"
    assert schedules["hawarnews"].source == "config"
    assert schedules["hawarnews"].enabled
    assert schedules["casablancatoday"].schedule == "*/30 * * * *"
    assert schedules["casablancatoday"].source == "spider"
    assert not schedules["casablancatoday"].enabled


def test_configured_generic_sites_are_scheduled_too() -> None:
    pytest.importorskip("crawler.spiders.generic")
    config = Config(outlets={"slow": OutletSettings(url="http://127.0.0.1:9/", schedule="2h")})
    schedules = outlet_schedules(config)
    assert schedules["slow"].schedule == "2h"
    assert schedules["slow"].enabled
    assert list(schedules)[-1] == "slow"


def test_cron_weekdays_count_from_sunday_as_in_crontab() -> None:
    trigger = parse_schedule("0 6 * * 1-5")  # weekdays, as cron means it
    saturday = dt.datetime(2026, 1, 3, 7, 0, tzinfo=dt.UTC)
    assert trigger.get_next_fire_time(None, saturday) == dt.datetime(
        2026, 1, 5, 6, 0, tzinfo=dt.UTC
    )  # Monday
    sunday_only = parse_schedule("0 6 * * 0")
    assert sunday_only.get_next_fire_time(None, saturday).weekday() == 6
    assert parse_schedule("0 6 * * 7").get_next_fire_time(None, saturday).weekday() == 6
