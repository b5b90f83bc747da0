"""model-deploy-realtime's example consumer (issue 17 item 4): its CloudFormation passes the platform's IaC gates
(cfn-lint, checkov with only inline, reasoned skips), and `deploy.consumer` creates and removes its stack against
local AWS (moto's CloudFormation, in-process). moto does not emulate API Gateway stages, models or request
validators, so those resources are held by cfn-lint's resource schemas here and by the template's own tests."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
import yaml

from tests.templates.conftest import TEMPLATE_ROOT

REPO = TEMPLATE_ROOT / "model-deploy-realtime"
TEMPLATE = REPO / "consumer" / "template.yaml"
BIN = Path(sys.executable).parent
REGION = "eu-west-1"


def test_cfn_lint_reports_no_errors_and_no_warnings() -> None:
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--format", "parseable", str(TEMPLATE)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, ""), result.stdout + result.stderr


def test_checkov_reports_no_failed_checks() -> None:
    result = subprocess.run(
        [str(BIN / "checkov"), "-f", str(TEMPLATE), "--framework", "cloudformation", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    failed = [check["check_id"] for check in report["results"]["failed_checks"]]
    assert report["summary"]["failed"] == 0, failed
    assert report["summary"]["passed"] >= 10, "checkov did not scan the template's resources"


def test_every_checkov_skip_is_inline_with_a_reason() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    resources = yaml.load(TEMPLATE.read_text(), Loader=Loader)["Resources"]  # noqa: S506 - SafeLoader subclass
    skips = [
        (name, s) for name, r in resources.items() for s in r.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for name, skip in skips:
        assert skip["id"].startswith(("CKV_AWS_", "CKV2_AWS_")), (name, skip)
        assert len(skip.get("comment", "")) >= 40, f"{name} skips {skip['id']} without a real reason"


@pytest.fixture
def consumer_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The template's own deploy.consumer, imported from its folder (the template is its own repository)."""
    monkeypatch.syspath_prepend(str(REPO))
    for name in [m for m in sys.modules if m == "deploy" or m.startswith("deploy.")]:
        monkeypatch.delitem(sys.modules, name)
    import deploy.consumer

    yield deploy.consumer
    for name in [m for m in sys.modules if m == "deploy" or m.startswith("deploy.")]:
        del sys.modules[name]


@pytest.fixture
def local_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


STACKS_ROLE = "arn:aws:iam::123456789012:role/mlops-consumer-stacks"
BOUNDARY = "arn:aws:iam::123456789012:policy/mlops-preprod-permissions-boundary"


def _publish_the_iam_contract() -> None:
    """What base-infrastructure's ssm module publishes for the consumer stacks (deploy_targets' role, the boundary)."""
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name="/mlops/iam/consumer_stacks_role_arn", Value=STACKS_ROLE, Type="String")
    ssm.put_parameter(Name="/mlops/iam/permissions_boundary_arn", Value=BOUNDARY, Type="String")


def _deploy(module: ModuleType, enabled: bool) -> Any:
    config = module.ConsumerConfig(enabled=enabled, allowed_cidrs=["198.51.100.0/24"])
    cloudformation, ssm = boto3.client("cloudformation", region_name=REGION), boto3.client("ssm", region_name=REGION)
    return module.deploy(cloudformation, ssm, config, naming_prefix="mlops", project="churn", stage="preprod")


@pytest.mark.filterwarnings("ignore::UserWarning")  # moto: "no CloudFormation support for AWS::ApiGateway::Stage"
def test_the_consumer_stack_is_created_with_the_handler_and_removed_when_switched_off(
    consumer_module: ModuleType, local_aws: None
) -> None:
    _publish_the_iam_contract()
    created = _deploy(consumer_module, enabled=True)
    assert (created.stack, created.action) == ("mlops-churn-preprod-consumer", "created")
    (stack,) = boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName=created.stack)["Stacks"]
    assert stack["RoleARN"] == STACKS_ROLE
    role = boto3.client("iam", region_name=REGION).get_role(RoleName=f"{created.stack}-role")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
    assert created.url.endswith(".execute-api.eu-west-1.amazonaws.com/v1/predict")
    function = boto3.client("lambda", region_name=REGION).get_function(FunctionName=created.outputs["FunctionName"])
    assert function["Configuration"]["Environment"]["Variables"] == {"ENDPOINT_NAME": "churn-preprod"}
    assert function["Configuration"]["Role"] == created.outputs["FunctionRoleArn"]

    removed = _deploy(consumer_module, enabled=False)
    assert removed.action == "deleted (consumer.enabled is false)"
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []
    assert _deploy(consumer_module, enabled=False).action == "absent (consumer.enabled is false)"


