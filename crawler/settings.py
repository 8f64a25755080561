"""Scrapy settings for Akhbar's spiders.

The database URL and host map have no value here: components read them through
``db.config.load_config`` (environment and config file), like the rest of Akhbar. A Scrapy
setting of the same name given for one crawl (``-s AKHBAR_DATABASE_URL=...``,
``-s AKHBAR_HOST_MAP=...``) overrides the URL and adds to (or overrides) the host map.
"""

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
}

# Akhbar's own settings (override with `scrapy crawl NAME -s KEY=VALUE`).
AKHBAR_STORE = True  # off: extract only, write nothing (benchmarks, dry runs)
AKHBAR_STORE_BATCH_SIZE = 100
AKHBAR_STORE_RETRIES = 4  # retries of a batch after a connection error, before it is spooled
AKHBAR_STORE_RETRY_BACKOFF = 0.5  # seconds before the first retry, doubled each time
AKHBAR_SPOOL_DIR = ""  # where articles wait while the database is down; empty: <data dir>/spool
AKHBAR_MAX_LISTING_PAGES = 50  # pagination depth per listing: a guard against crawler traps
AKHBAR_RETRY_AFTER_MAX = 60.0  # longest Retry-After (seconds) waited for within a crawl
AKHBAR_REFETCH_ARCHIVED = False  # on: fetch every article again (akhbar crawl --full)
AKHBAR_REVISIT_DAYS = 2.0  # articles published this recently are fetched again to catch edits
AKHBAR_REVISIT_INTERVAL = 3600.0  # ... at most this often (seconds)
AKHBAR_CAPTURE = True  # keep every article response in WARC files (see README)
AKHBAR_WARC_DIR = ""  # where the WARC files go; empty: <data dir>/warc
AKHBAR_WARC_MAX_SIZE = 1024**3  # bytes; a new file is begun past this size
