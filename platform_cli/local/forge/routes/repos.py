"""Repositories: create, get, edit (archive, template flag, rename), delete, topics, generate from a template,
collaborators."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge import service
from platform_cli.local.forge.access import LEVELS, normalise, permissions_json, repo_permission
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.shapes import ADMIN_SETTINGS, DEFAULT_ANALYSIS, REPO_SETTINGS
from platform_cli.local.forge.store import Record, now_iso

TOPIC_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
ROLE_NAMES = {"pull": "read", "push": "write"}
LEGACY_PERMISSION = {"admin": "admin", "maintain": "write", "push": "write", "triage": "read", "pull": "read"}


def _created(ctx: Ctx, repo: Record) -> Response:
    return json_response(ctx.repo_json(repo), 201, {"Location": f"{ctx.api}/repos/{repo['full_name']}"})


def _service(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except service.ServiceError as error:
        if error.status == 404:
            raise not_found() from error
        raise validation(
            "Repository creation failed." if "name" in str(error) else "Validation Failed",
            errors=[{"resource": "Repository", "code": "custom", "field": "name", "message": str(error)}],
        ) from error


def create_in(ctx: Ctx, owner: str) -> Response:
    """POST /orgs/{org}/repos and /user/repos."""
    ctx.need_scope("repo", "public_repo")
    body = ctx.body()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise validation(errors=[{"resource": "Repository", "code": "missing_field", "field": "name"}])
    visibility = body.get("visibility")
    if visibility not in (None, "public", "private", "internal"):
        raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "visibility"}])
    settings = {k: body[k] for k in REPO_SETTINGS if k in body}
    repo = _service(
        service.create_repo,
        ctx.store,
        owner,
        name,
        private=bool(body.get("private", False)),
        visibility=visibility,
        description=body.get("description"),
        homepage=body.get("homepage"),
        is_template=bool(body.get("is_template", False)),
        auto_init=bool(body.get("auto_init", False)),
        settings=settings,
    )
    return _created(ctx, repo)


def get_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    return json_response(ctx.repo_json(ctx.repo(owner, repo)))


def edit_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "admin", archived_ok=True)
    body = ctx.body()
    if rec["archived"] and body.get("archived", True) is not False:
        raise ApiError(403, "Repository was archived so is read-only.")
    if "name" in body and body["name"] != rec["name"]:
        _rename(ctx, rec, str(body["name"]))
    for key in ("description", "homepage"):
        if key in body:
            rec[key] = body[key]
    for key in ("archived", "is_template"):
        if key in body:
            rec[key] = bool(body[key])
    if "private" in body:
        rec["private"] = bool(body["private"])
        rec["visibility"] = "private" if rec["private"] else "public"
    if "visibility" in body:
        if body["visibility"] not in ("public", "private", "internal"):
            raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "visibility"}])
        rec["visibility"] = body["visibility"]
        rec["private"] = body["visibility"] != "public"
    if "default_branch" in body:
        from platform_cli.local.forge import gitrepo

        branch = str(body["default_branch"])
        path = ctx.store.repo_path(rec)
        if gitrepo.resolve(path, f"refs/heads/{branch}") is None and gitrepo.branches(path):
            raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "default_branch"}])
        rec["default_branch"] = branch
        gitrepo.set_head(path, branch)
    for key in (*REPO_SETTINGS, *ADMIN_SETTINGS):
        if key in body:
            rec["settings"][key] = body[key]
    if isinstance(body.get("security_and_analysis"), dict):
        current = rec["settings"].get("security_and_analysis") or {}
        rec["settings"]["security_and_analysis"] = {**DEFAULT_ANALYSIS, **current, **body["security_and_analysis"]}
    rec["updated_at"] = now_iso()
    return json_response(ctx.repo_json(rec))


def _rename(ctx: Ctx, rec: Record, name: str) -> None:
    if not service.NAME_RE.match(name):
        raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "name"}])
    if ctx.store.repo(rec["owner"], name) is not None:
        raise validation(
            errors=[
                {
                    "resource": "Repository",
                    "code": "custom",
                    "field": "name",
                    "message": "name already exists on this account",
                }
            ]
        )
    old = rec["full_name"].lower()
    rec["name"] = name
    rec["full_name"] = f"{rec['owner']}/{name}"
    repos = ctx.store.data["repos"]
    repos[rec["full_name"].lower()] = repos.pop(old)
    for team in ctx.store.data["teams"].values():
        if old in team["repos"]:
            team["repos"][rec["full_name"].lower()] = team["repos"].pop(old)


def delete_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "admin", archived_ok=True)
    ctx.need_scope("delete_repo")
    service.delete_repo(ctx.store, rec)
    return no_content()


def get_topics(ctx: Ctx, owner: str, repo: str) -> Response:
    return json_response({"names": list(ctx.repo(owner, repo)["topics"])})


def put_topics(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "admin")
    names = ctx.body().get("names")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "names"}])
    bad = [n for n in names if not TOPIC_RE.match(n)]
    if bad or len(names) > 20:
        raise validation(
            "Validation Failed",
            errors=[
                {
                    "resource": "Repository",
                    "code": "invalid",
                    "field": "topics",
                    "message": f"{bad[0] if bad else 'topics'} is not a valid topic",
                }
            ],
        )
    rec["topics"] = list(dict.fromkeys(names))
    return json_response({"names": rec["topics"]})


def generate(ctx: Ctx, owner: str, repo: str) -> Response:
    template = ctx.repo(owner, repo)
    ctx.need_scope("repo", "public_repo")
    body = ctx.body()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise validation(errors=[{"resource": "Repository", "code": "missing_field", "field": "name"}])
    if not template["is_template"]:
        raise validation(f"{template['full_name']} is not a template repository")
    target_owner = str(body.get("owner") or (ctx.user or {}).get("login", ""))
    org = ctx.store.org(target_owner)
    if org is not None:
        if not ctx.is_org_member(org):
            raise ApiError(403, "You do not have permission to create repositories in this organization.")
    elif ctx.user is None or target_owner.lower() != ctx.user["login"].lower():
        raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "owner"}])
    created = _service(
        service.generate_from_template,
        ctx.store,
        template,
        target_owner,
        name,
        private=bool(body.get("private", False)),
        description=body.get("description"),
        include_all_branches=bool(body.get("include_all_branches", False)),
        delay_s=ctx.forge.faults.generation_delay_s,
    )
    return _created(ctx, created)


# --- collaborators ------------------------------------------------------------------------------------------


def _as_private(repo: Record) -> Record:
    return {**repo, "private": True}


def _collaborator_json(ctx: Ctx, user: Record, level: str) -> dict[str, Any]:
    body = ctx.user_json(user)
    body["permissions"] = permissions_json(level)
    body["role_name"] = ROLE_NAMES.get(level, level)
    return body


def list_collaborators(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    private = _as_private(rec)
    found = []
    for user in sorted(ctx.store.data["users"].values(), key=lambda u: u["login"].lower()):
        level = repo_permission(ctx.store, private, user)
        if level != "none":
            found.append(_collaborator_json(ctx, user, level))
    return ctx.paginate(found)


def check_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    rec = ctx.repo(owner, repo)
    user = ctx.store.user(login)
    if user is None or repo_permission(ctx.store, _as_private(rec), user) == "none":
        raise not_found()
    return no_content()


def add_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    """Org members and existing collaborators get the permission at once (204); anyone else is invited (201) and
    gains access when they accept (``PATCH /user/repository_invitations/{id}``), as on GitHub."""
    from platform_cli.local.forge.routes.invitations import invite

    rec = ctx.repo(owner, repo, "admin")
    user = ctx.store.user(login)
    if user is None:
        raise not_found()
    permission = normalise(str(ctx.body().get("permission", "push")))
    if permission not in LEVELS[1:]:
        raise validation(errors=[{"resource": "Repository", "code": "invalid", "field": "permission"}])
    key = user["login"].lower()
    org = ctx.store.org(rec["owner"])
    if key in rec["collaborators"] or (org is not None and key in org["members"]):
        rec["collaborators"][key] = permission
        return no_content()
    return json_response(invite(ctx, rec, user, permission), 201)


def remove_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    """Removes the collaborator and cancels any pending invitation, as GitHub does."""
    rec = ctx.repo(owner, repo, "admin")
    rec["collaborators"].pop(login.lower(), None)
    rec.setdefault("invitations", {}).pop(login.lower(), None)
    return no_content()


def collaborator_permission(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    user = ctx.store.user(login)
    if user is None:
        raise not_found()
    level = repo_permission(ctx.store, _as_private(rec), user)
    return json_response(
        {
            "permission": LEGACY_PERMISSION.get(level, "none"),
            "role_name": ROLE_NAMES.get(level, level),
            "user": _collaborator_json(ctx, user, level),
        }
    )


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}", get_repo)
    router.add("PATCH", "/repos/{owner}/{repo}", edit_repo)
    router.add("DELETE", "/repos/{owner}/{repo}", delete_repo)
    router.add("GET", "/repos/{owner}/{repo}/topics", get_topics)
    router.add("PUT", "/repos/{owner}/{repo}/topics", put_topics)
    router.add("POST", "/repos/{owner}/{repo}/generate", generate)
    router.add("GET", "/repos/{owner}/{repo}/collaborators", list_collaborators)
    router.add("GET", "/repos/{owner}/{repo}/collaborators/{login}", check_collaborator)
    router.add("PUT", "/repos/{owner}/{repo}/collaborators/{login}", add_collaborator)
    router.add("DELETE", "/repos/{owner}/{repo}/collaborators/{login}", remove_collaborator)
    router.add("GET", "/repos/{owner}/{repo}/collaborators/{login}/permission", collaborator_permission)
