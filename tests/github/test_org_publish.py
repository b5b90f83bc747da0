"""``mlops org publish`` on the forge: repos created and filled over git, templates marked, org variables set;
a second run changes nothing and makes no API writes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from github.GithubException import UnknownObjectException
from typer.testing import CliRunner

from platform_cli.cli.main import app
from platform_cli.github import extra, metering
from platform_cli.github.base_settings import PLAN_ENVIRONMENT
from tests.fixtures.forge import ForgeEnv, ForgeOrg

runner = CliRunner()


def make_kit(root: Path) -> Path:
    (root / "base-infrastructure" / "modules").mkdir(parents=True)
    (root / "base-infrastructure" / "main.tf").write_text("terraform {}\n")
    (root / "base-infrastructure" / "modules" / "README.md").write_text("modules\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'mlops-platform'\n")
    (root / "platform_cli" / "lambdas").mkdir(parents=True)
    (root / "platform_cli" / "lambdas" / "build.py").write_text("# builds the Lambda\n")
    for name in ("model-build", "model-deploy-realtime"):
        (root / "template-repos" / name / ".github" / "workflows").mkdir(parents=True)
        (root / "template-repos" / name / "README.md").write_text(f"# {name}\n")
        (root / "template-repos" / name / ".github" / "workflows" / "ci.yml").write_text("name: ci\n")
        (root / "template-repos" / name / "__pycache__").mkdir()
        (root / "template-repos" / name / "__pycache__" / "x.pyc").write_bytes(b"\0")
    return root


@dataclass
class Published:
    org: ForgeOrg
    kit: Path
    first: Any


@pytest.fixture(scope="module")
def published(forge: ForgeEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """One org, the kit published once (shared by the read-only tests of this module)."""
    org = forge.new_org()
    root = tmp_path_factory.mktemp("publish")
    kit = make_kit(root / "kit")
    with pytest.MonkeyPatch.context() as patch:
        configure(patch, org, forge, root)
        yield Published(org, kit, publish(kit))


ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}


def stack_outputs(environment: str) -> dict[str, str]:
    """bootstrap.yaml's outputs for the account of ``environment`` (as bootstrap.sh --outputs-file writes them)."""
    account = ACCOUNTS[environment]
    return {
        "ApplyRoleArn": f"arn:aws:iam::{account}:role/acme-{environment}-github-apply",
        "PlanRoleArn": f"arn:aws:iam::{account}:role/acme-{environment}-github-plan",
        "StateBucketName": f"acme-{environment}-tfstate-{account}",
        "LockTableName": f"acme-{environment}-terraform-locks",
        "Region": "eu-west-2",
    }


def write_bootstrap_outputs(workdir: Path, environments: tuple[str, ...]) -> None:
    """What `mlops bootstrap` leaves behind for each account it bootstrapped."""
    directory = workdir / ".mlops-local" / "bootstrap"
    directory.mkdir(parents=True, exist_ok=True)
    for environment in environments:
        rows = [{"OutputKey": k, "OutputValue": v} for k, v in stack_outputs(environment).items()]
        (directory / f"retail-{environment}-{ACCOUNTS[environment]}.outputs.json").write_text(json.dumps(rows))


def configure(
    patch: pytest.MonkeyPatch,
    org: ForgeOrg,
    forge: ForgeEnv,
    workdir: Path,
    bootstrapped: tuple[str, ...] = ("dev", "preprod", "prod"),
) -> None:
    write_bootstrap_outputs(workdir, bootstrapped)
    config = {
        "naming_prefix": "acme",
        "github": {"org": org.login, "api_url": forge.api_url, "auth": "pat"},
        "aws": {"region": "eu-west-2"},
        "business_units": {"retail": ACCOUNTS},
        "teams": {"reviewers": org.team, "maintainers": org.team},
    }
    (workdir / "platform.yaml").write_text(yaml.safe_dump(config))
    patch.chdir(workdir)
    patch.setenv("MLOPS_GITHUB_TOKEN", org.token)
    patch.delenv("AWS_ENDPOINT_URL", raising=False)


def publish(kit: Path) -> Any:
    return runner.invoke(app, ["--output", "json", "org", "publish", "--kit", str(kit)])


def test_publish_creates_templates_base_infrastructure_and_org_variables(published: Published) -> None:
    result, configured = published.first, published.org
    assert result.exit_code == 0, result.output
    assert configured.token not in result.output
    gh = configured.gh
    for name in ("model-build", "model-deploy-realtime"):
        repo = gh.get_repo(f"{configured.login}/{name}")
        assert repo.is_template
        assert repo.get_contents("README.md").decoded_content.decode() == f"# {name}\n"
        with pytest.raises(UnknownObjectException):  # the bytecode cache is never published
            repo.get_contents("__pycache__/x.pyc")
    base = gh.get_repo(f"{configured.login}/base-infrastructure")
    assert not base.is_template
    assert base.get_contents("modules/README.md").decoded_content.decode() == "modules\n"
    org = gh.get_organization(configured.login)
    assert {v.name: v.value for v in org.get_variables()} == {
        "MLOPS_AWS_REGION": "eu-west-2",
        "MLOPS_NAMING_PREFIX": "acme",
        # issue 16: what every project's workflows share, set once for the organisation
        "MLOPS_AWS_PARTITION": "aws",
        "MLOPS_BUILD_ROLE_NAME": "acme-github-build",
        "MLOPS_DEPLOY_ROLE_NAME": "acme-github-deploy",
        "MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME": "acme-sagemaker-execution",
    }


