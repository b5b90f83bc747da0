"""Apply base-infrastructure into local AWS the way its deploy workflow applies it on GitHub: each environment's
Terraform runs as the bootstrap's apply role, assumed with an OIDC token the local forge mints for a job of
``<org>/base-infrastructure`` in that environment, with its state in the bootstrap's bucket and lock table.

The one implementation behind ``mlops local apply``, the demo's Terraform step and the first-hour guide's test.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from platform_cli.config import PlatformConfig
from platform_cli.errors import PlatformError
from platform_cli.local import base_infra
from platform_cli.local.aws import LocalAwsInfo, UnknownAccountError, session_for


class ApplyError(PlatformError):
    """Local AWS is not ready for base-infrastructure, or an apply failed; the message says which and the fix."""


class TokenIssuer(Protocol):
    """What mints a GitHub Actions OIDC token (the local forge's admin API)."""

    def id_token(self, repository: str, *, environment: str | None = None) -> str: ...


@dataclass(frozen=True)
class LocalApply:
    """Everything the applies share. ``studio_user_profiles`` go to dev only (Studio lives there)."""

    config: PlatformConfig
    config_path: Path
    aws: LocalAwsInfo
    issuer: TokenIssuer
    work_dir: Path
    lambda_zip: Path
    plugin_mirror: Path | None = None
    studio_user_profiles: Mapping[str, list[str]] | None = None
    log_path: Path | None = None

    @property
    def business_unit(self) -> str:
        return next(iter(self.config.business_units))

    def account(self, environment: str) -> str:
        return self.config.business_unit(self.business_unit).account(environment)


def studio_people(data_scientist: str, lead: str) -> dict[str, list[str]]:
    """The Studio user profiles of the local org's people (``studio_user_profiles`` of base-infrastructure)."""
    return {"lead_data_scientists": [lead], "data_scientists": [data_scientist]}


def platform_yaml_for_forge(config_path: Path, api_url: str, directory: Path) -> Path:
    """platform.yaml as Terraform reads it for local AWS: ``github.api_url`` is the local forge (the Lambdas call
    GitHub there), everything else as written — what ``MLOPS_GITHUB_API_URL`` from ``mlops local env`` does for the
    CLI, so one platform.yaml serves github.com and the rehearsal. The file itself when it already names the forge.
    """
    import yaml

    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    github = data.setdefault("github", {})
    if str(github.get("api_url", "")).rstrip("/") == api_url.rstrip("/"):
        return config_path
    github["api_url"] = api_url
    directory.mkdir(parents=True, exist_ok=True)
    written = directory / "platform.yaml"
    written.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return written


def bootstrap_outputs(setup: LocalApply, environment: str) -> dict[str, str]:
    """The outputs of the account's bootstrap stack, read from local AWS; one line naming the fix without it."""
    account = setup.account(environment)
    stack = f"{setup.config.naming_prefix}-{environment}-bootstrap"
    try:
        cloudformation = session_for(setup.aws, account).client("cloudformation")
    except UnknownAccountError:
        known = ", ".join(f"{name} {number}" for name, number in setup.aws.accounts.items())
        raise ApplyError(
            f"platform.yaml's {environment} account {account} is not an account of local AWS ({known}); "
            "set those ids in platform.yaml (`mlops local up` seeds them)"
        ) from None
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if "does not exist" not in str(error):
            raise
        stacks = []
    if not stacks or not stacks[0]["StackStatus"].endswith("_COMPLETE") or "ROLLBACK" in stacks[0]["StackStatus"]:
        raise ApplyError(
            f"the {environment} account ({account}) is not bootstrapped (no stack {stack} in local AWS): run "
            f"`mlops bootstrap --env {environment} --profile-pattern 'mlops-local-{{environment}}'` first"
        )
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def apply_role_credentials(setup: LocalApply, environment: str, apply_role_arn: str) -> dict[str, str]:
    """What the deploy workflow's job gets: the OIDC token of a base-infrastructure job bound to ``environment``,
    exchanged by STS for the apply role (bootstrap output ``ApplyRoleArn``)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    github = setup.config.github
    token = setup.issuer.id_token(f"{github.org}/{github.base_infrastructure_repo}", environment=environment)
    sts = boto3.client(
        "sts",
        endpoint_url=setup.aws.endpoint_url,
        region_name=setup.config.aws.region,
        config=Config(signature_version=UNSIGNED),  # AssumeRoleWithWebIdentity is not signed
    )
    answer = sts.assume_role_with_web_identity(
        RoleArn=apply_role_arn, RoleSessionName=f"github-actions-apply-{environment}", WebIdentityToken=token
    )["Credentials"]
    return {key: str(answer[key]) for key in ("AccessKeyId", "SecretAccessKey", "SessionToken")}


def prepare(setup: LocalApply, environment: str, outputs: Mapping[str, str]) -> base_infra.Environment:
    """The environment's working copy, initialised against its account's state bucket and lock table, running
    Terraform as the apply role."""
    inputs = base_infra.Inputs(
        platform_yaml=setup.config_path,
        lambda_zip=setup.lambda_zip,
        cli_config=base_infra.cli_config(setup.work_dir, setup.plugin_mirror),
        business_unit=setup.business_unit,
        region=setup.config.aws.region,
        studio_user_profiles=setup.studio_user_profiles if environment == "dev" else None,
    )
    return base_infra.prepare_environment(
        environment,
        setup.account(environment),
        setup.work_dir,
        setup.aws,
        base_infra.BootstrapOutputs.from_stack_outputs(outputs),
        inputs,
        log_path=setup.log_path,
        credentials=apply_role_credentials(setup, environment, outputs["ApplyRoleArn"]),
    )


def bootstrapped(setup: LocalApply, environments: Sequence[str]) -> dict[str, dict[str, str]]:
    """Each environment's bootstrap outputs, all checked before any Terraform runs (one line naming the fix for
    the first account that is not ready)."""
    return {environment: bootstrap_outputs(setup, environment) for environment in environments}


def apply(setup: LocalApply, outputs: Mapping[str, Mapping[str, str]]) -> dict[str, float]:
    """Apply each environment of ``outputs`` (its bootstrap outputs, from :func:`bootstrapped`); the seconds each
    apply took.

    Each account has its own state and lock, so the applies run side by side, as separate workflow jobs could.
    `terraform init` runs one at a time first: Terraform's plugin cache is not safe for concurrent installs. The
    first failure is reported; the other applies still finish, so no lock is left held."""
    if not setup.lambda_zip.is_file():
        raise ApplyError(f"no Lambda artifact at {setup.lambda_zip}; build it first (`make lambda`)")
    prepared = [prepare(setup, env, found) for env, found in outputs.items()]

    def run(tf: base_infra.Environment) -> float:
        started = time.monotonic()
        tf.apply()
        return round(time.monotonic() - started, 1)

    with ThreadPoolExecutor(max_workers=max(len(prepared), 1)) as pool:
        futures = [pool.submit(run, tf) for tf in prepared]
    for tf, future in zip(prepared, futures, strict=True):
        error = future.exception()
        if error is not None:
            raise ApplyError(f"{tf.name}: {error}")
    return {tf.name: future.result() for tf, future in zip(prepared, futures, strict=True)}


def applied_templates(session: Any, naming_prefix: str, kinds: Sequence[str]) -> list[str]:
    """The project templates ``kinds`` that local AWS's dev account offers as Service Catalog products now."""
    catalog = session.client("servicecatalog")
    found = []
    for kind in kinds:
        try:
            catalog.describe_product_as_admin(Name=f"{naming_prefix}-{kind}")
        except catalog.exceptions.ResourceNotFoundException:
            continue
        found.append(kind)
    return found
