"""Apply the real base-infrastructure Terraform to local AWS: one working copy per environment, its state in the
bucket the account bootstrap created, locked by the bootstrap's DynamoDB table.

The only rehearsal-specific Terraform is a ``zz_local_aws_override.tf`` that points the AWS provider at local AWS
and assumes the account's member role; the root, modules, tfvars, platform.yaml and Lambda artifact are the real
ones. Used by ``mlops demo`` and by the base-infrastructure tests and benchmark.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from platform_cli.errors import PlatformError
from platform_cli.local.aws import MEMBER_ROLE_NAME, LocalAwsInfo, subprocess_env

KIT_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_SRC = KIT_ROOT / "base-infrastructure" / "terraform"
TEMPLATES_DIR = KIT_ROOT / "base-infrastructure" / "project-templates" / "rendered"
# Every service the configuration calls; the provider gets each endpoint explicitly.
PROVIDER_ENDPOINTS = (
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
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


class TerraformError(PlatformError):
    """A terraform command failed; the details are in the log."""


@dataclass(frozen=True)
class BootstrapOutputs:
    """What the account bootstrap (bootstrap.sh deploying bootstrap.yaml) hands to Terraform."""

    state_bucket: str
    lock_table: str
    permissions_boundary_arn: str

    @classmethod
    def from_stack_outputs(cls, outputs: Mapping[str, str]) -> BootstrapOutputs:
        return cls(
            state_bucket=outputs["StateBucketName"],
            lock_table=outputs["LockTableName"],
            permissions_boundary_arn=outputs["PermissionsBoundaryArn"],
        )


def member_role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{MEMBER_ROLE_NAME}"


def provider_override(endpoint: str, account: str, *, assume_member_role: bool = True) -> str:
    endpoints = "\n".join(f'    {name} = "{endpoint}"' for name in PROVIDER_ENDPOINTS)
    return (
        "# Written by platform_cli/local/base_infra.py for a local rehearsal: the provider talks to local AWS.\n"
        'provider "aws" {\n'
        "  s3_use_path_style       = true\n"
        "  skip_metadata_api_check = true\n"
        "  max_retries             = 2\n"
        f"  endpoints {{\n{endpoints}\n  }}\n"
        + (f'  assume_role {{\n    role_arn = "{member_role(account)}"\n  }}\n' if assume_member_role else "")
        + "}\n"
    )


def backend_config(
    endpoint: str,
    account: str,
    region: str,
    business_unit: str,
    environment: str,
    outputs: BootstrapOutputs,
    *,
    assume_member_role: bool = True,
) -> str:
    """The partial backend configuration built from the bootstrap outputs (plus the local endpoints)."""
    return (
        f'bucket         = "{outputs.state_bucket}"\n'
        f'key            = "base-infrastructure/{business_unit}/{environment}.tfstate"\n'
        f'region         = "{region}"\n'
        f'dynamodb_table = "{outputs.lock_table}"\n'
        "encrypt        = true\n"
        "use_path_style = true\n"
        f'endpoints      = {{ s3 = "{endpoint}", dynamodb = "{endpoint}", sts = "{endpoint}", iam = "{endpoint}" }}\n'
        + (f'assume_role    = {{ role_arn = "{member_role(account)}" }}\n' if assume_member_role else "")
    )


def cli_config(directory: Path, mirror: Path | None) -> Path:
    """A Terraform CLI config with one plugin cache for every environment (and the provider mirror, if any)."""
    cache = directory / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    text = f'plugin_cache_dir = "{cache}"\n'
    if mirror is not None and (mirror / "registry.terraform.io").is_dir():
        providers = sorted(
            f"registry.terraform.io/{path.parent.name}/{path.name}"
            for path in (mirror / "registry.terraform.io").glob("*/*")
        )
        listed = ", ".join(f'"{name}"' for name in providers)
        text += (
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = [{listed}]\n  }}\n'
            f"  direct {{\n    exclude = [{listed}]\n  }}\n"
            "}\n"
        )
    path = directory / "terraformrc"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Environment:
    """One environment's working copy of the Terraform root, initialised against its account's backend."""

    name: str
    account: str
    workdir: Path
    env: dict[str, str]
    var_args: list[str]
    log_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def terraform(
        self, *args: str, ok_codes: Sequence[int] = (0,), timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            ["terraform", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        self.timings[args[0]] = round(self.timings.get(args[0], 0.0) + time.monotonic() - started, 2)
        if self.log_path is not None:
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(f"$ terraform {' '.join(args)}  ({self.name})\n{result.stdout}\n{result.stderr}\n")
        if result.returncode not in ok_codes:
            where = f"; see {self.log_path}" if self.log_path else f":\n{result.stderr[-6000:]}"
            raise TerraformError(f"terraform {args[0]} in {self.name} exited {result.returncode}{where}")
        return result

    def apply(self, parallelism: int = 10) -> None:
        self.terraform(
            "apply", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args
        )

    def plan(self, parallelism: int = 10) -> tuple[int, str]:
        """``terraform plan -detailed-exitcode``: 0 no changes, 2 changes."""
        result = self.terraform(
            "plan", "-detailed-exitcode", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args,
            ok_codes=(0, 2),
        )  # fmt: skip
        return result.returncode, result.stdout

    def outputs(self) -> dict[str, object]:
        raw = json.loads(self.terraform("output", "-json", "-no-color").stdout)
        return {name: value["value"] for name, value in raw.items()}

    def destroy(self, parallelism: int = 10) -> None:
        self.terraform(
            "destroy", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args
        )


@dataclass(frozen=True)
class Inputs:
    """What every environment's apply shares."""

    platform_yaml: Path
    lambda_zip: Path
    cli_config: Path
    business_unit: str
    region: str
    studio_user_profiles: Mapping[str, list[str]] | None = None  # {lead_data_scientists: [...], data_scientists: [...]}


