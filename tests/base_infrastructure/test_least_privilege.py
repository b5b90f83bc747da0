"""Escalation paths an org member or a data scientist could take, each evaluated on the policy documents
(``tests.bootstrap.policy_eval`` over the Terraform read with python-hcl2 and the rendered project templates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.tf_policies import ACCOUNT, REGION
from tests.bootstrap import policy_eval

SAGEMAKER = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
VALUES = {
    "local.sagemaker_arn": SAGEMAKER,
    "local.partition": "aws",
    "local.region": REGION,
    "local.account": ACCOUNT,
    "var.name_prefix": "mlops",
}
LEAD_PROFILE = f"{SAGEMAKER}:user-profile/d-abc/alice-lead"
DS_PROFILE = f"{SAGEMAKER}:user-profile/d-abc/bob-ds"
RENDERED = Path(__file__).resolve().parents[2] / "base-infrastructure" / "project-templates" / "rendered"


def _persona_statements(persona: str) -> list[dict[str, Any]]:
    personas = tf_policies.module_locals("iam", "personas.tf")
    allow = tf_policies.statements(personas["persona_allow"], VALUES)
    specific = personas["persona_specific"]
    specific = specific[0] if isinstance(specific, list) else specific
    return allow + tf_policies.statements(specific[persona], VALUES)


def _profile_context(persona: str) -> dict[str, str]:
    return {"sagemaker:ResourceTag/Persona": persona}


# -- 2. a data scientist cannot open a lead's Studio -----------------------------------------------------------


def test_a_data_scientist_cannot_open_a_lead_profile() -> None:
    policy = {"Statement": _persona_statements("data-scientist")}
    assert not policy_eval.is_allowed(
        [policy], None, "sagemaker:CreatePresignedDomainUrl", LEAD_PROFILE, _profile_context("lead-data-scientist")
    )


def test_a_data_scientist_opens_a_data_scientist_profile() -> None:
    policy = {"Statement": _persona_statements("data-scientist")}
    assert policy_eval.is_allowed(
        [policy], None, "sagemaker:CreatePresignedDomainUrl", DS_PROFILE, _profile_context("data-scientist")
    )


def test_a_lead_opens_only_lead_profiles() -> None:
    policy = {"Statement": _persona_statements("lead-data-scientist")}
    action = "sagemaker:CreatePresignedDomainUrl"
    assert policy_eval.is_allowed([policy], None, action, LEAD_PROFILE, _profile_context("lead-data-scientist"))
    assert not policy_eval.is_allowed([policy], None, action, DS_PROFILE, _profile_context("data-scientist"))


def test_every_user_profile_carries_the_persona_tag_the_policies_read() -> None:
    studio = tf_policies.terraform_file("sagemaker_studio").read_text()
    assert "{ Persona = each.value }" in studio


# -- 3. only the approver persona approves; pipelines cannot register already-Approved packages -----------------


@pytest.mark.parametrize("action", ["sagemaker:UpdateModelPackage", "sagemaker:CreateModelPackage"])
def test_a_data_scientist_can_neither_approve_nor_register(action: str) -> None:
    policy = {"Statement": _persona_statements("data-scientist")}
    package = f"{SAGEMAKER}:model-package/churn-p-abc/1"
    assert not policy_eval.is_allowed([policy], None, action, package, {"sagemaker:ModelApprovalStatus": "Approved"})


def test_the_lead_approves_model_packages() -> None:
    policy = {"Statement": _persona_statements("lead-data-scientist")}
    package = f"{SAGEMAKER}:model-package/churn-p-abc/1"
    context = {"sagemaker:ModelApprovalStatus": "Approved"}
    assert policy_eval.is_allowed([policy], None, "sagemaker:UpdateModelPackage", package, context)


def _platform_pipeline_policy() -> dict[str, Any]:
    iam = tf_policies.module_locals("iam", "main.tf")
    main = tf_policies.terraform_file("iam").read_text()
    assert "local.pipeline_never_approves" in main.split('resource "aws_iam_policy" "pipeline"')[1].split("resource")[0]
    allow_all = {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}
    return {"Statement": [allow_all, *tf_policies.statements(iam["pipeline_never_approves"], VALUES)]}


@pytest.mark.parametrize("action", ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"])
def test_the_platform_pipeline_role_cannot_register_an_approved_package(action: str) -> None:
    policy = _platform_pipeline_policy()
    package = f"{SAGEMAKER}:model-package/any-group/1"
    assert not policy_eval.is_allowed([policy], None, action, package, {"sagemaker:ModelApprovalStatus": "Approved"})
    assert policy_eval.is_allowed(
        [policy],
        None,
        "sagemaker:CreateModelPackage",
        package,
        {"sagemaker:ModelApprovalStatus": "PendingManualApproval"},
    )


def _project_pipeline_policy(kind: str) -> dict[str, Any]:
    template = yaml.load((RENDERED / f"{kind}.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506 (a SafeLoader)
    document = template["Resources"]["PipelineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    resolved: dict[str, Any] = _resolve_subs(document)
    return resolved


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)

_SUBS = {
    "${AWS::Partition}": "aws",
    "${AWS::Region}": REGION,
    "${AWS::AccountId}": ACCOUNT,
    "${SageMakerProjectName}": "churn",
    "${SageMakerProjectId}": "p-abcdefabcdef",
    "${NamingPrefix}": "mlops",
    "${ArtifactBucket.Arn}": "arn:aws:s3:::bucket",
}


def _resolve_subs(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"Sub"} and isinstance(value["Sub"], str):
            text = value["Sub"]
            for key, replacement in _SUBS.items():
                text = text.replace(key, replacement)
            return text
        if len(value) == 1 and next(iter(value)) in ("Ref", "GetAtt"):
            return "arn:aws:unresolved"
        return {key: _resolve_subs(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_subs(item) for item in value]
    return value


KINDS = sorted(path.stem for path in RENDERED.glob("*.yaml"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_project_pipeline_cannot_register_an_approved_package(kind: str) -> None:
    policy = _project_pipeline_policy(kind)
    own = f"{SAGEMAKER}:model-package/churn-p-abcdefabcdef/1"
    assert not policy_eval.is_allowed(
        [policy], None, "sagemaker:CreateModelPackage", own, {"sagemaker:ModelApprovalStatus": "Approved"}
    )
    assert not policy_eval.is_allowed(
        [policy], None, "sagemaker:UpdateModelPackage", own, {"sagemaker:ModelApprovalStatus": "Approved"}
    )
    assert policy_eval.is_allowed(
        [policy], None, "sagemaker:CreateModelPackage", own, {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_project_pipeline_registers_only_in_its_own_group(kind: str) -> None:
    policy = _project_pipeline_policy(kind)
    other = f"{SAGEMAKER}:model-package/other-p-123456123456/1"
    context = {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    assert not policy_eval.is_allowed([policy], None, "sagemaker:CreateModelPackage", other, context)


def test_the_deploy_role_cannot_approve_model_packages() -> None:
    deploy = tf_policies.terraform_file("deploy_targets").read_text()
    policy_block = deploy.split('resource "aws_iam_policy" "deploy"')[1].split('resource "')[0]
    assert "UpdateModelPackage" not in policy_block
    assert "sagemaker:*" not in policy_block.replace('"${local.sagemaker}:*"', "")


# -- 10. no skip justification names a control the kit does not create ------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_project_buckets_log_to_the_platforms_access_log_bucket_instead_of_a_claimed_cloudtrail(kind: str) -> None:
    text = (RENDERED / f"{kind}.yaml").read_text()
    assert "CloudTrail" not in text
    bucket = yaml.load(text, Loader=_CfnLoader)["Resources"]["ArtifactBucket"]  # noqa: S506 (a SafeLoader)
    logging = bucket["Properties"]["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Sub": "${NamingPrefix}-access-logs-${AWS::AccountId}-${AWS::Region}"}
    s3 = tf_policies.terraform_file("s3").read_text()
    assert 'log_bucket = "${var.name_prefix}-access-logs-${local.account}-${local.region}"' in s3
