"""The REST plumbing shared by every route module: routing, errors, request context, pagination."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlencode

from werkzeug.wrappers import Request, Response

from platform_cli.local.forge import shapes
from platform_cli.local.forge.access import at_least, org_role, repo_permission
from platform_cli.local.forge.store import Record, Store

if TYPE_CHECKING:
    from platform_cli.local.forge.app import Forge

DOCS = "https://docs.github.com/rest"
Handler = Callable[..., Response]


class ApiError(Exception):
    """A GitHub-style error answer: ``{"message", "documentation_url"}`` (plus ``errors`` when given)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        doc: str = DOCS,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.doc = doc
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.doc
        if self.status >= 400:
            body["status"] = str(self.status)
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def validation(message: str = "Validation Failed", errors: list[Any] | None = None) -> ApiError:
    return ApiError(422, message, errors=errors)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


def no_content() -> Response:
    return Response(status=204)


class Router:
    """Method + path template (``{name}`` one segment, ``{name+}`` the rest) → handler; values are unquoted."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.+)", template)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{pattern}/?$"), handler))

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and its unquoted parameters; GitHub answers 404 for unknown paths and unknown methods alike."""
        for route_method, pattern, handler in self._routes:
            found = pattern.match(path) if route_method == method else None
            if found is not None:
                return handler, {k: unquote(v) for k, v in found.groupdict().items()}
        raise not_found()


@dataclass
class Ctx:
    """One REST call: the request, the forge, the caller and the URLs the answer must carry."""

    request: Request
    forge: Forge
    api: str
    web: str
    user: Record | None = None
    token: Record | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.forge.store

    def body(self) -> dict[str, Any]:
        raw = self.request.get_data(cache=True)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise ApiError(400, "Problems parsing JSON") from error
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    def require_user(self) -> Record:
        if self.user is None:
            raise ApiError(401, "Requires authentication")
        return self.user

    def has_scope(self, *accepted: str) -> bool:
        """Classic PATs carry scopes; other tokens (fine-grained style, installation) are not scope-limited."""
        if self.token is None or self.token.get("scopes") is None:
            return True
        scopes = set(self.token["scopes"])
        implied = {"repo": {"public_repo"}, "admin:org": {"write:org", "read:org"}, "write:org": {"read:org"}}
        for scope in list(scopes):
            scopes |= implied.get(scope, set())
        self.extra_headers["X-Accepted-OAuth-Scopes"] = ", ".join(accepted)
        return bool(scopes & set(accepted))

    def need_scope(self, *accepted: str) -> None:
        if not self.has_scope(*accepted):
            raise ApiError(
                403,
                "Your token has not been granted the required scopes to execute this query. "
                f"The '{accepted[0]}' scope is required.",
            )

    # --- resources ----------------------------------------------------------------------------------------

    def repo(self, owner: str, name: str, need: str = "pull", archived_ok: bool = False) -> Record:
        """The repo, or GitHub's 404 when the caller cannot see it and 403 when it lacks ``need`` (or when it is
        archived and the call would change it)."""
        repo = self.store.repo(owner, name)
        if repo is None:
            raise not_found()
        level = self.permission(repo)
        if level == "none" or (repo["private"] and not self.has_scope("repo")):
            raise not_found()
        if not at_least(level, need):
            message = (
                "Must have admin rights to Repository."
                if need == "admin"
                else "Resource not accessible by personal access token"
            )
            raise ApiError(403, message)
        if need != "pull" and not self.has_scope("repo", "public_repo"):
            raise ApiError(403, "Resource not accessible by personal access token")
        if repo["archived"] and not archived_ok and self.request.method in ("POST", "PUT", "PATCH", "DELETE"):
            raise ApiError(403, "Repository was archived so is read-only.")
        self.forge.settle_generation(repo)
        return repo

    def permission(self, repo: Record) -> str:
        if self.token is not None and self.token.get("installation_id") is not None:
            installation = self.store.data["installations"].get(str(self.token["installation_id"]), {})
            if installation.get("account", "").lower() == repo["owner"].lower():
                return "admin"
            return "none" if repo["private"] else "pull"
        return repo_permission(self.store, repo, self.user)

    def org(self, login: str, admin: bool = False) -> Record:
        org = self.store.org(login)
        if org is None:
            raise not_found()
        if admin and not self.is_org_admin(org):
            raise ApiError(403, "You must be an org admin to do that.")
        return org

    def is_org_admin(self, org: Record) -> bool:
        if self.token is not None and self.token.get("installation_id") is not None:
            installation = self.store.data["installations"].get(str(self.token["installation_id"]), {})
            return bool(installation.get("account", "").lower() == org["login"].lower())
        return org_role(self.store, org["login"], self.user) == "admin"

    def is_org_member(self, org: Record) -> bool:
        return self.is_org_admin(org) or org_role(self.store, org["login"], self.user) is not None

    # --- answers -----------------------------------------------------------------------------------------

    def owner_id(self, repo: Record) -> int:
        rec = self.store.org(repo["owner"]) if repo["owner_type"] == "Organization" else self.store.user(repo["owner"])
        return int(rec["id"]) if rec else 0

    def repo_json(self, repo: Record) -> dict[str, Any]:
        template = None
        if repo.get("template_full_name"):
            source = self.store.repo(*repo["template_full_name"].split("/", 1))
            if source is not None:
                viewer = self.permission(source) if (self.user or self.token) else None
                template = shapes.repo(self.api, self.web, source, self.owner_id(source), viewer, None)
        level = self.permission(repo) if (self.user or self.token) else None
        body = shapes.repo(self.api, self.web, repo, self.owner_id(repo), level, template)
        org = self.store.org(repo["owner"]) if repo["owner_type"] == "Organization" else None
        if org is not None:
            body["organization"] = shapes.user_simple(self.api, self.web, org["login"], org["id"], "Organization")
        return body

    def user_json(self, user: Record) -> dict[str, Any]:
        return shapes.user(self.api, self.web, user)

    def paginate(self, items: list[Any], key: str | None = None) -> Response:
        """A page of ``items`` per ``per_page``/``page`` with GitHub's ``Link`` header; wrapped in
        ``{"total_count": n, key: [...]}`` when ``key`` is given."""
        args = self.request.args
        try:
            per_page = max(1, min(100, int(args.get("per_page", 30))))
            page = max(1, int(args.get("page", 1)))
        except ValueError as error:
            raise validation("Invalid pagination parameters") from error
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        base = f"{self.api}{self.request.path[len('/api/v3') :]}"
        other = {k: v for k, v in args.items() if k not in ("page", "per_page")}

        def link(number: int, rel: str) -> str:
            query = urlencode({**other, "per_page": per_page, "page": number})
            return f'<{base}?{query}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        headers = {"Link": ", ".join(links)} if links else {}
        body: Any = {"total_count": len(items), key: chunk} if key else chunk
        return json_response(body, headers=headers)
