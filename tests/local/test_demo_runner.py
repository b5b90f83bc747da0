"""The demo's step runner: progress per step, stop at the first failure with its cause and the log path."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from platform_cli.errors import PlatformError
from platform_cli.local.demo.runner import Step, run_steps


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False), buffer


def test_all_steps_run_in_order_and_report_their_details(tmp_path: Path) -> None:
    ran: list[str] = []
    steps = [Step(name, lambda name=name: ran.append(name) or f"{name} done") for name in ("one", "two")]
    out, printed = console()
    report = run_steps(steps, out, io.StringIO(), tmp_path / "demo.log")
    assert ran == ["one", "two"]
    assert report.ok
    assert [result.detail for result in report.results] == ["one done", "two done"]
    assert "[2/2] two" in printed.getvalue()


def test_a_failing_step_stops_the_run_with_its_one_line_cause_and_the_log_path(tmp_path: Path) -> None:
    def broken() -> str:
        raise PlatformError("terraform apply failed in dev; see the log")

    ran: list[str] = []
    steps = [Step("ok", lambda: "fine"), Step("broken", broken), Step("never", lambda: ran.append("x") or "")]
    out, printed = console()
    report = run_steps(steps, out, io.StringIO(), tmp_path / "demo.log")
    assert not report.ok
    assert ran == []
    assert report.failure is not None and report.failure.name == "broken"
    assert "stopped at step 2: terraform apply failed in dev; see the log" in printed.getvalue()
    assert str(tmp_path / "demo.log") in printed.getvalue()


def test_an_unexpected_error_is_summarised_on_the_console_and_traced_in_the_log(tmp_path: Path) -> None:
    def crash() -> str:
        raise KeyError("missing")

    log = io.StringIO()
    out, printed = console()
    report = run_steps([Step("crash", crash)], out, log, tmp_path / "demo.log")
    assert report.results[0].detail == "KeyError: 'missing'"
    assert "Traceback" in log.getvalue()
    assert "Traceback" not in printed.getvalue()


def test_the_rehearsal_clones_the_training_repo_of_whichever_template_ran(tmp_path: Path) -> None:
    from platform_cli.config import TemplateKind
    from platform_cli.local.demo.rehearsal import DEPLOYING, TRAINING_PART, DemoOptions, Rehearsal

    rehearsal = Rehearsal(DemoOptions(state_dir=tmp_path), io.StringIO(), tmp_path / "demo.log")
    rehearsal.projects = {"single-account-training": {"ProjectName": "demo-training", "ProjectId": "p-0"}}
    kind, record = rehearsal.build_project()
    assert (kind, TRAINING_PART[kind], record["ProjectName"]) == (
        TemplateKind.SINGLE_ACCOUNT_TRAINING,
        "training",
        "demo-training",
    )
    assert (
        rehearsal.trigger() == "no project of this run has a deploy workflow (training templates only register models)"
    )
    rehearsal.projects["build-deploy-batch"] = {"ProjectName": "demo-batch", "ProjectId": "p-1"}
    assert rehearsal.build_project()[0] is TemplateKind.BUILD_DEPLOY_BATCH
    assert TemplateKind.BUILD_DEPLOY_BATCH in DEPLOYING


def test_the_prewarmed_environment_is_the_one_the_cloned_training_repo_uses(tmp_path: Path) -> None:
    """The prewarm builds the env of the template the training repo is generated from: same requirements digest."""
    from platform_cli.config import TemplateKind
    from platform_cli.local import template_venvs
    from platform_cli.local.demo.rehearsal import TRAINING_PART, DemoOptions, Rehearsal
    from platform_cli.provisioning.contract import load_contract

    for kind in TRAINING_PART:
        rehearsal = Rehearsal(DemoOptions(state_dir=tmp_path, templates=(kind,)), io.StringIO(), tmp_path / "log")
        template = rehearsal.training_template()
        assert template is not None and (template / "requirements-dev.txt").is_file(), kind
        assert template.name == load_contract().parts(kind)[TRAINING_PART[kind]]
    both = Rehearsal(
        DemoOptions(state_dir=tmp_path, templates=(TemplateKind.LLM_FINE_TUNING, TemplateKind.BUILD_DEPLOY_BATCH)),
        io.StringIO(),
        tmp_path / "log",
    )
    chosen = both.training_template()
    assert chosen is not None
    # build_project prefers BUILD_DEPLOY_BATCH over LLM_FINE_TUNING; the prewarm must pick the same one.
    both.projects = {"llm-fine-tuning": {}, "build-deploy-batch": {}}
    assert chosen.name == load_contract().parts(both.build_project()[0])["build"]
    assert template_venvs.requirements_digest(chosen)


def test_no_environment_is_prewarmed_when_template_tests_are_skipped(tmp_path: Path) -> None:
    from platform_cli.local.demo.rehearsal import DemoOptions, Rehearsal

    rehearsal = Rehearsal(DemoOptions(state_dir=tmp_path, run_template_tests=False), io.StringIO(), tmp_path / "log")
    assert rehearsal.prewarm_training_venv() is None
