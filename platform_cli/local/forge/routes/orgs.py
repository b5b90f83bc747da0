"""``/orgs/{org}``, its members and its repositories (list, create)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from platform_cli.local.forge import shapes
from platform_cli.local.forge.api import Ctx, Router, json_response, not_found


def get_org(ctx: Ctx, org: str) -> Response:
    rec = ctx.org(org)
    repos = [r for r in ctx.store.data["repos"].values() if r["owner"].lower() == rec["login"].lower()]
    public = sum(1 for r in repos if not r["private"])
    member = ctx.is_org_member(rec)
    return json_response(shapes.org_full(ctx.api, ctx.web, rec, public, len(repos) - public, member))


def list_members(ctx: Ctx, org: str) -> Response:
    rec = ctx.org(org)
    if not ctx.is_org_member(rec):
        return ctx.paginate([])
    role = ctx.request.args.get("role", "all")
    logins = [login for login, r in rec["members"].items() if role == "all" or (role == "admin") == (r == "admin")]
    users = [ctx.store.user(login) for login in sorted(logins)]
    return ctx.paginate([ctx.user_json(u) for u in users if u])


def check_member(ctx: Ctx, org: str, login: str) -> Response:
    """``GET /orgs/{org}/members/{login}``: 204 for a member (asked by a member), 404 otherwise."""
    rec = ctx.org(org)
    if ctx.store.user(login) is None or login.lower() not in rec["members"] or not ctx.is_org_member(rec):
        raise not_found()
    return Response(status=204)


def get_membership(ctx: Ctx, org: str, login: str) -> Response:
    rec = ctx.org(org)
    user = ctx.store.user(login)
    role = rec["members"].get(login.lower())
    if user is None or role is None or not ctx.is_org_member(rec):
        raise not_found()
    return json_response(
        {
            "url": f"{ctx.api}/orgs/{rec['login']}/memberships/{user['login']}",
            "state": "active",
            "role": role,
            "organization_url": f"{ctx.api}/orgs/{rec['login']}",
            "organization": shapes.org_simple(ctx.api, ctx.web, rec),
            "user": ctx.user_json(user),
        }
    )


def list_repos(ctx: Ctx, org: str) -> Response:
    rec = ctx.org(org)
    repos = [r for r in ctx.store.data["repos"].values() if r["owner"].lower() == rec["login"].lower()]
    visible = [r for r in repos if ctx.permission(r) != "none"]
    return ctx.paginate([ctx.repo_json(r) for r in sorted(visible, key=lambda r: r["name"].lower())])


def create_repo(ctx: Ctx, org: str) -> Response:
    from platform_cli.local.forge.routes.repos import create_in

    rec = ctx.org(org)
    if not ctx.is_org_member(rec):
        raise not_found()
    return create_in(ctx, rec["login"])


def register(router: Router) -> None:
    router.add("GET", "/orgs/{org}", get_org)
    router.add("GET", "/orgs/{org}/members", list_members)
    router.add("GET", "/orgs/{org}/members/{login}", check_member)
    router.add("GET", "/orgs/{org}/memberships/{login}", get_membership)
    router.add("GET", "/orgs/{org}/repos", list_repos)
    router.add("POST", "/orgs/{org}/repos", create_repo)
