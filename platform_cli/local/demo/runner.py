"""Run named steps in order with a progress line each; stop at the first failure with its one-line cause.

Every step writes its detailed output (subprocess logs, Terraform output) to one log file, so the console stays
readable and the failure line can point at where the details are.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.markup import escape

from platform_cli.errors import PlatformError


@dataclass(frozen=True)
class Step:
    name: str
    action: Callable[[], str]  # returns a short detail line for the summary


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    seconds: float
    detail: str


@dataclass
class RunReport:
    results: list[StepResult] = field(default_factory=list)
    log_path: Path | None = None

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def seconds(self) -> float:
        return sum(result.seconds for result in self.results)

    @property
    def failure(self) -> StepResult | None:
        return next((result for result in self.results if not result.ok), None)


def run_steps(steps: Sequence[Step], console: Console, log: IO[str], log_path: Path) -> RunReport:
    """Run ``steps`` in order; the first failure stops the run. Unexpected errors are logged with traceback."""
    report = RunReport(log_path=log_path)
    total = len(steps)
    for number, step in enumerate(steps, start=1):
        label = f"[{number}/{total}] {step.name}"
        log.write(f"\n===== {label} =====\n")
        log.flush()
        started = time.monotonic()
        try:
            with console.status(f"{label} …", spinner="dots"):
                detail = step.action()
            ok = True
        except PlatformError as error:
            detail, ok = str(error), False
        except Exception as error:  # an unexpected failure still ends the run cleanly, details in the log
            log.write(traceback.format_exc())
            detail, ok = f"{type(error).__name__}: {' '.join(str(error).split())[:300]}", False
        seconds = time.monotonic() - started
        report.results.append(StepResult(step.name, ok, seconds, detail))
        log.write(f"----- {'ok' if ok else 'FAILED'} in {seconds:.1f}s: {detail}\n")
        log.flush()
        mark = "[green]✓[/]" if ok else "[red]✗[/]"
        console.print(f"{mark} {label} [dim]({seconds:.1f}s)[/] {escape(detail)}")
        if not ok:
            console.print(f"[red]stopped at step {number}[/]: {escape(detail)}  [dim](log: {log_path})[/]")
            break
    return report
