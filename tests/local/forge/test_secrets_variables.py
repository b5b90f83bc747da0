"""Actions secrets (sealed with the forge's keys, readable in clear only through the admin API) and variables of
organisations, repositories and environments."""

from __future__ import annotations

import base64

import pytest
import requests
from github import GithubException
from nacl import public

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_repo_secret_is_decrypted_by_the_forge(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_secret("DEPLOY_TOKEN", "t0p-s3cret", secret_type="actions")
    assert forge_org.admin.secrets(repo.full_name) == {"DEPLOY_TOKEN": "t0p-s3cret"}


def test_secrets_are_listed_by_name_without_values(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_secret("ONE", "1")
    repo.create_secret("TWO", "2")
    assert [s.name for s in repo.get_secrets()] == ["ONE", "TWO"]
    assert repo.get_secret("ONE").name == "ONE"
    raw = requests.get(
        f"{forge.api_url}/repos/{forge_org.template}/actions/secrets",
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    ).json()
    assert raw["total_count"] == 2
    assert all(set(item) == {"name", "created_at", "updated_at"} for item in raw["secrets"])


def test_secret_put_answers_201_then_204(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    key = repo.get_public_key()
    sealed = public.SealedBox(public.PublicKey(base64.b64decode(key.key))).encrypt(b"v")
    body = {"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key.key_id}
    url = f"{repo.url}/actions/secrets/NEW"
    assert repo.requester.requestJson("PUT", url, input=body)[0] == 201
    assert repo.requester.requestJson("PUT", url, input=body)[0] == 204


def test_secret_sealed_for_another_key_is_refused(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    foreign = public.SealedBox(public.PrivateKey.generate().public_key).encrypt(b"v")
    body = {"encrypted_value": base64.b64encode(foreign).decode(), "key_id": repo.get_public_key().key_id}
    with pytest.raises(GithubException) as raised:
        repo.requester.requestJsonAndCheck("PUT", f"{repo.url}/actions/secrets/BAD", input=body)
    assert raised.value.status == 422
    assert forge_org.admin.secrets(repo.full_name) == {}


def test_deleted_secret_is_gone(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_secret("TEMP", "x")
    assert repo.delete_secret("TEMP") is True
    with pytest.raises(GithubException) as raised:
        repo.get_secret("TEMP")
    assert raised.value.status == 404


def test_environment_secret_is_decrypted_with_the_environment_key(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    env = repo.create_environment("prod")
    env.create_secret("PROD_ONLY", "p-value")
    assert forge_org.admin.secrets(repo.full_name, "prod") == {"PROD_ONLY": "p-value"}
    assert forge_org.admin.secrets(repo.full_name) == {}
    assert [s.name for s in env.get_secrets()] == ["PROD_ONLY"]


def test_repo_and_environment_public_keys_differ(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    env = repo.create_environment("dev")
    assert repo.get_public_key().key != env.get_public_key().key


def test_repo_variable_is_created_updated_listed_and_deleted(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_variable("SAGEMAKER_PROJECT_NAME", "churn")
    variable = repo.get_variable("SAGEMAKER_PROJECT_NAME")
    assert variable.value == "churn"
    assert variable.edit("churn-2") is True
    assert [(v.name, v.value) for v in repo.get_variables()] == [("SAGEMAKER_PROJECT_NAME", "churn-2")]
    assert repo.delete_variable("SAGEMAKER_PROJECT_NAME") is True
    assert list(repo.get_variables()) == []


def test_creating_an_existing_variable_is_409(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    repo.create_variable("ARTIFACT_BUCKET", "b1")
    with pytest.raises(GithubException) as raised:
        repo.create_variable("ARTIFACT_BUCKET", "b2")
    assert raised.value.status == 409
    assert repo.get_variable("ARTIFACT_BUCKET").value == "b1"


def test_org_variable_keeps_its_visibility(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    org.create_variable("MLOPS_AWS_REGION", "eu-west-1", visibility="private")
    variable = org.get_variable("MLOPS_AWS_REGION")
    assert (variable.value, variable.raw_data["visibility"]) == ("eu-west-1", "private")


def test_org_variable_update_changes_value(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    org.create_variable("MLOPS_NAMING_PREFIX", "mlops")
    org.get_variable("MLOPS_NAMING_PREFIX").edit("acme")
    assert org.get_variable("MLOPS_NAMING_PREFIX").value == "acme"


def test_environment_variables_are_scoped_to_their_environment(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    dev, prod = repo.create_environment("dev"), repo.create_environment("prod")
    dev.create_variable("AWS_ACCOUNT_ID", "111111111111")
    prod.create_variable("AWS_ACCOUNT_ID", "333333333333")
    assert [(v.name, v.value) for v in dev.get_variables()] == [("AWS_ACCOUNT_ID", "111111111111")]
    assert [(v.name, v.value) for v in prod.get_variables()] == [("AWS_ACCOUNT_ID", "333333333333")]
    with pytest.raises(GithubException) as raised:
        prod.create_variable("AWS_ACCOUNT_ID", "again")
    assert raised.value.status == 409


def test_variables_of_a_missing_environment_are_404(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    with pytest.raises(GithubException) as raised:
        repo.requester.requestJsonAndCheck("GET", f"{repo.url}/environments/nope/variables")
    assert raised.value.status == 404


def test_org_secret_is_decrypted_and_listed_with_its_visibility(forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    org.create_secret("ORG_WIDE", "shared-value", visibility="private")
    assert forge_org.admin.org_secrets(forge_org.login) == {"ORG_WIDE": "shared-value"}
    [secret] = list(org.get_secrets())
    assert (secret.name, secret.visibility) == ("ORG_WIDE", "private")
    org.get_secret("ORG_WIDE").delete()  # list items carry no url on GitHub either
    assert list(org.get_secrets()) == []


def test_member_cannot_set_org_secrets(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    org = forge.github(forge_org.member_token).get_organization(forge_org.login)
    with pytest.raises(GithubException) as raised:
        org.create_secret("NOPE", "x")
    assert raised.value.status == 403
