"""Actions secrets of organisations (with visibility), repositories and environments: public key, sealed PUT,
metadata, list, delete.

The forge keeps the sealed value and its own private key; the admin API opens it for tests.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge import crypto
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, validation
from platform_cli.local.forge.store import Record, now_iso

SECRET_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _repo_holder(ctx: Ctx, owner: str, repo: str, need: str) -> Record:
    return ctx.repo(owner, repo, need)


def _env_holder(ctx: Ctx, owner: str, repo: str, env: str, need: str) -> Record:
    from platform_cli.local.forge.routes.environments import find_environment

    return find_environment(ctx, ctx.repo(owner, repo, need), env)


def _org_holder(ctx: Ctx, org: str) -> Record:
    ctx.need_scope("admin:org")
    rec = ctx.org(org)
    if not ctx.is_org_admin(rec):
        raise ApiError(403, "You must be an org admin to manage organization secrets.")
    if "keypair" not in rec:  # orgs keep their keypair from the first secrets call on
        rec["keypair"] = crypto.new_keypair()
    rec.setdefault("secrets", {})
    return rec


def _public_key(holder: Record) -> Response:
    return json_response({"key_id": holder["keypair"]["key_id"], "key": holder["keypair"]["key"]})


def _metadata(name: str, secret: Record) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "created_at": secret["created_at"], "updated_at": secret["updated_at"]}
    if "visibility" in secret:  # organisation secrets
        body["visibility"] = secret["visibility"]
        if secret["visibility"] == "selected":
            body["selected_repositories_url"] = secret["selected_repositories_url"]
    return body


def _list(ctx: Ctx, holder: Record) -> Response:
    items = [_metadata(n, s) for n, s in sorted(holder["secrets"].items())]
    return ctx.paginate(items, "secrets")


def _get(holder: Record, name: str) -> Response:
    secret = holder["secrets"].get(name.upper())
    if secret is None:
        raise ApiError(404, "Not Found")
    return json_response(_metadata(name.upper(), secret))


def _put(ctx: Ctx, holder: Record, name: str) -> Response:
    if not SECRET_NAME_RE.match(name) or name.upper().startswith("GITHUB_"):
        raise validation(
            "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), "
            "must not start with a number or GITHUB_."
        )
    body = ctx.body()
    value, key_id = body.get("encrypted_value"), body.get("key_id")
    if not isinstance(value, str) or not isinstance(key_id, str):
        raise validation('Invalid request.\n\n"encrypted_value" and "key_id" are required.')
    if key_id != holder["keypair"]["key_id"]:
        raise validation("Bad request - key_id does not match the current public key.")
    if crypto.unseal(holder["keypair"], value) is None:
        raise validation("Bad request - encrypted_value is not a sealed box for this public key.")
    stamp = now_iso()
    key = name.upper()
    existing = holder["secrets"].get(key)
    secret: Record = {
        "encrypted_value": value,
        "key_id": key_id,
        "created_at": existing["created_at"] if existing else stamp,
        "updated_at": stamp,
    }
    if "login" in holder:  # an organisation: secrets carry a visibility
        visibility = body.get("visibility")
        if visibility not in ("all", "private", "selected"):
            raise validation('Invalid request.\n\n"visibility" must be one of all, private, selected.')
        secret["visibility"] = visibility
        secret["selected_repository_ids"] = list(body.get("selected_repository_ids") or [])
        secret["selected_repositories_url"] = f"{ctx.api}/orgs/{holder['login']}/actions/secrets/{key}/repositories"
    holder["secrets"][key] = secret
    return no_content() if existing else json_response({}, 201)


def _delete(holder: Record, name: str) -> Response:
    if holder["secrets"].pop(name.upper(), None) is None:
        raise ApiError(404, "Not Found")
    return no_content()


def _item(ctx: Ctx, holder: Record, name: str) -> Response:
    method = ctx.request.method
    if method == "PUT":
        return _put(ctx, holder, name)
    return _delete(holder, name) if method == "DELETE" else _get(holder, name)


def repo_public_key(ctx: Ctx, owner: str, repo: str) -> Response:
    return _public_key(_repo_holder(ctx, owner, repo, "push"))


def repo_list(ctx: Ctx, owner: str, repo: str) -> Response:
    return _list(ctx, _repo_holder(ctx, owner, repo, "admin"))


def repo_secret(ctx: Ctx, owner: str, repo: str, name: str) -> Response:
    return _item(ctx, _repo_holder(ctx, owner, repo, "admin"), name)


def env_public_key(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    return _public_key(_env_holder(ctx, owner, repo, env, "push"))


def env_list(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    return _list(ctx, _env_holder(ctx, owner, repo, env, "admin"))


def env_secret(ctx: Ctx, owner: str, repo: str, env: str, name: str) -> Response:
    return _item(ctx, _env_holder(ctx, owner, repo, env, "admin"), name)


def org_public_key(ctx: Ctx, org: str) -> Response:
    return _public_key(_org_holder(ctx, org))


def org_list(ctx: Ctx, org: str) -> Response:
    return _list(ctx, _org_holder(ctx, org))


def org_secret(ctx: Ctx, org: str, name: str) -> Response:
    return _item(ctx, _org_holder(ctx, org), name)


def register(router: Router) -> None:
    router.add("GET", "/orgs/{org}/actions/secrets/public-key", org_public_key)
    router.add("GET", "/orgs/{org}/actions/secrets", org_list)
    router.add("GET", "/repos/{owner}/{repo}/actions/secrets/public-key", repo_public_key)
    router.add("GET", "/repos/{owner}/{repo}/actions/secrets", repo_list)
    router.add("GET", "/repos/{owner}/{repo}/environments/{env}/secrets/public-key", env_public_key)
    router.add("GET", "/repos/{owner}/{repo}/environments/{env}/secrets", env_list)
    for method in ("GET", "PUT", "DELETE"):
        router.add(method, "/orgs/{org}/actions/secrets/{name}", org_secret)
        router.add(method, "/repos/{owner}/{repo}/actions/secrets/{name}", repo_secret)
        router.add(method, "/repos/{owner}/{repo}/environments/{env}/secrets/{name}", env_secret)
