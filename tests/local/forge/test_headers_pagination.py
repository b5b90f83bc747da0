"""GitHub's headers on every REST answer and its page-based pagination with ``Link``."""

from __future__ import annotations

import requests

from tests.fixtures.forge import ForgeEnv, ForgeOrg


def test_every_answer_carries_rate_limit_headers(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.get(
        f"{forge.api_url}/repos/{forge_org.template}", headers={"Authorization": f"token {forge_org.token}"}, timeout=5
    )
    for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used"):
        assert response.headers[header].isdigit()
    assert response.headers["X-RateLimit-Resource"] == "core"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_anonymous_budget_is_sixty(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.get(f"{forge.api_url}/repos/{forge_org.template}", timeout=5)
    assert response.headers["X-RateLimit-Limit"] == "60"


def test_unknown_route_is_githubs_404_body(forge: ForgeEnv) -> None:
    response = requests.get(f"{forge.api_url}/no/such/thing", timeout=5)
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert "documentation_url" in response.json()


def test_invalid_json_is_400(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.post(
        f"{forge.api_url}/repos/{forge_org.template}/actions/variables",
        data="{not json",
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Problems parsing JSON"


def test_lists_are_paged_with_link_headers(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    for index in range(5):
        repo.create_variable(f"V{index}", str(index))
    url = f"{forge.api_url}/repos/{forge_org.template}/actions/variables"
    headers = {"Authorization": f"token {forge_org.token}"}
    page2 = requests.get(url, params={"per_page": 2, "page": 2}, headers=headers, timeout=5)
    assert [v["name"] for v in page2.json()["variables"]] == ["V2", "V3"]
    assert page2.json()["total_count"] == 5
    links = page2.links
    assert links["next"]["url"] == f"{url}?per_page=2&page=3"
    assert links["last"]["url"] == f"{url}?per_page=2&page=3"
    assert links["prev"]["url"] == f"{url}?per_page=2&page=1"
    assert links["first"]["url"] == f"{url}?per_page=2&page=1"


def test_pygithub_follows_the_pages(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    for index in range(5):
        repo.create_variable(f"P{index}", str(index))
    paged = forge.github(forge_org.token, per_page=2).get_repo(forge_org.template)
    assert [v.name for v in paged.get_variables()] == ["P0", "P1", "P2", "P3", "P4"]


def test_single_page_has_no_link_header(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    response = requests.get(
        f"{forge.api_url}/orgs/{forge_org.login}/repos",
        headers={"Authorization": f"token {forge_org.token}"},
        timeout=5,
    )
    assert "Link" not in response.headers
    assert [r["name"] for r in response.json()] == ["model-build"]


def test_unchanged_resource_answers_304_to_a_conditional_request(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    repo = forge_org.gh.get_repo(forge_org.template)
    assert repo.update() is False  # If-None-Match with the ETag PyGithub kept: 304 Not Modified
    forge.github(forge_org.token).get_repo(forge_org.template).edit(description="changed elsewhere")
    assert repo.update() is True
    assert repo.description == "changed elsewhere"


def test_304_answers_do_not_spend_the_rate_limit(forge: ForgeEnv, forge_org: ForgeOrg) -> None:
    headers = {"Authorization": f"token {forge_org.token}"}
    url = f"{forge.api_url}/repos/{forge_org.template}"
    first = requests.get(url, headers=headers, timeout=5)
    again = requests.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]}, timeout=5)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["X-RateLimit-Used"] == first.headers["X-RateLimit-Used"]
