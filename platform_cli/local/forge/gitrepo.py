"""Bare git repositories on disk: create, commit files, read trees and branches, copy a template's content.

Every operation is one short ``git`` subprocess (argument lists, never a shell) against ``repos/<id>.git``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
from pathlib import Path

FORGE_IDENTITY = {
    "GIT_AUTHOR_NAME": "forge",
    "GIT_AUTHOR_EMAIL": "forge@localhost",
    "GIT_COMMITTER_NAME": "forge",
    "GIT_COMMITTER_EMAIL": "forge@localhost",
}
# Refs the forge keeps for itself (a generated repo's content before it "appears"); never advertised to clients.
HIDDEN_PREFIX = "refs/forge/"


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", **FORGE_IDENTITY})
    if extra:
        env.update(extra)
    return env


def _git(repo: Path, *args: str, data: bytes | None = None, check: bool = True) -> bytes:
    result = subprocess.run(
        ["git", "--git-dir", str(repo), *args], input=data, capture_output=True, env=git_env(), check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"git {args[0]} failed in {repo.name}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def init_bare(repo: Path, default_branch: str) -> None:
    """A new empty bare repository whose HEAD names ``default_branch``; pushes are accepted over smart HTTP.

    Written directly (HEAD, config, objects/, refs/) rather than by ``git init``: the same layout, one process
    fewer per repository, which matters when a test suite creates hundreds.
    """
    for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
        (repo / sub).mkdir(parents=True, exist_ok=True)
    (repo / "HEAD").write_text(f"ref: refs/heads/{default_branch}\n")
    hidden = HIDDEN_PREFIX.rstrip("/")
    (repo / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n"
        "[http]\n\treceivepack = true\n"
        f"[uploadpack]\n\thideRefs = {hidden}\n[receive]\n\thideRefs = {hidden}\n"
    )


def set_head(repo: Path, branch: str) -> None:
    _git(repo, "symbolic-ref", "HEAD", f"refs/heads/{branch}")


def commit_files(
    repo: Path, ref: str, files: dict[str, bytes], message: str, replace: bool = False, deletes: tuple[str, ...] = ()
) -> str:
    """Commit ``files`` (path → content) and the removal of ``deletes`` on ``ref`` (on top of it when it exists);
    returns the new commit sha."""
    parent = resolve(repo, ref)
    stamp = int(time.time())
    msg = message.encode()
    chunks = [
        f"commit {ref}\n".encode(),
        f"committer forge <forge@localhost> {stamp} +0000\n".encode(),
        f"data {len(msg)}\n".encode() + msg + b"\n",
    ]
    if parent:
        chunks.append(f"from {parent}\n".encode())
    if replace:
        chunks.append(b"deleteall\n")
    for path in deletes:
        chunks.append(f"D {path}\n".encode())
    for path, content in sorted(files.items()):
        chunks.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")
    chunks.append(b"done\n")
    _git(repo, "fast-import", "--quiet", "--done", data=b"".join(chunks))
    sha = resolve(repo, ref)
    assert sha is not None
    return sha


def resolve(repo: Path, ref: str) -> str | None:
    """The commit sha ``ref`` points at, or None when it does not exist."""
    fast = read_ref(repo, ref)
    if fast is not None:
        return fast
    out = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip()
    return out.decode() or None


_SHA = re.compile(r"^[0-9a-f]{40}$")


def read_ref(repo: Path, ref: str) -> str | None:
    """The sha a full branch ref (``refs/heads/...``) names, read from the ref files without starting git."""
    if not ref.startswith("refs/heads/") or ".." in ref or "//" in ref:
        return None
    loose = repo / ref
    try:
        value = loose.read_text().strip()
        return value if _SHA.match(value) else None
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    try:
        for line in (repo / "packed-refs").read_text().splitlines():
            sha, _, name = line.partition(" ")
            if name == ref and _SHA.match(sha):
                return sha
    except FileNotFoundError:
        pass
    return None


def branches(repo: Path) -> list[tuple[str, str]]:
    """(name, sha) of every branch, sorted by name."""
    out = _git(repo, "for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/heads/")
    pairs = [line.split(" ", 1) for line in out.decode().splitlines() if line]
    return sorted((name, sha) for name, sha in pairs)


def refs(repo: Path, prefix: str = "refs/") -> list[tuple[str, str]]:
    """(full ref name, sha) of the branches and tags under ``prefix``, sorted; the forge's hidden refs excluded."""
    out = _git(repo, "for-each-ref", "--format=%(refname) %(objectname)", prefix)
    pairs = [tuple(line.split(" ", 1)) for line in out.decode().splitlines() if line]
    return sorted((n, s) for n, s in pairs if n.startswith(("refs/heads/", "refs/tags/")))


def commit_exists(repo: Path, sha: str) -> bool:
    return bool(_SHA.match(sha)) and resolve(repo, sha) == sha


def is_ancestor(repo: Path, old: str, new: str) -> bool:
    result = subprocess.run(
        ["git", "--git-dir", str(repo), "merge-base", "--is-ancestor", old, new],
        capture_output=True,
        env=git_env(),
        check=False,
    )
    return result.returncode == 0


def commit_info(repo: Path, ref: str) -> dict[str, str] | None:
    """Sha, author, committer, dates, message, tree and parents of the commit ``ref`` names (None if none)."""
    sha = read_ref(repo, ref) or (ref if _SHA.match(ref) else None)
    if sha is not None:
        cached = _commit_info_of_sha(str(repo), sha)
        return dict(cached) if cached is not None else None
    return _commit_info(repo, ref)


