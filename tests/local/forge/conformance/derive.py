"""Derive the forge's conformance fixtures from recorded api.github.com exchanges.

Usage: ``python tests/local/forge/conformance/derive.py [RECORDINGS_DIR]`` (default ``/work/shared/github-recordings``,
or ``$GITHUB_RECORDINGS``). Rewrites ``exchanges/*.json``: one small file per exchange, named
``<Scenario>__<nn>.json``, holding ``scenario``, ``index``, ``method``, ``path``, ``body``, ``status`` and ``shape``
(the recorded response body reduced to its keys and value types, arrays to their first item, three levels deep).

Names that belong to the recording accounts become placeholders the test fills from a fresh forge org:
``{owner}``/``{repo}`` (the repository), ``{org}``, ``{user}`` (another org member), ``{team}``, ``{team_id}``,
``{workflow_id:<file>}``; a sealed secret value becomes ``{sealed}``/``{key_id}``; a reviewer id ``{user_id}``.

Conditional requests (``If-None-Match``, answered ``304``) are marked ``conditional``: the test sends the ETag the
forge gave for the same path earlier in the scenario.

The recordings are PyGithub's test data (LGPL-3.0); only these derived shapes are kept in the project.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "exchanges"
DEFAULT_SOURCE = Path(os.environ.get("GITHUB_RECORDINGS", "/work/shared/github-recordings"))
MAX_DEPTH = 3
# Keys dropped from recorded repository bodies: ``parent``/``source`` exist only on forks (forge repos never are);
# ``master_branch`` is a 2012 field GitHub has since replaced with ``default_branch``.
FORK_ONLY = ("parent", "source")
OBSOLETE = ("master_branch",)


def parse(path: Path) -> list[dict[str, Any]]:
    """The exchanges of one recording file (the 10-line format described in its README)."""
    lines = path.read_text().split("\n")
    exchanges, i = [], 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        _scheme, method, _host, _port, target, headers, body, status, _resp_headers, resp_body = lines[i : i + 10]
        exchanges.append(
            {
                "method": method,
                "path": target,
                "conditional": "If-None-Match" in headers,
                "body": None if body == "None" else json.loads(body),
                "status": int(status),
                "response": json.loads(resp_body) if resp_body.strip() else None,
            }
        )
        i += 11
    return exchanges


def shape(value: Any, depth: int = 0) -> Any:
    """Keys and value types only: ``"str"``, ``"int"``, ``"number"``, ``"bool"``, ``"null"``, dicts, one-item lists."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return "object"
        return {key: shape(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            return "array"
        return [shape(value[0], depth + 1)] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "str"


def trim(body: Any) -> Any:
    """Drop fork-only and obsolete repository keys (see FORK_ONLY, OBSOLETE) at the top level of a body."""
    if isinstance(body, dict) and "full_name" in body:
        return {k: v for k, v in body.items() if k not in OBSOLETE and not (k in FORK_ONLY and body.get("fork"))}
    return body


def placeholders(path: str, workflow_files: dict[int, str]) -> str:
    path = re.sub(r"^/repos/[^/]+/[^/?]+", "/repos/{owner}/{repo}", path)
    path = re.sub(r"^/orgs/[^/]+", "/orgs/{org}", path)
    path = re.sub(r"^/users/[^/]+$", "/users/{user}", path)
    path = re.sub(r"^/teams/\d+", "/teams/{team_id}", path)
    path = re.sub(r"^(/orgs/\{org\}/teams/)[^/]+", r"\1{team}", path)
    path = re.sub(r"(/teams/\{team\}/repos/)[^/]+/[^/]+$", r"\1{owner}/{repo}", path)
    path = re.sub(r"(/collaborators/)[^/]+", r"\1{user}", path)

    def workflow(match: re.Match[str]) -> str:
        return f"/actions/workflows/{{workflow_id:{workflow_files[int(match.group(1))]}}}"

    return re.sub(r"/actions/workflows/(\d+)", workflow, path)


def body_placeholders(method: str, path: str, body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if "encrypted_value" in body:
        body.update({"encrypted_value": "{sealed}", "key_id": "{key_id}"})
    if path.endswith("/generate") and "owner" in body:
        body["owner"] = "{org}"
    if isinstance(body.get("reviewers"), list):
        body["reviewers"] = [{**r, "id": "{user_id}"} if r.get("type") == "User" else r for r in body["reviewers"]]
    return body


def derive(source: Path) -> list[dict[str, Any]]:
    fixtures = []
    for recording in sorted(source.glob("*.txt")):
        scenario = recording.stem
        workflow_files: dict[int, str] = {}
        for index, exchange in enumerate(parse(recording)):
            response = exchange["response"]
            if isinstance(response, dict) and str(response.get("path", "")).startswith(".github/workflows/"):
                workflow_files[int(response["id"])] = response["path"].rsplit("/", 1)[-1]
            path = placeholders(exchange["path"], workflow_files)
            fixtures.append(
                {
                    "scenario": scenario,
                    "index": index,
                    "method": exchange["method"],
                    "path": path,
                    "body": body_placeholders(exchange["method"], path, exchange["body"]),
                    "status": exchange["status"],
                    "conditional": exchange["conditional"],
                    "shape": None if response is None else shape(trim(response)),
                }
            )
    return fixtures


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_dir():
        print(f"no recordings at {source}; pass the directory or set GITHUB_RECORDINGS", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    fixtures = derive(source)
    for fixture in fixtures:
        name = f"{fixture['scenario']}__{fixture['index']:02d}.json"
        (OUT / name).write_text(json.dumps(fixture, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {len(fixtures)} exchanges to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
