"""GitHub's plan rules for environments of private repositories, enforced by the forge for an org whose plan is
set through its admin API, and followed by provisioning: Team gets environments without required reviewers (said
in the custom resource's Data), Free fails with one line naming the plan before anything is created."""

from __future__ import annotations

import pytest
from github.GithubException import GithubException

from platform_cli.config import TemplateKind
from tests.fixtures.forge import ForgeEnv
from tests.lambdas.forge_harness import ForgeLambda
from tests.provisioning.conftest import ProvisioningOrg

PROJECT = "churn-p-abc123def456"


def test_the_org_shows_its_plan_to_its_owner(porg: ProvisioningOrg) -> None:
    porg.forge.admin.set_org_plan(porg.login, "team")
    assert porg.org.gh.get_organization(porg.login).plan.name == "team"


@pytest.mark.parametrize(
    ("plan", "reviewers", "allowed"),
    [("free", False, False), ("team", False, True), ("team", True, False), ("enterprise", True, True)],
)
def test_the_forge_applies_the_plan_to_private_repositories(
    forge: ForgeEnv, plan: str, reviewers: bool, allowed: bool
) -> None:
    org = forge.new_org()
    forge.admin.set_org_plan(org.login, plan)
    repo = org.gh.get_organization(org.login).create_repo(forge.unique("private"), private=True)
    team_id = org.gh.get_organization(org.login).get_team_by_slug(org.team).id
    reviewer_list = [{"type": "Team", "id": team_id}] if reviewers else []
    status, _, _ = repo._requester.requestJson(
        "PUT", f"{repo.url}/environments/prod", input={"reviewers": reviewer_list}
    )
    assert (status == 200) is allowed
    assert status in (200, 422)


def test_public_repositories_have_every_rule_on_every_plan(forge: ForgeEnv) -> None:
    org = forge.new_org()
    forge.admin.set_org_plan(org.login, "free")
    repo = org.gh.get_organization(org.login).create_repo(forge.unique("public"), private=False)
    team_id = org.gh.get_organization(org.login).get_team_by_slug(org.team).id
    status, _, _ = repo._requester.requestJson(
        "PUT", f"{repo.url}/environments/prod", input={"reviewers": [{"type": "Team", "id": team_id}]}
    )
    assert status == 200


def test_on_team_environments_are_configured_without_reviewers_and_the_data_says_so(porg: ProvisioningOrg) -> None:
    porg.forge.admin.set_org_plan(porg.login, "team")
    handler = ForgeLambda(porg)
    answer = handler("Create", handler.properties(TemplateKind.BUILD_DEPLOY_REALTIME))
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    deploy = porg.org.gh.get_repo(f"{porg.login}/{PROJECT}-deploy")
    environments = {env.name: env for env in deploy.get_environments()}
    assert set(environments) == {"dev", "preprod", "prod"}
    assert all(not env.raw_data["protection_rules"] or all(
        rule["type"] != "required_reviewers" for rule in env.raw_data["protection_rules"]
    ) for env in environments.values())  # fmt: skip
    skipped = answer["Data"]["Skipped"]
    assert f"{porg.login}/{PROJECT}-deploy: required reviewers of prod skipped" in skipped
    assert "team plan" in skipped


def test_on_free_the_launch_fails_with_one_line_naming_the_plan_and_creates_nothing(porg: ProvisioningOrg) -> None:
    porg.forge.admin.set_org_plan(porg.login, "free")
    handler = ForgeLambda(porg)
    answer = handler("Create", handler.properties(TemplateKind.BUILD_DEPLOY_REALTIME))
    assert answer["Status"] == "FAILED"
    assert "free plan" in answer["Reason"] and "GitHub Team or Enterprise" in answer["Reason"]
    assert "\n" not in answer["Reason"]
    with pytest.raises(GithubException):
        porg.org.gh.get_repo(f"{porg.login}/{PROJECT}-build")
