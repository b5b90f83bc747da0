"""What a shell needs to use the local servers: ``mlops``, the AWS CLI and Terraform all read these variables.

``mlops local up`` prints them and ``mlops local env`` emits them for ``eval "$(mlops local env)"``. Nothing
secret is printed: the GitHub token stays in its file (``MLOPS_GITHUB_TOKEN_FILE``), the AWS credentials are the
emulator's fake ones, in the generated credentials file.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from platform_cli.cli.bootstrap_cmd import PROFILE_PATTERN_ENV
from platform_cli.cli.context import API_URL_ENV
from platform_cli.cli.github_access import APP_KEY_ENV, TOKEN_ENV, TOKEN_FILE_ENV

# Besides the AWS credential variables local AWS's profiles blank: whatever points mlops at another GitHub token.
UNSET_MLOPS = (TOKEN_ENV, APP_KEY_ENV)
LOCAL_STATE_ENV = "MLOPS_LOCAL_STATE"
CONFIG_ENV = "MLOPS_CONFIG"


class Shell(StrEnum):
    POSIX = "posix"
    FISH = "fish"


@dataclass(frozen=True)
class LocalEnvironment:
    """Variables to set (in a stable order) and variables to remove."""

    set: Mapping[str, str]
    unset: tuple[str, ...] = UNSET_MLOPS

    def to_json(self) -> dict[str, Any]:
        return {"set": dict(self.set), "unset": list(self.unset)}


def local_environment(status: Mapping[str, Any], *, profile: str, config_path: str, state_dir: str) -> LocalEnvironment:
    """The variables for the servers described by ``status`` (``LocalPlatform.status()``), acting as ``profile``."""
    from platform_cli.local.aws.accounts import profile_name  # the `local` extra, as every `mlops local` command
    from platform_cli.local.aws.profiles import BLANKED

    aws, forge = status["aws"], status["forge"]
    endpoint = str(aws["endpoint_url"])
    values = {
        # AWS CLI, boto3 and Terraform's AWS provider and S3 backend: the profile's endpoint_url, region and
        # credentials; Terraform's AssumeRole ignores AWS_ENDPOINT_URL and needs the STS one.
        "AWS_CONFIG_FILE": str(aws["config_file"]),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws["credentials_file"]),
        "AWS_PROFILE": profile,
        "AWS_REGION": str(aws["region"]),
        "AWS_DEFAULT_REGION": str(aws["region"]),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_STS": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        # mlops: this platform.yaml, GitHub at the forge with the seeded owner's token, these servers.
        CONFIG_ENV: config_path,
        API_URL_ENV: str(forge["api_url"]),
        TOKEN_FILE_ENV: str(status["token_file"]),
        LOCAL_STATE_ENV: state_dir,
        # `mlops bootstrap`: each account through its own local profile (as an admin's SSO profiles on AWS).
        PROFILE_PATTERN_ENV: profile_name("{environment}"),
    }
    return LocalEnvironment(values, unset=(*BLANKED, *UNSET_MLOPS))


def render(environment: LocalEnvironment, shell: Shell = Shell.POSIX) -> str:
    """Lines a shell can ``eval``: every value quoted for that shell."""
    if shell is Shell.FISH:
        lines = [f"set -e {name};" for name in environment.unset]
        lines += [f"set -gx {name} {_fish_quote(value)};" for name, value in environment.set.items()]
    else:
        lines = [f"unset {' '.join(environment.unset)}"] if environment.unset else []
        lines += [f"export {name}={shlex.quote(value)}" for name, value in environment.set.items()]
    return "\n".join(lines) + "\n"


def _fish_quote(value: str) -> str:
    """fish's single quotes: only ``\\`` and ``'`` are special inside them."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
