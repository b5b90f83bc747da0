"""The accounts local AWS serves and how each is reached: AssumeRole from the base (management) credentials.

Base credentials (``testing``/``testing``) land in moto's default account, which plays the organisation's
management account. Every member account is reached as real AWS Organizations accounts are: STS AssumeRole into
``arn:aws:iam::<account>:role/OrganizationAccountAccessRole``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from platform_cli.local.aws.exceptions import UnknownAccountError

DEFAULT_REGION = "eu-west-1"
MANAGEMENT_ACCOUNT_ID = "123456789012"  # moto's default account: where the base credentials land
MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"
ACCOUNTS: Mapping[str, str] = MappingProxyType(
    {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
)
# Fake, well-known credentials: never real ones. moto accepts any key; these name themselves as fake.
BASE_ACCESS_KEY_ID = "testing"
BASE_SECRET_ACCESS_KEY = "testing"
BASE_PROFILE = "mlops-local"
MANAGEMENT_NAMES = ("management", "base", BASE_PROFILE)


def role_arn(account_id: str, role_name: str = MEMBER_ROLE_NAME) -> str:
    """The ARN of the role assumed to reach ``account_id``."""
    return f"arn:aws:iam::{account_id}:role/{role_name}"


def profile_name(environment: str | None) -> str:
    """The AWS config profile of an environment (``mlops-local-dev``) or of the base credentials."""
    return BASE_PROFILE if environment is None else f"{BASE_PROFILE}-{environment}"


def resolve(account_or_env: str | None, accounts: Mapping[str, str] = ACCOUNTS) -> str | None:
    """Map an environment name or account id to the environment name; ``None`` means the base credentials.

    Accepts ``dev``/``preprod``/``prod`` (or any configured name), one of their 12-digit ids, or ``None``,
    ``management``, ``base``, ``mlops-local`` or moto's default account id for the base credentials.
    """
    if account_or_env is None or account_or_env in MANAGEMENT_NAMES or account_or_env == MANAGEMENT_ACCOUNT_ID:
        return None
    if account_or_env in accounts:
        return account_or_env
    for environment, account_id in accounts.items():
        if account_or_env in (account_id, profile_name(environment)):
            return environment
    known = ", ".join(f"{name} ({account})" for name, account in accounts.items())
    raise UnknownAccountError(f"local AWS has no account {account_or_env!r}; use one of {known} or 'management'")
