"""The one place the CLI prints results: a table or lines for people, JSON for scripts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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


class ProgressLine:
    """Renders the waits the GitHub client reports (rate limits, the write budget, repository generation, retry
    back-offs) as one line each on stderr: what is awaited and for how long. A wait repeated in short polls (a
    repository being generated) is shown again every ``every`` seconds with the time spent so far."""

    def __init__(self, write: Callable[[str], None], clock: Callable[[], float] = time.monotonic, every: float = 5.0):
        self._write = write
        self._clock = clock
        self._every = every
        self._lock = threading.Lock()
        self._doing: str | None = None
        self._since = 0.0
        self._last = float("-inf")

    def __call__(self, doing: str, seconds: float) -> None:
        with self._lock:
            now = self._clock()
            if doing != self._doing:
                self._doing, self._since, self._last = doing, now, float("-inf")
            if now - self._last < self._every:
                return
            self._last = now
            so_far = now - self._since
            tail = f", {so_far:.0f}s so far" if so_far >= 1 else ""
            self._write(f"… {doing} (waiting {_duration(seconds)}{tail})")


def _duration(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"


progress = ProgressLine(info)


@contextmanager
def waiting(doing: str, every: float = 10.0, write: Callable[[str], None] = info) -> Iterator[None]:
    """For one long blocking call that reports nothing itself (a Service Catalog launch, a stack's deletion):
    every ``every`` seconds, a line saying what is awaited and for how long so far."""
    stop = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not stop.wait(every):
            write(f"… {doing} ({time.monotonic() - started:.0f}s so far)")

    ticker = threading.Thread(target=tick, name="mlops-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
