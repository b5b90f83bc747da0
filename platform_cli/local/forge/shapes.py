"""GitHub's JSON shapes for the resources the forge serves; ``api`` and ``web`` are the forge's own base URLs."""

from __future__ import annotations

import base64
from typing import Any

from platform_cli.local.forge.access import permissions_json
from platform_cli.local.forge.store import Record

Json = dict[str, Any]


def node_id(kind: str, ident: int) -> str:
    return base64.b64encode(f"0:{kind}{ident}".encode()).decode().rstrip("=")


def user_simple(api: str, web: str, login: str, ident: int, kind: str = "User") -> Json:
    u = f"{api}/users/{login}"
    return {
        "login": login,
        "id": ident,
        "node_id": node_id(kind, ident),
        "avatar_url": f"{web}/avatars/u/{ident}",
        "gravatar_id": "",
        "url": u,
        "html_url": f"{web}/{login}",
        "followers_url": f"{u}/followers",
        "following_url": f"{u}/following{{/other_user}}",
        "gists_url": f"{u}/gists{{/gist_id}}",
        "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{u}/subscriptions",
        "organizations_url": f"{u}/orgs",
        "repos_url": f"{u}/repos",
        "events_url": f"{u}/events{{/privacy}}",
        "received_events_url": f"{u}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def user(api: str, web: str, rec: Record) -> Json:
    return user_simple(api, web, rec["login"], rec["id"])


def user_full(api: str, web: str, rec: Record, public_repos: int, private: bool) -> Json:
    body = user(api, web, rec)
    body.update(
        {
            "name": rec.get("name"),
            "company": None,
            "blog": "",
            "location": None,
            "email": rec.get("email"),
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": public_repos,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": rec["created_at"],
            "updated_at": rec["created_at"],
        }
    )
    if private:
        body.update(
            {
                "notification_email": rec.get("email"),
                "private_gists": 0,
                "total_private_repos": 0,
                "owned_private_repos": 0,
                "disk_usage": 0,
                "collaborators": 0,
                "two_factor_authentication": True,
                "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
            }
        )
    return body


def org_simple(api: str, web: str, rec: Record) -> Json:
    o = f"{api}/orgs/{rec['login']}"
    return {
        "login": rec["login"],
        "id": rec["id"],
        "node_id": node_id("Organization", rec["id"]),
        "url": o,
        "repos_url": f"{o}/repos",
        "events_url": f"{o}/events",
        "hooks_url": f"{o}/hooks",
        "issues_url": f"{o}/issues",
        "members_url": f"{o}/members{{/member}}",
        "public_members_url": f"{o}/public_members{{/member}}",
        "avatar_url": f"{web}/avatars/u/{rec['id']}",
        "description": rec.get("description"),
    }


def org_full(api: str, web: str, rec: Record, public_repos: int, private_repos: int, member: bool) -> Json:
    body = org_simple(api, web, rec)
    body.update(
        {
            "name": rec.get("name") or rec["login"],
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "twitter_username": None,
            "is_verified": False,
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": public_repos,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "html_url": f"{web}/{rec['login']}",
            "created_at": rec["created_at"],
            "updated_at": rec["created_at"],
            "archived_at": None,
            "type": "Organization",
        }
    )
    if member:
        body.update(
            {
                "total_private_repos": private_repos,
                "owned_private_repos": private_repos,
                "private_gists": 0,
                "disk_usage": 0,
                "collaborators": 0,
                "billing_email": None,
                "default_repository_permission": rec.get("default_repository_permission", "read"),
                "members_can_create_repositories": True,
                "two_factor_requirement_enabled": False,
                "members_allowed_repository_creation_type": "all",
                "members_can_create_public_repositories": True,
                "members_can_create_private_repositories": True,
                "members_can_create_internal_repositories": True,
                "members_can_create_pages": True,
                "members_can_fork_private_repositories": False,
                "web_commit_signoff_required": False,
                "deploy_keys_enabled_for_repositories": True,
                "members_can_create_public_pages": True,
                "members_can_create_private_pages": True,
                "plan": {
                    "name": rec.get("plan", "enterprise"),
                    "space": 976562499,
                    "private_repos": 999999,
                    "filled_seats": 1,
                    "seats": 1,
                },
            }
        )
    return body


def owner(api: str, web: str, repo: Record, owner_id: int) -> Json:
    return user_simple(api, web, repo["owner"], owner_id, repo["owner_type"])


_REPO_URLS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}

REPO_SETTINGS = {
    "has_issues": True,
    "has_projects": True,
    "has_downloads": True,
    "has_wiki": True,
    "has_pages": False,
    "has_discussions": False,
    "allow_forking": True,
    "web_commit_signoff_required": False,
    "allow_squash_merge": True,
    "allow_merge_commit": True,
    "allow_rebase_merge": True,
    "allow_auto_merge": False,
    "delete_branch_on_merge": False,
    "allow_update_branch": False,
    "use_squash_pr_title_as_default": False,
    "squash_merge_commit_message": "COMMIT_MESSAGES",
    "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
    "merge_commit_message": "PR_TITLE",
    "merge_commit_title": "MERGE_MESSAGE",
}
# Settings PATCH stores but that only admins see, in the answer's own place.
ADMIN_SETTINGS = ("security_and_analysis",)
DEFAULT_ANALYSIS = {
    name: {"status": "disabled"}
    for name in (
        "advanced_security",
        "secret_scanning",
        "secret_scanning_push_protection",
        "dependabot_security_updates",
        "secret_scanning_non_provider_patterns",
        "secret_scanning_validity_checks",
    )
}


