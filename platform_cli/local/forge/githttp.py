"""Git smart HTTP on ``/<owner>/<repo>.git/...`` through ``git http-backend`` (CGI), with GitHub-style auth:
anonymous read of public repos, the token as the HTTP password (any user name), push needs write access."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from platform_cli.local.forge import gitrepo
from platform_cli.local.forge.access import at_least, repo_permission
from platform_cli.local.forge.store import Record, now_iso

if TYPE_CHECKING:
    from platform_cli.local.forge.app import Forge

# GitHub refuses pushes that add or change workflow files from a classic token without the ``workflow`` scope.
# The forge does the same with a pre-receive hook, enabled (through core.hooksPath) only for such pushes.
WORKFLOW_SCOPE_HOOK = """#!/bin/sh
zero=0000000000000000000000000000000000000000
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then
    # A new branch: compare with the default branch when there is one (unchanged workflows are fine).
    old=$(git rev-parse --verify -q HEAD) || old=""
  fi
  if [ -z "$old" ]; then
    files=$(git ls-tree -r --name-only "$new" -- .github/workflows)
  else
    files=$(git diff --name-only "$old" "$new" -- .github/workflows)
  fi
  if [ -n "$files" ]; then
    first=$(echo "$files" | head -n 1)
    msg="refusing to allow a Personal Access Token to create or update workflow"
    echo "$msg \\`$first\\` without \\`workflow\\` scope" >&2
    exit 1
  fi
done
exit 0
"""


def workflow_hooks_dir(forge: Forge) -> Path:
    hooks = forge.state_dir / "hooks" / "workflow-scope"
    hook = hooks / "pre-receive"
    if not hook.exists() or hook.read_text() != WORKFLOW_SCOPE_HOOK:
        hooks.mkdir(parents=True, exist_ok=True)
        hook.write_text(WORKFLOW_SCOPE_HOOK)
        hook.chmod(0o755)
    return hooks


GIT_PATH = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?(?P<rest>/.*)?$")


def _challenge(message: str = "Authentication required") -> Response:
    return Response(message + "\n", status=401, headers={"WWW-Authenticate": 'Basic realm="GitHub"'})


def _credentials(forge: Forge, request: Request) -> tuple[Record | None, Record | None, bool]:
    """(user, token record, credentials_given); bad credentials give (None, None, True)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None, None, False
    secret = value.strip()
    if scheme.lower() == "basic":
        try:
            user_part, _, password = base64.b64decode(secret).decode().partition(":")
        except ValueError:
            return None, None, True
        secret = password or user_part
    record = forge.lookup_token(secret)
    if record is None:
        return None, None, True
    user = forge.store.user(record["login"]) if record.get("login") else None
    return user, record, True


def handle_git(forge: Forge, request: Request, environ: dict[str, Any]) -> Response:
    found = GIT_PATH.match(request.path)
    if found is None:
        return Response("Not Found\n", status=404)
    owner, name, rest = found["owner"], found["repo"], found["rest"] or "/"
    service = request.args.get("service", "")
    write = rest.endswith("/git-receive-pack") or service == "git-receive-pack"
    user, token, given = _credentials(forge, request)
    if given and token is None:
        return _challenge("Invalid username or token. Password authentication is not supported for Git operations.")
    with forge.store.lock:
        repo = forge.store.repo(owner, name)
        if repo is None:
            return _challenge() if not given else Response("Repository not found.\n", status=404)
        if token is not None and token.get("installation_id") is not None:
            installation = forge.store.data["installations"].get(str(token["installation_id"]), {})
            mine = installation.get("account", "").lower() == repo["owner"].lower()
            level = "admin" if mine else ("none" if repo["private"] else "pull")
        else:
            level = repo_permission(forge.store, repo, user)
        if level == "none":
            return _challenge() if not given else Response("Repository not found.\n", status=404)
        if write and not at_least(level, "push"):
            if not given:
                return _challenge()
            return Response(f"Permission to {repo['full_name']}.git denied.\n", status=403)
        if write and repo["archived"]:
            return Response("This repository was archived so it is read-only.\n", status=403)
    forge.settle_generation(repo)
    path = forge.store.repo_path(repo)
    env = gitrepo.git_env(
        {
            "GIT_PROJECT_ROOT": str(path.parent),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": f"/{path.name}{rest}",
            "REQUEST_METHOD": request.method,
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
            "REMOTE_ADDR": request.remote_addr or "127.0.0.1",
        }
    )
    if user is not None or token is not None:
        env["REMOTE_USER"] = user["login"] if user else "x-access-token"
    scopes = token.get("scopes") if token is not None else None
    if write and scopes is not None and "workflow" not in scopes:
        env.update(
            {
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": "core.hooksPath",
                "GIT_CONFIG_VALUE_0": str(workflow_hooks_dir(forge)),
            }
        )
    for header in ("Content-Encoding", "Git-Protocol"):
        if header in request.headers:
            env["HTTP_" + header.upper().replace("-", "_")] = request.headers[header]
    body = request.get_data()
    env["CONTENT_LENGTH"] = str(len(body))
    result = subprocess.run(["git", "http-backend"], input=body, capture_output=True, env=env, check=False)
    head, _, payload = result.stdout.partition(b"\r\n\r\n")
    if not _:
        head, _, payload = result.stdout.partition(b"\n\n")
    status = 200
    headers: list[tuple[str, str]] = []
    for line in head.decode(errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            headers.append((key.strip(), value.strip()))
    if write and rest.endswith("/git-receive-pack") and status == 200:
        _after_push(forge, repo)
    return Response(payload, status=status, headers=headers)


def _after_push(forge: Forge, repo: Record) -> None:
    """Record the push; the first push to an empty repo names its default branch, as on GitHub."""
    with forge.store.lock:
        path = forge.store.repo_path(repo)
        repo["pushed_at"] = now_iso()
        if gitrepo.resolve(path, f"refs/heads/{repo['default_branch']}") is None:
            names = [b for b, _ in gitrepo.branches(path)]
            if names:
                repo["default_branch"] = names[0]
                gitrepo.set_head(path, names[0])
        forge.store.save()
