"""scrapyd's runner, with the deployed egg ahead of an installed Akhbar on ``sys.path``.

A node installs Akhbar for its dependencies (``pip install akhbar scrapyd``), so
``crawler`` and ``db`` are importable from site-packages; scrapyd's own runner
appends the egg to the *end* of ``sys.path``, and the installed copy would then
shadow every ``akhbar deploy``. Name this module as the runner in the node's
``scrapyd.conf`` (``runner = scheduler.scrapyd_runner``) and the egg comes first.
"""

from __future__ import annotations

import sys

from scrapyd import runner

_activate_egg = runner.activate_egg


def activate_egg_first(eggpath: str) -> None:
    _activate_egg(eggpath)
    if eggpath in sys.path:
        sys.path.remove(eggpath)
    sys.path.insert(0, eggpath)


if __name__ == "__main__":
    runner.activate_egg = activate_egg_first  # project_environment() looks it up by name
    runner.main()
