"""The daemon's job sync keeps jobs stored under the job function's former name."""

from __future__ import annotations

import datetime as dt

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.util import ref_to_obj

from db.config import load_config
from scheduler import jobs
from scheduler.daemon import Daemon


def test_the_former_job_reference_still_resolves() -> None:
    """APScheduler resolves a stored job's reference when it loads it, before any sync."""
    for reference in jobs.FORMER_JOB_REFERENCES:
        assert ref_to_obj(reference) is jobs.run_scheduled_crawl
    assert ref_to_obj(jobs.JOB_REFERENCE) is jobs.run_scheduled_crawl


def test_a_job_stored_under_the_former_name_keeps_its_next_run_time(tmp_path) -> None:
    (tmp_path / "akhbar.toml").write_text("", encoding="utf-8")
    config = load_config(
        tmp_path / "akhbar.toml", environ={"AKHBAR_DATABASE_URL": "postgresql://127.0.0.1:1/x"}
    )
    daemon = Daemon(config)
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()}, timezone=dt.UTC)
    scheduler.start(paused=True)
    try:
        daemon._sync_jobs(scheduler)
        stored = scheduler.get_jobs()
        assert stored
        assert {job.func_ref for job in stored} == {jobs.JOB_REFERENCE}
        job_id = stored[0].id
        later = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
        scheduler.modify_job(job_id, func=jobs.FORMER_JOB_REFERENCES[0], next_run_time=later)

        daemon._sync_jobs(scheduler)

        job = scheduler.get_job(job_id)
        assert job.func_ref == jobs.JOB_REFERENCE
        assert job.next_run_time == later
        assert len(scheduler.get_jobs()) == len(stored)
    finally:
        scheduler.shutdown(wait=False)
