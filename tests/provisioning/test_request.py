from __future__ import annotations

import pytest

from platform_cli.config import TemplateKind
from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.provisioning.request import parse_request
from tests.provisioning.factories import request_data


def test_a_complete_request_is_accepted_and_names_its_physical_id() -> None:
    request = parse_request(request_data())
    assert request.physical_id == "acme/churn-p-abc123def456"
    assert request.delete_policy == "archive"
    assert request.templates_owner == "acme"


@pytest.mark.parametrize("name", ["churn", "Churn-Model", "a", "a--b", "x" * 32])
def test_sagemaker_project_names_are_accepted(name: str) -> None:
    assert parse_request(request_data(project_name=name)).project_name == name


@pytest.mark.parametrize("name", ["", "-churn", "churn-", "churn_model", "churn model", "x" * 33, "café"])
def test_invalid_project_names_are_refused_with_the_field_named(name: str) -> None:
    with pytest.raises(InvalidRequestError, match=r"^project request: project_name: .*SageMaker project name"):
        parse_request(request_data(project_name=name))


@pytest.mark.parametrize("project_id", ["p-abc", "abc123def456", "p-ABC123DEF456", "p-abc123def4567"])
def test_invalid_project_ids_are_refused(project_id: str) -> None:
    with pytest.raises(InvalidRequestError, match="project_id"):
        parse_request(request_data(project_id=project_id))


def test_a_missing_field_is_named() -> None:
    data = request_data()
    del data["artifact_bucket"]
    with pytest.raises(InvalidRequestError, match=r"^project request: artifact_bucket: required field is missing$"):
        parse_request(data)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(InvalidRequestError, match="colour: unknown field"):
        parse_request(request_data(colour="red"))


def test_a_template_needing_prod_refuses_a_request_without_it() -> None:
    data = request_data()
    del data["environments"]["prod"]
    with pytest.raises(InvalidRequestError, match="needs environments prod"):
        parse_request(data)


def test_single_account_training_needs_only_dev() -> None:
    data = request_data(TemplateKind.SINGLE_ACCOUNT_TRAINING)
    data["environments"] = {"dev": data["environments"]["dev"]}
    assert list(parse_request(data).environments) == ["dev"]


def test_extra_variables_cannot_override_contract_names() -> None:
    with pytest.raises(InvalidRequestError, match="'ARTIFACT_BUCKET' is set by the platform"):
        parse_request(request_data(extra_variables={"ARTIFACT_BUCKET": "x"}))


def test_invalid_secret_values_are_never_echoed() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        parse_request(request_data(extra_secrets={"API_KEY": 12345678}))
    assert "12345678" not in str(raised.value)


def test_secret_values_do_not_show_in_the_request_repr() -> None:
    request = parse_request(request_data(extra_secrets={"API_KEY": "canary-zzz-123"}))
    assert "canary-zzz-123" not in repr(request)
    assert "canary-zzz-123" not in str(request.model_dump())


def test_the_requesting_user_must_be_a_github_login() -> None:
    with pytest.raises(InvalidRequestError, match="requesting_user"):
        parse_request(request_data(requesting_user="not a login"))
