"""Extensions register when moto first uses the service they extend, so the server starts without them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from platform_cli.local.aws import LocalAws


def _run(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_registering_imports_no_extended_service_until_moto_needs_it() -> None:
    seen = _run(
        """
        import json, sys
        from platform_cli.local.moto_ext import pending, register_all
        names = register_all()
        print(json.dumps({
            "names": names,
            "imported": [
                m for m in ("moto.sagemaker", "moto.servicecatalog", "moto.cloudformation") if m in sys.modules
            ],
            "pending": sorted(pending()),
        }))
        """
    )
    assert "sagemaker_domain" in seen["names"]  # type: ignore[operator]
    assert seen["imported"] == []
    assert {"sagemaker", "servicecatalog", "cloudformation"} <= set(seen["pending"])  # type: ignore[arg-type]


def test_first_use_of_a_service_registers_its_extensions() -> None:
    seen = _run(
        """
        import json
        from platform_cli.local.moto_ext import pending, register_all
        register_all()
        from moto.sagemaker.models import sagemaker_backends
        from moto.sagemaker.responses import SageMakerResponse
        before = hasattr(SageMakerResponse, "create_user_profile")
        sagemaker_backends["111111111111"]["eu-west-1"]
        print(json.dumps({
            "before_use": before,
            "after_use": hasattr(SageMakerResponse, "create_user_profile"),
            "still_pending": "sagemaker" in pending(),
        }))
        """
    )
    assert seen == {"before_use": False, "after_use": True, "still_pending": False}


def test_member_accounts_given_to_up_get_the_org_access_role(tmp_path: Path) -> None:
    local = LocalAws(tmp_path, accounts={"sandbox": "444444444444"})
    local.up()
    try:
        iam = local.session_for("sandbox").client("iam")
        assert iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]["Arn"] == (
            "arn:aws:iam::444444444444:role/OrganizationAccountAccessRole"
        )
        management_roles = local.session_for().client("iam").list_roles()["Roles"]
        assert "OrganizationAccountAccessRole" not in [role["RoleName"] for role in management_roles]
    finally:
        local.down()


def test_first_use_of_cloudformation_registers_the_extensions_of_resources_it_creates() -> None:
    seen = _run(
        """
        import json
        from platform_cli.local.moto_ext import pending, register_all
        register_all()
        from moto.cloudformation.models import cloudformation_backends
        cloudformation_backends["111111111111"]["eu-west-1"]
        waiting = pending()
        print(json.dumps({
            "s3_waiting": waiting.get("s3", []),
            "cloudformation_waiting": "cloudformation" in waiting,
        }))
        """
    )
    # The bucket-settings extension is registered with CloudFormation; S3's API-only extensions still wait.
    assert "s3_cloudformation_bucket_settings" not in seen["s3_waiting"]  # type: ignore[operator]
    assert seen["cloudformation_waiting"] is False
