"""Permissive local AWS (debugging only) evaluates exactly as strict, logs the denial, and lets the call through."""

from __future__ import annotations

from pathlib import Path

from platform_cli.local.aws import LocalAws
from tests.local.aws.iam.conftest import Principals, allow, decisions


def test_permissive_lets_a_denied_call_through_and_logs_it_as_not_enforced(tmp_path: Path) -> None:
    local = LocalAws(tmp_path, iam_mode="permissive")
    local.up()
    try:
        principals = Principals(local)
        role = principals.role(allow("iam:GetRole"))
        listed = principals.client(principals.session(role), "iam").list_roles()

        denied = [d for d in decisions(local) if d["action"] == "iam:ListRoles"]
    finally:
        local.down()

    assert any(r["Arn"] == role for r in listed["Roles"])
    assert [(d["allowed"], d["enforced"], d["reason"]) for d in denied] == [
        (False, False, "no identity-based policy allows")
    ]
