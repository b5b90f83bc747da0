"""`mlops demo` end to end: the real CLI, bootstrap.sh, Terraform and Lambda code against the embedded defaults.

To fit the CI budget this runs one project template (build-deploy-realtime) in the dev account only; the full
demo (five templates, three accounts) is what `make demo` runs. Terraform across all three accounts is covered by
tests/base_infrastructure, every template kind by tests/provisioning.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.local.platform import LocalPlatform

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, object], Path]:
    state = tmp_path_factory.mktemp("demo") / "state"
    os.environ.setdefault("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
    result = CliRunner().invoke(
        app,
        ["-o", "json", "demo", "--state-dir", str(state), "--template", "build-deploy-realtime", "--env", "dev"],
    )
    return result.exit_code, json.loads(result.stdout), state


def test_every_step_of_the_rehearsal_succeeds(demo_run: tuple[int, dict[str, object], Path]) -> None:
    exit_code, summary, _ = demo_run
    failed = [step for step in summary["steps"] if not step["ok"]]  # type: ignore[attr-defined]
    assert failed == [], f"see {summary['log']}"
    assert exit_code == 0
    assert len(summary["steps"]) == 15  # type: ignore[arg-type]


def test_a_project_deleted_with_the_cli_goes_through_the_whole_chain(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    """`mlops project delete`: Service Catalog terminates the product, the stack is deleted (as the launch role),
    the custom resource's Delete archives the repos in the forge; the artifact bucket is kept (checked by the step
    in local AWS and the forge before the servers stop)."""
    _, summary, _ = demo_run
    step = next(s for s in summary["steps"] if s["step"].startswith("delete a project"))  # type: ignore[attr-defined]
    assert step["ok"], step["detail"]
    assert step["detail"].startswith("demo-realtime (p-")
    assert "provisioned product terminated, stack DELETE_COMPLETE, 2 repos archived" in step["detail"]


def test_the_approval_dispatches_the_deploy_workflow_of_the_project(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    _, summary, _ = demo_run
    step = next(s for s in summary["steps"] if s["step"].startswith("approval event"))  # type: ignore[attr-defined]
    assert step["detail"].startswith("deploy.yml dispatched on acme-ml/demo-realtime-p-")
    assert step["detail"].split(" on ")[1].split(" ")[0].endswith("-deploy")
    # One rule targets the trigger, and the trigger claims each package version once: exactly one dispatch.
    assert "(1 dispatch(es) in all)" in step["detail"]


def test_a_burst_of_uploads_under_the_data_prefix_started_exactly_one_retrain(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    """issue 17 item 2: build-deploy-realtime is created with --retrain-on-new-data; 5 uploads → 1 execution."""
    _, summary, _ = demo_run
    [step] = [s for s in summary["steps"] if "retrain" in s["step"]]  # type: ignore[attr-defined]
    assert step["ok"], step
    assert "5 uploads" in step["detail"] and "→ 1 execution of demo-realtime-build" in step["detail"]
    assert "-retrain-start" in step["detail"]


def test_the_rehearsal_counts_the_aws_calls_it_evaluated(demo_run: tuple[int, dict[str, object], Path]) -> None:
    _, summary, _ = demo_run
    step = summary["steps"][-1]  # type: ignore[index]
    assert step["step"].startswith("IAM: every call evaluated")
    evaluated = int(step["detail"].split(" calls evaluated")[0])
    assert evaluated > 100  # Terraform alone makes hundreds of calls
    assert "principal/action pairs" in step["detail"]


def test_the_model_build_repo_was_cloned_from_the_forge_and_its_pipeline_ran_locally(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    _, summary, state = demo_run
    step = next(s for s in summary["steps"] if s["step"].startswith("clone the model-building repo"))  # type: ignore[attr-defined]
    assert "its tests pass; local pipeline run:" in step["detail"]
    clones = list((state / "work").iterdir())
    assert len(clones) == 1 and clones[0].name.endswith("-build")
    assert (clones[0] / ".git").is_dir()
    assert json.loads((clones[0] / "build" / "local" / "report" / "metrics.json").read_text())


def test_the_rehearsal_tears_everything_down_afterwards(demo_run: tuple[int, dict[str, object], Path]) -> None:
    _, _, state = demo_run
    status = LocalPlatform(state).status()
    assert status["aws"]["running"] is False
    assert status["forge"]["running"] is False


def test_the_log_holds_the_commands_that_ran(demo_run: tuple[int, dict[str, object], Path]) -> None:
    _, summary, _ = demo_run
    log = Path(str(summary["log"])).read_text()
    for command in ("org publish", "bootstrap", "set-credentials", "project create", "terraform apply", "git clone"):
        assert command in log, command


def test_no_token_appears_in_the_log(demo_run: tuple[int, dict[str, object], Path]) -> None:
    _, summary, state = demo_run
    log = Path(str(summary["log"])).read_text()
    tokens = [path.read_text().strip() for path in (state / "tokens").glob("*.token")]
    assert tokens
    for token in tokens:
        assert token not in log


def test_the_rehearsal_creates_a_bring_your_own_container_project_and_its_contract_holds(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    """issue 17 item 1: the container repo and its variables, the dev ECR repository, the contract check."""
    _, summary, state = demo_run
    step = next(s for s in summary["steps"] if s["step"].startswith("bring your own container"))  # type: ignore[attr-defined]
    assert step["detail"].startswith("acme-ml/demo-byoc-p-")
    assert "-container (3 environments); ECR mlops/p-" in step["detail"] and step["detail"].count(" in dev;") == 1
    assert step["detail"].endswith("container contract holds (train, /ping, /invocations, failure file)")
    assert json.loads((state / "byoc" / "report" / "metrics.json").read_text())["contract_holds"] is True


def test_each_project_stack_is_complete_with_its_bucket_model_package_group_and_roles_in_local_aws(
    demo_run: tuple[int, dict[str, object], Path],
) -> None:
    _, summary, _ = demo_run
    step = next(s for s in summary["steps"] if s["step"].startswith("create one project"))  # type: ignore[attr-defined]
    assert step["ok"], step["detail"]
    assert re.search(r"stack CREATE_COMPLETE: 1 bucket, 1 model package group, [1-9]\d* roles?\)", step["detail"])
