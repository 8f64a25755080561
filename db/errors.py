"""Telling a database outage (retry later) from an error in the data (retrying cannot help)."""

from __future__ import annotations

import psycopg
from sqlalchemy import exc as sa_exc

# OperationalError covers a server that is down, refuses connections, restarts or
# cuts the connection (and deadlocks, statement timeouts: also worth retrying);
# TimeoutError is SQLAlchemy's pool waiting for a connection a stalled store holds.
_CONNECTION_ERRORS = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached, rather than refusing the data."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _CONNECTION_ERRORS)


def brief(exc: BaseException) -> str:
    """The first line of the driver's message, for one-line log records."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