def test_an_account_without_the_consumer_stacks_role_is_refused_naming_the_parameter(
    consumer_module: ModuleType, local_aws: None
) -> None:
    with pytest.raises(consumer_module.DeployError, match="/mlops/iam/consumer_stacks_role_arn is missing"):
        _deploy(consumer_module, enabled=True)
    assert boto3.client("cloudformation", region_name=REGION).describe_stacks()["Stacks"] == []


def _deploy_targets_locals() -> dict[str, str]:
    import hcl2

    main = REPO.parents[1] / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
    with main.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    found: dict[str, str] = {}
    for block in document["locals"]:
        for name, value in block.items():
            found[name] = value[0] if isinstance(value, list) and len(value) == 1 else value
    return found


def test_the_consumer_stacks_role_grants_exactly_the_names_the_stack_creates(consumer_module: ModuleType) -> None:
    """Producer and consumer of the names: deploy_targets' consumer stacks role (Terraform) and the stack
    deploy.consumer creates from consumer/template.yaml (function, its role, its log group, the stack itself)."""
    from fnmatch import fnmatchcase

    tf = _deploy_targets_locals()
    stack_pattern = tf["consumer_stack"].replace("${var.name_prefix}", "mlops")
    role_pattern = tf["consumer_function_roles"].split(":role/")[1].replace("${local.consumer_stack}", stack_pattern)
    template = TEMPLATE.read_text()
    assert 'RoleName: !Sub "${AWS::StackName}-role"' in template
    assert "FunctionName: !Ref AWS::StackName" in template
    assert 'LogGroupName: !Sub "/aws/lambda/${AWS::StackName}"' in template
    for project, stage in (("churn", "preprod"), ("a-much-longer-project-name-than-usual-for-tests", "prod")):
        stack = consumer_module.stack_name("mlops", project, stage)
        assert fnmatchcase(stack, stack_pattern), stack  # the function is named like the stack
        assert fnmatchcase(f"{stack}-role", role_pattern)
        assert fnmatchcase(f"/aws/lambda/{stack}", f"/aws/lambda/{stack_pattern}*")
        assert fnmatchcase(stack, "mlops-*")  # the deploy role's ProjectDeployStacks: stack/<prefix>-*


# Handler permissions of the consumer's resource types that only properties the template does not set need: a VPC
# (ec2, elasticfilesystem, s3files), a KMS key (kms), code in S3 (s3), layers, code signing, capacity providers,
# runtime aliases, log delivery/indexing/data protection/resource policies (logs, firehose), and managed-policy
# attachment or boundary removal on roles (kept out on purpose).
NOT_NEEDED = re.compile(
    r"^(ec2|kms|s3|elasticfilesystem|s3files|firehose):"
    r"|^lambda:(GetLayerVersion|GetCodeSigningConfig|PassCapacityProvider|AssociateRuntimeAlias|PutFunctionScalingConfig"
    r"|PutFunctionCodeSigningConfig|DeleteFunctionCodeSigningConfig)$"
    r"|^logs:(CreateLogDelivery|PutBearerTokenAuthentication|PutDataProtectionPolicy|PutIndexPolicy|DeleteIndexPolicy"
    r"|PutResourcePolicy|DeleteResourcePolicy|AssociateKmsKey|DisassociateKmsKey|PutLogGroupDeletionProtection)$"
    r"|^iam:(AttachRolePolicy|DeleteRolePermissionsBoundary)$"
)


def test_the_consumer_stacks_role_grants_every_handler_permission_the_template_needs() -> None:
    """Derived, not hand-written: the CloudFormation handler permissions (cfn-lint's provider schemas) of every
    resource type in consumer/template.yaml, less those only unused properties need, are granted by deploy_targets'
    consumer stacks role."""
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    from platform_cli.project_templates import launch_permissions

    template, matches = decode_str(TEMPLATE.read_text())
    assert not matches
    kinds = launch_permissions.resource_types(dict(template))
    needed = {a for a in launch_permissions.launch_actions(kinds) if not NOT_NEEDED.search(a)}
    main = (
        REPO.parents[1] / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
    ).read_text()
    block = main[main.index('resource "aws_iam_role_policy" "consumer_stacks"') :]
    block = block[: block.index('resource "aws_iam_role_policy" "deploy_passes_consumer_stacks"')]
    granted = set(re.findall(r'"([a-z0-9-]+:[A-Za-z0-9]+)"', block))
    assert needed - granted == set()
    assert not {a for a in granted if NOT_NEEDED.search(a)}, "an action the template does not need is granted"
