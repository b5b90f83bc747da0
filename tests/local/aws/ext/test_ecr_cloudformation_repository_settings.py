"""A CloudFormation ECR repository on local AWS keeps its scan-on-push setting, lifecycle policy and repository
policy (moto 5.2.5 drops them; platform_cli/local/moto_ext/ecr_cloudformation_repository_settings.py)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from platform_cli.local.aws import LocalAws
from platform_cli.local.moto_ext.ecr_cloudformation_repository_settings import api_scan_configuration
from tests.local.aws.ext.conftest import unique

LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        }
    ]
}


def _template(name: str) -> str:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeployAccountsPullTheImages",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ],
    }
    resource = {
        "Type": "AWS::ECR::Repository",
        "Properties": {
            "RepositoryName": name,
            "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": {"ScanOnPush": True},
            "LifecyclePolicy": {"LifecyclePolicyText": json.dumps(LIFECYCLE)},
            "RepositoryPolicyText": policy,
        },
    }
    return yaml.safe_dump({"Resources": {"Repository": resource}})


def _stack(local_aws: LocalAws) -> tuple[Any, str]:
    session = local_aws.session_for("dev")
    name = f"mlops/{unique('p')}"
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(StackName=unique("ecr"), TemplateBody=_template(name))
    return session.client("ecr"), name


def test_scan_on_push_set_in_cloudformation_is_on(local_aws: LocalAws) -> None:
    ecr, name = _stack(local_aws)
    (repository,) = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository["imageTagMutability"] == "IMMUTABLE"


def test_the_lifecycle_policy_set_in_cloudformation_is_applied(local_aws: LocalAws) -> None:
    ecr, name = _stack(local_aws)
    assert json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]) == LIFECYCLE


def test_the_repository_policy_set_in_cloudformation_is_applied(local_aws: LocalAws) -> None:
    ecr, name = _stack(local_aws)
    policy = json.loads(ecr.get_repository_policy(repositoryName=name)["policyText"])
    assert policy["Statement"][0]["Sid"] == "DeployAccountsPullTheImages"


def test_the_scan_setting_is_translated_to_the_apis_spelling_once() -> None:
    assert api_scan_configuration({"ScanOnPush": True}) == {"scanOnPush": True}
    assert api_scan_configuration({"scanOnPush": True}) == {"scanOnPush": True}
