"""A client for one scrapyd node's HTTP API (the endpoints the daemon and deploy use).

scrapyd answers HTTP 200 with ``{"status": "error", "message": ...}`` when it
refuses a request; that, a refused connection, a timeout and a body that is not
JSON all raise :class:`ScrapydError`, so callers handle one exception per node.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from db.config import ScrapydNode

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = 5.0
"""Seconds a node has to answer one request (addversion.json gets longer: it lists spiders)."""
UPLOAD_TIMEOUT = 120.0


class ScrapydError(Exception):
    """The node did not answer, or refused the request; the message says which node."""


class ScrapydClient:
    """Calls on one node, with its basic-auth credentials if it has any."""

    def __init__(self, node: ScrapydNode, timeout: float = HTTP_TIMEOUT) -> None:
        self.node = node
        self.timeout = timeout
        self.session = requests.Session()
        if node.username is not None and node.password is not None:
            self.session.auth = (node.username, node.password)

    def close(self) -> None:
        self.session.close()

    def load(self) -> int:
        """Jobs the node runs or has queued (daemonstatus.json): how busy it is."""
        status = self._call("GET", "daemonstatus.json")
        return int(status["running"]) + int(status["pending"])

    def schedule(
        self,
        project: str,
        spider: str,
        job: str,
        settings: dict[str, str],
        spider_args: dict[str, str],
    ) -> None:
        """Queue ``spider`` as job ``job`` (schedule.json): ``-s`` settings and ``-a`` args."""
        data: list[tuple[str, str]] = [("project", project), ("spider", spider), ("jobid", job)]
        data += [("setting", f"{key}={value}") for key, value in settings.items()]
        data += list(spider_args.items())
        self._call("POST", "schedule.json", data=data)

    def job_state(self, project: str, job: str) -> str | None:
        """``pending``, ``running`` or ``finished`` (listjobs.json); None when the node does
        not know the job (cancelled while pending, or scrapyd restarted and forgot it)."""
        jobs = self._call("GET", "listjobs.json", params={"project": project})
        for state in ("pending", "running", "finished"):
            if any(item.get("id") == job for item in jobs.get(state, ())):
                return state
        return None

    def cancel(self, project: str, job: str, signal: str = "INT") -> str | None:
        """Stop the job (cancel.json): INT lets Scrapy close cleanly, KILL does not."""
        answer = self._call(
            "POST", "cancel.json", data={"project": project, "job": job, "signal": signal}
        )
        return answer.get("prevstate")

    def add_version(self, project: str, version: str, egg: bytes) -> int:
        """Upload the project's egg (addversion.json); return how many spiders the node found."""
        answer = self._call(
            "POST",
            "addversion.json",
            data={"project": project, "version": version},
            files={"egg": (f"{project}-{version}.egg", egg)},
            timeout=UPLOAD_TIMEOUT,
        )
        return int(answer.get("spiders", 0))

    def _call(self, method: str, endpoint: str, timeout: float | None = None, **kwargs: Any) -> Any:
        url = f"{self.node.url}/{endpoint}"
        try:
            response = self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
            response.raise_for_status()
            answer = response.json()
        except requests.RequestException as exc:
            raise ScrapydError(f"{self.node.url}: {endpoint}: {_brief(exc)}") from exc
        except ValueError as exc:  # not JSON: something else listens there
            raise ScrapydError(f"{self.node.url}: {endpoint}: not a scrapyd answer") from exc
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = answer.get("message") if isinstance(answer, dict) else answer
            raise ScrapydError(f"{self.node.url}: {endpoint}: {message}")
        return answer


def _brief(exc: requests.RequestException) -> str:
    """The cause of a failed request in a few words, not urllib3's nested repr."""
    if isinstance(exc, requests.Timeout):  # before ConnectionError: ConnectTimeout is both
        return "no answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "no answer (connection refused or lost)"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__