def prepare_environment(
    name: str,
    account: str,
    base: Path,
    local: LocalAwsInfo,
    bootstrap: BootstrapOutputs,
    inputs: Inputs,
    log_path: Path | None = None,
    credentials: Mapping[str, str] | None = None,
) -> Environment:
    """Copy the root, add the local-AWS provider override and backend file, and ``terraform init``.

    ``credentials`` (``AccessKeyId``/``SecretAccessKey``/``SessionToken`` of an STS answer): Terraform runs as that
    principal — the apply role assumed with the forge's OIDC token, as the workflow does; without them it assumes
    the account's member role (an administrator) from the base credentials."""
    endpoint = local.endpoint_url
    workdir = base / name / "terraform"
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(TERRAFORM_SRC, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "tests"))
    as_member = credentials is None
    override = provider_override(endpoint, account, assume_member_role=as_member)
    (workdir / "zz_local_aws_override.tf").write_text(override, encoding="utf-8")
    backend = backend_config(
        endpoint, account, inputs.region, inputs.business_unit, name, bootstrap, assume_member_role=as_member
    )
    (workdir / "backend.hcl").write_text(backend, encoding="utf-8")
    env = subprocess_env(local, "dev", base={"PATH": os.environ["PATH"], "HOME": str(base)})
    # The override assumes the member role itself: start from the base credentials, not a member profile.
    env.pop("AWS_PROFILE", None)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "",
            "TF_CLI_CONFIG_FILE": str(inputs.cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
    )
    if credentials is not None:
        env.update(
            {
                "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
                "AWS_SESSION_TOKEN": credentials["SessionToken"],
            }
        )
    var_args = [
        f"-var-file=envs/{name}.tfvars",
        f"-var=platform_config_path={inputs.platform_yaml}",
        f"-var=lambda_zip_path={inputs.lambda_zip}",
        f"-var=project_templates_dir={TEMPLATES_DIR}",
        f"-var=permissions_boundary_arn={bootstrap.permissions_boundary_arn}",
        f"-var=business_unit={inputs.business_unit}",
        "-var=rehearsal=true",
    ]
    if inputs.studio_user_profiles is not None:
        var_args.append(f"-var=studio_user_profiles={json.dumps(dict(inputs.studio_user_profiles))}")
    environment = Environment(
        name=name, account=account, workdir=workdir, env=env, var_args=var_args, log_path=log_path
    )
    environment.terraform("init", "-input=false", "-no-color", "-backend-config=backend.hcl")
    return environment
