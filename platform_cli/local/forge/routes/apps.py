"""GitHub App authentication, minimal: an app JWT (RS256, checked with the app's registered public key) may
create installation access tokens; those tokens act with admin rights on the installation's account."""

from __future__ import annotations

from typing import Any

import jwt
from werkzeug.wrappers import Response

from platform_cli.local.forge import service
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, not_found
from platform_cli.local.forge.store import Record, Store

INSTALLATION_TOKEN_TTL_S = 3600
JWT_MAX_LIFETIME_S = 600


def authenticate_app(store: Store, token: str) -> Record:
    """The pseudo token record of a valid app JWT; 401 ``A JSON web token could not be decoded`` otherwise."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        app = store.data["apps"].get(str(claims.get("iss")))
        if app is None:
            raise ApiError(401, "Integration not found")
        verified = jwt.decode(
            token, app["public_key_pem"], algorithms=["RS256"], options={"require": ["exp", "iat", "iss"]}, leeway=60
        )
    except jwt.ExpiredSignatureError as error:
        raise ApiError(
            401,
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
            "assertion expires",
        ) from error
    except jwt.PyJWTError as error:
        raise ApiError(401, "A JSON web token could not be decoded") from error
    if int(verified["exp"]) - int(verified["iat"]) > JWT_MAX_LIFETIME_S + 60:
        raise ApiError(401, "'Expiration time' claim ('exp') is too far in the future")
    return {"login": None, "scopes": None, "installation_id": None, "app_id": app["id"]}


def _app(ctx: Ctx) -> Record:
    if ctx.token is None or ctx.token.get("app_id") is None:
        raise ApiError(401, "A JSON web token could not be decoded")
    app: Record = ctx.store.data["apps"][str(ctx.token["app_id"])]
    return app


def _installation_json(ctx: Ctx, app: Record, installation: Record) -> dict[str, Any]:
    account = ctx.store.org(installation["account"]) or ctx.store.user(installation["account"]) or {}
    kind = "Organization" if ctx.store.org(installation["account"]) else "User"
    return {
        "id": installation["id"],
        "account": {**ctx.user_json(account), "type": kind} if account else None,
        "app_id": app["id"],
        "app_slug": app["slug"],
        "target_id": account.get("id"),
        "target_type": kind,
        "repository_selection": "all",
        "access_tokens_url": f"{ctx.api}/app/installations/{installation['id']}/access_tokens",
        "repositories_url": f"{ctx.api}/installation/repositories",
        "html_url": f"{ctx.web}/organizations/{installation['account']}/settings/installations/{installation['id']}",
        "permissions": {
            "administration": "write",
            "actions": "write",
            "secrets": "write",
            "variables": "write",
            "environments": "write",
            "contents": "write",
            "metadata": "read",
        },
        "events": [],
        "created_at": installation["created_at"],
        "updated_at": installation["created_at"],
        "single_file_name": None,
        "suspended_at": None,
        "suspended_by": None,
    }


def get_app(ctx: Ctx) -> Response:
    app = _app(ctx)
    return json_response(
        {
            "id": app["id"],
            "slug": app["slug"],
            "name": app["slug"],
            "node_id": "",
            "owner": None,
            "description": "",
            "external_url": ctx.web,
            "html_url": f"{ctx.web}/apps/{app['slug']}",
            "created_at": app["created_at"],
            "updated_at": app["created_at"],
            "permissions": {},
            "events": [],
        }
    )


def _installations(ctx: Ctx, app: Record) -> list[Record]:
    return [i for i in ctx.store.data["installations"].values() if i["app_id"] == app["id"]]


def list_installations(ctx: Ctx) -> Response:
    app = _app(ctx)
    return ctx.paginate([_installation_json(ctx, app, i) for i in _installations(ctx, app)])


def get_installation(ctx: Ctx, installation_id: str) -> Response:
    app = _app(ctx)
    for installation in _installations(ctx, app):
        if str(installation["id"]) == installation_id:
            return json_response(_installation_json(ctx, app, installation))
    raise not_found()


def org_installation(ctx: Ctx, org: str) -> Response:
    app = _app(ctx)
    for installation in _installations(ctx, app):
        if installation["account"].lower() == org.lower():
            return json_response(_installation_json(ctx, app, installation))
    raise not_found()


def repo_installation(ctx: Ctx, owner: str, repo: str) -> Response:
    if ctx.store.repo(owner, repo) is None:
        raise not_found()
    return org_installation(ctx, owner)


def create_access_token(ctx: Ctx, installation_id: str) -> Response:
    app = _app(ctx)
    for installation in _installations(ctx, app):
        if str(installation["id"]) == installation_id:
            value, record = service.create_token(
                ctx.store, None, None, installation_id=installation["id"], ttl_s=INSTALLATION_TOKEN_TTL_S, prefix="ghs_"
            )
            body = {
                "token": value,
                "expires_at": record["expires_at"],
                "permissions": _installation_json(ctx, app, installation)["permissions"],
                "repository_selection": "all",
            }
            return json_response(body, 201)
    raise not_found()


def register(router: Router) -> None:
    router.add("GET", "/app", get_app)
    router.add("GET", "/app/installations", list_installations)
    router.add("GET", "/app/installations/{installation_id}", get_installation)
    router.add("POST", "/app/installations/{installation_id}/access_tokens", create_access_token)
    router.add("GET", "/orgs/{org}/installation", org_installation)
    router.add("GET", "/repos/{owner}/{repo}/installation", repo_installation)
