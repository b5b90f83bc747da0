"""Deployment environments: list, get, PUT (reviewers, wait timer, self-review, branch policy), delete, and the
custom deployment branch policies of an environment."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from platform_cli.local.forge import crypto, shapes
from platform_cli.local.forge.api import ApiError, Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.store import Record, now_iso

MAX_WAIT_TIMER = 43200
MAX_REVIEWERS = 6


def find_environment(ctx: Ctx, repo: Record, name: str) -> Record:
    env: Record | None = repo["environments"].get(name)
    if env is None:
        raise ApiError(404, "Not Found")
    return env


def environment_json(ctx: Ctx, repo: Record, env: Record) -> dict[str, Any]:
    reviewers = []
    for reviewer in env["reviewers"]:
        if reviewer["type"] == "User":
            user = ctx.store.user_by_id(reviewer["id"])
            if user is not None:
                reviewers.append({"type": "User", "reviewer": ctx.user_json(user)})
        else:
            team = ctx.store.team_by_id(reviewer["id"])
            org = ctx.store.org(team["org"]) if team else None
            if team is not None and org is not None:
                reviewers.append({"type": "Team", "reviewer": shapes.team(ctx.api, ctx.web, team, org, False)})
    body = shapes.environment(ctx.api, ctx.web, repo, env, reviewers)
    body["url"] = f"{ctx.api}/repos/{repo['full_name']}/environments/{quote(env['name'], safe='')}"
    return body


def list_environments(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo)
    items = [environment_json(ctx, rec, e) for _, e in sorted(rec["environments"].items())]
    return ctx.paginate(items, "environments")


def get_environment(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    rec = ctx.repo(owner, repo)
    return json_response(environment_json(ctx, rec, find_environment(ctx, rec, env)))


def _reviewers(ctx: Ctx, repo: Record, given: Any) -> list[Record]:
    if not isinstance(given, list) or len(given) > MAX_REVIEWERS:
        raise validation(f"Invalid request.\n\nreviewers must be a list of at most {MAX_REVIEWERS}.")
    found = []
    for item in given:
        kind, ident = (item or {}).get("type"), (item or {}).get("id")
        if kind not in ("User", "Team") or not isinstance(ident, int):
            raise validation('Invalid request.\n\nEach reviewer needs "type" (User or Team) and an integer "id".')
        if kind == "User" and ctx.store.user_by_id(ident) is None:
            raise validation(f"Reviewer User {ident} was not found.")
        if kind == "Team":
            team = ctx.store.team_by_id(ident)
            if team is None or team["org"].lower() != repo["owner"].lower():
                raise validation(f"Reviewer Team {ident} was not found in {repo['owner']}.")
        found.append({"type": kind, "id": ident})
    return found


def _plan_rules(ctx: Ctx, repo: Record, body: Record) -> None:
    """GitHub's plan rules for private and internal repositories: environments need Team or Enterprise; required
    reviewers and wait timers need Enterprise (public repositories have them on every plan)."""
    org = ctx.store.org(repo["owner"])
    if org is None or repo.get("visibility", "private" if repo.get("private") else "public") == "public":
        return
    plan = org.get("plan", "enterprise")
    if plan == "free":
        raise validation("Environments are not available for private repositories on the GitHub Free plan.")
    if plan != "enterprise" and (body.get("reviewers") or body.get("wait_timer")):
        raise validation(
            "Required reviewers and wait timers are not available for private repositories on this plan "
            "(GitHub Enterprise)."
        )


def put_environment(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    rec = ctx.repo(owner, repo, "admin")
    body = ctx.body()
    _plan_rules(ctx, rec, body)
    existing = rec["environments"].get(env)
    stamp = now_iso()
    record: Record = existing or {
        "id": ctx.store.new_id(),
        "name": env,
        "created_at": stamp,
        "wait_timer": 0,
        "prevent_self_review": False,
        "reviewers": [],
        "deployment_branch_policy": None,
        "branch_policies": [],
        "can_admins_bypass": True,
        "secrets": {},
        "variables": {},
        "keypair": crypto.new_keypair(),
    }
    updates: Record = {}
    if "wait_timer" in body:
        wait = body["wait_timer"] or 0
        if not isinstance(wait, int) or not 0 <= wait <= MAX_WAIT_TIMER:
            raise validation(f"Invalid request.\n\nwait_timer must be an integer between 0 and {MAX_WAIT_TIMER}.")
        updates["wait_timer"] = wait
    if "prevent_self_review" in body:
        updates["prevent_self_review"] = bool(body["prevent_self_review"])
    if "can_admins_bypass" in body:
        updates["can_admins_bypass"] = bool(body["can_admins_bypass"])
    if "reviewers" in body:
        updates["reviewers"] = _reviewers(ctx, rec, body["reviewers"] or [])
    if "deployment_branch_policy" in body:
        policy = body["deployment_branch_policy"]
        if policy is not None:
            protected, custom = policy.get("protected_branches"), policy.get("custom_branch_policies")
            if not isinstance(protected, bool) or not isinstance(custom, bool) or protected == custom:
                raise validation(
                    "Invalid request.\n\nExactly one of protected_branches and custom_branch_policies must be true."
                )
            policy = {"protected_branches": protected, "custom_branch_policies": custom}
        updates["deployment_branch_policy"] = policy
        if policy is None or not policy["custom_branch_policies"]:
            updates["branch_policies"] = []
    record.update(updates)
    record["updated_at"] = stamp
    rec["environments"][env] = record
    return json_response(environment_json(ctx, rec, record))


def delete_environment(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    rec = ctx.repo(owner, repo, "admin")
    if rec["environments"].pop(env, None) is None:
        raise not_found()
    return no_content()


# --- custom deployment branch policies ----------------------------------------------------------------------


def _policy_env(ctx: Ctx, owner: str, repo: str, env: str, need: str) -> Record:
    rec = ctx.repo(owner, repo, need)
    return find_environment(ctx, rec, env)


def _policy_json(policy: Record) -> dict[str, Any]:
    return {
        "id": policy["id"],
        "node_id": shapes.node_id("DeploymentBranchPolicy", policy["id"]),
        "name": policy["name"],
        "type": policy.get("type", "branch"),
    }


def list_policies(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    record = _policy_env(ctx, owner, repo, env, "pull")
    return ctx.paginate([_policy_json(p) for p in record["branch_policies"]], "branch_policies")


def create_policy(ctx: Ctx, owner: str, repo: str, env: str) -> Response:
    record = _policy_env(ctx, owner, repo, env, "admin")
    policy = record["deployment_branch_policy"]
    if not policy or not policy["custom_branch_policies"]:
        raise ApiError(404, "Custom deployment branch policies are not enabled for this environment")
    body = ctx.body()
    name, kind = body.get("name"), body.get("type", "branch")
    if not isinstance(name, str) or not name or kind not in ("branch", "tag"):
        raise validation('Invalid request.\n\n"name" is required and "type" must be branch or tag.')
    for existing in record["branch_policies"]:
        if existing["name"] == name and existing.get("type", "branch") == kind:
            env_url = f"{ctx.api}/repos/{owner}/{repo}/environments/{quote(env, safe='')}"
            url = f"{env_url}/deployment-branch-policies/{existing['id']}"
            return Response(status=303, headers={"Location": url})
    created = {"id": ctx.store.new_id(), "name": name, "type": kind}
    record["branch_policies"].append(created)
    return json_response(_policy_json(created))


def _find_policy(record: Record, policy_id: str) -> Record:
    for policy in record["branch_policies"]:
        if str(policy["id"]) == policy_id:
            found: Record = policy
            return found
    raise not_found()


def policy_item(ctx: Ctx, owner: str, repo: str, env: str, policy_id: str) -> Response:
    method = ctx.request.method
    record = _policy_env(ctx, owner, repo, env, "pull" if method == "GET" else "admin")
    policy = _find_policy(record, policy_id)
    if method == "DELETE":
        record["branch_policies"].remove(policy)
        return no_content()
    if method == "PUT":
        name = ctx.body().get("name")
        if not isinstance(name, str) or not name:
            raise validation('Invalid request.\n\n"name" is required.')
        policy["name"] = name
    return json_response(_policy_json(policy))


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/environments", list_environments)
    router.add("GET", "/repos/{owner}/{repo}/environments/{env}", get_environment)
    router.add("PUT", "/repos/{owner}/{repo}/environments/{env}", put_environment)
    router.add("DELETE", "/repos/{owner}/{repo}/environments/{env}", delete_environment)
    router.add("GET", "/repos/{owner}/{repo}/environments/{env}/deployment-branch-policies", list_policies)
    router.add("POST", "/repos/{owner}/{repo}/environments/{env}/deployment-branch-policies", create_policy)
    for method in ("GET", "PUT", "DELETE"):
        router.add(
            method, "/repos/{owner}/{repo}/environments/{env}/deployment-branch-policies/{policy_id}", policy_item
        )