def test_publish_json_names_its_changes_repositories_and_skips(published: Published) -> None:
    data = json.loads(published.first.stdout)
    assert set(data) == {"changes", "repos", "skipped"}
    login = published.org.login
    assert data["repos"]["model-build"] == published.org.gh.get_repo(f"{login}/model-build").html_url
    assert f"{login}/base-infrastructure: created" in data["changes"]
    assert f"{login}/model-deploy-realtime: settings is_template" in data["changes"]  # words, not a Python list
    assert data["skipped"] == []


def test_a_second_publish_changes_nothing(published: Published) -> None:
    metering.install()
    meter = metering.Meter()
    try:
        with meter.active():
            second = publish(published.kit)
    finally:
        metering.uninstall()
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["changes"] == []
    assert meter.writes == []


def _clone(published: Published, name: str, target: Path) -> Path:
    repo = published.org.gh.get_repo(f"{published.org.login}/{name}")
    askpass = target.parent / "pass.sh"
    askpass.write_text('#!/bin/sh\necho "$T"\n')
    askpass.chmod(0o700)
    env = {"PATH": "/usr/bin:/bin", "GIT_ASKPASS": str(askpass), "T": published.org.token, "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "clone", "-q", repo.clone_url, str(target)], check=True, env=env, timeout=60)
    return target


def test_base_infrastructure_carries_the_platform_package_and_the_orgs_config(
    published: Published, tmp_path: Path
) -> None:
    """Its deploy workflow builds the Lambda artifact from the package and reads platform.yaml."""
    clone = _clone(published, "base-infrastructure", tmp_path / "base")
    assert (clone / "main.tf").read_text() == "terraform {}\n"
    assert (clone / "pyproject.toml").is_file()
    assert (clone / "platform_cli" / "lambdas" / "build.py").read_text() == "# builds the Lambda\n"
    assert yaml.safe_load((clone / "platform.yaml").read_text())["github"]["org"] == published.org.login


def test_the_published_template_clones_with_git(published: Published, tmp_path: Path) -> None:
    repo = published.org.gh.get_repo(f"{published.org.login}/model-build")
    target = tmp_path / "clone"
    askpass = tmp_path / "pass.sh"
    askpass.write_text('#!/bin/sh\necho "$T"\n')
    askpass.chmod(0o700)
    env = {"PATH": "/usr/bin:/bin", "GIT_ASKPASS": str(askpass), "T": published.org.token, "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "clone", "-q", repo.clone_url, str(target)], check=True, env=env, timeout=60)
    assert (target / ".github" / "workflows" / "ci.yml").read_text() == "name: ci\n"


def test_a_bad_token_fails_with_one_line(published: Published, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLOPS_GITHUB_TOKEN", "ghp_bad0bad0bad0bad0bad0bad0bad0bad0")
    result = runner.invoke(app, ["org", "publish", "--kit", str(published.kit)])
    assert result.exit_code == 1
    assert "GitHub refused the token (401 bad credentials)" in result.output
    assert "ghp_bad0" not in result.output


def test_changed_content_is_pushed_on_top_of_the_history(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, forge_org, forge, tmp_path)
    kit = make_kit(tmp_path / "kit")
    assert publish(kit).exit_code == 0
    (kit / "template-repos" / "model-build" / "README.md").write_text("# changed\n")
    result = publish(kit)
    assert json.loads(result.stdout)["changes"] == [f"{forge_org.login}/model-build: content pushed"]
    repo = forge_org.gh.get_repo(f"{forge_org.login}/model-build")
    assert repo.get_contents("README.md").decoded_content.decode() == "# changed\n"
    assert repo.get_commits().totalCount >= 2


def test_in_a_git_checkout_only_tracked_files_are_published(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, forge_org, forge, tmp_path)
    kit = make_kit(tmp_path / "kit")
    subprocess.run(["git", "init", "-q", str(kit)], check=True)
    subprocess.run(["git", "-C", str(kit), "add", "-A"], check=True)
    (kit / "base-infrastructure" / "terraform.tfvars").write_text('github_token = "ghp_local_only"\n')
    assert publish(kit).exit_code == 0
    base = forge_org.gh.get_repo(f"{forge_org.login}/base-infrastructure")
    assert base.get_contents("main.tf").decoded_content.decode() == "terraform {}\n"
    with pytest.raises(UnknownObjectException):
        base.get_contents("terraform.tfvars")


def test_publish_gives_base_infrastructure_the_environments_and_variables_its_workflows_read(
    published: Published,
) -> None:
    """Each environment holds its account's apply role, state bucket and lock table; the plan jobs' per-account
    values are repository variables; preprod and prod need the reviewers team, and every environment deploys
    from main only."""
    org = published.org
    repo = org.gh.get_repo(f"{org.login}/base-infrastructure")
    team_id = org.gh.get_organization(org.login).get_team_by_slug(org.team).id
    environments = {env.name: env for env in repo.get_environments()}
    assert set(environments) == {"dev", "preprod", "prod", "plan"}
    environments.pop("plan")
    for name, env in environments.items():
        outputs = stack_outputs(name)
        assert {v.name: v.value for v in env.get_variables()} == {
            "TF_APPLY_ROLE_ARN": outputs["ApplyRoleArn"],
            "TF_STATE_BUCKET": outputs["StateBucketName"],
            "TF_LOCK_TABLE": outputs["LockTableName"],
        }
        rules = [rule for rule in env.raw_data["protection_rules"] if rule["type"] == "required_reviewers"]
        reviewers = [(r["type"], r["reviewer"]["id"]) for rule in rules for r in rule["reviewers"]]
        assert reviewers == ([] if name == "dev" else [("Team", team_id)])
        assert env.raw_data["deployment_branch_policy"]["custom_branch_policies"] is True
        policies = extra.list_deployment_branch_policies(repo, name)
        assert [(p["name"], p.get("type", "branch")) for p in policies] == [("main", "branch")]
    expected = {}
    for name in ("dev", "preprod", "prod"):
        outputs = stack_outputs(name)
        expected[f"TF_PLAN_ROLE_ARN_{name.upper()}"] = outputs["PlanRoleArn"]
        expected[f"TF_STATE_BUCKET_{name.upper()}"] = outputs["StateBucketName"]
        expected[f"TF_LOCK_TABLE_{name.upper()}"] = outputs["LockTableName"]
    assert {v.name: v.value for v in repo.get_variables()} == expected


def test_pull_request_plans_run_only_in_a_plan_environment_the_reviewers_team_must_approve(
    published: Published,
) -> None:
    """The plan roles trust only the ``plan`` environment's subject: a pull request gets AWS credentials only after
    the reviewers team approved its run (no branch filter: pull-request merge refs are not branches)."""
    org = published.org
    repo = org.gh.get_repo(f"{org.login}/base-infrastructure")
    team_id = org.gh.get_organization(org.login).get_team_by_slug(org.team).id
    (plan,) = [env for env in repo.get_environments() if env.name == PLAN_ENVIRONMENT]
    rules = [rule for rule in plan.raw_data["protection_rules"] if rule["type"] == "required_reviewers"]
    assert [(r["type"], r["reviewer"]["id"]) for rule in rules for r in rule["reviewers"]] == [("Team", team_id)]
    assert all(rule["prevent_self_review"] for rule in rules)
    assert not plan.raw_data.get("deployment_branch_policy")
    assert list(plan.get_variables()) == []


def test_an_account_not_bootstrapped_yet_is_reported_as_skipped(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, forge_org, forge, tmp_path, bootstrapped=("dev",))
    result = publish(make_kit(tmp_path / "kit"))
    assert result.exit_code == 0, result.output
    skipped = json.loads(result.stdout)["skipped"]
    assert [line.split(": ")[1].split()[0] for line in skipped] == ["preprod", "prod"]
    repo = forge_org.gh.get_repo(f"{forge_org.login}/base-infrastructure")
    assert sorted(env.name for env in repo.get_environments()) == ["dev", "plan"]
    assert sorted(v.name for v in repo.get_variables()) == [
        "TF_LOCK_TABLE_DEV",
        "TF_PLAN_ROLE_ARN_DEV",
        "TF_STATE_BUCKET_DEV",
    ]


def test_on_the_team_plan_publish_skips_reviewers_and_says_so(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, forge_org, forge, tmp_path)
    forge.admin.set_org_plan(forge_org.login, "team")
    result = publish(make_kit(tmp_path / "kit"))
    assert result.exit_code == 0, result.output
    skipped = json.loads(result.stdout)["skipped"]
    assert [line.split(" of ")[1].split()[0] for line in skipped] == ["preprod", "prod", "plan"]
    repo = forge_org.gh.get_repo(f"{forge_org.login}/base-infrastructure")
    assert sorted(env.name for env in repo.get_environments()) == ["dev", "plan", "preprod", "prod"]


def test_on_the_free_plan_publish_fails_with_one_line_naming_the_plan(
    forge: ForgeEnv, forge_org: ForgeOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, forge_org, forge, tmp_path)
    forge.admin.set_org_plan(forge_org.login, "free")
    result = runner.invoke(app, ["org", "publish", "--kit", str(make_kit(tmp_path / "kit"))])
    assert result.exit_code == 1
    assert "free plan" in result.output and "GitHub Team or Enterprise" in result.output
    assert len(result.output.strip().splitlines()) <= 2  # the progress line, then the one-line cause
