"""Who made a request, and the policies that bear on it, read from moto's IAM and STS backends."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from platform_cli.local.iam.policy import Policy, Principal

# The local base credentials (platform_cli/local/aws/accounts.py): the management account's administrator, used
# by the bootstrap only.
ROOT_ACCESS_KEYS = frozenset({"testing"})

# AWS services the emulator plays (a service principal acting on AWS's side, never a platform actor). A service
# principal has no identity policies: it may do only what a resource policy grants it by name — a role's trust
# policy (Studio taking a persona's execution role), the bucket policy of a bucket the emulator owns (CloudFormation
# answering custom resources) —, and it acts for one account, which the request carries as ``aws:SourceAccount``
# (as AWS sets it when a service acts for a resource of that account). Two ways to hold one:
# - a key ``<prefix><account id>`` of ``SERVICE_KEY_PREFIXES``: what a local client uses when it plays the service
#   from outside the server (Studio obtaining the execution role's credentials as ``sagemaker.amazonaws.com``),
#   honoured for ``SERVICE_KEY_ACTIONS`` only;
# - :func:`register_service_session`: a session the server itself minted for a service (CloudFormation's
#   pre-signed ResponseURLs), known only inside the server.
SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"
CLOUDFORMATION_SERVICE = "cloudformation.amazonaws.com"
SERVICE_KEY_PREFIXES: dict[str, str] = {"ASIALOCALSAGEMAKER": SAGEMAKER_SERVICE}
# What such a key may ask for: a service assumes the roles that trust it (Studio naming the user profile as the
# session's source identity on the way), nothing else.
SERVICE_KEY_ACTIONS = frozenset({"sts:AssumeRole", "sts:SetSourceIdentity"})
_service_sessions: dict[str, tuple[str, str]] = {}


def service_key(service: str, account: str) -> str:
    """The access key id a local client signs with to act as ``service`` for ``account``."""
    prefix = next(p for p, s in SERVICE_KEY_PREFIXES.items() if s == service)
    return prefix + account


def register_service_session(access_key_id: str, service: str, account: str) -> None:
    """Let the server's own session ``access_key_id`` act as the service principal ``service`` for ``account``."""
    _service_sessions[access_key_id] = (service, account)


def service_of(access_key_id: str, action: str) -> tuple[str, str] | None:
    """``(service principal, account it acts for)`` of an access key on ``action`` (``None``: not a service's)."""
    if access_key_id in _service_sessions:
        return _service_sessions[access_key_id]
    for prefix, service in SERVICE_KEY_PREFIXES.items():
        account = access_key_id.removeprefix(prefix)
        if access_key_id.startswith(prefix) and account.isdigit() and len(account) == 12:
            return (service, account) if action in SERVICE_KEY_ACTIONS else None
    return None


@dataclass(frozen=True)
class Caller:
    principal: Principal
    identity: tuple[Policy, ...]
    boundary: Policy | None
    # aws:userid as AWS sets it: <role id>:<session name> for a role session (policies scope a shared role's
    # sessions by it, e.g. the build role's per-project bucket grants), the user id for an IAM user.
    userid: str | None = None


@lru_cache(maxsize=1)
def _aws_managed() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    loaded: dict[str, Any] = json.loads(aws_managed_policies_data)
    return loaded


def _iam(account: str, partition: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account][partition]


def managed_policy(account: str, partition: str, arn: str) -> Policy | None:
    """A managed policy's default version (an AWS managed one from moto's bundled copy when not loaded)."""
    backend = _iam(account, partition)
    policy = backend.managed_policies.get(arn)
    if policy is None and ":aws:policy/" in arn:
        data = _aws_managed().get(arn.rsplit("/", 1)[-1])
        return Policy.of(arn, data["Document"]) if data else None
    if policy is None:
        return None
    for version in policy.versions:
        if version.is_default:
            return Policy.of(arn, version.document)
    return None


def role_policies(account: str, partition: str, role: Any) -> tuple[tuple[Policy, ...], Policy | None]:
    identity = [Policy.of(f"{role.arn} inline {name}", doc) for name, doc in role.policies.items()]
    for arn, policy in role.managed_policies.items():
        found = managed_policy(account, partition, arn) or Policy.of(arn, policy.versions[-1].document)
        identity.append(found)
    boundary = None
    if role.permissions_boundary_arn:
        boundary = managed_policy(account, partition, role.permissions_boundary_arn) or Policy(
            role.permissions_boundary_arn, ()
        )
    return tuple(identity), boundary


def _user_policies(account: str, partition: str, user: Any) -> tuple[tuple[Policy, ...], Policy | None]:
    backend = _iam(account, partition)
    identity = [Policy.of(f"{user.arn} inline {name}", doc) for name, doc in user.policies.items()]
    identity += [managed_policy(account, partition, arn) or Policy(arn, ()) for arn in user.managed_policies]
    for group in backend.get_groups_for_user(user.name):
        identity += [Policy.of(f"{group.arn} inline {name}", doc) for name, doc in group.policies.items()]
        identity += [managed_policy(account, partition, arn) or Policy(arn, ()) for arn in group.managed_policies]
    boundary_arn = getattr(user, "permissions_boundary", None) or getattr(user, "permissions_boundary_arn", None)
    boundary = managed_policy(account, partition, boundary_arn) if isinstance(boundary_arn, str) else None
    return tuple(identity), boundary


def caller(access_key_id: str, account: str, partition: str, action: str = "") -> Caller:
    """The principal behind ``access_key_id``: a service the emulator plays (for ``action``), an assumed-role
    session, an IAM user, else the account's root (the local base credentials, which play the management account's
    administrator during the bootstrap)."""
    from moto.sts.models import sts_backends

    service = service_of(access_key_id, action)
    if service is not None:
        return Caller(Principal(service[0], service[1], kind="Service"), (), None)

    for session in sts_backends[account][partition].assumed_roles:
        if session.access_key_id == access_key_id:
            role_arn = session.role_arn
            role_name = role_arn.split("/")[-1]
            principal = Principal(
                f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{session.session_name}",
                account,
                aliases=(role_arn,),
            )
            try:
                role = _iam(account, partition).get_role_by_arn(role_arn)
            except Exception:  # the role was deleted: its sessions keep no permissions
                return Caller(principal, (), None)
            identity, boundary = role_policies(account, partition, role)
            return Caller(principal, identity, boundary, f"{role.id}:{session.session_name}")
    backend = _iam(account, partition)
    for user in backend.users.values():
        if any(key.access_key_id == access_key_id for key in user.access_keys):
            identity, boundary = _user_policies(account, partition, user)
            return Caller(Principal(user.arn, account), identity, boundary, str(user.id))
    if access_key_id in ROOT_ACCESS_KEYS:
        return Caller(Principal(f"arn:{partition}:iam::{account}:root", account), (), None)
    return Caller(Principal("anonymous", account), (), None)  # a key nobody issued: no permissions at all
