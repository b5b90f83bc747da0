"""`mlops config init|validate|show`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from platform_cli.config import load_config
from tests.fixtures.cli import Invoke


def test_init_writes_a_valid_file_with_the_given_values(mlops: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    result = mlops("-c", str(path), "config", "init", "--org", "bank-ml", "--region", "us-east-1", "--auth", "pat")
    assert result.exit_code == 0
    config = load_config(path)
    assert (config.github.org, config.aws.region, config.github.auth) == ("bank-ml", "us-east-1", "pat")
    assert config.github.app_id is None


def test_init_refuses_to_overwrite_without_force(mlops: Invoke, config_file: Path) -> None:
    before = config_file.read_text()
    result = mlops("-c", str(config_file), "config", "init", "--org", "other")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {config_file} already exists; pass --force to overwrite it"
    assert config_file.read_text() == before


def test_init_refuses_values_that_would_not_validate(mlops: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    result = mlops("-c", str(path), "config", "init", "--prod-account", "42")
    assert result.exit_code == 1
    assert "business_units.retail.prod: '42' is not a 12-digit AWS account id" in result.stderr
    assert not path.exists()


def test_validate_reports_a_valid_file(mlops: Invoke, real_config_file: Path) -> None:
    result = mlops("-c", str(real_config_file), "config", "validate")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{real_config_file}: valid"


def test_validate_lists_every_problem_and_exits_1(mlops: Invoke, config_file: Path) -> None:
    data = yaml.safe_load(config_file.read_text())
    data["aws"]["region"] = "mars"
    data["unexpected"] = True
    config_file.write_text(yaml.safe_dump(data))
    result = mlops("-c", str(config_file), "config", "validate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert any("aws.region: 'mars' is not an AWS region name" in line for line in lines)
    assert any("unexpected: unknown key" in line for line in lines)


def test_validate_as_json_is_machine_readable(mlops: Invoke, real_config_file: Path) -> None:
    result = mlops("-c", str(real_config_file), "--output", "json", "config", "validate")
    assert json.loads(result.stdout) == {"file": str(real_config_file), "valid": True, "problems": []}


def test_validate_of_a_missing_file_says_how_to_create_one(mlops: Invoke, tmp_path: Path) -> None:
    result = mlops("-c", str(tmp_path / "nope.yaml"), "config", "validate")
    assert result.exit_code == 1
    assert "create one with `mlops config init`" in result.stderr


def test_show_as_text_prints_yaml_with_defaults_filled_in(mlops: Invoke, config_file: Path) -> None:
    result = mlops("-c", str(config_file), "config", "show")
    assert result.exit_code == 0
    shown = yaml.safe_load(result.stdout)
    assert shown["github"]["org"] == "acme-ml"
    assert shown["github"]["repo_visibility"] == "private"


def test_show_as_json_matches_the_validated_model(mlops: Invoke, config_file: Path) -> None:
    result = mlops("-c", str(config_file), "-o", "json", "config", "show")
    assert json.loads(result.stdout) == load_config(config_file).model_dump(mode="json")


def test_validate_rejects_what_init_left_as_placeholders_one_line_per_field(mlops: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    assert mlops("-c", str(path), "config", "init", "--org", "bank-ml").exit_code == 0
    result = mlops("-c", str(path), "config", "validate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5
    assert lines[0].startswith(f"error: {path}: github.app_id: 123456 is the placeholder `mlops config init` wrote")
    assert lines[2].startswith(f"error: {path}: business_units.retail.dev: '111111111111' is the placeholder")


def test_init_names_the_placeholders_it_left(mlops: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    result = mlops("-c", str(path), "config", "init", "--auth", "pat", "--dev-account", "210987654321")
    assert result.exit_code == 0
    assert "placeholders to replace: business_units.retail.preprod, business_units.retail.prod" in result.stderr


def test_init_with_every_real_value_leaves_a_file_validate_accepts(mlops: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.yaml"
    values = ["--app-id", "905123", "--installation-id", "48123456", "--dev-account", "210987654321"]
    values += ["--preprod-account", "310987654321", "--prod-account", "410987654321"]
    assert mlops("-c", str(path), "config", "init", *values).exit_code == 0
    assert mlops("-c", str(path), "config", "validate").exit_code == 0


def test_validate_names_an_unknown_region_and_the_close_valid_ones(mlops: Invoke, real_config_file: Path) -> None:
    real_config_file.write_text(real_config_file.read_text().replace("region: eu-west-1", "region: eu-west-9"))
    result = mlops("-c", str(real_config_file), "config", "validate")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {real_config_file}: aws.region: 'eu-west-9' is not an AWS region name; "
        "did you mean eu-west-1, eu-west-2, eu-west-3?"
    )
