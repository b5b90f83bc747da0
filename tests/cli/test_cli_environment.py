"""What `mlops local env` sets is all the CLI needs: the GitHub token from MLOPS_GITHUB_TOKEN_FILE, the GitHub API
from MLOPS_GITHUB_API_URL in place of platform.yaml's github.api_url; a wrong value is one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_cli.cli.context import API_URL_ENV, with_environment
from platform_cli.cli.github_access import TOKEN_ENV, TOKEN_FILE_ENV, credentials
from platform_cli.config import parse_config
from platform_cli.errors import PlatformError

CONFIG = parse_config(
    {
        "github": {"org": "acme", "auth": "pat"},
        "aws": {"region": "eu-west-1"},
        "business_units": {"retail": {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}},
        "teams": {"reviewers": "ml-reviewers", "maintainers": "ml-platform"},
    }
)


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (TOKEN_ENV, TOKEN_FILE_ENV, "MLOPS_GITHUB_APP_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_the_token_file_gives_the_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "ghp_" + "local123"  # built at run time: no token-shaped literal in the repository
    (tmp_path / "t").write_text(token + "\n")
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "t"))
    creds, _, source = credentials(CONFIG)
    assert creds.token is not None and creds.token.reveal() == token
    assert source == f"env:{TOKEN_ENV}"


def test_a_token_in_the_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t").write_text("from-file")
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "t"))
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    creds, _, _ = credentials(CONFIG)
    assert creds.token is not None and creds.token.reveal() == "from-env"


def test_a_missing_token_file_is_one_line_naming_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "gone"))
    with pytest.raises(PlatformError) as caught:
        credentials(CONFIG)
    assert str(caught.value).startswith(f"{TOKEN_FILE_ENV}={tmp_path / 'gone'}: No such file or directory;")
    assert "\n" not in str(caught.value)


def test_an_empty_token_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t").write_text("  \n")
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "t"))
    with pytest.raises(PlatformError, match="is empty; put a GitHub token in it"):
        credentials(CONFIG)


def test_the_api_url_variable_replaces_the_files_api_url() -> None:
    config = with_environment(CONFIG, {API_URL_ENV: "http://127.0.0.1:6000/api/v3"})
    assert config.github.api_url == "http://127.0.0.1:6000/api/v3"
    assert config.github.org == "acme" and config.aws == CONFIG.aws


def test_without_the_variable_the_config_is_unchanged() -> None:
    assert with_environment(CONFIG, {}) is CONFIG


def test_an_api_url_the_file_would_refuse_is_refused_naming_the_variable() -> None:
    with pytest.raises(PlatformError) as caught:
        with_environment(CONFIG, {API_URL_ENV: "http://github.example.com/api/v3"})
    assert str(caught.value).startswith(f"{API_URL_ENV}=http://github.example.com/api/v3: ")
    assert "must use https" in str(caught.value)
    assert str(caught.value).endswith(f"fix it or unset {API_URL_ENV}")


def test_the_environment_token_names_the_variable_it_came_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from platform_cli.cli.github_access import environment_token

    assert environment_token() is None
    (tmp_path / "t").write_text("from-file\n")
    monkeypatch.setenv(TOKEN_FILE_ENV, str(tmp_path / "t"))
    assert environment_token() == (TOKEN_FILE_ENV, "from-file")
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert environment_token() == (TOKEN_ENV, "from-env")
