"""platform.yaml: what a valid file gives, and the one-line error each kind of mistake produces."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_cli.config import (
    PLACEHOLDER_ACCOUNTS,
    TemplateKind,
    load_config,
    parse_config,
    placeholder_problems,
    validation_problems,
)
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.errors import ConfigError
from platform_cli.regions import known_regions

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def valid() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(render_config(EXAMPLE_VALUES))
    return data


def error_of(data: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    return str(raised.value)


def test_the_documented_example_in_the_repository_is_valid() -> None:
    config = load_config(REPO_ROOT / "platform.yaml")
    assert config.github.org == "acme-ml"
    assert config.business_unit("retail").prod == "333333333333"


def test_the_repository_example_is_what_config_init_writes() -> None:
    assert (REPO_ROOT / "platform.yaml").read_text() == render_config(EXAMPLE_VALUES)


def test_defaults_are_filled_in(valid: dict[str, Any]) -> None:
    del valid["templates"]
    del valid["naming_prefix"]
    config = parse_config(valid)
    assert config.naming_prefix == "mlops"
    assert config.templates.enabled == list(TemplateKind)
    assert config.github.repo_visibility == "private"


def test_an_account_id_that_is_not_twelve_digits_is_named_with_its_path(valid: dict[str, Any]) -> None:
    valid["business_units"]["retail"]["prod"] = "1234"
    assert error_of(valid) == "platform.yaml: business_units.retail.prod: '1234' is not a 12-digit AWS account id"


def test_an_unknown_key_is_an_error_that_lists_the_allowed_keys(valid: dict[str, Any]) -> None:
    valid["github"]["orgg"] = "typo"
    message = error_of(valid)
    assert message.startswith("platform.yaml: github.orgg: unknown key; allowed here: org, api_url")


def test_an_unknown_top_level_key_is_an_error(valid: dict[str, Any]) -> None:
    valid["regoin"] = "eu-west-1"
    assert error_of(valid).startswith("platform.yaml: regoin: unknown key; allowed here: naming_prefix")


def test_a_missing_required_key_is_named(valid: dict[str, Any]) -> None:
    del valid["teams"]["reviewers"]
    assert error_of(valid) == "platform.yaml: teams.reviewers: required key is missing"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("github", "org"), "-acme", "github.org: '-acme' is not a valid GitHub organisation or user name"),
        (("github", "auth"), "password", "github.auth: Input should be 'pat' or 'app'"),
        (("github", "api_url"), "not a url", "github.api_url: 'not a url' is not an http(s) URL"),
        (("aws", "region"), "europe", "aws.region: 'europe' is not an AWS region name such as eu-west-1"),
        (("teams", "reviewers"), "ML Reviewers", "teams.reviewers: 'ML Reviewers' is not a valid GitHub team slug"),
        (("naming_prefix",), "MLOps", "naming_prefix: 'MLOps' is not a valid prefix"),
        (("templates", "enabled"), ["model-magic"], "templates.enabled: unknown template 'model-magic'"),
    ],
)
def test_each_kind_of_bad_value_is_named_with_its_path(
    valid: dict[str, Any], path: tuple[str, ...], value: Any, expected: str
) -> None:
    target = valid
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert error_of(valid).startswith(f"platform.yaml: {expected}")


def test_app_auth_requires_the_app_and_installation_ids(valid: dict[str, Any]) -> None:
    del valid["github"]["installation_id"]
    assert error_of(valid) == "platform.yaml: github: auth 'app' needs installation_id (or set auth: pat)"


def test_pat_auth_needs_no_app_ids(valid: dict[str, Any]) -> None:
    valid["github"] = {"org": "acme-ml", "auth": "pat"}
    assert parse_config(valid).github.auth == "pat"


def test_the_three_accounts_of_a_business_unit_must_differ(valid: dict[str, Any]) -> None:
    valid["business_units"]["retail"]["prod"] = valid["business_units"]["retail"]["dev"]
    assert "dev, preprod and prod must be three different accounts" in error_of(valid)


def test_an_unknown_business_unit_lookup_names_the_known_ones(valid: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=r"unknown business unit 'bank'; platform\.yaml defines: retail"):
        parse_config(valid).business_unit("bank")


def test_several_problems_are_counted_in_the_one_line_error(valid: dict[str, Any]) -> None:
    broken = copy.deepcopy(valid)
    broken["aws"]["region"] = "nowhere"
    broken["business_units"]["retail"]["dev"] = "12"
    message = error_of(broken)
    assert "\n" not in message
    assert message.endswith("(and 1 more problem; run `mlops config validate`)")


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "platform.yaml")
    assert str(raised.value) == (
        f"{tmp_path / 'platform.yaml'}: no such file; create one with `mlops config init` (or pass --config PATH)"
    )


def test_a_file_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    path.write_text("github:\n  org: [unclosed\n")
    with pytest.raises(ConfigError, match=r"platform.yaml: line \d+: "):
        load_config(path)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    path.write_text("- just\n- a list\n")
    assert validation_problems(path) == [f"{path}: (top level): expected a mapping of keys, got list"]


def test_validation_problems_lists_every_problem(tmp_path: Path, valid: dict[str, Any]) -> None:
    valid["aws"]["region"] = "nowhere"
    valid["business_units"]["retail"]["dev"] = "12"
    path = tmp_path / "platform.yaml"
    path.write_text(yaml.safe_dump(valid))
    assert validation_problems(path) == [
        f"{path}: aws.region: 'nowhere' is not an AWS region name such as eu-west-1 or us-east-1",
        f"{path}: business_units.retail.dev: '12' is not a 12-digit AWS account id",
    ]


def test_an_api_url_over_plain_http_is_refused_outside_a_local_forge(valid: dict[str, Any]) -> None:
    valid["github"]["api_url"] = "http://github.example.com/api/v3"
    assert error_of(valid) == (
        "platform.yaml: github.api_url: 'http://github.example.com/api/v3' must use https "
        "(plain http only for a local forge on 127.0.0.1)"
    )
    valid["github"]["api_url"] = "http://127.0.0.1:8080/api/v3"
    assert parse_config(valid).github.api_url == "http://127.0.0.1:8080/api/v3"


def test_an_api_url_with_embedded_credentials_is_refused_without_echoing_them(valid: dict[str, Any]) -> None:
    canary = "ghp_CANARYcanaryCANARY0123456789"
    valid["github"]["api_url"] = f"https://x-access-token:{canary}@github.example.com/api/v3"
    message = error_of(valid)
    assert message == (
        "platform.yaml: github.api_url: must not embed credentials (user:password@); "
        "store them with `mlops github set-credentials`"
    )
    assert canary not in message


def test_an_account_in_two_business_units_is_refused(valid: dict[str, Any]) -> None:
    units = valid["business_units"]
    first = next(iter(units.values()))
    units["zz-other"] = {"dev": "999999999991", "preprod": "999999999992", "prod": first["prod"]}
    name = next(iter(units))
    assert error_of(valid) == (
        f"platform.yaml: (top level): account {first['prod']} is in business units {name} and zz-other; "
        "each account belongs to one business unit"
    )


# --- issue 18: regions from botocore's data, account ids as strings, placeholders of `config init` -------------


def test_a_region_missing_from_botocores_region_list_is_refused_with_close_valid_names(valid: dict[str, Any]) -> None:
    valid["aws"]["region"] = "eu-west-9"
    assert error_of(valid) == (
        "platform.yaml: aws.region: 'eu-west-9' is not an AWS region name; "
        "did you mean eu-west-1, eu-west-2, eu-west-3?"
    )


@pytest.mark.parametrize("region", ["us-gov-west-1", "cn-north-1", "ap-southeast-5", "il-central-1"])
def test_regions_of_every_partition_botocore_ships_are_accepted(valid: dict[str, Any], region: str) -> None:
    valid["aws"]["region"] = region
    assert parse_config(valid).aws.region == region


def test_the_region_list_comes_from_botocores_partition_data() -> None:
    from botocore.loaders import create_loader

    shipped = set(create_loader().load_data("partitions")["partitions"][0]["regions"])
    assert {region for region in shipped if not region.endswith("-global")} <= set(known_regions())
    assert "aws-global" not in known_regions()


def test_an_unquoted_account_id_is_told_to_be_quoted(tmp_path: Path) -> None:
    text = render_config(EXAMPLE_VALUES).replace('dev: "111111111111"', "dev: 111111111111")
    path = tmp_path / "platform.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == (
        f"{path}: business_units.retail.dev: 12-digit account id must be a quoted string, e.g. '111111111111'"
    )


def test_placeholders_left_by_config_init_are_problems_naming_each_field(tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    path.write_text(render_config(EXAMPLE_VALUES))
    problems = validation_problems(path)
    fields = [problem.split(": ")[1] for problem in problems]
    assert fields == [
        "github.app_id",
        "github.installation_id",
        "business_units.retail.dev",
        "business_units.retail.preprod",
        "business_units.retail.prod",
    ]
    assert problems[0] == (
        f"{path}: github.app_id: 123456 is the placeholder `mlops config init` wrote; set your GitHub App's app id "
        "(the App's settings page), or use auth: pat"
    )
    assert all("\n" not in problem for problem in problems)


def test_placeholder_accounts_are_the_local_rehearsals_accounts_and_accepted_there(valid: dict[str, Any]) -> None:
    from platform_cli.local.aws.accounts import ACCOUNTS

    assert dict(ACCOUNTS) == PLACEHOLDER_ACCOUNTS  # config init's placeholders are what local AWS serves
    valid["github"]["api_url"] = "http://127.0.0.1:8123/api/v3"
    assert placeholder_problems(parse_config(valid)) == []
