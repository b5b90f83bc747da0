"""Terraform's S3 backend on local AWS: state in a bucket, and a second concurrent apply refused by the lock,
both with a DynamoDB lock table and with S3-native locking (``use_lockfile``, conditional writes)."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws

from .conftest import TerraformRunner

CONFIG = Path(__file__).with_name("state_backend") / "main.tf"


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def backend(local_aws: LocalAws) -> dict[str, str]:
    """A fresh state bucket and DynamoDB lock table in the dev account, as bootstrap creates them."""
    session = local_aws.session_for("dev")
    suffix = uuid.uuid4().hex[:8]
    bucket, table = f"tfstate-{suffix}", f"tflock-{suffix}"
    session.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    session.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return {"bucket": bucket, "table": table, "key": "base-infrastructure/dev.tfstate"}


def _lock_held(session: Any, backend: dict[str, str], mode: str) -> Callable[[], bool]:
    s3, dynamodb = session.client("s3"), session.client("dynamodb")
    state_path = f"{backend['bucket']}/{backend['key']}"

    def held() -> bool:
        if mode == "dynamodb":
            item = dynamodb.get_item(TableName=backend["table"], Key={"LockID": {"S": state_path}})
            return "Item" in item
        listed = s3.list_objects_v2(Bucket=backend["bucket"], Prefix=backend["key"] + ".tflock")
        return listed.get("KeyCount", 0) > 0

    return held


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["dynamodb", "lockfile"])
def test_a_second_concurrent_apply_is_refused_by_the_state_lock(
    local_aws: LocalAws, terraform: TerraformRunner, backend: dict[str, str], tmp_path: Path, mode: str
) -> None:
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    lock_setting = f"dynamodb_table={backend['table']}" if mode == "dynamodb" else "use_lockfile=true"
    settings = [f"bucket={backend['bucket']}", f"key={backend['key']}", "region=eu-west-1", lock_setting]
    for workdir in (first_dir, second_dir):
        workdir.mkdir()
        shutil.copy(CONFIG, workdir / "main.tf")
        init = terraform("init", "-input=false", *(f"-backend-config={s}" for s in settings), cwd=workdir)
        assert init.returncode == 0, init.stdout + init.stderr
    release = tmp_path / "release"

    holder = terraform.start("apply", "-auto-approve", f"-var=release_file={release}", "-var=run=first", cwd=first_dir)
    try:
        _wait_for(_lock_held(local_aws.session_for("dev"), backend, mode), "the first apply to take the lock")
        second = terraform(
            "apply",
            "-auto-approve",
            "-lock-timeout=0s",
            f"-var=release_file={release}",
            "-var=run=second",
            cwd=second_dir,
        )
        assert second.returncode == 1
        assert "Error acquiring the state lock" in second.stderr
        expected = "ConditionalCheckFailedException" if mode == "dynamodb" else "PreconditionFailed"
        assert expected in second.stderr
    finally:
        release.touch()
        out, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, out + err
    s3 = local_aws.session_for("dev").client("s3")
    assert s3.head_object(Bucket=backend["bucket"], Key=backend["key"])["ContentLength"] > 0
    assert not _lock_held(local_aws.session_for("dev"), backend, mode)(), "the lock outlived the apply"
