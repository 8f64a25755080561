"""Alembic environment: migrations run on the database Akhbar is configured for.

The URL comes from ``config.attributes["database_url"]`` when Akhbar's CLI or
tests pass one, else from :func:`db.config.load_config` (environment, config
file, embedded server). Migrations hold an advisory lock so that two daemons
upgrading at once do not race, and time out instead of queueing behind a
long-running query forever.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from db.config import load_config
from db.engine import ensure_database_url, make_engine
from db.models import Base

MIGRATION_LOCK_KEY = 0x616B6862  # "akhb": any constant shared by every Akhbar process

# Tables owned by other software, living in the same database.
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run_migrations_online() -> None:
    config = context.config
    url = config.attributes.get("database_url") or ensure_database_url(load_config())
    engine = make_engine(url)
    with engine.connect() as connection:
        connection.execute(text("SET lock_timeout = '30s'"))
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                include_object=include_object,
                compare_type=True,
                transaction_per_migration=True,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Akhbar's migrations run online only: use `akhbar db upgrade`.")
run_migrations_online()
