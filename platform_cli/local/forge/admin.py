"""The admin API (``/_forge/...``, guarded by the admin token in ``<state_dir>/admin-token``) and its client.

Routes (JSON in, JSON out; ``Authorization: Bearer <admin token>``):

- ``POST /_forge/users`` ``{login, scopes?, name?, email?}`` → ``{login, id, token}``; ``scopes`` (a list) makes
  the token a classic PAT that reports ``X-OAuth-Scopes``; omitted, the token is not scope-limited.
- ``POST /_forge/users/{login}/tokens`` ``{scopes?}`` → ``{token}``
- ``POST /_forge/orgs`` ``{login, owners: [...], members: [...], default_repository_permission?}`` → ``{login, id}``
- ``POST /_forge/orgs/{org}/teams`` ``{name, members: [...], maintainers?: [...]}`` → ``{slug, id}``
- ``POST /_forge/repos`` ``{owner, name, private?, is_template?, visibility?}`` → ``{full_name, id}``
- ``POST /_forge/repos/{owner}/{repo}/commits`` ``{branch?, message?, files: {path: text}, replace?}`` → ``{sha}``
- ``POST /_forge/repos/{owner}/{repo}/branches`` ``{name, from?}`` → ``{name, sha}``
- ``GET /_forge/repos/{owner}/{repo}/secrets`` → ``{NAME: plaintext}``;
  ``GET /_forge/repos/{owner}/{repo}/environments/{env}/secrets`` likewise
- ``GET /_forge/orgs/{org}/secrets`` → ``{NAME: plaintext}`` (organisation secrets)
- ``GET /_forge/dispatches?repo=owner/name`` → recorded workflow/repository dispatches
- ``GET|PUT /_forge/faults`` → the fault settings (PUT replaces them; ``{}`` switches injection off)
- ``POST /_forge/apps`` ``{slug, public_key_pem, installations: [account, ...]}`` → ``{app_id, installations}``
- ``POST /_forge/reset-limits`` forgets rate-limit budgets; ``GET /_forge/health`` needs no token.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import requests
from werkzeug.wrappers import Request, Response

from platform_cli.local.forge import crypto, gitrepo, service
from platform_cli.local.forge.exceptions import ForgeAdminError
from platform_cli.local.forge.faults import Faults
from platform_cli.local.forge.oidc import STS_AUDIENCE
from platform_cli.local.forge.store import Record, now_iso

if TYPE_CHECKING:
    from platform_cli.local.forge.app import Forge


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"message": message}, status)


def handle_admin(forge: Forge, request: Request) -> Response:
    parts = [unquote(p) for p in request.path.split("/")[2:] if p]
    if parts == ["health"]:
        return _json({"ok": True})
    if not forge.check_admin(request):
        return _error(401, "admin token required: Authorization: Bearer <state_dir>/admin-token")
    try:
        body = json.loads(request.get_data() or b"{}")
        with forge.store.lock:
            response = _route(forge, request.method, parts, body, request)
            if request.method != "GET" and response.status_code < 400:
                forge.store.save()
            return response
    except service.ServiceError as error:
        return _error(error.status, str(error))
    except (ForgeAdminError, ValueError, KeyError, TypeError) as error:
        return _error(400, f"bad admin request: {error}")


def _route(forge: Forge, method: str, parts: list[str], body: dict[str, Any], request: Request) -> Response:
    store = forge.store
    match method, parts:
        case "POST", ["oidc", "token"]:
            token = forge.oidc.mint(
                body["repository"],
                environment=body.get("environment"),
                pull_request=bool(body.get("pull_request")),
                ref=body.get("ref"),
                audience=body.get("audience") or STS_AUDIENCE,
            )
            return _json({"value": token})
        case "POST", ["users"]:
            user = service.create_user(store, body["login"], body.get("name"), body.get("email"))
            token, _ = service.create_token(store, user["login"], body.get("scopes"))
            return _json({"login": user["login"], "id": user["id"], "token": token}, 201)
        case "POST", ["users", login, "tokens"]:
            if store.user(login) is None:
                return _error(404, f"user {login!r} does not exist")
            token, _ = service.create_token(store, store.user(login)["login"], body.get("scopes"))  # type: ignore[index]
            return _json({"token": token}, 201)
        case "POST", ["orgs"]:
            org = service.create_org(
                store,
                body["login"],
                body.get("owners", []),
                body.get("members", []),
                body.get("name"),
                body.get("default_repository_permission", "read"),
            )
            return _json({"login": org["login"], "id": org["id"]}, 201)
        case "PUT", ["orgs", org, "plan"]:
            return _json({"login": org, "plan": service.set_org_plan(store, org, str(body.get("name", "")))})
        case "POST", ["orgs", org, "teams"]:
            team = service.create_team(
                store, org, body["name"], body.get("members", []), body.get("maintainers"), body.get("description")
            )
            return _json({"slug": team["slug"], "id": team["id"]}, 201)
        case "POST", ["repos"]:
            repo = service.create_repo(
                store,
                body["owner"],
                body["name"],
                private=bool(body.get("private", False)),
                visibility=body.get("visibility"),
                description=body.get("description"),
                is_template=bool(body.get("is_template", False)),
                default_branch=body.get("default_branch", "main"),
            )
            return _json({"full_name": repo["full_name"], "id": repo["id"]}, 201)
        case "POST", ["repos", owner, name, "commits"]:
            repo = _repo(forge, owner, name)
            branch = body.get("branch") or repo["default_branch"]
            files = {path: str(text).encode() for path, text in body["files"].items()}
            sha = gitrepo.commit_files(
                store.repo_path(repo),
                f"refs/heads/{branch}",
                files,
                body.get("message", "Update files"),
                bool(body.get("replace", False)),
            )
            repo["pushed_at"] = now_iso()
            return _json({"sha": sha}, 201)
        case "POST", ["repos", owner, name, "branches"]:
            repo = _repo(forge, owner, name)
            path = store.repo_path(repo)
            source = gitrepo.resolve(path, f"refs/heads/{body.get('from') or repo['default_branch']}")
            if source is None:
                return _error(404, "the source branch does not exist")
            gitrepo.update_ref(path, f"refs/heads/{body['name']}", source)
            return _json({"name": body["name"], "sha": source}, 201)
        case "GET", ["orgs", org, "secrets"]:
            org_rec = store.org(org)
            if org_rec is None:
                return _error(404, f"org {org!r} does not exist")
            return _json(_open(org_rec) if "keypair" in org_rec else {})
        case "GET", ["repos", owner, name, "secrets"]:
            return _json(_open(_repo(forge, owner, name)))
        case "GET", ["repos", owner, name, "environments", env, "secrets"]:
            environment = _repo(forge, owner, name)["environments"].get(env)
            if environment is None:
                return _error(404, f"environment {env!r} does not exist")
            return _json(_open(environment))
        case "GET", ["dispatches"]:
            wanted = request.args.get("repo", "").lower()
            found = [d for d in store.data["dispatches"] if not wanted or d["repo"].lower() == wanted]
            return _json(found)
        case "GET", ["faults"]:
            return _json(forge.faults.to_json())
        case "PUT", ["faults"]:
            forge.injector.set(Faults.from_json(body))
            return _json(forge.faults.to_json())
        case "POST", ["reset-limits"]:
            forge.limiter.reset()
            return _json({"ok": True})
        case "POST", ["apps"]:
            app_id = store.new_id()
            store.data["apps"][str(app_id)] = {
                "id": app_id,
                "slug": body["slug"],
                "public_key_pem": body["public_key_pem"],
                "created_at": now_iso(),
            }
            installations = {}
            for account in body.get("installations", []):
                if store.org(account) is None and store.user(account) is None:
                    return _error(404, f"account {account!r} does not exist")
                ident = store.new_id()
                store.data["installations"][str(ident)] = {
                    "id": ident,
                    "app_id": app_id,
                    "account": account,
                    "created_at": now_iso(),
                }
                installations[account] = ident
            return _json({"app_id": app_id, "installations": installations}, 201)
    return _error(404, f"no admin route {method} /_forge/{'/'.join(parts)}")


def _repo(forge: Forge, owner: str, name: str) -> Record:
    repo = forge.store.repo(owner, name)
    if repo is None:
        raise service.ServiceError(404, f"repository {owner}/{name} does not exist")
    forge.settle_generation(repo)
    return repo


def _open(holder: Record) -> dict[str, str | None]:
    return {name: crypto.unseal(holder["keypair"], s["encrypted_value"]) for name, s in holder["secrets"].items()}


class ForgeAdmin:
    """A client of the admin API: ``ForgeAdmin(url, admin_token)``; ``url`` is the forge root (no ``/api/v3``)."""

    def __init__(self, url: str, admin_token: str, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self._session = session or requests.Session()
        self._session.headers["Authorization"] = f"Bearer {admin_token}"

    def _call(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        response = self._session.request(method, f"{self.url}/_forge/{path}", json=body, params=params, timeout=30)
        if response.status_code >= 400:
            message = response.json().get("message", response.text) if response.content else response.reason
            raise ForgeAdminError(f"forge admin {method} /_forge/{path} failed ({response.status_code}): {message}")
        return response.json()

    def create_user(self, login: str, scopes: list[str] | None = None, name: str | None = None) -> str:
        """Create a user; returns its token (a classic PAT with ``scopes`` when given)."""
        token: str = self._call("POST", "users", {"login": login, "scopes": scopes, "name": name})["token"]
        return token

    def id_token(
        self,
        repository: str,
        *,
        environment: str | None = None,
        pull_request: bool = False,
        ref: str | None = None,
        audience: str | None = None,
    ) -> str:
        """A GitHub Actions OIDC ID token for a job of ``repository`` (what ``ACTIONS_ID_TOKEN_REQUEST_URL`` gives)."""
        body = {
            "repository": repository,
            "environment": environment,
            "pull_request": pull_request,
            "ref": ref,
            "audience": audience,
        }
        value: str = self._call("POST", "oidc/token", body)["value"]
        return value

    def create_token(self, login: str, scopes: list[str] | None = None) -> str:
        token: str = self._call("POST", f"users/{quote(login)}/tokens", {"scopes": scopes})["token"]
        return token

    def create_org(
        self,
        login: str,
        owners: list[str],
        members: list[str] | None = None,
        default_repository_permission: str = "read",
    ) -> int:
        body = {
            "login": login,
            "owners": owners,
            "members": members or [],
            "default_repository_permission": default_repository_permission,
        }
        ident: int = self._call("POST", "orgs", body)["id"]
        return ident

    def set_org_plan(self, org: str, plan: str) -> None:
        """The org's GitHub plan (free, team or enterprise; a new org is on enterprise): the forge then applies
        that plan's rules to environments of private and internal repositories, as GitHub does."""
        self._call("PUT", f"orgs/{quote(org)}/plan", {"name": plan})

    def create_team(
        self, org: str, name: str, members: list[str], maintainers: list[str] | None = None
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", f"orgs/{quote(org)}/teams", {"name": name, "members": members, "maintainers": maintainers or []}
        )
        return result

    def create_repo(self, owner: str, name: str, *, private: bool = False, is_template: bool = False) -> str:
        full_name: str = self._call(
            "POST", "repos", {"owner": owner, "name": name, "private": private, "is_template": is_template}
        )["full_name"]
        return full_name

    def commit_files(
        self,
        full_name: str,
        files: dict[str, str],
        *,
        branch: str | None = None,
        message: str = "Update files",
        replace: bool = False,
    ) -> str:
        sha: str = self._call(
            "POST",
            f"repos/{full_name}/commits",
            {"files": files, "branch": branch, "message": message, "replace": replace},
        )["sha"]
        return sha

    def create_branch(self, full_name: str, name: str, source: str | None = None) -> str:
        """Create branch ``name`` at the tip of ``source`` (default branch when None); returns its sha."""
        sha: str = self._call("POST", f"repos/{full_name}/branches", {"name": name, "from": source})["sha"]
        return sha

    def org_secrets(self, org: str) -> dict[str, str]:
        """Decrypted organisation Actions secrets."""
        result: dict[str, str] = self._call("GET", f"orgs/{quote(org)}/secrets")
        return result

    def secrets(self, full_name: str, environment: str | None = None) -> dict[str, str]:
        """Decrypted Actions secrets of a repo (or one of its environments)."""
        path = (
            f"repos/{full_name}/secrets"
            if environment is None
            else f"repos/{full_name}/environments/{quote(environment, safe='')}/secrets"
        )
        result: dict[str, str] = self._call("GET", path)
        return result

    def dispatches(self, full_name: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call(
            "GET", "dispatches", params={"repo": full_name} if full_name else None
        )
        return result

    def faults(self) -> Faults:
        return Faults.from_json(self._call("GET", "faults"))

    def set_faults(self, faults: Faults) -> Faults:
        return Faults.from_json(self._call("PUT", "faults", faults.to_json()))

    def reset_limits(self) -> None:
        self._call("POST", "reset-limits", {})

    def register_app(self, slug: str, public_key_pem: str, installations: list[str]) -> dict[str, Any]:
        """Register a GitHub App (its RS256 public key) installed on ``installations`` (org or user logins)."""
        result: dict[str, Any] = self._call(
            "POST", "apps", {"slug": slug, "public_key_pem": public_key_pem, "installations": installations}
        )
        return result
