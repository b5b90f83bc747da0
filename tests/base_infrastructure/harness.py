"""Apply the real base-infrastructure Terraform to local AWS: bootstrap.sh, init (S3 backend + DynamoDB locks),
apply, plan, destroy — per environment, each in its own account.

Shared by the slow test (``test_local_apply.py``) and the bench (``python -m tests.base_infrastructure.bench``).
The Terraform side (working copies, provider override, backend file, init/apply/plan/destroy) is the one ``mlops
demo`` uses, :mod:`platform_cli.local.base_infra`; this module adds the real bootstrap.sh run and the orchestration
of three environments. Everything stays on 127.0.0.1 with fake credentials.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from platform_cli.local import base_infra
from platform_cli.local.aws import LocalAws
from platform_cli.local.base_infra import Environment
from tests.bootstrap.scripting import deploy_args, run_script, script_env

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_SRC = base_infra.TERRAFORM_SRC
TEMPLATES_DIR = base_infra.TEMPLATES_DIR
PROVIDER_MIRROR = Path("/opt/tf-plugins")
REGION = "eu-west-1"
PREFIX = "mlops"
ORG = "acme"
BUSINESS_UNIT = "retail"
ENVIRONMENTS = ("dev", "preprod", "prod")
ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
STUDIO_USERS = {"lead_data_scientists": ["lena-lead"], "data_scientists": ["dan-ds", "dora-ds"]}


@dataclass(frozen=True)
class BootstrapOutputs:
    """What the account bootstrap (bootstrap.sh deploying bootstrap.yaml) hands to Terraform."""

    state_bucket: str
    lock_table: str
    permissions_boundary_arn: str
    seconds: float


def bootstrap_account(local: LocalAws, environment: str) -> BootstrapOutputs:
    """Run the real bootstrap.sh in the account of ``environment`` and read its stack's outputs."""
    account = ACCOUNTS[environment]
    started = time.monotonic()
    args = deploy_args(environment, account, "--prefix", PREFIX)
    result = run_script(script_env(local, environment), *args, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"bootstrap.sh ({environment}) failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    seconds = time.monotonic() - started
    cloudformation = local.session_for(environment).client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=f"{PREFIX}-{environment}-bootstrap")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    return BootstrapOutputs(
        state_bucket=outputs["StateBucketName"],
        lock_table=outputs["LockTableName"],
        permissions_boundary_arn=outputs["PermissionsBoundaryArn"],
        seconds=seconds,
    )


def write_platform_yaml(path: Path) -> Path:
    """A platform.yaml as `mlops config init` writes it (PAT auth, one business unit, every template)."""
    kinds = ", ".join(p.stem for p in sorted(TEMPLATES_DIR.glob("*.yaml")))
    path.write_text(
        f"naming_prefix: {PREFIX}\n"
        "github:\n"
        f"  org: {ORG}\n"
        "  api_url: https://api.github.com\n"
        "  auth: pat\n"
        "aws:\n"
        f"  region: {REGION}\n"
        "business_units:\n"
        f"  {BUSINESS_UNIT}:\n" + "".join(f'    {env}: "{ACCOUNTS[env]}"\n' for env in ENVIRONMENTS) + "teams:\n"
        "  reviewers: ml-reviewers\n"
        "  maintainers: ml-platform\n"
        "templates:\n"
        f"  enabled: [{kinds}]\n",
        encoding="utf-8",
    )
    return path


def build_lambda(path: Path) -> Path:
    """The real artifact, built exactly as `make lambda` builds it."""
    subprocess.run(
        [sys.executable, "-m", "platform_cli.lambdas.build", "--out", str(path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


def tf_cli_config(directory: Path) -> Path:
    """Terraform CLI config: the provider from the local mirror, one plugin cache shared by every environment."""
    return base_infra.cli_config(directory, PROVIDER_MIRROR)


def prepare_environment(
    name: str,
    base: Path,
    local: LocalAws,
    bootstrap: BootstrapOutputs,
    platform_yaml: Path,
    zip_path: Path,
    cli_config: Path,
) -> Environment:
    """Copy the root, add the local-AWS provider override and backend file, and `terraform init`."""
    inputs = base_infra.Inputs(
        platform_yaml=platform_yaml,
        lambda_zip=zip_path,
        cli_config=cli_config,
        business_unit=BUSINESS_UNIT,
        region=REGION,
        studio_user_profiles=STUDIO_USERS,
    )
    outputs = base_infra.BootstrapOutputs(
        state_bucket=bootstrap.state_bucket,
        lock_table=bootstrap.lock_table,
        permissions_boundary_arn=bootstrap.permissions_boundary_arn,
    )
    return base_infra.prepare_environment(name, ACCOUNTS[name], base, local.info(), outputs, inputs)


@dataclass
class Deployment:
    """The three environments of one business unit applied to local AWS."""

    local: LocalAws
    environments: dict[str, Environment]
    bootstraps: dict[str, BootstrapOutputs]
    zip_path: Path
    lambda_build_seconds: float
    apply_seconds: dict[str, float] = field(default_factory=dict)


def _each(names: tuple[str, ...], work: Callable[[str], T], parallel: bool) -> dict[str, T]:
    if not parallel:
        return {name: work(name) for name in names}
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return dict(zip(names, pool.map(work, names), strict=True))


def deploy_all(base: Path, local: LocalAws, parallelism: int = 10, parallel: bool = True) -> Deployment:
    """bootstrap.sh → terraform init (S3 backend + lock table) → apply, for dev, preprod and prod.

    The environments are independent (cross-account references are by name and account), so they run side by
    side locally; in CI deploy.yml applies them in order behind approvals.
    """
    cli_config = tf_cli_config(base)
    platform_yaml = write_platform_yaml(base / "platform.yaml")
    started = time.monotonic()
    zip_path = build_lambda(base / "build" / "lambda.zip")
    build_seconds = time.monotonic() - started
    bootstraps = _each(ENVIRONMENTS, lambda name: bootstrap_account(local, name), parallel)
    # Inits one at a time: concurrent inits race to fill the shared plugin cache.
    environments = {
        name: prepare_environment(name, base, local, bootstraps[name], platform_yaml, zip_path, cli_config)
        for name in ENVIRONMENTS
    }
    deployment = Deployment(local, environments, bootstraps, zip_path, round(build_seconds, 2))

    def apply(name: str) -> float:
        began = time.monotonic()
        environments[name].apply(parallelism)
        return round(time.monotonic() - began, 2)

    deployment.apply_seconds = _each(ENVIRONMENTS, apply, parallel)
    return deployment


def plan_all(deployment: Deployment, parallelism: int = 10) -> dict[str, tuple[int, str]]:
    return _each(ENVIRONMENTS, lambda name: deployment.environments[name].plan(parallelism), True)


def destroy_all(deployment: Deployment, parallelism: int = 10) -> dict[str, float]:
    def destroy(name: str) -> float:
        # No retry: the HTTP 500 once seen here (concurrent DeleteObjects on a versioned bucket) was a moto bug,
        # now filled by moto_ext/s3_delete_marker_dispose; a failure must show.
        began = time.monotonic()
        deployment.environments[name].destroy(parallelism)
        return round(time.monotonic() - began, 2)

    return _each(ENVIRONMENTS, destroy, True)
