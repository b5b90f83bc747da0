"""Who may do what: org roles, team and collaborator grants, folded into GitHub's repository permission levels."""

from __future__ import annotations

from platform_cli.local.forge.store import Record, Store

LEVELS = ("none", "pull", "triage", "push", "maintain", "admin")
# GitHub accepts the UI names too ("read", "write") on team and collaborator grants.
ALIASES = {"read": "pull", "write": "push", "none": "none"}


def normalise(permission: str) -> str:
    return ALIASES.get(permission, permission)


def at_least(level: str, wanted: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(wanted)


def highest(*levels: str) -> str:
    return max(levels, key=LEVELS.index)


def org_role(store: Store, org_login: str, user: Record | None) -> str | None:
    """``admin`` (owner), ``member`` or None."""
    org = store.org(org_login)
    if org is None or user is None:
        return None
    role: str | None = org["members"].get(user["login"].lower())
    return role


def user_teams(store: Store, org_login: str, user: Record) -> list[Record]:
    prefix = f"{org_login.lower()}/"
    login = user["login"].lower()
    return [t for k, t in store.data["teams"].items() if k.startswith(prefix) and login in t["members"]]


def repo_permission(store: Store, repo: Record, user: Record | None) -> str:
    """The effective permission of ``user`` (None: anonymous) on ``repo``; ``none`` when it has no access."""
    base = "pull" if not repo["private"] else "none"
    if user is None:
        return base
    login = user["login"].lower()
    if repo["owner_type"] == "User":
        return "admin" if repo["owner"].lower() == login else highest(base, repo["collaborators"].get(login, "none"))
    role = org_role(store, repo["owner"], user)
    if role == "admin":
        return "admin"
    level = highest(base, repo["collaborators"].get(login, "none"))
    if role == "member":
        org = store.org(repo["owner"])
        assert org is not None
        level = highest(level, normalise(org.get("default_repository_permission", "read")))
        if repo.get("visibility") == "internal":
            level = highest(level, "pull")
    full = repo["full_name"].lower()
    for team in user_teams(store, repo["owner"], user):
        level = highest(level, team["repos"].get(full, "none"))
    return level


def permissions_json(level: str) -> dict[str, bool]:
    return {name: at_least(level, name) for name in ("admin", "maintain", "push", "triage", "pull")}
