"""Only repositories the platform created assume the OIDC roles, each only the roles its project uses (issue 15,
item 1). The trust documents the provisioning writes are evaluated with ``tests.bootstrap.policy_eval``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from moto import mock_aws

from platform_cli.config import TemplateKind
from platform_cli.lambdas.exceptions import TrustUpdateError
from platform_cli.lambdas.project_trust import TrustMaintainer, assume_into_accounts, project_subjects
from platform_cli.local.moto_ext.iam_role_size_quotas import size
from platform_cli.provisioning.desired import DesiredRepo, desired_repos
from platform_cli.provisioning.request import parse_request
from tests.base_infrastructure import tf_policies
from tests.bootstrap import policy_eval
from tests.provisioning.factories import ACCOUNTS, request_data

OIDC = "token.actions.githubusercontent.com"
PROVIDER = "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
ASSUME = "sts:AssumeRoleWithWebIdentity"


def _base_trust(account: str) -> dict[str, Any]:
    """What base infrastructure writes (modules/deploy_targets, local.github_trust): no repository admitted."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoRepositoryUntilTheProvisioningAdmitsIt",
                "Effect": "Deny",
                "Principal": {"Federated": PROVIDER.format(account=account)},
                "Action": ASSUME,
                "Condition": {"StringNotEquals": {f"{OIDC}:aud": "sts.amazonaws.com"}},
            }
        ],
    }


