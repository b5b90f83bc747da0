"""Who gets access to a project's repositories: only organisation members, and no admin past a review (issue 15,
items 5 and 10)."""

from __future__ import annotations

import pytest

from platform_cli.config import TemplateKind
from platform_cli.provisioning.exceptions import InvalidRequestError
from tests.provisioning.conftest import ProvisioningOrg


def _project_repos(porg: ProvisioningOrg) -> list[str]:
    return [r.name for r in porg.org.gh.get_organization(porg.login).get_repos() if "-p-" in r.name]


def test_a_requester_outside_the_organisation_is_refused_before_anything_is_created(porg: ProvisioningOrg) -> None:
    outsider = porg.forge.unique("outsider")
    porg.forge.admin.create_user(outsider)
    with pytest.raises(InvalidRequestError) as raised:
        porg.reconciler().apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING, requesting_user=outsider))
    assert str(raised.value) == (
        f"GitHub user {outsider!r} is not a member of organisation {porg.login}; "
        "only organisation members can be given access to project repositories"
    )
    assert _project_repos(porg) == []


def test_a_member_requester_is_given_write_access(porg: ProvisioningOrg) -> None:
    result = porg.reconciler().apply(porg.desired(TemplateKind.SINGLE_ACCOUNT_TRAINING))
    repo = porg.org.gh.get_repo(result.repos[0].full_name)
    invited = {i.invitee.login for i in repo.get_pending_invitations() if i.invitee}
    assert porg.org.member in invited or repo.get_collaborator_permission(porg.org.member) == "write"


def test_the_forge_answers_membership_checks_like_github(porg: ProvisioningOrg) -> None:
    org = porg.org.gh.get_organization(porg.login)
    outsider = porg.forge.unique("outsider")
    porg.forge.admin.create_user(outsider)
    assert org.has_in_members(porg.org.gh.get_user(porg.org.member))
    assert not org.has_in_members(porg.org.gh.get_user(outsider))


def test_reviewed_environments_bind_admins_too(porg: ProvisioningOrg) -> None:
    result = porg.reconciler().apply(porg.desired(TemplateKind.BUILD_DEPLOY_REALTIME))
    deploy = next(r for r in result.repos if r.part == "deploy")
    repo = porg.org.gh.get_repo(deploy.full_name)
    bypass = {env.name: env.raw_data.get("can_admins_bypass") for env in repo.get_environments()}
    assert bypass == {"dev": True, "preprod": False, "prod": False}


def test_an_environment_whose_admin_bypass_was_reenabled_is_corrected(porg: ProvisioningOrg) -> None:
    desired = porg.desired(TemplateKind.BUILD_DEPLOY_REALTIME)
    porg.reconciler().apply(desired)
    deploy = next(r for r in desired if r.part == "deploy")
    repo = porg.org.gh.get_repo(deploy.full_name)
    repo.requester.requestJsonAndCheck("PUT", f"{repo.url}/environments/prod", input={"can_admins_bypass": True})
    result = porg.reconciler().apply(desired)
    assert f"{deploy.full_name}: environment prod" in result.changes
    assert repo.get_environment("prod").raw_data.get("can_admins_bypass") is False
