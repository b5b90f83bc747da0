"""Commits (list, get) and repository contents (read a file or directory; create or update a file)."""

from __future__ import annotations

import base64
from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge import gitrepo
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, not_found, validation
from platform_cli.local.forge.store import Record, now_iso


def _ref(ctx: Ctx, repo: Record, given: str | None) -> str:
    return given or f"refs/heads/{repo['default_branch']}"


def _resolve(ctx: Ctx, repo: Record, given: str | None) -> str:
    path = ctx.store.repo_path(repo)
    ref = _ref(ctx, repo, given)
    for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
        sha = gitrepo.resolve(path, candidate) if not candidate.startswith(gitrepo.HIDDEN_PREFIX) else None
        if sha:
            return sha
    raise ApiError(404, f"No commit found for the ref {ref}")


def list_commits(ctx: Ctx, owner: str, repo: str) -> Response:
    from platform_cli.local.forge.routes.branches import _commit_json

    rec = ctx.repo(owner, repo)
    path = ctx.store.repo_path(rec)
    if not gitrepo.branches(path):
        raise ApiError(409, "Git Repository is empty.")
    start = _resolve(ctx, rec, ctx.request.args.get("sha"))
    shas = gitrepo.rev_list(path, start)
    return ctx.paginate([_commit_json(ctx, rec, sha) for sha in shas])


def get_commit(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    from platform_cli.local.forge.routes.branches import _commit_json

    rec = ctx.repo(owner, repo)
    body = _commit_json(ctx, rec, _resolve(ctx, rec, ref))
    body["files"] = []
    body["stats"] = {"total": 0, "additions": 0, "deletions": 0}
    return json_response(body)


def _content_json(ctx: Ctx, repo: Record, ref: str, kind: str, sha: str, path: str, size: int) -> dict[str, Any]:
    base = f"{ctx.api}/repos/{repo['full_name']}"
    body: dict[str, Any] = {
        "type": "file" if kind == "blob" else "dir",
        "size": size if kind == "blob" else 0,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": f"{base}/contents/{path}?ref={ref}",
        "git_url": f"{base}/git/{'blobs' if kind == 'blob' else 'trees'}/{sha}",
        "html_url": f"{ctx.web}/{repo['full_name']}/{'blob' if kind == 'blob' else 'tree'}/{ref}/{path}",
        "download_url": f"{ctx.web}/{repo['full_name']}/raw/{ref}/{path}" if kind == "blob" else None,
    }
    body["_links"] = {"self": body["url"], "git": body["git_url"], "html": body["html_url"]}
    return body


def get_contents(ctx: Ctx, owner: str, repo: str, path: str = "") -> Response:
    rec = ctx.repo(owner, repo)
    store_path = ctx.store.repo_path(rec)
    given = ctx.request.args.get("ref")
    sha = _resolve(ctx, rec, given)
    ref_name = given or rec["default_branch"]
    path = path.strip("/")
    kind = gitrepo.object_type(store_path, sha, path)
    if kind == "tree":
        entries = gitrepo.tree_entries(store_path, sha, path)
        items = [
            _content_json(ctx, rec, ref_name, k, s, f"{path}/{n}" if path else n, size) for k, s, n, size in entries
        ]
        return json_response(items)
    if kind != "blob":
        raise not_found()
    content = gitrepo.read_blob(store_path, sha, path) or b""
    blob = gitrepo.blob_sha(store_path, sha, path) or ""
    body = _content_json(ctx, rec, ref_name, "blob", blob, path, len(content))
    body["content"] = base64.encodebytes(content).decode()
    body["encoding"] = "base64"
    return json_response(body)


def put_contents(ctx: Ctx, owner: str, repo: str, path: str) -> Response:
    rec = ctx.repo(owner, repo, "push")
    body = ctx.body()
    message, content = body.get("message"), body.get("content")
    if not isinstance(message, str) or not isinstance(content, str):
        raise validation('Invalid request.\n\n"message" and "content" are required.')
    store_path = ctx.store.repo_path(rec)
    branch = body.get("branch") or rec["default_branch"]
    ref = f"refs/heads/{branch}"
    existing = gitrepo.blob_sha(store_path, ref, path) if gitrepo.resolve(store_path, ref) else None
    if existing and body.get("sha") != existing:
        raise ApiError(
            409 if body.get("sha") else 422,
            'Invalid request.\n\n"sha" wasn\'t supplied.'
            if not body.get("sha")
            else f"{path} does not match {body.get('sha')}",
        )
    try:
        data = base64.b64decode(content, validate=True)
    except ValueError as error:
        raise validation("content is not valid Base64") from error
    sha = gitrepo.commit_files(store_path, ref, {path: data}, message)
    rec["pushed_at"] = now_iso()
    from platform_cli.local.forge.routes.branches import _commit_json

    blob = gitrepo.blob_sha(store_path, sha, path) or ""
    answer = {
        "content": _content_json(ctx, rec, branch, "blob", blob, path, len(data)),
        "commit": _commit_json(ctx, rec, sha),
    }
    return json_response(answer, 200 if existing else 201)


def delete_contents(ctx: Ctx, owner: str, repo: str, path: str) -> Response:
    from platform_cli.local.forge.routes.branches import _commit_json

    rec = ctx.repo(owner, repo, "push")
    body = ctx.body()
    message, given = body.get("message"), body.get("sha")
    if not isinstance(message, str) or not isinstance(given, str):
        raise validation('Invalid request.\n\n"message" and "sha" are required.')
    store_path = ctx.store.repo_path(rec)
    ref = f"refs/heads/{body.get('branch') or rec['default_branch']}"
    existing = gitrepo.blob_sha(store_path, ref, path) if gitrepo.resolve(store_path, ref) else None
    if existing is None:
        raise not_found()
    if given != existing:
        raise ApiError(409, f"{path} does not match {given}")
    sha = gitrepo.commit_files(store_path, ref, {}, message, deletes=(path,))
    rec["pushed_at"] = now_iso()
    return json_response({"content": None, "commit": _commit_json(ctx, rec, sha)})


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/commits", list_commits)
    router.add("GET", "/repos/{owner}/{repo}/commits/{ref}", get_commit)
    router.add("GET", "/repos/{owner}/{repo}/contents", get_contents)
    router.add("GET", "/repos/{owner}/{repo}/contents/{path+}", get_contents)
    router.add("PUT", "/repos/{owner}/{repo}/contents/{path+}", put_contents)
    router.add("DELETE", "/repos/{owner}/{repo}/contents/{path+}", delete_contents)