@functools.lru_cache(maxsize=4096)
def _commit_info_of_sha(repo: str, sha: str) -> tuple[tuple[str, str], ...] | None:
    """Commits never change: their details are cached by (repository, sha)."""
    info = _commit_info(Path(repo), sha)
    return tuple(info.items()) if info is not None else None


def _commit_info(repo: Path, ref: str) -> dict[str, str] | None:
    fmt = "%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
    result = subprocess.run(
        ["git", "--git-dir", str(repo), "show", "-s", f"--format={fmt}", f"{ref}^{{commit}}", "--"],
        capture_output=True,
        env=git_env(),
        check=False,
    )
    if result.returncode != 0:
        return None
    out = result.stdout.decode()
    keys = ["sha", "tree", "parents", "author_name", "author_email", "author_date"]
    keys += ["committer_name", "committer_email", "committer_date", "message"]
    return dict(zip(keys, out.split("\x00", 9), strict=True))


def list_dir(repo: Path, ref: str, directory: str) -> list[str]:
    """Names of the blobs directly in ``directory`` at ``ref`` (empty when either is missing)."""
    out = _git(repo, "ls-tree", "--name-only", ref, f"{directory.rstrip('/')}/", check=False)
    return [line.rsplit("/", 1)[-1] for line in out.decode().splitlines() if line]


@functools.lru_cache(maxsize=1024)
def files_in(repo: str, sha: str, directory: str) -> tuple[tuple[str, bytes], ...]:
    """(path, content) of the files directly in ``directory`` at commit ``sha``; cached, commits never change."""
    path = Path(repo)
    names = [n for n in list_dir(path, sha, directory)]
    files = [f"{directory.rstrip('/')}/{name}" for name in names]
    contents = read_blobs(path, sha, files)
    return tuple((f, contents[f]) for f in files if f in contents)


def read_blobs(repo: Path, ref: str, paths: list[str]) -> dict[str, bytes]:
    """The content of each of ``paths`` at ``ref`` that exists, in one ``git cat-file --batch``."""
    if not paths:
        return {}
    query = "".join(f"{ref}:{path}\n" for path in paths).encode()
    out = _git(repo, "cat-file", "--batch", data=query)
    found: dict[str, bytes] = {}
    position = 0
    for path in paths:
        end = out.index(b"\n", position)
        header = out[position:end].decode()
        position = end + 1
        if header.endswith(" missing"):
            continue
        size = int(header.rsplit(" ", 1)[1])
        found[path] = out[position : position + size]
        position += size + 1
    return found


def read_blob(repo: Path, ref: str, path: str) -> bytes | None:
    result = subprocess.run(
        ["git", "--git-dir", str(repo), "cat-file", "blob", f"{ref}:{path}"],
        capture_output=True,
        env=git_env(),
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def copy_as_new_commit(source: Path, source_ref: str, target: Path, target_ref: str, message: str) -> str:
    """Copy the tree at ``source_ref`` into ``target`` as a parentless commit on ``target_ref``; returns its sha.

    This is what GitHub does when generating from a template: the content, not the history.
    """
    fetched = f"{HIDDEN_PREFIX}template-fetch"
    _git(target, "fetch", "--quiet", "--no-tags", str(source), f"+{source_ref}:{fetched}")
    tree = _git(target, "rev-parse", f"{fetched}^{{tree}}").decode().strip()
    sha = _git(target, "commit-tree", tree, "-m", message).decode().strip()
    _git(target, "update-ref", target_ref, sha)
    _git(target, "update-ref", "-d", fetched)
    return sha


def update_ref(repo: Path, ref: str, sha: str | None) -> None:
    """Point ``ref`` at ``sha`` (None deletes it)."""
    if sha is None:
        _git(repo, "update-ref", "-d", ref)
    else:
        _git(repo, "update-ref", ref, sha)


def rev_list(repo: Path, ref: str, limit: int = 1000) -> list[str]:
    """Commit shas reachable from ``ref``, newest first (empty when ``ref`` does not exist)."""
    out = _git(repo, "rev-list", f"--max-count={limit}", ref, "--", check=False)
    return out.decode().split()


def tree_entries(repo: Path, ref: str, directory: str) -> list[tuple[str, str, str, int]]:
    """(type, sha, name, size) of the entries of ``directory`` ('' for the root) at ``ref``."""
    spec = f"{ref}:{directory.strip('/')}" if directory.strip("/") else f"{ref}^{{tree}}"
    out = _git(repo, "ls-tree", "--long", spec, check=False)
    entries = []
    for line in out.decode().splitlines():
        meta, _, name = line.partition("\t")
        _mode, kind, sha, size = meta.split()
        entries.append((kind, sha, name, int(size) if size.isdigit() else 0))
    return entries


def object_type(repo: Path, ref: str, path: str) -> str | None:
    """``blob``, ``tree`` or None for ``path`` at ``ref``."""
    spec = f"{ref}:{path.strip('/')}" if path.strip("/") else f"{ref}^{{tree}}"
    out = _git(repo, "cat-file", "-t", spec, check=False).decode().strip()
    return out or None


def blob_sha(repo: Path, ref: str, path: str) -> str | None:
    out = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}:{path}", check=False).decode().strip()
    return out or None
