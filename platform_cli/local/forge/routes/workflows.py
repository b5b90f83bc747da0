"""Workflows read from ``.github/workflows/`` of the default branch; ``workflow_dispatch`` and
``repository_dispatch`` events, validated like GitHub does and recorded for tests (admin API)."""

from __future__ import annotations

import zlib
from typing import Any

import yaml
from werkzeug.wrappers import Response

from platform_cli.local.forge import gitrepo, shapes
from platform_cli.local.forge.api import Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.store import Record, now_iso

WORKFLOW_DIR = ".github/workflows"
MAX_INPUTS = 25
MAX_PAYLOAD_KEYS = 10


def workflow_id(repo: Record, path: str) -> int:
    return zlib.crc32(f"{repo['id']}:{path}".encode()) % 100_000_000 + 1


def _parse(content: bytes | None) -> dict[str, Any]:
    try:
        data = yaml.safe_load(content or b"") or {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _triggers(doc: dict[str, Any]) -> dict[str, Any]:
    keyed: dict[Any, Any] = doc
    on = keyed.get("on", keyed.get(True))  # YAML 1.1 reads a bare ``on`` key as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on if isinstance(on, dict) else {}


def _workflows(ctx: Ctx, repo: Record, ref: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    path = ctx.store.repo_path(repo)
    sha = gitrepo.resolve(path, ref or f"refs/heads/{repo['default_branch']}")
    if sha is None:
        return []
    files = gitrepo.files_in(str(path), sha, WORKFLOW_DIR)
    return sorted((name, _parse(content)) for name, content in files if name.endswith((".yml", ".yaml")))


def _workflow_json(ctx: Ctx, repo: Record, file_path: str, doc: dict[str, Any]) -> dict[str, Any]:
    ident = workflow_id(repo, file_path)
    base = f"{ctx.api}/repos/{repo['full_name']}"
    return {
        "id": ident,
        "node_id": shapes.node_id("Workflow", ident),
        "name": str(doc.get("name") or file_path),
        "path": file_path,
        "state": "active",
        "created_at": repo["created_at"],
        "updated_at": repo.get("pushed_at") or repo["created_at"],
        "url": f"{base}/actions/workflows/{ident}",
        "html_url": f"{ctx.web}/{repo['full_name']}/blob/{repo['default_branch']}/{file_path}",
        "badge_url": f"{ctx.web}/{repo['full_name']}/workflows/{doc.get('name') or file_path}/badge.svg",
    }


def _find(ctx: Ctx, repo: Record, ident: str) -> tuple[str, dict[str, Any]]:
    for file_path, doc in _workflows(ctx, repo):
        if ident in (str(workflow_id(repo, file_path)), file_path.rsplit("/", 1)[-1]):
            return file_path, doc
    raise not_found()


def list_workflows(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo)
    return ctx.paginate([_workflow_json(ctx, rec, p, d) for p, d in _workflows(ctx, rec)], "workflows")


def get_workflow(ctx: Ctx, owner: str, repo: str, ident: str) -> Response:
    rec = ctx.repo(owner, repo)
    return json_response(_workflow_json(ctx, rec, *_find(ctx, rec, ident)))


def _resolve_ref(ctx: Ctx, repo: Record, ref: str) -> tuple[str, str] | None:
    path = ctx.store.repo_path(repo)
    for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
        if candidate.startswith("refs/") and not candidate.startswith(gitrepo.HIDDEN_PREFIX):
            sha = gitrepo.resolve(path, candidate)
            if sha:
                return candidate, sha
    return None


def dispatch_workflow(ctx: Ctx, owner: str, repo: str, ident: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    file_path, _ = _find(ctx, rec, ident)
    body = ctx.body()
    ref, inputs = body.get("ref"), body.get("inputs") or {}
    if not isinstance(ref, str) or not ref:
        raise validation('Invalid request.\n\n"ref" wasn\'t supplied.')
    if not isinstance(inputs, dict):
        raise validation("Invalid request.\n\nFor 'properties/inputs', \"inputs\" is not an object.")
    resolved = _resolve_ref(ctx, rec, ref)
    if resolved is None:
        raise validation(f"No ref found for: {ref}")
    full_ref, sha = resolved
    doc = _parse(gitrepo.read_blob(ctx.store.repo_path(rec), sha, file_path))
    triggers = _triggers(doc)
    if "workflow_dispatch" not in triggers:
        raise validation("Workflow does not have 'workflow_dispatch' trigger")
    declared = (triggers.get("workflow_dispatch") or {}).get("inputs") or {}
    unexpected = sorted(set(inputs) - set(declared))
    if unexpected:
        raise validation(f"Unexpected inputs provided: {unexpected}")
    if len(inputs) > MAX_INPUTS:
        raise validation(f"you may only define up to {MAX_INPUTS} `inputs` for a `workflow_dispatch` event")
    for name, spec in declared.items():
        spec = spec or {}
        if spec.get("required") and "default" not in spec and name not in inputs:
            raise validation(f"Required input '{name}' not provided")
        if spec.get("type") == "choice" and name in inputs and inputs[name] not in (spec.get("options") or []):
            raise validation(f"Provided value '{inputs[name]}' for input '{name}' not in the list of allowed values")
    _record(
        ctx,
        rec,
        {
            "event": "workflow_dispatch",
            "workflow": file_path,
            "workflow_id": workflow_id(rec, file_path),
            "ref": full_ref,
            "sha": sha,
            "inputs": {k: v for k, v in inputs.items()},
        },
    )
    return no_content()


def repository_dispatch(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    body = ctx.body()
    event_type = body.get("event_type")
    payload = body.get("client_payload", {})
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        raise validation('Invalid request.\n\n"event_type" wasn\'t supplied.')
    if not isinstance(payload, dict) or len(payload) > MAX_PAYLOAD_KEYS:
        raise validation(
            f"Invalid request.\n\nclient_payload must be an object with at most {MAX_PAYLOAD_KEYS} top-level keys."
        )
    _record(ctx, rec, {"event": "repository_dispatch", "event_type": event_type, "client_payload": payload})
    return no_content()


def _record(ctx: Ctx, repo: Record, event: dict[str, Any]) -> None:
    actor = ctx.user["login"] if ctx.user else (f"installation:{ctx.token['installation_id']}" if ctx.token else None)
    ctx.store.data["dispatches"].append({"repo": repo["full_name"], "actor": actor, "at": now_iso(), **event})


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/actions/workflows", list_workflows)
    router.add("GET", "/repos/{owner}/{repo}/actions/workflows/{ident}", get_workflow)
    router.add("POST", "/repos/{owner}/{repo}/actions/workflows/{ident}/dispatches", dispatch_workflow)
    router.add("POST", "/repos/{owner}/{repo}/dispatches", repository_dispatch)