def repo(api: str, web: str, rec: Record, owner_id: int, permission: str | None, template: Json | None) -> Json:
    """A full repository; ``permission`` is the viewer's level (None: anonymous, no ``permissions`` key)."""
    r = f"{api}/repos/{rec['full_name']}"
    body: Json = {
        "id": rec["id"],
        "node_id": node_id("Repository", rec["id"]),
        "name": rec["name"],
        "full_name": rec["full_name"],
        "private": rec["private"],
        "owner": owner(api, web, rec, owner_id),
        "html_url": f"{web}/{rec['full_name']}",
        "description": rec.get("description"),
        "fork": False,
        "url": r,
    }
    body.update({key: r + suffix for key, suffix in _REPO_URLS.items()})
    body.update(
        {
            "created_at": rec["created_at"],
            "updated_at": rec["updated_at"],
            "pushed_at": rec.get("pushed_at") or rec["created_at"],
            "git_url": f"{web.replace('http://', 'git://')}/{rec['full_name']}.git",
            "ssh_url": f"git@{web.split('://', 1)[1]}:{rec['full_name']}.git",
            "clone_url": f"{web}/{rec['full_name']}.git",
            "svn_url": f"{web}/{rec['full_name']}",
            "homepage": rec.get("homepage"),
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "forks_count": 0,
            "mirror_url": None,
            "archived": rec["archived"],
            "disabled": False,
            "open_issues_count": 0,
            "license": None,
            "is_template": rec["is_template"],
            "topics": list(rec["topics"]),
            "visibility": rec["visibility"],
            "forks": 0,
            "open_issues": 0,
            "watchers": 0,
            "default_branch": rec["default_branch"],
        }
    )
    body.update({key: rec["settings"].get(key, default) for key, default in REPO_SETTINGS.items()})
    if permission is not None:
        body["permissions"] = permissions_json(permission)
    if permission == "admin":
        body["security_and_analysis"] = rec["settings"].get("security_and_analysis") or DEFAULT_ANALYSIS
    body["custom_properties"] = {}
    body["temp_clone_token"] = ""
    body["template_repository"] = template
    body["network_count"] = 0
    body["subscribers_count"] = 0
    return body


def team(api: str, web: str, rec: Record, org: Record, full: bool) -> Json:
    t = f"{api}/organizations/{org['id']}/team/{rec['id']}"
    body: Json = {
        "name": rec["name"],
        "id": rec["id"],
        "node_id": node_id("Team", rec["id"]),
        "slug": rec["slug"],
        "description": rec.get("description"),
        "privacy": rec.get("privacy", "closed"),
        "notification_setting": "notifications_enabled",
        "url": t,
        "html_url": f"{web}/orgs/{org['login']}/teams/{rec['slug']}",
        "members_url": f"{t}/members{{/member}}",
        "repositories_url": f"{t}/repos",
        "permission": "pull",
        "parent": None,
    }
    if full:
        body.update(
            {
                "created_at": rec["created_at"],
                "updated_at": rec["created_at"],
                "members_count": len(rec["members"]),
                "repos_count": len(rec["repos"]),
                "organization": org_full(api, web, org, 0, 0, False),
            }
        )
    return body


def environment(api: str, web: str, repo: Record, env: Record, reviewers: list[Json]) -> Json:
    rules: list[Json] = []
    if reviewers:
        rules.append(
            {
                "id": env["id"] * 10 + 1,
                "node_id": node_id("Gate", env["id"] * 10 + 1),
                "type": "required_reviewers",
                "prevent_self_review": env["prevent_self_review"],
                "reviewers": reviewers,
            }
        )
    if env["wait_timer"]:
        rules.append(
            {
                "id": env["id"] * 10 + 2,
                "node_id": node_id("Gate", env["id"] * 10 + 2),
                "type": "wait_timer",
                "wait_timer": env["wait_timer"],
            }
        )
    if env["deployment_branch_policy"] is not None:
        rules.append(
            {"id": env["id"] * 10 + 3, "node_id": node_id("Gate", env["id"] * 10 + 3), "type": "branch_policy"}
        )
    return {
        "id": env["id"],
        "node_id": node_id("Environment", env["id"]),
        "name": env["name"],
        "url": f"{api}/repos/{repo['full_name']}/environments/{env['name']}",
        "html_url": f"{web}/{repo['full_name']}/deployments/activity_log?environments_filter={env['name']}",
        "created_at": env["created_at"],
        "updated_at": env["updated_at"],
        "can_admins_bypass": env.get("can_admins_bypass", True),
        "protection_rules": rules,
        "deployment_branch_policy": env["deployment_branch_policy"],
    }
