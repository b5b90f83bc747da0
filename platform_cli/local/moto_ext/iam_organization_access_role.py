"""``OrganizationAccountAccessRole`` in every member account, as AWS Organizations creates it.

A member account created through AWS Organizations starts with this role, trusting the management account and
allowed everything; the platform (and its admins) reach dev, preprod and prod through it. moto has no such
accounts, so each member account's IAM backend gets the role when moto creates that backend: on first use, and
again after moto's reset (which re-creates every backend). Member accounts are those listed, comma-separated, in
``MLOPS_LOCAL_AWS_MEMBER_ACCOUNTS`` (set by ``LocalAws.up``), else the platform's three default accounts.
"""

from __future__ import annotations

import json
import os
from typing import Any

from moto.iam.models import IAMBackend

from platform_cli.local.aws.accounts import (
    ACCOUNTS,
    MANAGEMENT_ACCOUNT_ID,
    MEMBER_ACCOUNTS_VARIABLE,
    MEMBER_ROLE_NAME,
)

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def member_accounts() -> set[str]:
    listed = os.environ.get(MEMBER_ACCOUNTS_VARIABLE, "")
    return {account.strip() for account in listed.split(",") if account.strip()} or set(ACCOUNTS.values())


_moto_init = IAMBackend.__init__


def _init_with_access_role(self: Any, region_name: str, account_id: str) -> None:
    _moto_init(self, region_name, account_id)
    if account_id not in member_accounts():
        return
    self.create_role(
        role_name=MEMBER_ROLE_NAME,
        assume_role_policy_document=json.dumps(_TRUST),
        path="/",
        permissions_boundary=None,
        description="Created by AWS Organizations for access from the management account",
        tags=[],
        max_session_duration=None,
    )
    # Inline, because moto does not load AWS managed policies (AdministratorAccess) by default.
    self.put_role_policy(MEMBER_ROLE_NAME, "AdministratorAccess", json.dumps(_ADMIN))


def register() -> None:
    IAMBackend.__init__ = _init_with_access_role  # type: ignore[method-assign]
