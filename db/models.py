"""The archive's tables, as SQLAlchemy 2.0 typed models.

The schema is for people who write SQL: plain tables, ``timestamptz`` in UTC,
``text[]`` for what people filter on, and a comment on every table and column
so that ``\\d+ articles`` in psql explains itself. Every change here needs an
Alembic revision (``alembic check`` in the tests enforces it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TimestampUTC = Annotated[dt.datetime, mapped_column(DateTime(timezone=True))]
TextList = Annotated[list[str], mapped_column(ARRAY(Text), server_default=text("'{}'"))]
Count = Annotated[int, mapped_column(Integer, server_default=text("0"))]
FillRate = Annotated[float | None, mapped_column(Double)]


def _fill_comment(what: str) -> str:
    return (
        f"Share (0 to 1) of the articles this crawl stored that have {what}; "
        "NULL when it stored none."
    )


CRAWL_TRIGGERS = ("manual", "scheduled")
CRAWL_STATUSES = ("running", "succeeded", "degraded", "failed", "timed_out", "interrupted")
REVISION_REASONS = ("crawl", "reextraction")
CAPTURE_RECORD_TYPES = ("response", "revisit")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {str: Text, dt.datetime: DateTime(timezone=True)}


class Outlet(Base):
    __tablename__ = "outlets"
    __table_args__ = {"comment": "News outlets known to the archive, one per spider."}

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, comment="Surrogate key.")
    name: Mapped[str] = mapped_column(
        unique=True, comment="Spider name (scrapy crawl NAME), e.g. casablancatoday."
    )
    title: Mapped[str] = mapped_column(comment="Display title as the outlet writes it.")
    base_url: Mapped[str] = mapped_column(comment="Production origin, e.g. https://www.x.com/.")
    language: Mapped[str] = mapped_column(comment="ISO 639-1 code of the outlet's main language.")
    country: Mapped[str | None] = mapped_column(comment="ISO 3166-1 alpha-2 country code.")
    timezone: Mapped[str] = mapped_column(
        server_default="UTC", comment="IANA zone in which the outlet prints its times."
    )
    created_at: Mapped[TimestampUTC] = mapped_column(
        server_default=func.now(), comment="When the outlet was first recorded (UTC)."
    )

    articles: Mapped[list[Article]] = relationship(back_populates="outlet")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_outlet_id_published_at", "outlet_id", "published_at"),
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_content_hash", "content_hash"),
        # The recency key of the bounded default search (migration c3f8a1d5e7b2).
        Index(
            "ix_articles_recency",
            text(
                "COALESCE(published_at,"
                " timezone('UTC'::text, published_date::timestamp without time zone))"
            ),
        ),
        Index(
            "ix_articles_outlet_id_recency",
            "outlet_id",
            text(
                "COALESCE(published_at,"
                " timezone('UTC'::text, published_date::timestamp without time zone))"
            ),
        ),
        # The one search index (migration 9d4f2a6c8e31): every match goes through it. Its
        # pending list's limit is the writing session's (migration bfbe808b93c7).
        Index(
            "ix_articles_search_recent",
            text("(search_vector || akhbar_recency_week_v1(published_at, published_date))"),
            postgresql_using="gin",
            postgresql_with={"fastupdate": "on"},
        ),
        {"comment": "One row per article, keyed by its canonical URL; the latest version."},
    )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(), primary_key=True, comment="Surrogate key."
    )
    url: Mapped[str] = mapped_column(
        unique=True, comment="Canonical URL on the production origin (rel=canonical or normalized)."
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("outlets.id", ondelete="RESTRICT"), comment="The outlet that published it."
    )
    title: Mapped[str] = mapped_column(comment="Headline as published.")
    subtitle: Mapped[str | None] = mapped_column(comment="Kicker or spot next to the title.")
    body: Mapped[str] = mapped_column(
        comment="Article paragraphs as published (NFC), separated by a blank line."
    )
    authors: Mapped[TextList] = mapped_column(comment="Named people credited; empty if none.")
    section: Mapped[str | None] = mapped_column(comment="Section name as shown on the page.")
    tags: Mapped[TextList] = mapped_column(comment="Tags as shown on the page.")
    language: Mapped[str | None] = mapped_column(comment="ISO 639-1 code of the text, detected.")
    published_at: Mapped[TimestampUTC | None] = mapped_column(
        comment="Publication instant (UTC); NULL when the page gives no time of day."
    )
    published_date: Mapped[dt.date | None] = mapped_column(
        Date, comment="Publication date in the outlet's time zone; NULL when unknown."
    )
    modified_at: Mapped[TimestampUTC | None] = mapped_column(
        comment="Last modification instant stated by the page (UTC)."
    )
    first_seen_at: Mapped[TimestampUTC] = mapped_column(
        server_default=func.now(), comment="When a crawl first stored the article (UTC)."
    )
    content_hash: Mapped[str] = mapped_column(
        comment="sha256 of the folded title and body; equal hashes are word-for-word copies."
    )
    word_count: Mapped[int] = mapped_column(comment="Words in the body.")
    image_url: Mapped[str | None] = mapped_column(comment="Lead image URL.")
    dateline: Mapped[str | None] = mapped_column(comment="Place label or dateline of the report.")
    # Written by db.articles.store_articles from db.search_text, else computed by the
    # trigger articles_search_vector (migration 3b9e1c7a5d20).
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR,
        comment=(
            "Full-text search document, always akhbar_article_tsvector_v1(language, title, "
            "subtitle, body): given by the writer (akhbar_ar_document_v1 of its prepared text) "
            "or computed by the trigger articles_search_vector. Query it with @@ and a tsquery; "
            "see README."
        ),
        deferred=True,
    )

    outlet: Mapped[Outlet] = relationship(back_populates="articles")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.id"
    )


class ArticleLastSeen(Base):
    """Kept apart from the wide articles row (migration 5e8b3d1f7a42): a re-visit of an
    unchanged article rewrites only this row, not the article and its index entries."""

    __tablename__ = "article_last_seen"
    __table_args__ = {
        "comment": (
            "When a crawl last saw each article (one row per article, kept apart from the "
            "wide articles row so that a re-visit rewrites only this). Join on "
            "article_id = articles.id."
        )
    }

    article_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The article (articles.id).",
    )
    last_seen_at: Mapped[TimestampUTC] = mapped_column(
        server_default=func.now(),
        comment="When a crawl or an import last saw the article (UTC).",
    )


class SearchVariant(Base):
    __tablename__ = "search_variants"
    __table_args__ = (
        UniqueConstraint("term", "variant", name="uq_search_variants_term"),
        {
            "comment": (
                "Spelling variants searched together (symmetric: a query for term also "
                "finds variant and vice versa). Read at query time: add a row, no re-index."
            )
        },
    )

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, comment="Surrogate key.")
    term: Mapped[str] = mapped_column(
        comment="One spelling as written (a word or a phrase), e.g. سورية."
    )
    variant: Mapped[str] = mapped_column(comment="Another spelling of the same thing, e.g. سوريا.")
    note: Mapped[str | None] = mapped_column(comment="Why these are the same, for the next editor.")


class ArticleRevision(Base):
    __tablename__ = "article_revisions"
    __table_args__ = (
        CheckConstraint(f"reason IN {REVISION_REASONS}", name="reason"),
        {
            "comment": (
                "Earlier versions of articles, kept when a re-crawl saw an edit or a "
                "re-extraction of the stored response changed the article."
            )
        },
    )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(), primary_key=True, comment="Surrogate key."
    )
    article_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="CASCADE"),
        index=True,
        comment="The article this was an earlier version of.",
    )
    title: Mapped[str] = mapped_column(comment="Headline of that version.")
    subtitle: Mapped[str | None] = mapped_column(comment="Subtitle of that version.")
    body: Mapped[str] = mapped_column(comment="Body of that version.")
    content_hash: Mapped[str] = mapped_column(comment="content_hash of that version.")
    modified_at: Mapped[TimestampUTC | None] = mapped_column(
        comment="Modification instant that version stated, if any (UTC)."
    )
    first_seen_at: Mapped[TimestampUTC] = mapped_column(
        comment="When that version was first stored (UTC)."
    )
    superseded_at: Mapped[TimestampUTC] = mapped_column(
        server_default=func.now(), comment="When a crawl saw the next version (UTC)."
    )
    reason: Mapped[str] = mapped_column(
        server_default="crawl",
        comment=(
            "Why the next version replaced this one: crawl (the page changed) or "
            "reextraction (akhbar reextract read the stored response again)."
        ),
    )

    article: Mapped[Article] = relationship(back_populates="revisions")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(f"trigger IN {CRAWL_TRIGGERS}", name="trigger"),
        CheckConstraint(f"status IN {CRAWL_STATUSES}", name="status"),
        Index("ix_crawl_runs_outlet_id_started_at", "outlet_id", "started_at"),
        {"comment": "One row per crawl of an outlet: when, why, how it ended and what it found."},
    )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(), primary_key=True, comment="Surrogate key."
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("outlets.id", ondelete="CASCADE"), comment="The outlet crawled."
    )
    trigger: Mapped[str] = mapped_column(comment="manual (akhbar crawl) or scheduled (daemon).")
    started_at: Mapped[TimestampUTC] = mapped_column(
        server_default=func.now(), comment="When the crawl started (UTC)."
    )
    finished_at: Mapped[TimestampUTC | None] = mapped_column(
        comment="When it ended (UTC); NULL while running."
    )
    status: Mapped[str] = mapped_column(
        server_default="running",
        comment=(
            "running, succeeded, degraded (stored articles, but read far less from its "
            "pages than the outlet usually gives: see degraded_reason), failed, timed_out "
            "or interrupted."
        ),
    )
    pages_crawled: Mapped[Count] = mapped_column(comment="Responses received.")
    articles_new: Mapped[Count] = mapped_column(comment="Articles stored for the first time.")
    articles_updated: Mapped[Count] = mapped_column(
        comment="Articles whose text changed (a revision was kept)."
    )
    articles_unchanged: Mapped[Count] = mapped_column(comment="Articles seen again unchanged.")
    errors: Mapped[Count] = mapped_column(
        comment="Pages or items that failed (HTTP errors, unparseable pages, rejected items)."
    )
    error_summary: Mapped[str | None] = mapped_column(
        comment="Counts of failures by reason, one per line."
    )
    log_tail: Mapped[str | None] = mapped_column(
        comment="Last lines of the crawl's log on failure."
    )
    stats: Mapped[dict[str, Any] | None] = mapped_column(
        JSONB, comment="Scrapy's own crawl statistics, for diagnosis."
    )
    hostname: Mapped[str | None] = mapped_column(comment="Host that ran the crawl.")
    pid: Mapped[int | None] = mapped_column(comment="Process id of the crawl on that host.")
    node: Mapped[str | None] = mapped_column(
        comment="The scrapyd node that ran the crawl (its URL); NULL for a local process."
    )
    scrapyd_job: Mapped[str | None] = mapped_column(
        unique=True, comment="The crawl's job id on its scrapyd node; NULL for a local process."
    )
    # Extraction health (crawler.health): yield = articles_extracted / article_pages.
    article_pages: Mapped[Count] = mapped_column(
        comment="Article pages fetched: 2xx responses to article URLs that reached the spider."
    )
    articles_extracted: Mapped[Count] = mapped_column(
        comment="Articles read from those pages that passed validation (stored or spooled)."
    )
    article_urls_found: Mapped[Count] = mapped_column(
        comment=(
            "Article URLs discovery found (sitemaps, feeds, listings): requested, or "
            "skipped as already archived (a URL named twice may count twice)."
        )
    )
    fill_title: Mapped[FillRate] = mapped_column(comment=_fill_comment("a title"))
    fill_body: Mapped[FillRate] = mapped_column(comment=_fill_comment("a body"))
    fill_published: Mapped[FillRate] = mapped_column(
        comment=_fill_comment("a publication date or time")
    )
    fill_authors: Mapped[FillRate] = mapped_column(comment=_fill_comment("at least one author"))
    fill_section: Mapped[FillRate] = mapped_column(comment=_fill_comment("a section"))
    fill_tags: Mapped[FillRate] = mapped_column(comment=_fill_comment("at least one tag"))
    fill_image: Mapped[FillRate] = mapped_column(comment=_fill_comment("a lead image"))
    degraded_reason: Mapped[str | None] = mapped_column(
        comment=(
            "Why the crawl is degraded: what fell far below the outlet's usual (median of its "
            "last successful crawls), from what to what, '; ' between reasons."
        )
    )


class Capture(Base):
    __tablename__ = "captures"
    __table_args__ = (
        CheckConstraint(f"record_type IN {CAPTURE_RECORD_TYPES}", name="record_type"),
        Index("ix_captures_url_fetched_at", "url", "fetched_at"),
        Index("ix_captures_outlet_id_fetched_at", "outlet_id", "fetched_at"),
        {
            "comment": (
                "One row per article page fetched: where its response is kept in a WARC file "
                "(warc_file, warc_offset, warc_length: one gzip member)."
            )
        },
    )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(), primary_key=True, comment="Surrogate key."
    )
    url: Mapped[str] = mapped_column(
        comment="URL fetched (WARC-Target-URI), before canonicalization."
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("outlets.id", ondelete="CASCADE"), comment="The outlet crawled."
    )
    article_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="SET NULL"),
        index=True,
        comment="The article extracted from the response.",
    )
    crawl_run_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("crawl_runs.id", ondelete="SET NULL"),
        index=True,
        comment="The crawl that fetched it; NULL when the crawl could not be recorded.",
    )
    fetched_at: Mapped[TimestampUTC] = mapped_column(comment="When the response arrived (UTC).")
    http_status: Mapped[int] = mapped_column(comment="HTTP status code of the response.")
    payload_digest: Mapped[str] = mapped_column(
        comment="WARC-Payload-Digest of the body as the spider read it: sha1:BASE32."
    )
    record_type: Mapped[str] = mapped_column(
        comment=(
            "response (the body is in this record) or revisit (the body equals the URL's "
            "previous capture with the same payload_digest, which holds it)."
        )
    )
    warc_file: Mapped[str] = mapped_column(comment="Absolute path of the .warc.gz file.")
    warc_offset: Mapped[int] = mapped_column(
        BigInteger, comment="Byte offset of the record in warc_file."
    )
    warc_length: Mapped[int] = mapped_column(
        BigInteger, comment="Length in bytes of the record (one gzip member) in warc_file."
    )