class FakeIam:
    """One account's OIDC roles, with IAM's get/update shapes (the document comes back URL-encoded)."""

    def __init__(self, account: str, trust_quota: int | None = None) -> None:
        self.roles = {name: _base_trust(account) for name in ("mlops-github-deploy", "mlops-github-build")}
        self.trust_quota = trust_quota  # IAM's ACLSizePerRole, when enforced
        self.policies: dict[tuple[str, str], dict[str, Any]] = {}  # (role, inline policy name) -> document

    def get_role(self, RoleName: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        return {"Role": {"AssumeRolePolicyDocument": quote(json.dumps(self.roles[RoleName]))}}

    def update_assume_role_policy(self, RoleName: str, PolicyDocument: str) -> None:  # noqa: N803
        if self.trust_quota is not None and size(PolicyDocument) > self.trust_quota:
            raise _LimitExceededError(f"Cannot exceed quota for ACLSizePerRole: {self.trust_quota}")
        self.roles[RoleName] = json.loads(PolicyDocument)

    def get_role_policy(self, RoleName: str, PolicyName: str) -> dict[str, Any]:  # noqa: N803
        if (RoleName, PolicyName) not in self.policies:
            raise _NoSuchEntityError()
        return {"PolicyDocument": quote(json.dumps(self.policies[RoleName, PolicyName]))}

    def put_role_policy(self, RoleName: str, PolicyName: str, PolicyDocument: str) -> None:  # noqa: N803
        self.policies[RoleName, PolicyName] = json.loads(PolicyDocument)

    def delete_role_policy(self, RoleName: str, PolicyName: str) -> None:  # noqa: N803
        self.policies.pop((RoleName, PolicyName))


class _NoSuchEntityError(Exception):
    response = {"Error": {"Code": "NoSuchEntity"}}


class _LimitExceededError(Exception):
    response = {"Error": {"Code": "LimitExceeded"}}


@pytest.fixture
def accounts() -> dict[str, FakeIam]:
    return {account: FakeIam(account) for account in ACCOUNTS.values()}


def _maintainer(accounts: dict[str, FakeIam]) -> TrustMaintainer:
    return TrustMaintainer(accounts.__getitem__, sleep=lambda seconds: None)


def _repos(name: str, project_id: str, kind: TemplateKind = TemplateKind.BUILD_DEPLOY_REALTIME) -> list[DesiredRepo]:
    return desired_repos(parse_request(request_data(kind, project_name=name, project_id=project_id)))


def _may_assume(accounts: dict[str, FakeIam], env: str, role: str, repo: str, session: str | None = None) -> bool:
    """Whether a workflow of ``repo`` in ``env`` may assume ``role``, naming its session as the workflows do
    (role-session-name: the SAGEMAKER_PROJECT_ID in the repo's name) unless ``session`` is given."""
    trust = accounts[ACCOUNTS[env]].roles[role]
    if session is None:
        found = re.search(r"p-[a-z0-9]{12}", repo)
        session = found.group(0) if found else "github-actions"
    context = {
        f"{OIDC}:aud": "sts.amazonaws.com",
        f"{OIDC}:sub": f"repo:acme/{repo}:environment:{env}",
        "sts:RoleSessionName": session,
    }
    return policy_eval.is_allowed([trust], None, ASSUME, "*", context)


CHURN = ("churn", "p-abc123def456")
FRAUD = ("fraud", "p-fff000fff000")


def test_before_any_project_no_repository_may_assume_a_role(accounts: dict[str, FakeIam]) -> None:
    assert not _may_assume(accounts, "prod", "mlops-github-deploy", "churn-p-abc123def456-deploy")


def test_a_project_repository_assumes_the_role_of_its_environment(accounts: dict[str, FakeIam]) -> None:
    _maintainer(accounts).admit(CHURN[1], _repos(*CHURN))
    assert _may_assume(accounts, "prod", "mlops-github-deploy", "churn-p-abc123def456-deploy")
    assert _may_assume(accounts, "dev", "mlops-github-build", "churn-p-abc123def456-build")


def test_a_repository_the_platform_did_not_create_cannot_assume_any_role(accounts: dict[str, FakeIam]) -> None:
    _maintainer(accounts).admit(CHURN[1], _repos(*CHURN))
    for env, role in (
        ("prod", "mlops-github-deploy"),
        ("preprod", "mlops-github-deploy"),
        ("dev", "mlops-github-build"),
    ):
        for repo in ("x-p-123456789012-deploy", "x-p-123456789012-build", "churn-p-abc123def456-deploy2"):
            assert not _may_assume(accounts, env, role, repo), (env, role, repo)


def test_a_project_repository_cannot_use_another_environment_or_another_projects_statement(
    accounts: dict[str, FakeIam],
) -> None:
    maintainer = _maintainer(accounts)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    # The build repo has no prod environment: it never assumes the prod deploy role.
    assert not _may_assume(accounts, "prod", "mlops-github-deploy", "churn-p-abc123def456-build")
    # A second project's repos are admitted by their own statement; the first project's names only its repos.
    maintainer.admit(FRAUD[1], _repos(*FRAUD))
    statements = {s["Sid"]: s for s in accounts[ACCOUNTS["prod"]].roles["mlops-github-deploy"]["Statement"]}
    churn_subjects = statements["ProjectPabc123def456"]["Condition"]["StringEquals"][f"{OIDC}:sub"]
    assert churn_subjects == ["repo:acme/churn-p-abc123def456-deploy:environment:prod"]
    assert all("fraud" not in subject for subject in churn_subjects)
    assert "StringLike" not in json.dumps(statements)


def test_a_project_repository_may_assume_a_role_only_in_a_session_named_after_its_project(
    accounts: dict[str, FakeIam],
) -> None:
    """The session name is what the per-project grants key on (aws:userid): another project's must be refused."""
    maintainer = _maintainer(accounts)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    maintainer.admit(FRAUD[1], _repos(*FRAUD))
    build = "churn-p-abc123def456-build"
    assert _may_assume(accounts, "dev", "mlops-github-build", build, session=CHURN[1])
    assert not _may_assume(accounts, "dev", "mlops-github-build", build, session=FRAUD[1])
    assert not _may_assume(accounts, "dev", "mlops-github-build", build, session="model-build-123")


def test_the_build_role_gets_each_projects_bucket_grant_and_loses_it_on_delete(accounts: dict[str, FakeIam]) -> None:
    dev = accounts[ACCOUNTS["dev"]]
    maintainer = _maintainer(accounts)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    maintainer.admit(FRAUD[1], _repos(*FRAUD))
    churn = dev.policies["mlops-github-build", "ProjectPabc123def456"]
    assert {s["Condition"]["StringLike"]["aws:userid"] for s in churn["Statement"]} == {"*:p-abc123def456"}
    assert sorted(dev.policies) == [
        ("mlops-github-build", "ProjectPabc123def456"),
        ("mlops-github-build", "ProjectPfff000fff000"),
    ]
    assert not any(key[0] == "mlops-github-deploy" for a in accounts.values() for key in a.policies)
    maintainer.revoke(CHURN[1], _repos(*CHURN))
    assert sorted(dev.policies) == [("mlops-github-build", "ProjectPfff000fff000")]


def test_deleting_a_project_revokes_its_repositories_and_keeps_the_others(accounts: dict[str, FakeIam]) -> None:
    maintainer = _maintainer(accounts)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    maintainer.admit(FRAUD[1], _repos(*FRAUD))
    maintainer.revoke(CHURN[1], _repos(*CHURN))
    assert not _may_assume(accounts, "prod", "mlops-github-deploy", "churn-p-abc123def456-deploy")
    assert _may_assume(accounts, "prod", "mlops-github-deploy", "fraud-p-fff000fff000-deploy")


def test_admitting_twice_changes_nothing(accounts: dict[str, FakeIam]) -> None:
    maintainer = _maintainer(accounts)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    before = json.dumps(accounts[ACCOUNTS["prod"]].roles)
    maintainer.admit(CHURN[1], _repos(*CHURN))
    assert json.dumps(accounts[ACCOUNTS["prod"]].roles) == before


def test_every_role_a_project_repo_is_given_is_admitted_by_exact_subject() -> None:
    repos = _repos(*CHURN, kind=TemplateKind.PIPELINE_PROMOTION)
    given = {e.role_arn for r in repos for e in r.environments}
    roles = project_subjects(repos)
    assert set(roles) == given and "arn:aws:iam::333333333333:role/mlops-github-deploy" in roles
    assert all(s.startswith("repo:acme/churn-p-abc123def456-") and "*" not in s for v in roles.values() for s in v)


class _RecordingTrust(TrustMaintainer):
    def __init__(self) -> None:
        super().__init__(lambda account: None)
        self.calls: list[tuple[str, str]] = []

    def admit(self, project_id: str, repos: Any) -> list[str]:
        self.calls.append(("admit", project_id))
        return []

    def revoke(self, project_id: str, repos: Any) -> None:
        self.calls.append(("revoke", project_id))


def test_the_custom_resource_admits_on_create_and_revokes_on_delete() -> None:
    from tests.lambdas.conftest import event, properties
    from tests.lambdas.test_project_repos_state_machine import FakeReconciler, Harness

    harness = Harness(FakeReconciler())
    trust = _RecordingTrust()
    harness.resource.deps.trust = trust
    harness(event("Create"))
    harness(event("Delete", properties(), PhysicalResourceId="acme/churn-p-abc123def456"))
    assert [a["Status"] for a in harness.sent] == ["SUCCESS", "SUCCESS"]
    assert trust.calls == [("admit", "p-abc123def456"), ("revoke", "p-abc123def456")]


def test_an_account_without_its_trust_role_is_skipped_closed_and_named_in_one_line(
    accounts: dict[str, FakeIam],
) -> None:
    """preprod/prod not applied yet (their deploy waits for approval): the project launches, nothing there trusts it."""
    prod = ACCOUNTS["prod"]

    def reach(account: str) -> Any:
        if account == prod:
            raise PermissionError("AccessDenied")  # AssumeRole of a role that does not exist answers AccessDenied
        return accounts[account]

    skipped = TrustMaintainer(reach, sleep=lambda seconds: None).admit(CHURN[1], _repos(*CHURN))
    (line,) = skipped
    assert f"account {prod}" in line and "apply base-infrastructure in that account" in line and "\n" not in line
    assert accounts[prod].roles["mlops-github-deploy"] == _base_trust(prod)  # untouched: it admits no repository
    admitted = [a for a in ACCOUNTS.values() if a != prod]
    assert all("ProjectPabc123def456" in json.dumps(accounts[a].roles) for a in admitted)


def test_an_account_without_the_oidc_role_is_skipped_and_revoke_has_nothing_to_do(
    accounts: dict[str, FakeIam],
) -> None:
    prod = ACCOUNTS["prod"]
    del accounts[prod].roles["mlops-github-deploy"]

    class NoSuchEntityError(Exception):
        response = {"Error": {"Code": "NoSuchEntity"}}

    def get_role(RoleName: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        raise NoSuchEntityError()

    accounts[prod].get_role = get_role  # type: ignore[method-assign]
    maintainer = TrustMaintainer(accounts.__getitem__, sleep=lambda seconds: None)
    assert [f"account {prod}" in line for line in maintainer.admit(CHURN[1], _repos(*CHURN))] == [True]
    maintainer.revoke(CHURN[1], _repos(*CHURN))  # no error: no role there, so nothing there trusts the project
    NoSuchEntityError.response = {"Error": {"Code": "AccessDenied"}}  # a session of a role that is not there
    assert [f"account {prod}" in line for line in maintainer.admit(CHURN[1], _repos(*CHURN))] == [True]
    # …but a delete that cannot read a role that may still trust the project fails rather than pass over it.
    with pytest.raises(TrustUpdateError):
        maintainer.revoke(CHURN[1], _repos(*CHURN))


def test_a_trust_update_the_account_refuses_still_fails_in_one_line_naming_the_account(
    accounts: dict[str, FakeIam],
) -> None:
    def refuse(RoleName: str, PolicyDocument: str) -> None:  # noqa: N803 (boto3's names)
        raise PermissionError("AccessDenied")

    prod = ACCOUNTS["prod"]
    accounts[prod].update_assume_role_policy = refuse  # type: ignore[method-assign]
    with pytest.raises(TrustUpdateError) as raised:
        TrustMaintainer(accounts.__getitem__, sleep=lambda seconds: None).admit(CHURN[1], _repos(*CHURN))
    assert f"account {prod}" in str(raised.value) and "\n" not in str(raised.value)


def test_the_terraform_trust_names_no_repository_pattern() -> None:
    text = tf_policies.terraform_file("deploy_targets").read_text()
    trust = text.split("github_trust = {")[1].split("vpc_guard")[0]
    assert "StringLike" not in trust and "*" not in trust
    assert "NoRepositoryUntilTheProvisioningAdmitsIt" in trust and '"Deny"' in trust
    assert "ignore_changes = [assume_role_policy]" in text
    lambdas = tf_policies.terraform_file("project_lambdas").read_text()
    assert 'role/${var.name_prefix}-project-trust"' in lambdas  # the Lambda may assume what deploy_targets creates
    assert 'name        = "${var.name_prefix}-project-trust"' in text
    assert 'role/${var.name_prefix}-project-repos"' in text  # …and only that Lambda's role is trusted


@mock_aws
def test_the_lambda_reaches_each_account_through_its_project_trust_role() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    base = _base_trust("123456789012")
    iam.create_role(RoleName="mlops-github-deploy", AssumeRolePolicyDocument=json.dumps(base))
    iam.create_role(RoleName="mlops-project-trust", AssumeRolePolicyDocument=json.dumps(base))
    reach = assume_into_accounts(
        boto3.client("sts", region_name="us-east-1"),
        lambda keys: boto3.client("iam", region_name="us-east-1", **keys),
        "mlops-project-trust",
    )
    repo = _repos(*CHURN)[1]
    role = "arn:aws:iam::123456789012:role/mlops-github-deploy"
    shaped = [
        DesiredRepo(
            **{
                **repo.__dict__,
                "environments": tuple(type(e)(**{**e.__dict__, "role_arn": role}) for e in repo.environments),
            }
        )
    ]
    TrustMaintainer(reach, sleep=lambda seconds: None).admit(CHURN[1], shaped)
    document = iam.get_role(RoleName="mlops-github-deploy")["Role"]["AssumeRolePolicyDocument"]
    document = document if isinstance(document, dict) else json.loads(document)
    assert [s["Sid"] for s in document["Statement"]] == [
        "NoRepositoryUntilTheProvisioningAdmitsIt",
        "ProjectPabc123def456",
    ]


def _projects_admitted(quota: int) -> tuple[int, str]:
    """How many build + deploy projects one account's shared roles admit under a trust quota, and the error of the
    first one refused."""
    accounts = {account: FakeIam(account, trust_quota=quota) for account in ACCOUNTS.values()}
    maintainer = _maintainer(accounts)
    for number in range(1, 50):
        project_id = f"p-{number:012d}"
        try:
            maintainer.admit(project_id, _repos(f"model{number}", project_id))
        except TrustUpdateError as error:
            return number - 1, str(error)
    return 49, ""


def test_a_roles_default_trust_quota_admits_three_projects_and_refuses_the_fourth_in_one_line() -> None:
    admitted, refusal = _projects_admitted(2048)
    assert admitted == 3
    assert refusal.startswith("the trust of role mlops-github-")
    assert "cannot admit another project" in refusal and "2,048 characters (ACLSizePerRole)" in refusal
    assert "request the increase to 4,096" in refusal and "\n" not in refusal


def test_the_raised_trust_quota_admits_eight_projects_and_then_asks_only_for_deletions() -> None:
    admitted, refusal = _projects_admitted(4096)
    assert admitted == 8
    assert "4,096 characters" in refusal and "request the increase" not in refusal


def test_the_readme_states_how_many_projects_a_shared_role_admits() -> None:
    """The figure admins plan with (README, docs/first-hour.md) is the one the statements' size gives."""

    def prose(path: Path) -> str:
        return " ".join(path.read_text(encoding="utf-8").replace("**", "").split())

    readme = prose(Path(__file__).parents[2] / "README.md")
    guide = prose(Path(__file__).parents[2] / "docs" / "first-hour.md")
    default, raised = _projects_admitted(2048)[0], _projects_admitted(4096)[0]
    assert f"{default} projects an account at the default 2,048 characters, {raised} at 4,096" in readme
    words = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    assert f"{words[default]} projects an account" in guide and f"which holds {words[raised]}" in guide
    assert "Role trust policy length" in guide
