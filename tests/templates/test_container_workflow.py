"""container-build's workflow (bring your own container, issue 17 item 1): pull requests build without AWS; main
builds once in dev, gates on the scan, then copies that digest to preprod and then prod."""

from __future__ import annotations

from typing import Any

import pytest

from tests.templates import workflows
from tests.templates.conftest import TEMPLATE_ROOT

WORKFLOW = TEMPLATE_ROOT / "container-build" / ".github" / "workflows" / "build.yml"


@pytest.fixture(scope="module")
def jobs() -> dict[str, Any]:
    loaded: dict[str, Any] = workflows.load(WORKFLOW)["jobs"]
    return loaded


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job.get("steps", []))


def test_pull_requests_build_the_image_without_any_aws_access(jobs: dict[str, Any]) -> None:
    build = jobs["build"]
    assert build["if"] == "github.event_name == 'pull_request'"
    assert "docker build" in _runs(build)
    assert "id-token" not in build["permissions"] and "environment" not in build


def test_main_builds_the_image_once_in_dev_only(jobs: dict[str, Any]) -> None:
    builders = [name for name, job in jobs.items() if "docker build" in _runs(job) and name != "build"]
    assert builders == ["dev"]
    assert jobs["dev"]["environment"] == "dev"
    assert "github.ref == 'refs/heads/main'" in jobs["dev"]["if"]


def test_the_scan_gate_runs_in_dev_before_anything_is_copied(jobs: dict[str, Any]) -> None:
    assert "python -m tools.scan_gate" in _runs(jobs["dev"])
    assert "aws ecr wait image-scan-complete" in _runs(jobs["dev"])
    assert jobs["preprod"]["needs"] == "dev"


def test_preprod_then_prod_copy_the_digest_built_in_dev_and_check_it(jobs: dict[str, Any]) -> None:
    assert set(jobs["prod"]["needs"]) == {"dev", "preprod"}
    for environment in ("preprod", "prod"):
        job = jobs[environment]
        assert job["environment"] == environment
        assert job["env"]["DIGEST"] == "${{ needs.dev.outputs.digest }}"
        assert "skopeo copy --preserve-digests" in _runs(job)
        assert 'test "$copied" = "$DIGEST"' in _runs(job)
        assert "docker build" not in _runs(job)


def test_an_immutable_tag_already_pushed_is_reused_not_pushed_again(jobs: dict[str, Any]) -> None:
    for environment in ("dev", "preprod", "prod"):
        runs = _runs(jobs[environment])
        assert 'if ! aws ecr describe-images --repository-name "$REPOSITORY" --image-ids "imageTag=$GITHUB_SHA"' in runs
