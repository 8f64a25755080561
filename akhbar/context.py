"""What every ``akhbar`` command shares: its state and how it reports errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import psycopg
from sqlalchemy.exc import SQLAlchemyError

from db.config import Config, ConfigError
from db.embedded import EmbeddedServerError
from db.engine import DatabaseUnavailable, check_connection, ensure_database_url
from db.errors import brief, is_connection_error

F = TypeVar("F", bound=Callable[..., Any])
_NO_SCHEMA = (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedFunction)


class CliState:
    """What every command needs: the configuration, and the database URL on demand."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._url: str | None = None

    def database_url(self) -> str:
        """The libpq URL in effect, checked to be reachable."""
        if self._url is None:
            url = ensure_database_url(self.config)
            check_connection(url)
            self._url = url
        return self._url


def friendly_errors(func: F) -> F:
    """Turn the errors a user can fix into one line on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, DatabaseUnavailable, EmbeddedServerError) as exc:
            raise click.ClickException(str(exc)) from exc
        except (SQLAlchemyError, psycopg.Error) as exc:
            if is_connection_error(exc):
                raise click.ClickException(f"database unavailable: {brief(exc)}") from exc
            if isinstance(getattr(exc, "orig", exc), _NO_SCHEMA):
                raise click.ClickException(
                    f"the archive has no schema, or an old one ({brief(exc)}): "
                    "run `akhbar db upgrade`"
                ) from exc
            raise

    return wrapper  # type: ignore[return-value]


pass_state = click.make_pass_decorator(CliState)
