"""How tools reach local AWS: a generated AWS config + credentials file, environment variables, boto3 sessions.

The config holds one profile per account: ``mlops-local`` (the fake base credentials, moto's default account,
playing the management account) and ``mlops-local-<env>`` for each member account, which assumes
``OrganizationAccountAccessRole`` there with ``source_profile = mlops-local``, as with real AWS Organizations.
Every profile sets ``endpoint_url``, which the AWS CLI, boto3 (botocore >= 1.31) and Terraform's AWS provider and
S3 backend all follow.
"""

from __future__ import annotations

from collections.abc import Mapping

import boto3
import botocore.session

from platform_cli.local.aws import accounts as acc
from platform_cli.local.aws.state import LocalAwsInfo

_SERVICES = "mlops-local-endpoints"
# Credential sources that would otherwise win over AWS_PROFILE; blanking them keeps real credentials out.
BLANKED = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
)


def render_config(info: LocalAwsInfo) -> str:
    """The AWS config file: base profile plus one AssumeRole profile per member account."""
    common = f"region = {info.region}\noutput = json\nendpoint_url = {info.endpoint_url}\nservices = {_SERVICES}\n"
    parts = [f"[profile {acc.BASE_PROFILE}]\n{common}"]
    for environment, account_id in info.accounts.items():
        parts.append(
            f"[profile {acc.profile_name(environment)}]\n"
            f"role_arn = {acc.role_arn(account_id)}\n"
            f"source_profile = {acc.BASE_PROFILE}\n"
            f"role_session_name = {_session_name(info, environment)}\n"
            f"{common}"
        )
    # Terraform (aws-sdk-go-v2) sends the AssumeRole of a source_profile chain to the STS endpoint of a services
    # section, not to the profile's endpoint_url or AWS_ENDPOINT_URL; without this it calls sts.amazonaws.com.
    parts.append(f"[services {_SERVICES}]\nsts =\n  endpoint_url = {info.endpoint_url}\n")
    return "\n".join(parts)


def _session_name(info: LocalAwsInfo, environment: str) -> str:
    """A role session name unique to this server run.

    The AWS CLI caches assumed-role credentials in ``~/.aws/cli/cache`` keyed by role ARN and session name; a new
    moto server, or one that was reset, does not know credentials issued before, so the name changes with both.
    """
    return f"mlops-local-{environment}-{info.port}-{int(info.started_at)}-{info.credentials_generation}"


def render_credentials() -> str:
    """The AWS credentials file: only the fake base credentials (members are reached by AssumeRole)."""
    return (
        f"[{acc.BASE_PROFILE}]\n"
        f"aws_access_key_id = {acc.BASE_ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {acc.BASE_SECRET_ACCESS_KEY}\n"
    )


def write_profiles(info: LocalAwsInfo) -> None:
    info.config_file.write_text(render_config(info), encoding="utf-8")
    info.credentials_file.write_text(render_credentials(), encoding="utf-8")


def env_for(info: LocalAwsInfo, account_or_env: str | None = None) -> dict[str, str]:
    """Environment variables that point a subprocess (``aws``, ``terraform``, ``bash bootstrap.sh``) at one account.

    Overlay it on the parent environment (``{**os.environ, **env_for(...)}``): credential variables are set to
    empty strings, which the AWS SDKs treat as unset, so real credentials in the parent never leak through.
    """
    environment = acc.resolve(account_or_env, info.accounts)
    env = dict.fromkeys(BLANKED, "")
    env.update(
        {
            "AWS_ENDPOINT_URL": info.endpoint_url,
            "AWS_ENDPOINT_URL_STS": info.endpoint_url,  # Terraform's AssumeRole ignores AWS_ENDPOINT_URL
            "AWS_CONFIG_FILE": str(info.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(info.credentials_file),
            "AWS_PROFILE": acc.profile_name(environment),
            "AWS_REGION": info.region,
            "AWS_DEFAULT_REGION": info.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


def subprocess_env(
    info: LocalAwsInfo, account_or_env: str | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A complete environment for a subprocess: ``base`` (default: none) without any ``AWS_*`` variable, plus
    :func:`env_for`. Use it when the parent may carry service-specific endpoints or other AWS settings."""
    kept = {k: v for k, v in (base or {}).items() if not k.startswith("AWS_")}
    return {**kept, **env_for(info, account_or_env)}


def session_for(info: LocalAwsInfo, account_or_env: str | None = None) -> boto3.Session:
    """A boto3 session in one account, through the generated profiles (AssumeRole for member accounts).

    The profile is set explicitly, so credentials in the process environment are ignored.
    """
    environment = acc.resolve(account_or_env, info.accounts)
    core = botocore.session.Session()
    core.set_config_variable("config_file", str(info.config_file))
    core.set_config_variable("credentials_file", str(info.credentials_file))
    core.set_config_variable("profile", acc.profile_name(environment))
    return boto3.Session(botocore_session=core)
