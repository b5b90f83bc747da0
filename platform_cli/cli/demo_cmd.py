"""``mlops demo``: rehearse the whole platform on this machine (what ``make demo`` runs)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from platform_cli.cli.context import cli_context
from platform_cli.cli.errors import fail
from platform_cli.cli.output import emit, stderr, stdout, table
from platform_cli.config import ENVIRONMENTS, TemplateKind


def _environments(requested: list[str]) -> tuple[str, ...]:
    unknown = sorted(set(requested) - set(ENVIRONMENTS))
    if unknown:
        fail(f"unknown environment {unknown[0]!r}; choose from {', '.join(ENVIRONMENTS)}")
    if requested and "dev" not in requested:
        fail("the rehearsal needs the dev account (projects and pipelines live there); add --env dev")
    return tuple(env for env in ENVIRONMENTS if not requested or env in requested)


def demo(
    ctx: typer.Context,
    state_dir: Annotated[Path, typer.Option("--state-dir", help="Where the rehearsal keeps its state.")] = Path(
        ".mlops-local/demo"
    ),
    template: Annotated[
        list[TemplateKind] | None,
        typer.Option("--template", "-t", help="Only this project template (repeatable; default: all five)."),
    ] = None,
    environment: Annotated[
        list[str] | None,
        typer.Option("--env", "-e", help="Only this environment's account (repeatable; default: dev, preprod, prod)."),
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Leave local AWS and the forge running afterwards.")] = False,
    skip_template_tests: Annotated[
        bool, typer.Option("--skip-template-tests", help="Clone the model-build repo but do not run its tests.")
    ] = False,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--permissive",
            help="Local AWS refuses what IAM would refuse, or only logs it (permissive: debugging only).",
        ),
    ] = None,
) -> None:
    """Bring up local AWS and a local GitHub forge, then run the real bootstrap, Terraform, provisioning Lambda
    and template repos against them, step by step. Safe to re-run.

    --output json: {"ok": bool, "seconds", "log", "steps": [{"step", "ok", "seconds", "detail"}]}.
    """
    context = cli_context(ctx)
    from platform_cli.local.demo.rehearsal import DemoOptions, rehearse  # needs the `local` extra
    from platform_cli.local.iam.mode import PERMISSIVE_WARNING
    from platform_cli.local.iam.mode import current as iam_mode

    options = DemoOptions(
        state_dir=state_dir.resolve(),
        templates=tuple(template or TemplateKind),
        environments=_environments(environment or []),
        keep=keep,
        run_template_tests=not skip_template_tests,
        iam_mode=None if strict is None else ("strict" if strict else "permissive"),
    )
    if strict is False or (strict is None and iam_mode() == "permissive"):  # the flag, or MLOPS_LOCAL_IAM
        stderr.print(PERMISSIVE_WARNING, markup=False)
    started = time.monotonic()
    report = rehearse(options, stderr)  # progress on stderr: stdout stays clean for --output json
    total = time.monotonic() - started
    summary = {
        "ok": report.ok,
        "seconds": round(total, 1),
        "log": str(report.log_path),
        "steps": [
            {"step": r.name, "ok": r.ok, "seconds": round(r.seconds, 1), "detail": r.detail} for r in report.results
        ],
    }

    def render(_: object) -> None:
        table(
            "\nSummary",
            ["step", "result", "time"],
            [[r.name, "ok" if r.ok else "FAILED", f"{r.seconds:.1f}s"] for r in report.results],
        )
        stdout.print(f"total {total:.0f}s; log: {report.log_path}", markup=False)
        if report.ok and keep:
            stdout.print(
                "still running; explore with `mlops local status --state-dir "
                f"{options.state_dir}` and `git clone` from the forge URL above; stop with `mlops local down "
                f"--state-dir {options.state_dir}`",
                markup=False,
            )
        elif report.ok:
            stdout.print("torn down; run `mlops demo --keep` to explore afterwards", markup=False)

    emit(context, summary, render)
    if not report.ok:
        raise typer.Exit(1)
