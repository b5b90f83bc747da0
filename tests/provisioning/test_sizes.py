"""GitHub's 48 KB cap on Actions variables and secrets, refused up front by the provisioning and by the forge
like GitHub (issue 15, item 10)."""

from __future__ import annotations

import pytest
from github import GithubException

from platform_cli.provisioning.exceptions import InvalidRequestError
from platform_cli.provisioning.request import parse_request
from tests.fixtures.forge import ForgeOrg
from tests.provisioning.factories import request_data

ONE_MB = "x" * (1024 * 1024)


def test_a_variable_over_48_kb_is_refused_with_its_name_and_size() -> None:
    with pytest.raises(InvalidRequestError, match=r"'BIG' is 1024 KB; GitHub limits Actions variables and secrets"):
        parse_request(request_data(extra_variables={"BIG": ONE_MB}))


def test_a_secret_over_48_kb_is_refused_without_showing_its_value() -> None:
    canary = "CANARY" + "y" * (49 * 1024)
    with pytest.raises(InvalidRequestError) as raised:
        parse_request(request_data(extra_secrets={"BIG_SECRET": canary}))
    assert "'BIG_SECRET' is 49 KB" in str(raised.value)
    assert "CANARY" not in str(raised.value)


def test_a_variable_of_exactly_48_kb_is_accepted() -> None:
    assert parse_request(request_data(extra_variables={"FITS": "x" * 48 * 1024})).extra_variables["FITS"]


def test_the_forge_refuses_a_variable_over_48_kb_like_github(forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    with pytest.raises(GithubException) as raised:
        repo.create_variable("BIG", ONE_MB)
    assert raised.value.status == 422
    repo.create_variable("SMALL", "x" * 48 * 1024)
    assert repo.get_variable("SMALL").value == "x" * 48 * 1024
