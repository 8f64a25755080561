"""The archive: SQLAlchemy models, engine and sessions, and the queries that write and search it."""
