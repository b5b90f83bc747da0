"""Which accounts to bootstrap, and how to reach each: a profile, or a role assumed from the current credentials."""

from __future__ import annotations

import re
from dataclasses import dataclass

from platform_cli.bootstrap.exceptions import BootstrapError
from platform_cli.config import ENVIRONMENTS, PlatformConfig

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
_ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,64}$")
_PROFILE = re.compile(r"^[\w+=,.@:/-]{1,128}$")


@dataclass(frozen=True)
class Access:
    """How to reach an account: exactly one of ``profile`` or ``role_arn``."""

    profile: str | None = None
    role_arn: str | None = None

    def describe(self) -> str:
        return f"profile {self.profile}" if self.profile else f"role {self.role_arn}"


@dataclass(frozen=True)
class AccountTarget:
    """One account to bootstrap and the script inputs that come from ``platform.yaml``."""

    business_unit: str
    environment: str
    account_id: str
    region: str
    naming_prefix: str
    github_org: str
    github_repo: str
    access: Access

    @property
    def stack_name(self) -> str:
        return f"{self.naming_prefix}-{self.environment}-bootstrap"


def parse_profiles(pairs: list[str]) -> dict[str, str]:
    """``["dev=acme-dev", ...]`` → ``{"dev": "acme-dev"}``; rejects unknown environments and bad names."""
    profiles: dict[str, str] = {}
    for pair in pairs:
        environment, separator, profile = pair.partition("=")
        if not separator or environment not in ENVIRONMENTS or not _PROFILE.match(profile):
            raise BootstrapError(f"--profile {pair!r}: use ENV=PROFILE with ENV one of {', '.join(ENVIRONMENTS)}")
        profiles[environment] = profile
    return profiles


def select_environments(requested: list[str]) -> list[str]:
    """The requested environments in promotion order (all three when none is given)."""
    for environment in requested:
        if environment not in ENVIRONMENTS:
            raise BootstrapError(f"unknown environment {environment!r}; choose from {', '.join(ENVIRONMENTS)}")
    return [environment for environment in ENVIRONMENTS if not requested or environment in requested]


def plan_targets(
    config: PlatformConfig,
    business_unit: str | None,
    environments: list[str],
    profiles: dict[str, str],
    profile_pattern: str | None,
    role_name: str | None,
) -> list[AccountTarget]:
    """The accounts of ``business_unit`` (the only one when ``None``) in dev → preprod → prod order.

    Each account is reached through, in this order: its ``--profile ENV=NAME``, ``--profile-pattern`` (``{environment}``
    and ``{account}`` are replaced), or ``role_name`` assumed from the current credentials.
    """
    if business_unit is None:
        if len(config.business_units) != 1:
            known = ", ".join(sorted(config.business_units))
            raise BootstrapError(f"platform.yaml has several business units ({known}); pass --business-unit NAME")
        business_unit = next(iter(config.business_units))
    unit = config.business_unit(business_unit)
    if role_name is not None and not _ROLE_NAME.match(role_name):
        raise BootstrapError(f"--role-name {role_name!r} is not a valid IAM role name")
    if profile_pattern is not None and "{environment}" not in profile_pattern and "{account}" not in profile_pattern:
        raise BootstrapError("--profile-pattern must contain {environment} or {account}, e.g. acme-{environment}")
    targets = []
    for environment in select_environments(environments):
        account_id = unit.account(environment)
        if environment in profiles:
            access = Access(profile=profiles[environment])
        elif profile_pattern is not None:
            access = Access(profile=profile_pattern.format(environment=environment, account=account_id))
        else:
            partition = "aws-us-gov" if config.aws.region.startswith("us-gov-") else "aws"
            name = role_name or DEFAULT_ROLE_NAME
            access = Access(role_arn=f"arn:{partition}:iam::{account_id}:role/{name}")
        targets.append(
            AccountTarget(
                business_unit=business_unit,
                environment=environment,
                account_id=account_id,
                region=config.aws.region,
                naming_prefix=config.naming_prefix,
                github_org=config.github.org,
                github_repo=config.github.base_infrastructure_repo,
                access=access,
            )
        )
    return targets
