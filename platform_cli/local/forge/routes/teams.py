"""Teams: list, get by slug or id, members, memberships and repository permissions.

Teams are reachable both as ``/orgs/{org}/teams/{slug}`` and at their canonical URL
``/organizations/{org_id}/team/{team_id}`` (the ``url`` GitHub returns and PyGithub follows).
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from platform_cli.local.forge import shapes
from platform_cli.local.forge.access import LEVELS, normalise, permissions_json
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.store import Record


def _team(ctx: Ctx, org: str, slug: str) -> tuple[Record, Record]:
    org_rec = ctx.org(org)
    team = ctx.store.team(org_rec["login"], slug)
    if team is None or not ctx.is_org_member(org_rec):
        raise not_found()
    return org_rec, team


def _team_by_ids(ctx: Ctx, org_id: str, team_id: str) -> tuple[Record, Record]:
    team = ctx.store.team_by_id(int(team_id)) if team_id.isdigit() else None
    if team is None:
        raise not_found()
    org_rec = ctx.org(team["org"])
    if str(org_rec["id"]) != org_id or not ctx.is_org_member(org_rec):
        raise not_found()
    return org_rec, team


def _team_json(ctx: Ctx, org: Record, team: Record) -> Response:
    return json_response(shapes.team(ctx.api, ctx.web, team, org, True))


def list_teams(ctx: Ctx, org: str) -> Response:
    org_rec = ctx.org(org)
    if not ctx.is_org_member(org_rec):
        raise ApiError(403, "You must be a member of this organization to list its teams.")
    prefix = f"{org_rec['login'].lower()}/"
    teams = [t for k, t in sorted(ctx.store.data["teams"].items()) if k.startswith(prefix)]
    return ctx.paginate([shapes.team(ctx.api, ctx.web, t, org_rec, False) for t in teams])


def get_team(ctx: Ctx, org: str, slug: str) -> Response:
    return _team_json(ctx, *_team(ctx, org, slug))


def get_team_by_id(ctx: Ctx, org_id: str, team_id: str) -> Response:
    return _team_json(ctx, *_team_by_ids(ctx, org_id, team_id))


def _legacy(ctx: Ctx, team_id: str) -> tuple[Record, Record]:
    """Teams by id alone (``/teams/{id}``), GitHub's legacy URL that older clients still follow."""
    team = ctx.store.team_by_id(int(team_id)) if team_id.isdigit() else None
    if team is None:
        raise not_found()
    return _team_by_ids(ctx, str(ctx.org(team["org"])["id"]), team_id)


def get_legacy_team(ctx: Ctx, team_id: str) -> Response:
    return _team_json(ctx, *_legacy(ctx, team_id))


def legacy_members(ctx: Ctx, team_id: str) -> Response:
    return _members(ctx, _legacy(ctx, team_id)[1])


def _members(ctx: Ctx, team: Record) -> Response:
    role = ctx.request.args.get("role", "all")
    logins = [who for who, r in team["members"].items() if role == "all" or r == role]
    users = [ctx.store.user(who) for who in sorted(logins)]
    return ctx.paginate([ctx.user_json(u) for u in users if u])


def members(ctx: Ctx, org: str, slug: str) -> Response:
    return _members(ctx, _team(ctx, org, slug)[1])


def members_by_id(ctx: Ctx, org_id: str, team_id: str) -> Response:
    return _members(ctx, _team_by_ids(ctx, org_id, team_id)[1])


def _membership(ctx: Ctx, org: Record, team: Record, login: str, method: str) -> Response:
    user = ctx.store.user(login)
    if user is None:
        raise not_found()
    url = f"{ctx.api}/organizations/{org['id']}/team/{team['id']}/memberships/{user['login']}"
    if method == "GET":
        role = team["members"].get(login.lower())
        if role is None:
            raise not_found()
        return json_response({"url": url, "role": role, "state": "active"})
    if not ctx.is_org_admin(org) and team["members"].get((ctx.user or {}).get("login", "").lower()) != "maintainer":
        raise ApiError(403, "You must be an organization owner or team maintainer to change team memberships.")
    if method == "DELETE":
        if team["members"].pop(login.lower(), None) is None:
            raise not_found()
        return no_content()
    role = ctx.body().get("role", "member")
    if role not in ("member", "maintainer"):
        raise validation(errors=[{"resource": "TeamMember", "field": "role", "code": "invalid"}])
    team["members"][login.lower()] = role
    org["members"].setdefault(login.lower(), "member")
    return json_response({"url": url, "role": role, "state": "active"})


def membership(ctx: Ctx, org: str, slug: str, login: str) -> Response:
    org_rec, team = _team(ctx, org, slug)
    return _membership(ctx, org_rec, team, login, ctx.request.method)


