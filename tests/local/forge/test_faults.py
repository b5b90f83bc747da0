"""Fault and load injection: latency, GitHub's primary and secondary rate limits, 5xx, dropped connections and the
delay before a generated repository's content appears."""

from __future__ import annotations

import time

import pytest
import requests
from github import GithubException, RateLimitExceededException

from platform_cli.local.forge import Faults
from tests.fixtures.forge import ForgeEnv, ForgeOrg


def _get(forge: ForgeEnv, token: str, path: str = "/user") -> requests.Response:
    return requests.get(f"{forge.api_url}{path}", headers={"Authorization": f"token {token}"}, timeout=5)


def test_fixed_latency_delays_every_call(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    with forge.injecting(Faults(latency_ms=120)):
        started = time.perf_counter()
        assert _get(forge, forge_org.token).status_code == 200
        assert time.perf_counter() - started >= 0.12


def test_random_latency_stays_within_its_bounds(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    with forge.injecting(Faults(latency_ms=10, jitter_ms=40, seed=7)):
        for _ in range(3):
            started = time.perf_counter()
            _get(forge, forge_org.token)
            assert 0.01 <= time.perf_counter() - started < 0.5


def test_primary_rate_limit_answers_403_with_remaining_zero(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    user = forge.unique("limited")
    token = forge.admin.create_user(user)
    with forge.injecting(Faults(primary_limit=3)):
        statuses = [_get(forge, token) for _ in range(4)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 403]
        assert [r.headers["X-RateLimit-Remaining"] for r in statuses] == ["2", "1", "0", "0"]
        assert statuses[-1].json()["message"].startswith("API rate limit exceeded")
        assert statuses[-1].headers["X-RateLimit-Limit"] == "3"
        assert int(statuses[-1].headers["X-RateLimit-Reset"]) > time.time()


def test_pygithub_sees_the_primary_limit_as_rate_limit_exceeded(forge: ForgeEnv) -> None:
    token = forge.admin.create_user(forge.unique("limited"))
    gh = forge.github(token)
    with forge.injecting(Faults(primary_limit=1)):
        _ = gh.get_user().login
        with pytest.raises(RateLimitExceededException):
            _ = gh.get_user(forge.unique("x")).login


def test_rate_limit_endpoint_reports_the_budget_without_spending_it(forge: ForgeEnv) -> None:
    token = forge.admin.create_user(forge.unique("counted"))
    _get(forge, token)
    first = _get(forge, token, "/rate_limit").json()["resources"]["core"]
    second = _get(forge, token, "/rate_limit").json()["resources"]["core"]
    assert first == second
    assert (first["limit"], first["used"], first["remaining"]) == (5000, 1, 4999)


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_refuses_writes_beyond_the_rate_with_retry_after(
    forge: ForgeEnv, forge_org: ForgeOrg, status: int
) -> None:
    base = f"{forge.api_url}/repos/{forge_org.template}/actions/variables"
    headers = {"Authorization": f"token {forge_org.token}"}
    with forge.injecting(Faults(secondary_per_minute=2, secondary_status=status, secondary_retry_after_s=42)):
        answers = [
            requests.post(base, json={"name": f"V{i}", "value": "x"}, headers=headers, timeout=5) for i in range(3)
        ]
        assert [a.status_code for a in answers] == [201, 201, status]
        assert answers[-1].headers["Retry-After"] == "42"
        assert "secondary rate limit" in answers[-1].json()["message"]
        assert requests.get(base, headers=headers, timeout=5).status_code == 200  # reads are not content-creating


def test_default_secondary_limit_is_githubs_80_writes_a_minute() -> None:
    assert Faults().secondary_per_minute == 80


def test_error_rate_one_answers_every_call_with_the_status(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    with forge.injecting(Faults(error_rate=1.0, error_status=503)):
        response = _get(forge, forge_org.token)
    assert response.status_code == 503
    assert set(response.json()) >= {"message", "documentation_url"}


def test_seeded_errors_repeat_the_same_sequence(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    runs = []
    for _ in range(2):
        with forge.injecting(Faults(error_rate=0.5, seed=1234)):
            runs.append([_get(forge, forge_org.token).status_code for _ in range(12)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 502}


def test_dropped_connection_gets_no_answer(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    with forge.injecting(Faults(drop_rate=1.0)), pytest.raises(requests.ConnectionError):
        _get(forge, forge_org.token)
    assert _get(forge, forge_org.token).status_code == 200


def test_faults_can_target_path_prefixes(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    with forge.injecting(Faults(error_rate=1.0, paths=("/repos/",))):
        assert _get(forge, forge_org.token).status_code == 200
        assert _get(forge, forge_org.token, f"/repos/{forge_org.template}").status_code == 502


def test_faults_are_switched_at_runtime_through_the_admin_api(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    before = forge.admin.faults()
    try:
        forge.admin.set_faults(Faults(error_rate=1.0, error_status=500))
        assert _get(forge, forge_org.token).status_code == 500
    finally:
        forge.admin.set_faults(before)
    assert _get(forge, forge_org.token).status_code == 200


def test_generated_repo_branch_appears_only_after_the_delay(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    org = forge_org.gh.get_organization(forge_org.login)
    with forge.injecting(Faults(generation_delay_s=0.6)):
        created = org.create_repo_from_template("slow", forge_org.gh.get_repo(forge_org.template))
        with pytest.raises(GithubException) as raised:
            created.get_branch("main")
        assert raised.value.status == 404
        assert list(created.get_branches()) == []
        time.sleep(0.7)
        assert created.get_branch("main").commit.commit.message == "Initial commit"
