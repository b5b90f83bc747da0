"""IAM's policy evaluation logic, as AWS documents it, for one request.

1. An explicit ``Deny`` in any policy (identity, permissions boundary, resource) wins.
2. Same account: an ``Allow`` from an identity policy, or from a resource policy naming the principal itself, is
   needed; a permissions boundary, when set, must also allow. Resource policies that name only the account
   delegate to the account's identity policies.
3. Resources whose policy must grant (KMS keys; role trust policies): the resource policy must allow, either
   naming the principal (then the identity side is not needed) or naming the account (then identity must allow).
4. Cross-account: both the principal's identity policies and the resource policy must allow.

The account root is allowed by its identity (it has every permission) but not past a resource policy's refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from platform_cli.local.iam.policy import Policy, Request, any_matching


class Reason(StrEnum):
    ALLOWED = "allowed"
    IDENTITY_DENY = "explicit deny in an identity-based policy"
    BOUNDARY_DENY = "explicit deny in a permissions boundary"
    RESOURCE_DENY = "explicit deny in a resource-based policy"
    NO_IDENTITY_ALLOW = "no identity-based policy allows"
    NO_BOUNDARY_ALLOW = "no permissions boundary allows"
    NO_RESOURCE_ALLOW = "no resource-based policy allows"


@dataclass(frozen=True)
class Policies:
    """Every policy that bears on one request."""

    identity: Sequence[Policy] = ()
    boundary: Policy | None = None
    resource: Policy | None = None
    resource_account: str | None = None  # None: the resource is not owned by an account (or unknown)
    resource_must_grant: bool = False  # KMS key policy, role trust policy


@dataclass(frozen=True)
class Decision:
    request: Request
    reason: Reason
    matched: tuple[str, ...] = field(default_factory=tuple)  # policy sources that decided

    @property
    def allowed(self) -> bool:
        return self.reason is Reason.ALLOWED

    def message(self) -> str:
        """AWS's wording of a denial (empty when allowed)."""
        if self.allowed:
            return ""
        r = self.request
        head = f"User: {r.principal.arn} is not authorized to perform: {r.action} on resource: {r.resource}"
        if self.reason in (Reason.IDENTITY_DENY, Reason.BOUNDARY_DENY, Reason.RESOURCE_DENY):
            return f"{head} with an {self.reason.value}"
        return f"{head} because {self.reason.value} the {r.action} action"


def evaluate(request: Request, policies: Policies) -> Decision:
    """The decision IAM would take for ``request`` under ``policies``."""
    principal = request.principal
    for source, reason in (
        (policies.identity, Reason.IDENTITY_DENY),
        ([policies.boundary] if policies.boundary else [], Reason.BOUNDARY_DENY),
        ([policies.resource] if policies.resource else [], Reason.RESOURCE_DENY),
    ):
        if any_matching(source, request, "Deny"):
            return Decision(request, reason)

    identity_allows = principal.is_root or bool(any_matching(policies.identity, request, "Allow"))
    resource_statements = policies.resource.matching(request, "Allow") if policies.resource else []
    resource_names_principal = any(s.names_principal(principal) for s in resource_statements)
    resource_allows = bool(resource_statements)
    boundary_allows = policies.boundary is None or bool(policies.boundary.matching(request, "Allow"))
    cross_account = policies.resource_account is not None and policies.resource_account != principal.account

    if cross_account or policies.resource_must_grant:
        if not resource_allows:
            return Decision(request, Reason.NO_RESOURCE_ALLOW)
        if (cross_account or not resource_names_principal) and not identity_allows:
            return Decision(request, Reason.NO_IDENTITY_ALLOW)
    elif not identity_allows and not resource_names_principal:
        return Decision(request, Reason.NO_IDENTITY_ALLOW)
    if not boundary_allows:
        return Decision(request, Reason.NO_BOUNDARY_ALLOW)
    return Decision(request, Reason.ALLOWED)
