"""The one place the CLI prints results: a table or lines for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from platform_cli.cli.context import CliContext, OutputFormat

stdout = Console(soft_wrap=True, highlight=False)
stderr = Console(stderr=True, soft_wrap=True, highlight=False)


def emit(context: CliContext, data: Any, render_text: Callable[[Any], None] | None = None) -> None:
    """Print ``data`` as JSON (``--output json``) or through ``render_text`` (default: ``str``)."""
    if context.output is OutputFormat.JSON:
        # Plain print: rich would wrap long lines and break the JSON for `jq`.
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
    elif render_text is not None:
        render_text(data)
    else:
        stdout.print(str(data), markup=False)


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    grid = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*(str(cell) for cell in row))
    stdout.print(grid)


def info(message: str) -> None:
    """Progress and hints go to stderr so stdout stays clean for ``--output json``."""
    stderr.print(message, markup=False)
