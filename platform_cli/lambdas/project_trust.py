"""Which GitHub repositories may assume the platform's OIDC roles: exactly the repositories the platform created.

Base infrastructure creates each account's OIDC roles (``<prefix>-github-deploy``; ``<prefix>-github-build`` in
dev) with a trust that admits no repository. When the provisioning creates a project it adds one statement to
each role the project's repositories use — ``Sid`` ``Project<id>``, ``StringEquals`` on the exact subjects
``repo:<org>/<repo>:environment:<env>`` — and removes it when the project is deleted. A repository the platform
did not create matches no statement; one project's statement names only its own repositories.

The roles are shared by every project of an account, so the statement also requires the role session name to be
the project id (``sts:RoleSessionName``; every project workflow passes ``role-session-name:
${{ vars.SAGEMAKER_PROJECT_ID }}``). A session therefore carries the project it acts for — IAM's ``aws:userid`` of
it is ``<role id>:<project id>`` — and what belongs to one project is granted to that project's sessions only: the
roles the project's dev environments assume get an inline policy of the same name (``Project<id>``) that lets them
list and upload to the project's own bucket (``ARTIFACT_BUCKET``) when ``aws:userid`` ends in ``:<project id>``.
Session names cannot contain ``:``, so the wildcard covers the role id and nothing a workflow chooses.

The roles are updated through ``<prefix>-project-trust`` in each account, which only the provisioning Lambda's
role may assume and which may only read and re-trust those roles (and keep the build role's ``Project<id>``
policies). Each update is read, changed, written and read back until the project's statement is as wanted
(concurrent projects each re-apply their own statement).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from platform_cli.lambdas.exceptions import AccountNotReadyError, TrustUpdateError
from platform_cli.provisioning.desired import DesiredRepo

OIDC_HOST = "token.actions.githubusercontent.com"
SESSION_NAME_KEY = "sts:RoleSessionName"
BUCKET_VARIABLE = "ARTIFACT_BUCKET"  # provisioning/desired.py: the project stack's ArtifactBucket
Document = dict[str, Any]
IamForAccount = Callable[[str], Any]


def statement_id(project_id: str) -> str:
    """IAM statement ids are alphanumeric: ``p-abc123def456`` → ``ProjectPabc123def456``."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", project_id)
    return f"Project{cleaned[:1].upper()}{cleaned[1:]}"


def session_name(project_id: str) -> str:
    """The role session name the project's workflows must use (``role-session-name: ${{ vars.SAGEMAKER_PROJECT_ID
    }}``), and the only one the project's trust statement admits."""
    return project_id


def project_buckets(repos: Sequence[DesiredRepo]) -> dict[str, list[str]]:
    """Role ARN → the project buckets its sessions of this project may write: the ``ARTIFACT_BUCKET`` of each repo
    whose dev environment assumes it (the bucket is the project stack's, in dev)."""
    buckets: dict[str, set[str]] = {}
    for repo in repos:
        bucket = repo.variables.get(BUCKET_VARIABLE)
        for environment in repo.environments:
            if bucket and environment.name == "dev" and environment.role_arn:
                buckets.setdefault(environment.role_arn, set()).add(bucket)
    return {role: sorted(values) for role, values in buckets.items()}


