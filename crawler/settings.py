"""Scrapy settings for Akhbar's spiders, and the one place Akhbar's crawl settings
(``AKHBAR_*`` below) have their defaults: components read them with no fallback of their own.

Every crawl, however started, runs with these, then ``[scheduler.scrapy_settings]`` of the
configuration file (:class:`crawler.crawl_config.ConfigFileSettings`), then ``-s KEY=VALUE``.

The database URL and the host map are Scrapy settings too, for one crawl only
(``-s AKHBAR_DATABASE_URL=...``, ``-s AKHBAR_HOST_MAP=...``): empty here, they come from
the environment and the configuration file, and :func:`crawler.crawl_config.crawl_config`
is where a crawl reads all three.
"""

import os

from crawler.local_spiders import spider_modules

BOT_NAME = "akhbar"
# Ours, then the user's folder of spiders (``spiders_dir``), if one is configured.
SPIDER_MODULES = ["crawler.spiders", *spider_modules()]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "Akhbar/0.1 (news archive crawler; +https://github.com/akhbar/akhbar)"
ROBOTSTXT_OBEY = True

# Politeness: a few requests at a time per site, slowing down when the site does.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0

# Scrapy's default of 100 costs a lot per response (Scrapy issue #5182).
CONCURRENT_ITEMS = 8

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
# Redirect chains longer than this are a loop or a trap (Scrapy's default is 20).
REDIRECT_MAX_TIMES = 10

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy's, without building the per-response and per-item DEBUG messages LOG_LEVEL hides.
LOG_FORMATTER = "crawler.log_formatter.LogFormatter"
# Scrapy's, without the per-call deprecation check that makes each stats call ~4 µs.
STATS_CLASS = "crawler.stats.StatsCollector"
TELNETCONSOLE_ENABLED = False

DOWNLOAD_HANDLERS = {
    "http": "crawler.hostmap.HostMapDownloadHandler",
    "https": "crawler.hostmap.HostMapDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtEveryRequestMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # After decompression (590) in the response chain, before anything reads the text.
    "crawler.middlewares.CharsetMiddleware": 580,
    # Scrapy's at 580, skipping pages without the word; after the charset repair.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefreshMiddleware": 579,
}
SPIDER_MIDDLEWARES = {
    # Next to the spider: sees each article with the response it was read from.
    "crawler.capture.CaptureMiddleware": 950,
    # Past HttpErrorMiddleware (50): counts the article pages that reached the spider.
    "crawler.health_stats.HealthStatsMiddleware": 900,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidationPipeline": 100,
    "crawler.pipelines.NormalizationPipeline": 200,
    "crawler.pipelines.DedupePipeline": 300,
    "crawler.pipelines.StoragePipeline": 400,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRunRecorder": 10,
    "crawler.failures.LostRequestCounter": 20,
    # The process that writes WARC files and stores articles (capture and storage call it).
    "crawler.writer.Writer": 30,
    # The processes that read article pages (outlet spiders call them).
    "crawler.readers.Readers": 40,
    # Fewer garbage collections in the crawl process (AKHBAR_GC_THRESHOLD).
    "crawler.gc_tuning.CollectorTuning": 50,
}

ADDONS = {"crawler.crawl_config.ConfigFileSettings": 0}

# Akhbar's own settings (README, Configuration, lists them with how to set them).
AKHBAR_DATABASE_URL = ""  # this crawl's database; empty: the configured one
AKHBAR_HOST_MAP = ""  # "host=origin ...", added to the configured host map for this crawl
AKHBAR_STORE = True  # off: extract only, write nothing (benchmarks, dry runs)
AKHBAR_STORE_BATCH_SIZE = 100
# Processes reading article pages beside the crawl: every core but two, one for the crawl's
# own thread and one for its writer process and the database. On two cores a reader only
# adds work (2,000-article crawl: 5.5-6.6 s without, 7.5-8.1 s with one). 0 reads them in
# the crawl process.
AKHBAR_READERS = max(0, (os.cpu_count() or 1) - 2)
# Allocations between young garbage collections in the crawl process (Python's: 700); 0 keeps
# Python's default. See crawler.gc_tuning.
AKHBAR_GC_THRESHOLD = 50_000
# Retries of a batch after a connection error before it is spooled, the first after
# AKHBAR_STORE_RETRY_BACKOFF seconds, doubling: 7.5 s in all, well inside the 30 s a stopping
# crawl is given to close when the server refuses connections at once (stopped, restarting).
# A host that drops packets costs each attempt connect_timeout (10 s) too.
AKHBAR_STORE_RETRIES = 4
AKHBAR_STORE_RETRY_BACKOFF = 0.5
AKHBAR_SPOOL_DIR = ""  # where articles wait while the database is down; empty: <data dir>/spool
# Seconds a crawl that ended by itself during a database outage waits for the database, to
# store its spool and record its end (failovers take 20-60 s).
AKHBAR_OUTAGE_WAIT = 60.0
AKHBAR_LOCK_CHECK_INTERVAL = 5.0  # seconds between checks that the outlet's lock is still held
AKHBAR_MAX_LISTING_PAGES = 50  # pagination depth per listing: a guard against crawler traps
AKHBAR_RETRY_AFTER_MAX = 60.0  # longest Retry-After (seconds) waited for within a crawl
AKHBAR_REFETCH_ARCHIVED = False  # on: fetch every article again (akhbar crawl --full)
AKHBAR_REVISIT_DAYS = 2.0  # articles published this recently are fetched again to catch edits
AKHBAR_REVISIT_INTERVAL = 3600.0  # ... at most this often (seconds)
AKHBAR_CAPTURE = True  # keep every article response in WARC files (see README)
AKHBAR_CAPTURE_DISCOVERY = False  # also keep robots.txt, sitemaps, feeds and listing pages
AKHBAR_WARC_DIR = ""  # where the WARC files go; empty: <data dir>/warc
AKHBAR_WARC_MAX_SIZE = 1024**3  # bytes; a new file is begun past this size
