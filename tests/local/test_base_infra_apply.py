"""base_infra_apply: the one way base-infrastructure is applied into local AWS (``mlops local apply``, the demo,
the first-hour test). Its happy path, Terraform included, runs in tests/docs/test_first_hour.py and
tests/cli/test_walkthrough.py; here the checks it makes before any Terraform runs, and its seams."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from platform_cli.config import parse_config
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.local import base_infra_apply
from platform_cli.local.aws import LocalAws
from platform_cli.local.base_infra import TERRAFORM_SRC


class NoTokens:
    def id_token(self, repository: str, *, environment: str | None = None) -> str:
        raise AssertionError("no token is minted before every account is found bootstrapped")


def setup_for(local_aws: LocalAws, **values: object) -> base_infra_apply.LocalApply:
    config = parse_config(yaml.safe_load(render_config({**EXAMPLE_VALUES, **values})))
    return base_infra_apply.LocalApply(
        config, Path("platform.yaml"), local_aws.info(), NoTokens(), Path("unused"), Path("unused.zip")
    )


def test_an_account_local_aws_does_not_have_is_one_line_naming_platform_yaml(local_aws: LocalAws) -> None:
    setup = setup_for(local_aws, dev_account="999999999999")
    with pytest.raises(base_infra_apply.ApplyError) as error:
        base_infra_apply.bootstrapped(setup, ["dev"])
    assert str(error.value).startswith(
        "platform.yaml's dev account 999999999999 is not an account of local AWS (dev 111111111111"
    )


def test_an_account_without_its_bootstrap_stack_names_mlops_bootstrap_for_it(local_aws: LocalAws) -> None:
    setup = setup_for(local_aws, naming_prefix="nobootstrap")
    with pytest.raises(base_infra_apply.ApplyError, match=r"the prod account \(333333333333\) is not bootstrapped"):
        base_infra_apply.bootstrapped(setup, ["prod"])


def test_the_studio_people_are_the_keys_of_base_infrastructures_studio_user_profiles() -> None:
    """Producer (the local apply's people) and consumer (the Terraform variable's object type) held together."""
    variables = (TERRAFORM_SRC / "variables.tf").read_text(encoding="utf-8")
    block = variables[variables.index('variable "studio_user_profiles"') :].split("description", 1)[0]
    keys = set(re.findall(r"^\s+(\w+)\s+= list\(string\)", block, re.MULTILINE))
    assert set(base_infra_apply.studio_people("ada", "grace")) == keys == {"lead_data_scientists", "data_scientists"}


def test_terraform_reads_the_forge_as_github_when_platform_yaml_names_github_com(tmp_path: Path) -> None:
    """The Lambdas Terraform configures call GitHub at platform.yaml's api_url: locally that is the forge (a
    launch failed reaching api.github.com when the file still named it)."""
    written = tmp_path / "platform.yaml"
    written.write_text(render_config({**EXAMPLE_VALUES, "api_url": "https://api.github.com"}), encoding="utf-8")

    used = base_infra_apply.platform_yaml_for_forge(written, "http://127.0.0.1:4567/api/v3", tmp_path / "terraform")

    data = yaml.safe_load(used.read_text(encoding="utf-8"))
    assert data["github"]["api_url"] == "http://127.0.0.1:4567/api/v3"
    original = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert {**data, "github": original["github"]} == original  # nothing else changed


def test_a_platform_yaml_that_names_the_forge_is_given_to_terraform_as_it_is(tmp_path: Path) -> None:
    written = tmp_path / "platform.yaml"
    written.write_text(render_config({**EXAMPLE_VALUES, "api_url": "http://127.0.0.1:4567/api/v3"}), encoding="utf-8")

    assert base_infra_apply.platform_yaml_for_forge(written, "http://127.0.0.1:4567/api/v3", tmp_path) == written
