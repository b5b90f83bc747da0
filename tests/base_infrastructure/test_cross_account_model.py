"""Preprod and prod can read the model dev trained: the project stack's model package group policy and bucket
policy admit the deploy accounts' execution and deploy roles, and those roles' own policies (deploy_targets)
allow the project's bucket and the key its artifacts are encrypted with (both sides of the cross-account call)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from cfnlint.decode import decode_str

from tests.base_infrastructure.harness import REPO
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed, resource_policy_allows

DEV, PREPROD, PROD = "111111111111", "222222222222", "333333333333"
REGION = bootstrap.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{DEV}:key/00000000-0000-0000-0000-000000000000"
PROJECT_ID = "p-a1b2c3d4e5f6"
DEPLOY_TARGETS = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
RENDERED_DIR = REPO / "base-infrastructure" / "project-templates" / "rendered"
DEPLOYING = [RENDERED_DIR / f"{kind}.yaml" for kind in (
    "build-deploy-realtime", "build-deploy-batch", "pipeline-promotion", "llm-fine-tuning"
)]  # fmt: skip


def _project(path: Path) -> bootstrap.Renderer:
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update(
        {
            "NamingPrefix": "mlops",
            "SageMakerProjectId": PROJECT_ID,
            "SageMakerProjectName": "churn",
            "PreprodAccountId": PREPROD,
            "ProdAccountId": PROD,
            "DevAccountId": DEV,
            "ArtifactsKeyArn": KEY_ARN,
        }
    )
    renderer = bootstrap.Renderer(dict(template), parameters)
    renderer.pseudo["AWS::AccountId"] = DEV
    return renderer


def _read_dev_registry(account: str) -> dict[str, Any]:
    """The statements preprod/prod's execution role (execution_reads_dev) and deploy role get in ``account``."""
    with DEPLOY_TARGETS.open(encoding="utf-8") as handle:
        locals_ = {k: v for block in hcl2.load(handle)["locals"] for k, v in block.items()}
    statements = locals_["read_dev_registry"]
    text = repr(statements[0] if len(statements) == 1 and isinstance(statements[0], list) else statements)
    values = {
        "local.partition": "aws",
        "local.region": REGION,
        "local.dev_account": DEV,
        "local.dev_artifact_bucket": f"mlops-artifacts-{DEV}-{REGION}",
        "var.name_prefix": "mlops",
    }
    values["local.account"] = account
    text = re.sub(r"\$\{((?:var|local)\.[A-Za-z0-9_.]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    return {"Statement": ast.literal_eval(text)}


ROLES = [
    f"arn:aws:iam::{account}:role/mlops-{role}" for account in (PREPROD, PROD)
    for role in ("sagemaker-execution", "github-deploy")
]  # fmt: skip


@pytest.mark.parametrize("path", DEPLOYING, ids=[path.stem for path in DEPLOYING])
@pytest.mark.parametrize("role", ROLES)
def test_deploy_roles_read_the_artifacts_where_the_pipeline_writes_them(path: Path, role: str) -> None:
    project = _project(path)
    bucket = f"mlops-{PROJECT_ID}-{DEV}"
    assert project.render(project.template["Resources"]["ArtifactBucket"]["Properties"]["BucketName"]) == bucket
    obj = f"arn:aws:s3:::{bucket}/pipelines/model.tar.gz"
    bucket_policy = project.properties("ArtifactBucketPolicy")["PolicyDocument"]
    identity = _read_dev_registry(role.split(":")[4])
    for action, resource in (("s3:GetObject", obj), ("s3:ListBucket", f"arn:aws:s3:::{bucket}")):
        assert is_allowed([identity], None, action, resource), (action, "identity")
        assert resource_policy_allows(bucket_policy, role, action, resource), (action, "bucket policy")
    # The key that encrypts the bucket's objects is the one the identity policy may decrypt through S3.
    encryption = project.properties("ArtifactBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    key = encryption[0]["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]
    assert key == KEY_ARN
    assert is_allowed([identity], None, "kms:Decrypt", key, {"kms:ViaService": f"s3.{REGION}.amazonaws.com"})


@pytest.mark.parametrize("path", DEPLOYING, ids=[path.stem for path in DEPLOYING])
@pytest.mark.parametrize("role", ROLES)
def test_deploy_roles_describe_the_groups_packages_in_the_dev_registry(path: Path, role: str) -> None:
    project = _project(path)
    group = project.render(project.template["Resources"]["ModelPackageGroup"]["Properties"]["ModelPackageGroupName"])
    policy = project.properties("ModelPackageGroup").get("ModelPackageGroupPolicy")
    assert policy is not None, "no model package group policy: preprod/prod cannot read the dev registry"
    identity = _read_dev_registry(role.split(":")[4])
    package = f"arn:aws:sagemaker:{REGION}:{DEV}:model-package/{group}/3"
    group_arn = f"arn:aws:sagemaker:{REGION}:{DEV}:model-package-group/{group}"
    for action, resource in (
        ("sagemaker:DescribeModelPackage", package),
        ("sagemaker:DescribeModelPackageGroup", group_arn),
    ):
        assert is_allowed([identity], None, action, resource), (action, "identity")
        assert resource_policy_allows(policy, role, action, resource), (action, "group policy")


def test_another_account_is_not_admitted() -> None:
    project = _project(DEPLOYING[0])
    bucket_policy = project.properties("ArtifactBucketPolicy")["PolicyDocument"]
    obj = f"arn:aws:s3:::mlops-{PROJECT_ID}-{DEV}/x"
    assert not resource_policy_allows(
        bucket_policy, "arn:aws:iam::444444444444:role/mlops-sagemaker-execution", "s3:GetObject", obj
    )
    assert not resource_policy_allows(bucket_policy, f"arn:aws:iam::{PREPROD}:role/intruder", "s3:GetObject", obj)
