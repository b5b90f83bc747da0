"""Operations shared by the REST routes and the admin API: users, tokens, orgs, teams, repos."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from platform_cli.local.forge import crypto, gitrepo
from platform_cli.local.forge.store import Record, Store, now_iso

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


class ServiceError(ValueError):
    """A request the forge cannot honour; ``status`` is the HTTP status GitHub would answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def create_user(store: Store, login: str, name: str | None = None, email: str | None = None) -> Record:
    if not LOGIN_RE.match(login):
        raise ServiceError(422, f"login {login!r} is not a valid GitHub login")
    if store.user(login) or store.org(login):
        raise ServiceError(422, f"login {login!r} is already taken")
    user = {
        "login": login,
        "id": store.new_id(),
        "name": name,
        "email": email,
        "created_at": now_iso(),
    }
    store.data["users"][login.lower()] = user
    return user


def create_token(
    store: Store,
    login: str | None,
    scopes: list[str] | None,
    *,
    installation_id: int | None = None,
    ttl_s: int | None = None,
    prefix: str = "ghp_",
) -> tuple[str, Record]:
    """A new token for ``login`` (or an installation); ``scopes`` None means not scope-limited."""
    value = prefix + secrets.token_hex(18)
    record: Record = {"login": login, "scopes": scopes, "installation_id": installation_id, "created_at": now_iso()}
    if ttl_s is not None:
        record["expires_epoch"] = time.time() + ttl_s
        record["expires_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record["expires_epoch"]))
    store.data["tokens"][value] = record
    return value, record


PLANS = ("free", "team", "enterprise")


def set_org_plan(store: Store, login: str, plan: str) -> str:
    org = store.org(login)
    if org is None:
        raise ServiceError(404, f"org {login!r} does not exist")
    if plan not in PLANS:
        raise ServiceError(422, f"plan must be one of {', '.join(PLANS)}")
    org["plan"] = plan
    return plan


def create_org(
    store: Store,
    login: str,
    owners: list[str],
    members: list[str],
    name: str | None = None,
    default_repository_permission: str = "read",
) -> Record:
    if not LOGIN_RE.match(login):
        raise ServiceError(422, f"org login {login!r} is not a valid GitHub login")
    if store.user(login) or store.org(login):
        raise ServiceError(422, f"login {login!r} is already taken")
    if default_repository_permission not in ("read", "write", "admin", "none"):
        raise ServiceError(422, "default_repository_permission must be read, write, admin or none")
    roles: dict[str, str] = {}
    for who, role in [(m, "member") for m in members] + [(o, "admin") for o in owners]:
        if store.user(who) is None:
            raise ServiceError(404, f"user {who!r} does not exist; create it first")
        roles[who.lower()] = role
    org = {
        "login": login,
        "id": store.new_id(),
        "name": name or login,
        "description": None,
        "created_at": now_iso(),
        "members": roles,
        "default_repository_permission": default_repository_permission,
        "variables": {},
    }
    store.data["orgs"][login.lower()] = org
    return org


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")


def create_team(
    store: Store,
    org_login: str,
    name: str,
    members: list[str],
    maintainers: list[str] | None = None,
    description: str | None = None,
    privacy: str = "closed",
) -> Record:
    org = store.org(org_login)
    if org is None:
        raise ServiceError(404, f"org {org_login!r} does not exist")
    slug = slugify(name)
    if store.team(org_login, slug):
        raise ServiceError(422, f"team {slug!r} already exists in {org_login}")
    roster: dict[str, str] = {}
    for who, role in [(m, "member") for m in members] + [(m, "maintainer") for m in maintainers or []]:
        if store.user(who) is None:
            raise ServiceError(404, f"user {who!r} does not exist; create it first")
        roster[who.lower()] = role
        org["members"].setdefault(who.lower(), "member")
    team = {
        "id": store.new_id(),
        "org": org["login"],
        "slug": slug,
        "name": name,
        "description": description,
        "privacy": privacy,
        "created_at": now_iso(),
        "members": roster,
        "repos": {},
    }
    store.data["teams"][f"{org_login}/{slug}".lower()] = team
    return team


def create_repo(
    store: Store,
    owner: str,
    name: str,
    *,
    private: bool = False,
    visibility: str | None = None,
    description: str | None = None,
    homepage: str | None = None,
    is_template: bool = False,
    auto_init: bool = False,
    default_branch: str = "main",
    settings: dict[str, Any] | None = None,
) -> Record:
    """A new repo record plus its empty bare git repository (with a README commit when ``auto_init``)."""
    if not NAME_RE.match(name) or name in (".", ".."):
        raise ServiceError(422, f"repository name {name!r} is not valid")
    org = store.org(owner)
    user = store.user(owner) if org is None else None
    if org is None and user is None:
        raise ServiceError(404, f"owner {owner!r} does not exist")
    if store.repo(owner, name) is not None:
        raise ServiceError(422, "name already exists on this account")
    owner_login = (org or user or {})["login"]
    visibility = visibility or ("private" if private else "public")
    stamp = now_iso()
    repo: Record = {
        "id": store.new_id(),
        "name": name,
        "owner": owner_login,
        "owner_type": "Organization" if org else "User",
        "full_name": f"{owner_login}/{name}",
        "private": visibility != "public",
        "visibility": visibility,
        "description": description,
        "homepage": homepage,
        "archived": False,
        "is_template": is_template,
        "default_branch": default_branch,
        "topics": [],
        "settings": dict(settings or {}),
        "created_at": stamp,
        "updated_at": stamp,
        "pushed_at": None,
        "template_full_name": None,
        "collaborators": {},
        "secrets": {},
        "variables": {},
        "environments": {},
        "protections": {},
        "keypair": crypto.new_keypair(),
        "generation": None,
    }
    path = store.repo_path(repo)
    gitrepo.init_bare(path, default_branch)
    if auto_init:
        gitrepo.commit_files(
            path, f"refs/heads/{default_branch}", {"README.md": f"# {name}\n".encode()}, "Initial commit"
        )
        repo["pushed_at"] = stamp
    store.data["repos"][repo["full_name"].lower()] = repo
    return repo


def delete_repo(store: Store, repo: Record) -> None:
    import shutil

    del store.data["repos"][repo["full_name"].lower()]
    for team in store.data["teams"].values():
        team["repos"].pop(repo["full_name"].lower(), None)
    shutil.rmtree(store.repo_path(repo), ignore_errors=True)


def generate_from_template(
    store: Store,
    template: Record,
    owner: str,
    name: str,
    *,
    private: bool,
    description: str | None,
    include_all_branches: bool,
    delay_s: float,
) -> Record:
    """A new repo whose branches hold the template's content as fresh root commits.

    With ``delay_s`` > 0 the commits are made at once but the branches appear only after the delay (the forge keeps
    them under a hidden ref until then), as GitHub's asynchronous generation does.
    """
    repo = create_repo(
        store,
        owner,
        name,
        private=private,
        description=description,
        default_branch=template["default_branch"],
    )
    repo["template_full_name"] = template["full_name"]
    source = store.repo_path(template)
    target = store.repo_path(repo)
    wanted = [b for b, _ in gitrepo.branches(source)] if include_all_branches else [template["default_branch"]]
    made: dict[str, str] = {}
    for branch in wanted:
        if gitrepo.resolve(source, f"refs/heads/{branch}") is None:
            continue
        hidden = f"{gitrepo.HIDDEN_PREFIX}generated/{branch}"
        made[f"refs/heads/{branch}"] = gitrepo.copy_as_new_commit(
            source, f"refs/heads/{branch}", target, hidden, "Initial commit"
        )
        if delay_s <= 0:
            gitrepo.update_ref(target, f"refs/heads/{branch}", made[f"refs/heads/{branch}"])
        gitrepo.update_ref(target, hidden, None)
    if delay_s > 0 and made:
        # Keep the objects reachable under hidden refs until the generation "finishes".
        for ref, sha in made.items():
            gitrepo.update_ref(target, gitrepo.HIDDEN_PREFIX + "generated/" + ref.removeprefix("refs/heads/"), sha)
        repo["generation"] = {"ready_at": time.time() + delay_s, "refs": made}
    repo["pushed_at"] = repo["created_at"] if made else None
    return repo
