"""The Service Catalog launch role, intersected with the bootstrap's permissions boundary, allows every handler
permission (create, read, update, delete) of every resource type in every rendered project template, as the
CloudFormation resource provider schemas shipped by cfn-lint list them; and the roles a template creates carry
the boundary the bootstrap requires."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode_str

from platform_cli.project_templates import launch_permissions
from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT = bootstrap.ACCOUNT
RENDERED_DIR = REPO / "base-infrastructure" / "project-templates" / "rendered"
RENDERED = sorted(RENDERED_DIR.glob("*.yaml"))
MODULE = REPO / "base-infrastructure" / "terraform" / "modules" / "project_templates" / "main.tf"
PROJECT_ID = "p-a1b2c3d4e5f6"
# Handler permissions the boundary refuses on purpose, each with the template property that would need it; the
# test checks no template sets that property.
REFUSED_BY_DESIGN = {
    "iam:DeleteRolePermissionsBoundary": ("AWS::IAM::Role", None),  # a role may never lose the boundary
    # issue 17 item 2: a Lambda's file systems (EFS / S3 Files mount targets); the retrain function mounts none.
    "elasticfilesystem:DescribeMountTargets": ("AWS::Lambda::Function", "FileSystemConfigs"),
    "s3files:ListMountTargets": ("AWS::Lambda::Function", "FileSystemConfigs"),
    **{
        f"s3tables:{name}": ("AWS::S3::Bucket", "MetadataTableConfiguration")
        for name in (
            "CreateNamespace", "CreateTable", "CreateTableBucket", "GetTable", "PutTableBucketPolicy",
            "PutTableEncryption", "PutTablePolicy", "GetTableMetadataLocation", "UpdateTableMetadataLocation",
        )
    },
}  # fmt: skip


def _decoded(path: Path) -> dict[str, Any]:
    template, matches = decode_str(path.read_text(encoding="utf-8"))
    assert not matches, matches
    return dict(template)


def _renderer(template: dict[str, Any]) -> bootstrap.Renderer:
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update({"NamingPrefix": "mlops", "SageMakerProjectId": PROJECT_ID, "SageMakerProjectName": "churn"})
    parameters["PlatformEnvironment"] = "dev"  # the value of /mlops/environment in the project factory's account
    return bootstrap.Renderer(template, parameters)


def _boundary() -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _launch_policy() -> dict[str, Any]:
    actions = json.loads((RENDERED_DIR / "launch-permissions.json").read_text(encoding="utf-8"))["actions"]
    values: dict[str, Any] = {
        "local.partition": "aws",
        "local.account": ACCOUNT,
        "local.region": bootstrap.REGION,
        "var.name_prefix": "mlops",
        "var.artifact_bucket": f"mlops-artifacts-{ACCOUNT}-{bootstrap.REGION}",
        "local.launch_iam_actions": [a for a in actions if a.startswith("iam:")],
        "local.launch_other_actions": [a for a in actions if not a.startswith("iam:")],
    }
    return {"Statement": policy_statements(MODULE, "aws_iam_role_policy", "launch", values)}


def test_the_launch_permissions_file_is_derived_from_the_rendered_templates() -> None:
    assert (RENDERED_DIR / "launch-permissions.json").read_text(encoding="utf-8") == launch_permissions.render(RENDERED)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_the_launch_role_within_its_boundary_may_create_update_and_delete_every_resource(path: Path) -> None:
    template = _decoded(path)
    renderer = _renderer(template)
    policy, boundary = _launch_policy(), _boundary()
    refused = []
    for logical_id, resource in template["Resources"].items():
        kind = resource["Type"]
        if not kind.startswith("AWS::"):
            continue
        properties = resource.get("Properties", {})
        context = {}
        resource_arn = "*"
        if kind == "AWS::IAM::Role":
            resource_arn = renderer.attribute(logical_id, "Arn")
            context["iam:PermissionsBoundary"] = str(renderer.properties(logical_id).get("PermissionsBoundary", ""))
        for operation, actions in launch_permissions.handler_permissions(kind).items():
            for action in actions:
                arn = resource_arn if action.startswith("iam:") else "*"
                if action.startswith("iam:") and kind != "AWS::IAM::Role":
                    arn = f"arn:aws:iam::{ACCOUNT}:role/mlops-{PROJECT_ID}-pipeline"
                if is_allowed([policy], boundary, action, arn, context):
                    continue
                exempt = REFUSED_BY_DESIGN.get(action)
                if exempt and exempt[0] == kind and (exempt[1] is None or exempt[1] not in properties):
                    continue
                refused.append(f"{logical_id} ({kind}) {operation}: {action}")
    assert refused == [], "\n".join(refused)


@pytest.mark.parametrize("path", RENDERED, ids=[path.stem for path in RENDERED])
def test_every_role_a_template_creates_carries_the_bootstrap_boundary(path: Path) -> None:
    template = _decoded(path)
    renderer = _renderer(template)
    boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/mlops-dev-permissions-boundary"
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            assert renderer.properties(logical_id).get("PermissionsBoundary") == boundary_arn, logical_id
