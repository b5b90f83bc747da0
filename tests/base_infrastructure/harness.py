"""Apply the real base-infrastructure Terraform to local AWS: bootstrap.sh, init (S3 backend + DynamoDB locks),
apply, plan, destroy — per environment, each in its own account.

Shared by the slow test (``test_local_apply.py``) and the bench (``python -m tests.base_infrastructure.bench``).
Everything stays on 127.0.0.1 with fake credentials. The only test-specific Terraform is an ``*_override.tf`` that
points the provider at local AWS; the root, modules, tfvars, platform.yaml shape and Lambda artifact are the real ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from platform_cli.local.aws import LocalAws, subprocess_env
from tests.bootstrap.scripting import deploy_args, run_script, script_env

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_SRC = REPO / "base-infrastructure" / "terraform"
TEMPLATES_DIR = REPO / "base-infrastructure" / "project-templates" / "rendered"
REGION = "eu-west-1"
PREFIX = "mlops"
ORG = "acme"
BUSINESS_UNIT = "retail"
ENVIRONMENTS = ("dev", "preprod", "prod")
ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
MEMBER_ROLE = "OrganizationAccountAccessRole"
STUDIO_USERS = {"lead_data_scientists": ["lena-lead"], "data_scientists": ["dan-ds", "dora-ds"]}
# Every service the configuration calls; the provider gets each endpoint explicitly.
PROVIDER_ENDPOINTS = (
    "cloudwatch",
    "cloudwatchlogs",
    "ec2",
    "events",
    "iam",
    "kms",
    "lambda",
    "s3",
    "sagemaker",
    "secretsmanager",
    "servicecatalog",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


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
    cache = directory / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = directory / "terraformrc"
    path.write_text(
        'provider_installation {\n  filesystem_mirror {\n    path    = "/opt/tf-plugins"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
        f'plugin_cache_dir = "{cache}"\n',
        encoding="utf-8",
    )
    return path


def _member_role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{MEMBER_ROLE}"


def provider_override(endpoint: str, account: str) -> str:
    endpoints = "\n".join(f'    {name} = "{endpoint}"' for name in PROVIDER_ENDPOINTS)
    return f"""# Written by the base-infrastructure test harness: the provider talks to local AWS.
provider "aws" {{
  s3_use_path_style       = true
  skip_metadata_api_check = true
  max_retries             = 2
  endpoints {{
{endpoints}
  }}
  assume_role {{
    role_arn = "{_member_role(account)}"
  }}
}}
"""


def backend_config(endpoint: str, account: str, environment: str, outputs: BootstrapOutputs) -> str:
    """The partial backend configuration built from the bootstrap outputs (plus local endpoints)."""
    return (
        f'bucket         = "{outputs.state_bucket}"\n'
        f'key            = "base-infrastructure/{BUSINESS_UNIT}/{environment}.tfstate"\n'
        f'region         = "{REGION}"\n'
        f'dynamodb_table = "{outputs.lock_table}"\n'
        "encrypt        = true\n"
        "use_path_style = true\n"
        f'endpoints      = {{ s3 = "{endpoint}", dynamodb = "{endpoint}", sts = "{endpoint}", iam = "{endpoint}" }}\n'
        f'assume_role    = {{ role_arn = "{_member_role(account)}" }}\n'
    )


@dataclass
class Environment:
    """One environment's working copy of the Terraform root, initialised against its account's backend."""

    name: str
    account: str
    workdir: Path
    env: dict[str, str]
    var_args: list[str]
    timings: dict[str, float] = field(default_factory=dict)

    def terraform(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            ["terraform", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        self.timings[args[0]] = round(self.timings.get(args[0], 0.0) + time.monotonic() - started, 2)
        if result.returncode not in ok_codes:
            raise RuntimeError(
                f"terraform {args[0]} ({self.name}) exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
            )
        return result

    def apply(self, parallelism: int) -> None:
        self.terraform(
            "apply", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args
        )

    def plan(self, parallelism: int) -> tuple[int, str]:
        """``terraform plan -detailed-exitcode``: 0 no changes, 2 changes."""
        result = self.terraform(
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            f"-parallelism={parallelism}",
            *self.var_args,
            ok_codes=(0, 2),
        )
        return result.returncode, result.stdout

    def outputs(self) -> dict[str, object]:
        raw = json.loads(self.terraform("output", "-json", "-no-color").stdout)
        return {name: value["value"] for name, value in raw.items()}

    def destroy(self, parallelism: int) -> None:
        self.terraform(
            "destroy", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args
        )


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
    account = ACCOUNTS[name]
    endpoint = local.info().endpoint_url
    workdir = base / name / "terraform"
    shutil.copytree(TERRAFORM_SRC, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "tests"))
    (workdir / "zz_local_aws_override.tf").write_text(provider_override(endpoint, account), encoding="utf-8")
    (workdir / "backend.hcl").write_text(backend_config(endpoint, account, name, bootstrap), encoding="utf-8")
    env = subprocess_env(local.info(), "dev", base={"PATH": os.environ["PATH"], "HOME": str(base)})
    # The override assumes the member role itself: start from the base credentials, not a member profile.
    env.pop("AWS_PROFILE", None)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "",
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
    )
    var_args = [
        f"-var-file=envs/{name}.tfvars",
        f"-var=platform_config_path={platform_yaml}",
        f"-var=lambda_zip_path={zip_path}",
        f"-var=project_templates_dir={TEMPLATES_DIR}",
        f"-var=permissions_boundary_arn={bootstrap.permissions_boundary_arn}",
        "-var=rehearsal=true",
        f"-var=studio_user_profiles={json.dumps(STUDIO_USERS)}",
    ]
    environment = Environment(name=name, account=account, workdir=workdir, env=env, var_args=var_args)
    environment.terraform("init", "-input=false", "-no-color", "-backend-config=backend.hcl")
    return environment


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
        began = time.monotonic()
        deployment.environments[name].destroy(parallelism)
        return round(time.monotonic() - began, 2)

    return _each(ENVIRONMENTS, destroy, True)
