"""Conformance with api.github.com: every recorded exchange (``conformance/exchanges/``, derived by
``conformance/derive.py`` from real recordings) is replayed in order against a fresh forge org; the forge must answer
with the recorded status code and a body of the same shape (every recorded key present, compatible value types;
ids, URLs and timestamps are not compared)."""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import requests
from nacl import public

from tests.fixtures.forge import ForgeEnv

EXCHANGES = Path(__file__).parent / "conformance" / "exchanges"
WORKFLOWS = {
    ".github/workflows/check.yml": "name: check\non: [push, pull_request]\njobs: {}\n",
    ".github/workflows/manual_dispatch.yml": (
        "name: Manual dispatch test\non:\n  workflow_dispatch:\n    inputs:\n"
        "      logLevel:\n        required: true\n        default: warning\n"
        "      message:\n        required: false\njobs: {}\n"
    ),
    ".github/workflows/workflow-with-params.yaml": (
        "name: Release\non:\n  workflow_dispatch:\n    inputs:\n"
        "      mandatory-parameter:\n        required: true\njobs: {}\n"
    ),
}


def _scenarios() -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(EXCHANGES.glob("*.json")):
        exchange = json.loads(path.read_text())
        grouped[exchange["scenario"]].append(exchange)
    return {name: sorted(items, key=lambda e: e["index"]) for name, items in sorted(grouped.items())}


SCENARIOS = _scenarios()


class World:
    """A fresh org shaped like the recording accounts: a template repo with workflows, environments ``dev`` and
    ``test``, a secret, a team and a second member without repository access."""

    def __init__(self, forge: ForgeEnv, exchanges: list[dict[str, Any]]) -> None:
        self.forge = forge
        self.org = forge.unique("conf")
        self.owner, self.user = f"{self.org}-owner", f"{self.org}-user"
        self.token = forge.admin.create_user(self.owner, scopes=["repo", "admin:org", "workflow", "delete_repo"])
        forge.admin.create_user(self.user)
        forge.admin.create_org(self.org, owners=[self.owner], members=[self.user], default_repository_permission="none")
        team = forge.admin.create_team(self.org, "team-slug", members=[self.user])
        self.team, self.team_id = team["slug"], team["id"]
        self.repo = "PyGithub"
        full = forge.admin.create_repo(self.org, self.repo, is_template=True)
        forge.admin.commit_files(full, {"README.md": "# PyGithub\n", **WORKFLOWS})
        for branch in self._branches(exchanges):
            forge.admin.create_branch(full, branch)
        gh = forge.github(self.token)
        self.user_id = gh.get_user(self.user).id
        repo = gh.get_repo(full)
        for env in ("dev", "test"):
            repo.create_environment(env)
        if not any(e["method"] == "PUT" and "/secrets/" in e["path"] for e in exchanges):
            repo.create_secret("SECRET_NAME", "existing")  # scenarios that read or delete a secret they never set
        self.workflow_ids = {w.path.rsplit("/", 1)[-1]: w.id for w in repo.get_workflows()}

    @staticmethod
    def _branches(exchanges: list[dict[str, Any]]) -> set[str]:
        names = set()
        for exchange in exchanges:
            found = re.search(r"/branches/(.+?)(?:/protection)?$", exchange["path"])
            if found:
                names.add(found.group(1))
            ref = (exchange["body"] or {}).get("ref") if isinstance(exchange["body"], dict) else None
            if ref:
                names.add(ref)
        return names - {"main"}

    def path(self, template: str) -> str:
        values = {
            "owner": self.org,
            "repo": self.repo,
            "org": self.org,
            "user": self.user,
            "team": self.team,
            "team_id": str(self.team_id),
        }
        path = re.sub(r"\{workflow_id:([^}]+)\}", lambda m: str(self.workflow_ids[m.group(1)]), template)
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)

    def body(self, path: str, body: Any) -> Any:
        if not isinstance(body, dict):
            return body
        filled = json.loads(json.dumps(body).replace('"{user_id}"', str(self.user_id)).replace("{org}", self.org))
        if filled.get("encrypted_value") == "{sealed}":
            key = self.call("GET", path.rsplit("/", 1)[0] + "/public-key").json()
            sealed = public.SealedBox(public.PublicKey(base64.b64decode(key["key"]))).encrypt(b"conformance")
            filled.update({"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key["key_id"]})
        return filled

    def call(self, method: str, path: str, body: Any = None, etag: str | None = None) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        if etag:
            headers["If-None-Match"] = etag
        return requests.request(
            method, f"{self.forge.api_url}{path}", json=body, headers=headers, allow_redirects=False, timeout=10
        )


def mismatches(expected: Any, actual: Any, where: str = "body") -> list[str]:
    """Where ``actual`` lacks a recorded key or has an incompatible type (null is compatible with anything)."""
    if expected == "null" or actual is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {type(actual).__name__}"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{where}.{key}: missing")
            else:
                found += mismatches(value, actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected an array, got {type(actual).__name__}"]
        return mismatches(expected[0], actual[0], f"{where}[0]") if expected and actual else []
    kinds: dict[str, tuple[type, ...]] = {
        "object": (dict,),
        "array": (list,),
        "str": (str,),
        "bool": (bool,),
        "int": (int,),
        "number": (int, float),
    }
    if isinstance(actual, bool) and expected != "bool":
        return [f"{where}: expected {expected}, got bool"]
    if not isinstance(actual, kinds[expected]):
        return [f"{where}: expected {expected}, got {type(actual).__name__}"]
    return []


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_forge_answers_like_github(forge: ForgeEnv, scenario: str) -> None:
    exchanges = SCENARIOS[scenario]
    world = World(forge, exchanges)
    problems = []
    etags: dict[str, str] = {}  # the forge's ETag per path, for the scenario's conditional requests
    for exchange in exchanges:
        path = world.path(exchange["path"])
        etag = etags.get(path) if exchange.get("conditional") else None
        response = world.call(exchange["method"], path, world.body(path, exchange["body"]), etag)
        if "ETag" in response.headers:
            etags[path] = response.headers["ETag"]
        label = f"#{exchange['index']} {exchange['method']} {exchange['path']}"
        if response.status_code != exchange["status"]:
            problems.append(f"{label}: status {response.status_code} != {exchange['status']} ({response.text[:200]})")
            continue
        if exchange["shape"] is None:
            if response.content and response.status_code in (204, 304):
                problems.append(f"{label}: expected an empty body")
            continue
        problems += [f"{label}: {m}" for m in mismatches(exchange["shape"], response.json())]
    assert not problems, "\n".join(problems)


def test_every_recorded_scenario_is_replayed() -> None:
    assert len(SCENARIOS) >= 30
    assert sum(len(items) for items in SCENARIOS.values()) >= 100
    assert sum(1 for items in SCENARIOS.values() for e in items if e["status"] == 304) == 3
