"""The daemon: APScheduler jobs, how one crawl is run and recorded, locks."""
