"""``/user``, ``/users/{login}``, ``/rate_limit``."""

from __future__ import annotations

import time

from werkzeug.wrappers import Response

from platform_cli.local.forge import shapes
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, not_found


def get_authenticated(ctx: Ctx) -> Response:
    user = ctx.require_user()
    return json_response(shapes.user_full(ctx.api, ctx.web, user, _public_repos(ctx, user["login"]), True))


def get_user(ctx: Ctx, login: str) -> Response:
    user = ctx.store.user(login)
    if user is None:
        org = ctx.store.org(login)
        if org is None:
            raise not_found()
        body = shapes.user_simple(ctx.api, ctx.web, org["login"], org["id"], "Organization")
        return json_response(body)
    return json_response(shapes.user_full(ctx.api, ctx.web, user, _public_repos(ctx, login), False))


def _public_repos(ctx: Ctx, login: str) -> int:
    return sum(1 for r in ctx.store.data["repos"].values() if r["owner"].lower() == login.lower() and not r["private"])


def rate_limit(ctx: Ctx) -> Response:
    limit = int(ctx.extra_headers.get("X-RateLimit-Limit", "60"))
    used = int(ctx.extra_headers.get("X-RateLimit-Used", "0"))
    reset = int(ctx.extra_headers.get("X-RateLimit-Reset", str(int(time.time()) + 3600)))
    core = {"limit": limit, "used": used, "remaining": max(0, limit - used), "reset": reset}
    later = int(time.time()) + 60

    def other(size: int) -> dict[str, int]:
        return {"limit": size, "used": 0, "remaining": size, "reset": later}

    resources = {
        "core": core,
        "search": other(30),
        "graphql": other(5000),
        "integration_manifest": other(5000),
        "source_import": other(100),
        "code_scanning_upload": other(1000),
        "code_scanning_autofix": other(10),
        "actions_runner_registration": other(10000),
        "scim": other(15000),
        "dependency_snapshots": other(100),
        "code_search": other(10),
        "audit_log": other(1750),
        "audit_log_streaming": other(15),
    }
    return json_response({"resources": resources, "rate": core})


def list_user_repos(ctx: Ctx) -> Response:
    user = ctx.require_user()
    visible = [
        r
        for r in ctx.store.data["repos"].values()
        if ctx.permission(r) != "none" or r["owner"].lower() == user["login"].lower()
    ]
    return ctx.paginate([ctx.repo_json(r) for r in sorted(visible, key=lambda r: r["full_name"].lower())])


def create_user_repo(ctx: Ctx) -> Response:
    from platform_cli.local.forge.routes.repos import create_in

    user = ctx.require_user()
    if ctx.token is not None and ctx.token.get("installation_id") is not None:
        raise ApiError(403, "Resource not accessible by integration")
    return create_in(ctx, user["login"])


def register(router: Router) -> None:
    router.add("GET", "/user", get_authenticated)
    router.add("GET", "/user/repos", list_user_repos)
    router.add("POST", "/user/repos", create_user_repo)
    router.add("GET", "/users/{login}", get_user)
    router.add("GET", "/rate_limit", rate_limit)
