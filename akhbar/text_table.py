"""Plain-text tables for the command line: columns padded to their widest cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click


def echo_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print ``header`` and ``rows`` as aligned columns; the last column is not padded."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo(line.rstrip())
