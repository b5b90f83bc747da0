"""Git references (``/repos/{owner}/{repo}/git/refs``): read, list, create, move (fast-forward unless forced),
delete — how API clients create branches without a clone."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge import gitrepo
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.store import Record, now_iso


def _ref_json(ctx: Ctx, repo: Record, name: str, sha: str) -> dict[str, Any]:
    base = f"{ctx.api}/repos/{repo['full_name']}"
    return {
        "ref": name,
        "node_id": "",
        "url": f"{base}/git/{name}",
        "object": {"sha": sha, "type": "commit", "url": f"{base}/git/commits/{sha}"},
    }


def _full(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


def get_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    rec = ctx.repo(owner, repo)
    name = _full(ref)
    sha = gitrepo.resolve(ctx.store.repo_path(rec), name) if name.startswith(("refs/heads/", "refs/tags/")) else None
    if sha is None:
        raise not_found()
    return json_response(_ref_json(ctx, rec, name, sha))


def list_refs(ctx: Ctx, owner: str, repo: str, prefix: str = "") -> Response:
    rec = ctx.repo(owner, repo)
    path = ctx.store.repo_path(rec)
    if not gitrepo.branches(path):
        raise ApiError(409, "Git Repository is empty.")
    wanted = _full(prefix) if prefix else "refs/"
    found = [_ref_json(ctx, rec, n, s) for n, s in gitrepo.refs(path) if n.startswith(wanted)]
    return ctx.paginate(found)


def create_ref(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    body = ctx.body()
    name, sha = body.get("ref"), body.get("sha")
    if not isinstance(name, str) or not name.startswith("refs/") or name.count("/") < 2:
        raise validation("Reference name must start with 'refs/' and have at least two slashes.")
    if not name.startswith(("refs/heads/", "refs/tags/")) or ".." in name:
        raise validation(f"{name} is not a valid ref name.")
    path = ctx.store.repo_path(rec)
    if not isinstance(sha, str) or not gitrepo.commit_exists(path, sha):
        raise validation("Object does not exist")
    if gitrepo.resolve(path, name) is not None:
        raise validation("Reference already exists")
    gitrepo.update_ref(path, name, sha)
    rec["pushed_at"] = now_iso()
    body_json = _ref_json(ctx, rec, name, sha)
    return json_response(body_json, 201, {"Location": body_json["url"]})


def update_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    path = ctx.store.repo_path(rec)
    name = _full(ref)
    current = gitrepo.resolve(path, name) if name.startswith(("refs/heads/", "refs/tags/")) else None
    if current is None:
        raise validation("Reference does not exist")
    body = ctx.body()
    sha = body.get("sha")
    if not isinstance(sha, str) or not gitrepo.commit_exists(path, sha):
        raise validation("Object does not exist")
    if not body.get("force") and not gitrepo.is_ancestor(path, current, sha):
        raise validation("Update is not a fast forward")
    gitrepo.update_ref(path, name, sha)
    rec["pushed_at"] = now_iso()
    return json_response(_ref_json(ctx, rec, name, sha))


def delete_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    path = ctx.store.repo_path(rec)
    name = _full(ref)
    if not name.startswith(("refs/heads/", "refs/tags/")) or gitrepo.resolve(path, name) is None:
        raise validation("Reference does not exist")
    gitrepo.update_ref(path, name, None)
    if name.startswith("refs/heads/"):
        rec["protections"].pop(name.removeprefix("refs/heads/"), None)
    return no_content()


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/git/ref/{ref+}", get_ref)
    router.add("GET", "/repos/{owner}/{repo}/git/refs", list_refs)
    router.add("GET", "/repos/{owner}/{repo}/git/matching-refs/{prefix+}", list_refs)
    router.add("GET", "/repos/{owner}/{repo}/git/refs/{ref+}", get_ref)
    router.add("POST", "/repos/{owner}/{repo}/git/refs", create_ref)
    router.add("PATCH", "/repos/{owner}/{repo}/git/refs/{ref+}", update_ref)
    router.add("DELETE", "/repos/{owner}/{repo}/git/refs/{ref+}", delete_ref)
