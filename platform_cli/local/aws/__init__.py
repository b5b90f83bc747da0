"""Local AWS: moto in server mode with the platform's extensions, three accounts reached by AssumeRole.

from platform_cli.local.aws import LocalAws

local = LocalAws(".mlops-local/aws")
info = local.up()                      # or up(port=5000)
s3 = local.session_for("dev").client("s3")
env = {**os.environ, **local.env_for("prod")}   # for aws / terraform / bash bootstrap.sh
local.down()
"""

from __future__ import annotations

from platform_cli.local.aws.accounts import (
    ACCOUNTS,
    BASE_PROFILE,
    DEFAULT_REGION,
    MANAGEMENT_ACCOUNT_ID,
    MEMBER_ROLE_NAME,
    profile_name,
    role_arn,
)
from platform_cli.local.aws.exceptions import LocalAwsError, LocalAwsNotRunningError, UnknownAccountError
from platform_cli.local.aws.profiles import env_for, session_for, subprocess_env
from platform_cli.local.aws.server import DEFAULT_STATE_DIR, LocalAws, LocalAwsStatus
from platform_cli.local.aws.state import LocalAwsInfo

__all__ = [
    "ACCOUNTS",
    "BASE_PROFILE",
    "DEFAULT_REGION",
    "DEFAULT_STATE_DIR",
    "MANAGEMENT_ACCOUNT_ID",
    "MEMBER_ROLE_NAME",
    "LocalAws",
    "LocalAwsError",
    "LocalAwsInfo",
    "LocalAwsNotRunningError",
    "LocalAwsStatus",
    "UnknownAccountError",
    "env_for",
    "profile_name",
    "role_arn",
    "session_for",
    "subprocess_env",
]