def membership_by_id(ctx: Ctx, org_id: str, team_id: str, login: str) -> Response:
    org_rec, team = _team_by_ids(ctx, org_id, team_id)
    return _membership(ctx, org_rec, team, login, ctx.request.method)


def _team_repo(ctx: Ctx, org: Record, team: Record, owner: str, repo: str) -> Response:
    target = ctx.store.repo(owner, repo)
    if target is None or ctx.permission(target) == "none":
        raise not_found()
    key = target["full_name"].lower()
    method = ctx.request.method
    if method == "GET":
        level = team["repos"].get(key)
        if level is None:
            raise not_found()
        accept = ctx.request.headers.get("Accept", "")
        if "repository+json" not in accept:
            return no_content()
        body = ctx.repo_json(target)
        body["permissions"] = permissions_json(level)
        body["role_name"] = {"pull": "read", "push": "write"}.get(level, level)
        return json_response(body)
    if not ctx.is_org_admin(org):
        raise ApiError(403, "You must have administrative rights on this repository.")
    if target["owner"].lower() != org["login"].lower():
        raise validation("Validation Failed", errors=[{"resource": "Team", "code": "invalid", "field": "repo"}])
    if method == "DELETE":
        team["repos"].pop(key, None)
        return no_content()
    permission = normalise(str(ctx.body().get("permission", "push")))
    if permission not in LEVELS[1:]:
        raise validation(errors=[{"resource": "Team", "code": "invalid", "field": "permission"}])
    team["repos"][key] = permission
    return no_content()


def team_repo(ctx: Ctx, org: str, slug: str, owner: str, repo: str) -> Response:
    org_rec, team = _team(ctx, org, slug)
    return _team_repo(ctx, org_rec, team, owner, repo)


def team_repo_by_id(ctx: Ctx, org_id: str, team_id: str, owner: str, repo: str) -> Response:
    org_rec, team = _team_by_ids(ctx, org_id, team_id)
    return _team_repo(ctx, org_rec, team, owner, repo)


def _team_repos(ctx: Ctx, team: Record) -> Response:
    found = []
    for key, level in sorted(team["repos"].items()):
        target = ctx.store.repo(*key.split("/", 1))
        if target is not None:
            body = ctx.repo_json(target)
            body["permissions"] = permissions_json(level)
            body["role_name"] = {"pull": "read", "push": "write"}.get(level, level)
            found.append(body)
    return ctx.paginate(found)


def team_repos(ctx: Ctx, org: str, slug: str) -> Response:
    return _team_repos(ctx, _team(ctx, org, slug)[1])


def team_repos_by_id(ctx: Ctx, org_id: str, team_id: str) -> Response:
    return _team_repos(ctx, _team_by_ids(ctx, org_id, team_id)[1])


def repo_teams(ctx: Ctx, owner: str, repo: str) -> Response:
    """GET /repos/{owner}/{repo}/teams: the teams holding a grant on the repository."""
    rec = ctx.repo(owner, repo)
    org = ctx.store.org(rec["owner"])
    if org is None:
        return ctx.paginate([])
    key = rec["full_name"].lower()
    prefix = f"{org['login'].lower()}/"
    found = []
    for team_key, team in sorted(ctx.store.data["teams"].items()):
        if team_key.startswith(prefix) and key in team["repos"]:
            body = shapes.team(ctx.api, ctx.web, team, org, False)
            body["permission"] = team["repos"][key]
            body["permissions"] = permissions_json(team["repos"][key])
            found.append(body)
    return ctx.paginate(found)


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/teams", repo_teams)
    router.add("GET", "/orgs/{org}/teams", list_teams)
    router.add("GET", "/orgs/{org}/teams/{slug}", get_team)
    router.add("GET", "/orgs/{org}/teams/{slug}/members", members)
    router.add("GET", "/orgs/{org}/teams/{slug}/repos", team_repos)
    for method in ("GET", "PUT", "DELETE"):
        router.add(method, "/orgs/{org}/teams/{slug}/memberships/{login}", membership)
        router.add(method, "/orgs/{org}/teams/{slug}/repos/{owner}/{repo}", team_repo)
        router.add(method, "/organizations/{org_id}/team/{team_id}/memberships/{login}", membership_by_id)
        router.add(method, "/organizations/{org_id}/team/{team_id}/repos/{owner}/{repo}", team_repo_by_id)
    router.add("GET", "/organizations/{org_id}/team/{team_id}", get_team_by_id)
    router.add("GET", "/teams/{team_id}", get_legacy_team)
    router.add("GET", "/teams/{team_id}/members", legacy_members)
    router.add("GET", "/organizations/{org_id}/team/{team_id}/members", members_by_id)
    router.add("GET", "/organizations/{org_id}/team/{team_id}/repos", team_repos_by_id)
