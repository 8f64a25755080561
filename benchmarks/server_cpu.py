"""CPU time of the PostgreSQL backends serving one database, read from ``/proc``.

On a machine shared with other work, rows/s measure the load as much as the code;
the CPU seconds the server spent for a database (and the client's own) change far
less from one run to the next. Only a server on this machine can be read this way;
elsewhere :func:`backend_cpu` gives ``None``.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg


def backend_cpu(conn: psycopg.Connection) -> dict[int, float] | None:
    """CPU seconds (user + system) so far of each other backend connected to the database
    of ``conn`` (an autocommit connection kept open for the readings)."""
    pids = [
        row[0]
        for row in conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ]
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def watched_spent(seen: dict[int, tuple[float, float]], reading: dict[int, float] | None) -> None:
    """Fold a reading into ``seen`` (pid -> first and last CPU seconds read), for backends
    that come and go during a run watched at intervals."""
    for pid, cpu in (reading or {}).items():
        seen[pid] = (seen.get(pid, (cpu, cpu))[0], cpu)


def spent(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
    """CPU seconds the backends spent between two readings (a backend that started in
    between counts from zero; one that ended is lost, so read ``after`` before closing)."""
    if before is None or after is None:
        return None
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
