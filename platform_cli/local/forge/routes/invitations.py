"""Repository invitations: outside collaborators are invited, see their invitations and accept or decline them;
repo admins list, change and cancel pending invitations."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from platform_cli.local.forge.access import LEVELS, normalise
from platform_cli.local.forge.api import Ctx, Router, json_response, no_content, not_found, validation
from platform_cli.local.forge.store import Record, now_iso

ROLE_NAMES = {"pull": "read", "push": "write"}


def invite(ctx: Ctx, repo: Record, user: Record, permission: str) -> dict[str, Any]:
    """Create (or update) the pending invitation of ``user``; returns its JSON."""
    pending = repo.setdefault("invitations", {})
    key = user["login"].lower()
    invitation = pending.get(key) or {
        "id": ctx.store.new_id(),
        "invitee": user["login"],
        "inviter": ctx.user["login"] if ctx.user else None,
        "created_at": now_iso(),
    }
    invitation["permission"] = permission
    pending[key] = invitation
    return invitation_json(ctx, repo, invitation)


def invitation_json(ctx: Ctx, repo: Record, invitation: Record) -> dict[str, Any]:
    invitee = ctx.store.user(invitation["invitee"])
    inviter = ctx.store.user(invitation["inviter"]) if invitation.get("inviter") else None
    body = ctx.repo_json(repo)
    return {
        "id": invitation["id"],
        "node_id": "",
        "repository": {
            k: body[k]
            for k in (
                "id",
                "node_id",
                "name",
                "full_name",
                "private",
                "owner",
                "html_url",
                "description",
                "fork",
                "url",
            )
        },
        "invitee": ctx.user_json(invitee) if invitee else None,
        "inviter": ctx.user_json(inviter) if inviter else None,
        "permissions": ROLE_NAMES.get(invitation["permission"], invitation["permission"]),
        "created_at": invitation["created_at"],
        "expired": False,
        "url": f"{ctx.api}/repos/{repo['full_name']}/invitations/{invitation['id']}",
        "html_url": f"{ctx.web}/{repo['full_name']}/invitations",
    }


def _find(ctx: Ctx, invitation_id: str) -> tuple[Record, str, Record]:
    for repo in ctx.store.data["repos"].values():
        for key, invitation in repo.get("invitations", {}).items():
            if str(invitation["id"]) == invitation_id:
                return repo, key, invitation
    raise not_found()


def list_repo_invitations(ctx: Ctx, owner: str, repo: str) -> Response:
    rec = ctx.repo(owner, repo, "admin")
    items = [invitation_json(ctx, rec, i) for i in rec.get("invitations", {}).values()]
    return ctx.paginate(sorted(items, key=lambda i: i["id"]))


def repo_invitation(ctx: Ctx, owner: str, repo: str, invitation_id: str) -> Response:
    rec = ctx.repo(owner, repo, "admin")
    found = [(k, i) for k, i in rec.get("invitations", {}).items() if str(i["id"]) == invitation_id]
    if not found:
        raise not_found()
    key, invitation = found[0]
    if ctx.request.method == "DELETE":
        del rec["invitations"][key]
        return no_content()
    permission = normalise(str(ctx.body().get("permissions", invitation["permission"])))
    if permission not in LEVELS[1:]:
        raise validation(errors=[{"resource": "RepositoryInvitation", "code": "invalid", "field": "permissions"}])
    invitation["permission"] = permission
    return json_response(invitation_json(ctx, rec, invitation))


def my_invitations(ctx: Ctx) -> Response:
    user = ctx.require_user()
    key = user["login"].lower()
    items = [
        invitation_json(ctx, repo, repo["invitations"][key])
        for repo in ctx.store.data["repos"].values()
        if key in repo.get("invitations", {})
    ]
    return ctx.paginate(sorted(items, key=lambda i: i["id"]))


def answer_invitation(ctx: Ctx, invitation_id: str) -> Response:
    """PATCH accepts (the invitee becomes a collaborator), DELETE declines; only the invitee may answer."""
    user = ctx.require_user()
    repo, key, invitation = _find(ctx, invitation_id)
    if key != user["login"].lower():
        raise not_found()
    del repo["invitations"][key]
    if ctx.request.method == "PATCH":
        repo["collaborators"][key] = invitation["permission"]
    return no_content()


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/invitations", list_repo_invitations)
    router.add("PATCH", "/repos/{owner}/{repo}/invitations/{invitation_id}", repo_invitation)
    router.add("DELETE", "/repos/{owner}/{repo}/invitations/{invitation_id}", repo_invitation)
    router.add("GET", "/user/repository_invitations", my_invitations)
    router.add("PATCH", "/user/repository_invitations/{invitation_id}", answer_invitation)
    router.add("DELETE", "/user/repository_invitations/{invitation_id}", answer_invitation)
