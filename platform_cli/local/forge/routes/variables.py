"""Actions variables of organisations (with visibility), repositories and environments.

POST creates (409 when the name exists), PATCH updates, GET reads or lists, DELETE removes — GitHub's semantics.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, validation
from platform_cli.local.forge.store import Record, now_iso

# GitHub documents [A-Za-z0-9_] but accepts hyphens too (recorded: POST of "variable-name" → 201).
VARIABLE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
VISIBILITIES = ("all", "private", "selected")


def _holder(ctx: Ctx, owner: str | None, repo: str | None, env: str | None, org: str | None, write: bool) -> Record:
    if org is not None:
        ctx.need_scope("admin:org") if write else ctx.need_scope("admin:org", "read:org", "repo")
        rec = ctx.org(org)
        if not ctx.is_org_admin(rec):
            raise ApiError(403, "You must be an org admin to manage organization variables.")
        return rec
    assert owner is not None and repo is not None
    rec = ctx.repo(owner, repo, "admin")
    if env is None:
        return rec
    from platform_cli.local.forge.routes.environments import find_environment

    return find_environment(ctx, rec, env)


def _variable_json(ctx: Ctx, holder: Record, name: str, var: Record, is_org: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "value": var["value"],
        "created_at": var["created_at"],
        "updated_at": var["updated_at"],
    }
    if is_org:
        body["visibility"] = var["visibility"]
        if var["visibility"] == "selected":
            body["selected_repositories_url"] = (
                f"{ctx.api}/orgs/{holder['login']}/actions/variables/{name}/repositories"
            )
    return body


MAX_VALUE_BYTES = 48 * 1024  # GitHub: "Variables can be up to 48 KB in size."


def _check_size(value: str) -> None:
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise validation("Invalid request.\n\nvalue is too large: variables can be up to 48 KB in size.")


def _validate_visibility(body: dict[str, Any], is_org: bool) -> None:
    if not is_org:
        return
    visibility = body.get("visibility")
    if visibility not in VISIBILITIES:
        raise validation(f'Invalid request.\n\n"visibility" must be one of {", ".join(VISIBILITIES)}.')


def _create(ctx: Ctx, holder: Record, is_org: bool) -> Response:
    body = ctx.body()
    name, value = body.get("name"), body.get("value")
    if not isinstance(name, str) or not isinstance(value, str):
        raise validation('Invalid request.\n\n"name" and "value" are required strings.')
    _check_size(value)
    if not VARIABLE_NAME_RE.match(name) or name.upper().startswith("GITHUB_"):
        raise validation(
            "Variable names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), "
            "must not start with a number or GITHUB_."
        )
    _validate_visibility(body, is_org)
    key = name.upper()
    if key in holder["variables"]:
        raise ApiError(
            409, "Already exists - Variable already exists", doc="https://docs.github.com/rest/actions/variables"
        )
    stamp = now_iso()
    var: Record = {"value": value, "created_at": stamp, "updated_at": stamp}
    if is_org:
        var["visibility"] = body["visibility"]
        var["selected_repository_ids"] = list(body.get("selected_repository_ids") or [])
    holder["variables"][key] = var
    return json_response({}, 201)


def _item(ctx: Ctx, holder: Record, name: str, is_org: bool) -> Response:
    key = name.upper()
    var = holder["variables"].get(key)
    if var is None:
        raise ApiError(404, "Not Found")
    method = ctx.request.method
    if method == "GET":
        return json_response(_variable_json(ctx, holder, key, var, is_org))
    if method == "DELETE":
        del holder["variables"][key]
        return no_content()
    body = ctx.body()
    if "value" in body:
        if not isinstance(body["value"], str):
            raise validation('Invalid request.\n\n"value" must be a string.')
        _check_size(body["value"])
        var["value"] = body["value"]
    if is_org and "visibility" in body:
        _validate_visibility(body, is_org)
        var["visibility"] = body["visibility"]
    if is_org and "selected_repository_ids" in body:
        var["selected_repository_ids"] = list(body["selected_repository_ids"] or [])
    var["updated_at"] = now_iso()
    new_name = body.get("name")
    if isinstance(new_name, str) and new_name.upper() != key:
        if new_name.upper() in holder["variables"]:
            raise ApiError(409, "Already exists - Variable already exists")
        holder["variables"][new_name.upper()] = holder["variables"].pop(key)
    return no_content()


def _list(ctx: Ctx, holder: Record, is_org: bool) -> Response:
    items = [_variable_json(ctx, holder, n, v, is_org) for n, v in sorted(holder["variables"].items())]
    return ctx.paginate(items, "variables")


def org_collection(ctx: Ctx, org: str) -> Response:
    write = ctx.request.method == "POST"
    holder = _holder(ctx, None, None, None, org, write)
    return _create(ctx, holder, True) if write else _list(ctx, holder, True)


def org_item(ctx: Ctx, org: str, name: str) -> Response:
    holder = _holder(ctx, None, None, None, org, ctx.request.method != "GET")
    return _item(ctx, holder, name, True)


def repo_collection(ctx: Ctx, owner: str, repo: str) -> Response:
    holder = _holder(ctx, owner, repo, None, None, True)
    return _create(ctx, holder, False) if ctx.request.method == "POST" else _list(ctx, holder, False)


def repo_item(ctx: Ctx, owner: str, repo: str, name: str) -> Response:
    return _item(ctx, _holder(ctx, owner, repo, None, None, True), name, False)


def env_collection(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    holder = _holder(ctx, owner, repo, env, None, True)
    return _create(ctx, holder, False) if ctx.request.method == "POST" else _list(ctx, holder, False)


def env_item(ctx: Ctx, owner: str, repo: str, env: str, name: str) -> Response:
    return _item(ctx, _holder(ctx, owner, repo, env, None, True), name, False)


def register(router: Router) -> None:
    for method in ("GET", "POST"):
        router.add(method, "/orgs/{org}/actions/variables", org_collection)
        router.add(method, "/repos/{owner}/{repo}/actions/variables", repo_collection)
        router.add(method, "/repos/{owner}/{repo}/environments/{env}/variables", env_collection)
    for method in ("GET", "PATCH", "DELETE"):
        router.add(method, "/orgs/{org}/actions/variables/{name}", org_item)
        router.add(method, "/repos/{owner}/{repo}/actions/variables/{name}", repo_item)
        router.add(method, "/repos/{owner}/{repo}/environments/{env}/variables/{name}", env_item)
