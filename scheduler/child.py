"""Launch a crawl process that is stopped when the process that started it dies.

``python -m scheduler.child PARENT_PID -- COMMAND...`` asks Linux to send this
process SIGTERM when its parent dies (``PR_SET_PDEATHSIG``, which survives
``exec``), then becomes COMMAND. Without it, a daemon killed with SIGKILL would
leave its Scrapy child crawling on without the outlet's lock, which died with
the daemon's database session, and a second crawl of the outlet could overlap it.
Elsewhere than on Linux it only runs COMMAND.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


class LauncherUsageError(Exception):
    """The launcher was called without ``PARENT_PID -- COMMAND...``."""


def set_parent_death_signal(signum: int = signal.SIGTERM) -> bool:
    """Have the kernel send ``signum`` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        raise LauncherUsageError("usage: python -m scheduler.child PARENT_PID -- COMMAND...")
    parent, command = int(argv[0]), argv[2:]
    set_parent_death_signal()
    # The parent may have died before prctl took effect: then nobody will stop us.
    if os.getppid() != parent:
        sys.exit(1)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
