"""The Scrapy project: spiders, items, pipelines and the pure functions that normalize them."""
