"""Branches (list, get) and branch protection (PUT, GET, DELETE), read from the repo's real git refs."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge import gitrepo
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, validation
from platform_cli.local.forge.store import Record

FLAGS = (
    "required_linear_history",
    "allow_force_pushes",
    "allow_deletions",
    "block_creations",
    "required_conversation_resolution",
    "lock_branch",
    "allow_fork_syncing",
)
REQUIRED = ("required_status_checks", "enforce_admins", "required_pull_request_reviews", "restrictions")


def branch_not_found() -> ApiError:
    return ApiError(404, "Branch not found", doc="https://docs.github.com/rest/branches/branches#get-a-branch")


def _sha(ctx: Ctx, repo: Record, branch: str) -> str:
    sha = gitrepo.resolve(ctx.store.repo_path(repo), f"refs/heads/{branch}")
    if sha is None:
        raise branch_not_found()
    return sha


def _branch_url(ctx: Ctx, repo: Record, branch: str) -> str:
    return f"{ctx.api}/repos/{repo['full_name']}/branches/{branch}"


def _summary(ctx: Ctx, repo: Record, branch: str, sha: str) -> dict[str, Any]:
    url = _branch_url(ctx, repo, branch)
    protection = repo["protections"].get(branch)
    checks = (protection or {}).get("required_status_checks") or {"contexts": [], "checks": []}
    return {
        "name": branch,
        "commit": {"sha": sha, "url": f"{ctx.api}/repos/{repo['full_name']}/commits/{sha}"},
        "protected": protection is not None,
        "protection": {
            "enabled": protection is not None,
            "enforce_admins": bool((protection or {}).get("enforce_admins")),
            "required_status_checks": {
                "enforcement_level": "non_admins" if protection and protection.get("required_status_checks") else "off",
                "contexts": checks["contexts"],
                "checks": checks["checks"],
            },
        },
        "protection_url": f"{url}/protection",
    }


def list_branches(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo)
    found = gitrepo.branches(ctx.store.repo_path(rec))
    if ctx.request.args.get("protected") == "true":
        found = [(b, s) for b, s in found if b in rec["protections"]]
    return ctx.paginate([_summary(ctx, rec, name, sha) for name, sha in found])


def _commit_json(ctx: Ctx, repo: Record, sha: str, info: dict[str, str] | None = None) -> dict[str, Any]:
    info = info or gitrepo.commit_info(ctx.store.repo_path(repo), sha)
    if info is None:
        raise branch_not_found()
    base = f"{ctx.api}/repos/{repo['full_name']}"
    parents = [p for p in info["parents"].split() if p]
    return {
        "sha": sha,
        "node_id": "",
        "commit": {
            "author": {"name": info["author_name"], "email": info["author_email"], "date": info["author_date"]},
            "committer": {
                "name": info["committer_name"],
                "email": info["committer_email"],
                "date": info["committer_date"],
            },
            "message": info["message"].rstrip("\n"),
            "tree": {"sha": info["tree"], "url": f"{base}/git/trees/{info['tree']}"},
            "url": f"{base}/git/commits/{sha}",
            "comment_count": 0,
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        },
        "url": f"{base}/commits/{sha}",
        "html_url": f"{ctx.web}/{repo['full_name']}/commit/{sha}",
        "comments_url": f"{base}/commits/{sha}/comments",
        "author": None,
        "committer": None,
        "parents": [
            {"sha": p, "url": f"{base}/commits/{p}", "html_url": f"{ctx.web}/{repo['full_name']}/commit/{p}"}
            for p in parents
        ],
    }


def get_branch(ctx: Ctx, rec: Record, branch: str) -> Response:
    info = gitrepo.commit_info(ctx.store.repo_path(rec), f"refs/heads/{branch}")
    if info is None:
        raise branch_not_found()
    sha = info["sha"]
    body = _summary(ctx, rec, branch, sha)
    body["commit"] = _commit_json(ctx, rec, sha, info)
    body["_links"] = {"self": _branch_url(ctx, rec, branch), "html": f"{ctx.web}/{rec['full_name']}/tree/{branch}"}
    return json_response(body)


def protection_json(ctx: Ctx, repo: Record, branch: str, stored: Record) -> dict[str, Any]:
    url = f"{_branch_url(ctx, repo, branch)}/protection"
    body: dict[str, Any] = {"url": url}
    checks = stored.get("required_status_checks")
    if checks is not None:
        body["required_status_checks"] = {
            "url": f"{url}/required_status_checks",
            "strict": checks["strict"],
            "contexts": checks["contexts"],
            "contexts_url": f"{url}/required_status_checks/contexts",
            "checks": checks["checks"],
        }
    reviews = stored.get("required_pull_request_reviews")
    if reviews is not None:
        body["required_pull_request_reviews"] = {"url": f"{url}/required_pull_request_reviews", **reviews}
    body["required_signatures"] = {"url": f"{url}/required_signatures", "enabled": False}
    body["enforce_admins"] = {"url": f"{url}/enforce_admins", "enabled": bool(stored.get("enforce_admins"))}
    restrictions = stored.get("restrictions")
    if restrictions is not None:
        body["restrictions"] = {
            "url": f"{url}/restrictions",
            "users_url": f"{url}/restrictions/users",
            "teams_url": f"{url}/restrictions/teams",
            "apps_url": f"{url}/restrictions/apps",
            "users": [ctx.user_json(u) for u in (ctx.store.user(x) for x in restrictions["users"]) if u],
            "teams": [],
            "apps": [],
        }
    for flag in FLAGS:
        body[flag] = {"enabled": bool(stored.get(flag))}
    return body


def put_protection(ctx: Ctx, rec: Record, branch: str) -> Response:
    _sha(ctx, rec, branch)
    body = ctx.body()
    missing = [key for key in REQUIRED if key not in body]
    if missing:
        raise validation(f'Invalid request.\n\n"{missing[0]}" wasn\'t supplied.')
    stored: Record = {"enforce_admins": bool(body.get("enforce_admins"))}
    checks = body.get("required_status_checks")
    if checks is not None:
        if not isinstance(checks, dict) or "strict" not in checks:
            raise validation('Invalid request.\n\n"strict" wasn\'t supplied.')
        given = checks.get("checks")
        contexts = list(checks.get("contexts") or [c["context"] for c in given or []])
        listed = given if given is not None else [{"context": c, "app_id": None} for c in contexts]
        stored["required_status_checks"] = {
            "strict": bool(checks["strict"]),
            "contexts": contexts,
            "checks": [{"context": c["context"], "app_id": c.get("app_id")} for c in listed],
        }
    else:
        stored["required_status_checks"] = None
    reviews = body.get("required_pull_request_reviews")
    if reviews is not None:
        count = int(reviews.get("required_approving_review_count", 1))
        if not 0 <= count <= 6:
            raise validation("Invalid request.\n\nrequired_approving_review_count must be between 0 and 6.")
        stored["required_pull_request_reviews"] = {
            "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews", False)),
            "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews", False)),
            "require_last_push_approval": bool(reviews.get("require_last_push_approval", False)),
            "required_approving_review_count": count,
        }
    else:
        stored["required_pull_request_reviews"] = None
    restrictions = body.get("restrictions")
    if restrictions is not None:
        if rec["owner_type"] != "Organization":
            raise validation("Only organization repositories can have users and team restrictions")
        stored["restrictions"] = {
            "users": list(restrictions.get("users", [])),
            "teams": list(restrictions.get("teams", [])),
        }
    else:
        stored["restrictions"] = None
    for flag in FLAGS:
        stored[flag] = bool(body.get(flag))
    rec["protections"][branch] = stored
    return json_response(protection_json(ctx, rec, branch, stored))


def get_protection(ctx: Ctx, rec: Record, branch: str) -> Response:
    _sha(ctx, rec, branch)
    stored = rec["protections"].get(branch)
    if stored is None:
        raise ApiError(
            404,
            "Branch not protected",
            doc="https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
        )
    return json_response(protection_json(ctx, rec, branch, stored))


def delete_protection(ctx: Ctx, rec: Record, branch: str) -> Response:
    _sha(ctx, rec, branch)
    if rec["protections"].pop(branch, None) is None:
        raise ApiError(
            404,
            "Branch not protected",
            doc="https://docs.github.com/rest/branches/branch-protection#delete-branch-protection",
        )
    return no_content()


def branch_route(ctx: Ctx, owner: str, repo: str, rest: str) -> Response:
    method = ctx.request.method
    if rest.endswith("/protection"):
        branch = rest.removesuffix("/protection")
        rec = ctx.repo(owner, repo, "admin")
        handler = {"GET": get_protection, "PUT": put_protection, "DELETE": delete_protection}.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(ctx, rec, branch)
    if method != "GET":
        raise ApiError(404, "Not Found")
    return get_branch(ctx, ctx.repo(owner, repo), rest)


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/branches", list_branches)
    for method in ("GET", "PUT", "DELETE"):
        router.add(method, "/repos/{owner}/{repo}/branches/{rest+}", branch_route)