def bucket_grant(project_id: str, buckets: Sequence[str], partition: str = "aws") -> Document:
    """The ``Project<id>`` inline policy: the project's sessions (and no other project's) list and upload to its
    buckets — what building the pipeline definition does (HeadBucket, PutObject); nothing reads or deletes there."""
    own_session = {"StringLike": {"aws:userid": f"*:{session_name(project_id)}"}}
    arns = [f"arn:{partition}:s3:::{bucket}" for bucket in buckets]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CheckTheProjectBucket",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": arns,
                "Condition": own_session,
            },
            {
                "Sid": "UploadPipelineCodeToTheProjectBucket",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": [f"{arn}/*" for arn in arns],
                "Condition": own_session,
            },
        ],
    }


def project_subjects(repos: Sequence[DesiredRepo]) -> dict[str, list[str]]:
    """Role ARN → the exact OIDC subjects of the project's repositories that assume it (each environment's
    ``role_arn``, the ARN its workflows compose from ``AWS_ACCOUNT_ID`` and the org's role names)."""
    subjects: dict[str, list[str]] = {}
    for repo in repos:
        for environment in repo.environments:
            role = environment.role_arn
            if role:
                subjects.setdefault(role, []).append(f"repo:{repo.owner}/{repo.name}:environment:{environment.name}")
    return {role: sorted(set(values)) for role, values in subjects.items()}


def _provider(document: Document) -> str:
    for statement in _statements(document):
        federated = (statement.get("Principal") or {}).get("Federated")
        if federated:
            return str(federated)
    raise TrustUpdateError("the role's trust names no OIDC provider; apply the base infrastructure again")


def _statements(document: Document) -> list[dict[str, Any]]:
    statements = document.get("Statement") or []
    return list(statements) if isinstance(statements, list) else [statements]


def with_project(document: Document, project_id: str, subjects: Sequence[str]) -> Document:
    """The trust with the project's statement set to exactly ``subjects`` (other statements untouched)."""
    sid = statement_id(project_id)
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": _provider(document)},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                f"{OIDC_HOST}:aud": "sts.amazonaws.com",
                f"{OIDC_HOST}:sub": sorted(subjects),
                SESSION_NAME_KEY: session_name(project_id),
            }
        },
    }
    kept = [s for s in _statements(document) if s.get("Sid") != sid]
    return {**document, "Statement": [*kept, statement]}


def without_project(document: Document, project_id: str) -> Document:
    sid = statement_id(project_id)
    return {**document, "Statement": [s for s in _statements(document) if s.get("Sid") != sid]}


def _decode(raw: Any) -> Document:
    if isinstance(raw, Mapping):
        return dict(raw)
    text = unquote(str(raw))
    decoded: Document = json.loads(text)
    return decoded


@dataclass
class TrustMaintainer:
    """Adds (``admit``) or removes (``revoke``) one project's statement in the OIDC roles its repos use."""

    iam_for_account: IamForAccount
    attempts: int = 5
    settle_seconds: float = 0.5
    sleep: Callable[[float], None] = field(default=time.sleep)
    before_write: Callable[[str], None] = field(default=lambda doing: None)

    def admit(self, project_id: str, repos: Sequence[DesiredRepo]) -> list[str]:
        """Admit the project's repos; returns what was skipped in accounts whose base infrastructure is not applied.

        Skipping fails closed (an account that has no such role or trust role grants nothing), and lets a project be
        launched while preprod/prod still await their approved apply; updating the project later admits it there.
        """
        skipped: list[str] = []
        buckets = project_buckets(repos)
        for role, subjects in project_subjects(repos).items():
            try:
                self._converge(role, lambda document, s=subjects: with_project(document, project_id, s))  # type: ignore[misc]
            except AccountNotReadyError as error:
                skipped.append(str(error))
                continue
            if role in buckets:
                partition = role.split(":")[1]
                self._keep_grant(role, statement_id(project_id), bucket_grant(project_id, buckets[role], partition))
        return skipped

    def revoke(self, project_id: str, repos: Sequence[DesiredRepo]) -> None:
        buckets = project_buckets(repos)
        for role in project_subjects(repos):
            try:
                self._converge(role, lambda document: without_project(document, project_id))
            except AccountNotReadyError as error:
                if error.unreadable:
                    # The role may be there and still trust the project: a delete must not pass over it silently.
                    raise TrustUpdateError(str(error)) from None
                continue  # no role there (or no way into the account), so nothing there trusts the project
            if role in buckets:
                self._keep_grant(role, statement_id(project_id), None)

    def _keep_grant(self, role_arn: str, policy_name: str, wanted: Document | None) -> None:
        """Put (or, with ``None``, delete) the role's inline policy ``policy_name``; no write when already so."""
        account, name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
        try:
            iam = self.iam_for_account(account)
            try:
                current: Document | None = _decode(
                    iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
                )
            except Exception as error:
                if _code(error) != "NoSuchEntity":
                    raise
                current = None
            if current == wanted:
                return
            self.before_write(f"updating the project policy of {name} in account {account}")
            if wanted is None:
                iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
            else:
                iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(wanted))
        except TrustUpdateError:
            raise
        except Exception as error:
            if _code(error) == "LimitExceeded":
                raise TrustUpdateError(
                    f"role {name} in account {account} cannot hold another project's bucket grant: IAM allows a "
                    f"role {ROLE_POLICY_SIZE:,} characters of inline policies, and every project of the account "
                    "adds one; delete projects no longer used"
                ) from None
            raise TrustUpdateError(
                f"cannot update the project policy {policy_name} of role {name} in account {account} "
                f"({_code(error)}); check the base infrastructure is applied there (role <prefix>-project-trust)"
            ) from None

    def _converge(self, role_arn: str, change: Callable[[Document], Document]) -> None:
        account, name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
        try:
            iam = self.iam_for_account(account)
        except Exception as error:
            raise AccountNotReadyError(_not_ready(name, account, error)) from None
        try:
            for attempt in range(self.attempts):
                try:
                    role = iam.get_role(RoleName=name)["Role"]
                except Exception as error:
                    # Cannot even read the role: not there, or the trust role is not (AWS answers AccessDenied
                    # to a session of a role it cannot find). Fail closed: skip the account, name it.
                    if _code(error) in _NOT_READY_CODES:
                        not_ready = AccountNotReadyError(_not_ready(name, account, error))
                        not_ready.unreadable = _code(error) != "NoSuchEntity"
                        raise not_ready from None
                    raise
                current = _decode(role["AssumeRolePolicyDocument"])
                wanted = change(current)
                if wanted == current:
                    return
                if attempt + 1 == self.attempts:
                    break
                self.before_write(f"updating the trust of {name} in account {account}")
                iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(wanted))
                self.sleep(self.settle_seconds)  # then read back: a concurrent project may have written meanwhile
        except TrustUpdateError:
            raise
        except Exception as error:
            if _code(error) == "LimitExceeded":
                raise TrustUpdateError(_trust_full(name, account, error)) from None
            raise TrustUpdateError(
                f"cannot update the trust of role {name} in account {account} ({_code(error)}); "
                "check the base infrastructure is applied there (role <prefix>-project-trust)"
            ) from None
        raise TrustUpdateError(f"the trust of role {name} in account {account} kept changing; retry")


_NOT_READY_CODES = frozenset({"NoSuchEntity", "AccessDenied", "AccessDeniedException"})
ROLE_POLICY_SIZE = 10240  # IAM's RolePolicySize: a role's inline policies together (not adjustable)
MAX_TRUST_POLICY_QUOTA = 4096  # IAM's ACLSizePerRole after an increase (2,048 by default)


def _trust_full(name: str, account: str, error: Exception) -> str:
    """The one-line cause when a role's trust cannot take another project's statement (IAM's ACLSizePerRole)."""
    found = re.search(r"ACLSizePerRole:\s*(\d+)", str(error))
    quota = int(found.group(1)) if found else None
    limit = f"{quota:,} characters" if quota else "its quota"
    remedy = (
        f"request the increase to {MAX_TRUST_POLICY_QUOTA:,} (Service Quotas: IAM, 'Role trust policy length') or "
        if quota is None or quota < MAX_TRUST_POLICY_QUOTA
        else ""
    )
    return (
        f"the trust of role {name} in account {account} cannot admit another project: IAM limits a role's trust "
        f"policy to {limit} (ACLSizePerRole) and each project adds a statement of about 500; {remedy}delete projects "
        "no longer used"
    )


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__)


def _not_ready(name: str, account: str, error: Exception) -> str:
    return (
        f"deploy trust in account {account} not given: {name} or its <prefix>-project-trust role is not there "
        f"({_code(error)}); apply base-infrastructure in that account, then update the project"
    )


def assume_into_accounts(
    sts: Any, make_iam: Callable[[Mapping[str, str]], Any], role_name: str, partition: str = "aws"
) -> IamForAccount:
    """An ``IamForAccount`` that assumes ``role_name`` (the account's ``<prefix>-project-trust``) in each account."""

    def iam_for(account: str) -> Any:
        credentials = sts.assume_role(
            RoleArn=f"arn:{partition}:iam::{account}:role/{role_name}", RoleSessionName="project-trust"
        )["Credentials"]
        return make_iam(
            {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        )

    return iam_for
