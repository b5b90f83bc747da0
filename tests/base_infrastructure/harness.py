"""Run the real base-infrastructure Terraform against local AWS (a moto server): bootstrap, init, apply, destroy.

Shared by the slow test (``test_local_apply.py``) and the bench (``python -m tests.base_infrastructure.bench``).
Everything stays on 127.0.0.1 with fake credentials; nothing here is a stub of Terraform or of the platform's code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_SRC = REPO / "base-infrastructure" / "terraform"
REGION = "eu-west-1"
PREFIX = "mlops"
ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
TEMPLATE_KINDS = (
    "build-deploy-realtime",
    "build-deploy-batch",
    "pipeline-promotion",
    "single-account-training",
    "llm-fine-tuning",
)
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
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


# The local server's certificate is self-signed and ephemeral; it only ever listens on 127.0.0.1.
_LOOPBACK_TLS = ssl._create_unverified_context()  # noqa: S323


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    """A moto server with the platform's extensions, started by us and stopped by its PID."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def moto_server(log_path: Path) -> Iterator[MotoServer]:
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        # TLS on: the buckets' policies deny every request without TLS (aws:SecureTransport), and moto enforces it.
        [sys.executable, "-m", "platform_cli.local.moto_main", "-H", "127.0.0.1", "-p", str(port), "--ssl"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
        env={**os.environ, **FAKE_CREDENTIALS},
    )
    server = MotoServer(port=port, process=process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{server.url}/moto-api/", timeout=2, context=_LOOPBACK_TLS):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start; see {log_path}") from None
                time.sleep(0.3)
        yield server
    finally:
        server.stop()
        log.close()


def account_session(endpoint: str, account: str) -> boto3.Session:
    """A boto3 session in ``account``, reached like the platform does: AssumeRole into OrganizationAccountAccessRole."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, verify=False, **_keys())
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="base-infra-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def client(session: boto3.Session, service: str, endpoint: str) -> Any:
    return session.client(service, endpoint_url=endpoint, verify=False)


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


@dataclass(frozen=True)
class BootstrapOutputs:
    """What the account bootstrap (bootstrap.yaml) hands to Terraform: state bucket and lock table."""

    state_bucket: str
    lock_table: str


def bootstrap_account(endpoint: str, account: str) -> BootstrapOutputs:
    """Create what bootstrap.yaml creates for Terraform in one account: state bucket, lock table, GitHub OIDC provider."""
    session = account_session(endpoint, account)
    bucket = f"{PREFIX}-tfstate-{account}-{REGION}"
    table = f"{PREFIX}-tflock"
    s3 = client(session, "s3", endpoint)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    dynamodb = client(session, "dynamodb", endpoint)
    dynamodb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    iam = client(session, "iam", endpoint)
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )
    return BootstrapOutputs(state_bucket=bucket, lock_table=table)


def write_platform_yaml(path: Path, org: str = "acme-ml") -> Path:
    path.write_text(
        "naming_prefix: mlops\n"
        "github:\n"
        f"  org: {org}\n"
        "  api_url: https://api.github.com\n"
        "  auth: pat\n"
        "aws:\n"
        f"  region: {REGION}\n"
        "business_units:\n"
        "  retail:\n"
        f'    dev: "{ACCOUNTS["dev"]}"\n'
        f'    preprod: "{ACCOUNTS["preprod"]}"\n'
        f'    prod: "{ACCOUNTS["prod"]}"\n'
        "teams:\n"
        "  reviewers: ml-reviewers\n"
        "  maintainers: ml-platform\n"
        "templates:\n"
        "  enabled: [" + ", ".join(TEMPLATE_KINDS) + "]\n",
        encoding="utf-8",
    )
    return path


def write_lambda_zip(path: Path) -> Path:
    """A tiny deterministic artifact (fixed timestamps and order) standing in until `make lambda` exists."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in (
            ("platform_cli/__init__.py", ""),
            ("platform_cli/lambdas/__init__.py", ""),
            ("platform_cli/lambdas/project_repos.py", "def handler(event, context):\n    return None\n"),
            ("platform_cli/lambdas/trigger_workflow.py", "def handler(event, context):\n    return None\n"),
        ):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    return path


def write_templates(directory: Path) -> Path:
    """Minimal rendered CloudFormation project templates, one per kind, until the provisioning engineer's land."""
    directory.mkdir(parents=True, exist_ok=True)
    for kind in TEMPLATE_KINDS:
        (directory / f"{kind}.yaml").write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
            f"Description: {kind} (test stand-in)\n"
            "Parameters:\n"
            "  SageMakerProjectName: {Type: String}\n"
            "  SageMakerProjectId: {Type: String}\n"
            "Resources:\n"
            "  Repos:\n"
            "    Type: Custom::ProjectRepos\n"
            "    Properties:\n"
            "      ServiceToken: '{{resolve:ssm:/mlops/lambda/project_repos_arn}}'\n"
            "      ProjectName: !Ref SageMakerProjectName\n"
            "      ProjectId: !Ref SageMakerProjectId\n",
            encoding="utf-8",
        )
    return directory


def _override(endpoint: str, account: str) -> str:
    endpoints = "\n".join(f'    {name} = "{endpoint}"' for name in PROVIDER_ENDPOINTS)
    return f"""# Written by tests/base_infrastructure/harness.py: point the provider at local AWS. Not part of the product.
provider "aws" {{
  s3_use_path_style           = true
  insecure                    = true
  max_retries                 = 2
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {{
{endpoints}
  }}
  assume_role {{
    role_arn = "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
  }}
}}
"""


def tf_cli_config(directory: Path) -> Path:
    path = directory / "terraformrc"
    path.write_text(
        'provider_installation {\n  filesystem_mirror {\n    path    = "/opt/tf-plugins"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
        f'plugin_cache_dir = "{directory / "plugin-cache"}"\n',
        encoding="utf-8",
    )
    (directory / "plugin-cache").mkdir(exist_ok=True)
    return path


@dataclass
class Environment:
    """One environment's working copy of the Terraform root, initialised against its account's backend."""

    name: str
    account: str
    workdir: Path
    env: dict[str, str]
    var_args: list[str]
    timings: dict[str, float] = field(default_factory=dict)

    def terraform(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
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
        self.timings[args[0]] = self.timings.get(args[0], 0.0) + time.monotonic() - started
        if check and result.returncode not in (0, 2):
            raise RuntimeError(
                f"terraform {' '.join(args[:1])} ({self.name}) failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
            )
        return result

    def apply(self, parallelism: int = 10) -> float:
        started = time.monotonic()
        self.terraform("apply", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args)
        return time.monotonic() - started

    def plan_exit_code(self) -> tuple[int, str]:
        result = self.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=true", *self.var_args)
        return result.returncode, result.stdout

    def outputs(self) -> dict[str, object]:
        raw = json.loads(self.terraform("output", "-json", "-no-color").stdout)
        return {name: value["value"] for name, value in raw.items()}

    def destroy(self, parallelism: int = 10) -> float:
        started = time.monotonic()
        self.terraform("destroy", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}", *self.var_args)
        return time.monotonic() - started


def prepare_environment(
    name: str, base: Path, server: MotoServer, backend: BootstrapOutputs, platform_yaml: Path, zip_path: Path,
    templates: Path, cli_config: Path,
) -> Environment:
    account = ACCOUNTS[name]
    workdir = base / name / "terraform"
    shutil.copytree(TERRAFORM_SRC, workdir, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "tests"))
    (workdir / "zz_local_aws_override.tf").write_text(_override(server.url, account), encoding="utf-8")
    (workdir / "backend.hcl").write_text(
        f'bucket         = "{backend.state_bucket}"\n'
        f'key            = "base-infrastructure/retail/{name}.tfstate"\n'
        f'region         = "{REGION}"\n'
        f'dynamodb_table = "{backend.lock_table}"\n'
        "encrypt        = true\n"
        "use_path_style = true\n"
        "insecure       = true\n"
        f'endpoints      = {{ s3 = "{server.url}", dynamodb = "{server.url}", sts = "{server.url}", iam = "{server.url}" }}\n'
        f'assume_role    = {{ role_arn = "arn:aws:iam::{account}:role/OrganizationAccountAccessRole" }}\n',
        encoding="utf-8",
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(base)),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        **FAKE_CREDENTIALS,
    }
    var_args = [
        f"-var-file=envs/{name}.tfvars",
        f"-var=platform_config_path={platform_yaml}",
        f"-var=lambda_zip_path={zip_path}",
        f"-var=project_templates_dir={templates}",
        "-var=rehearsal=true",
        '-var=studio_user_profiles={"lead_data_scientists":["lena-lead"],"data_scientists":["dan-ds","dora-ds"]}',
    ]
    environment = Environment(name=name, account=account, workdir=workdir, env=env, var_args=var_args)
    environment.terraform("init", "-input=false", "-no-color", "-backend-config=backend.hcl")
    return environment


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
