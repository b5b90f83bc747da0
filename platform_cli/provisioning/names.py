"""The one place names are checked against the documented rules of the service that will receive them, before
any call. Every pattern cites its source; the CLI, the provisioning request and the template tests use these.

- SageMaker CreateProject ``ProjectName``: 1-32, ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$``.
- SageMaker project id: ``p-`` and 12 lower-case alphanumerics.
- SageMaker ``ModelPackageGroupName`` / ``CodeRepositoryName``: 1-63, ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$``.
- ECR ``repositoryName``: 2-256, ``(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`` (lower case).
- S3 bucket names: 3-63, lower case letters, digits, ``.`` and ``-``, starting and ending alphanumeric.
- IAM role names: 1-64 of ``[\\w+=,.@-]``.
- EventBridge rule names: 1-64 of ``[\\.\\-_A-Za-z0-9]``.
- GitHub repository names: 1-100 of ``[A-Za-z0-9_.-]``.
"""

from __future__ import annotations

import re

from platform_cli.errors import PlatformError

SAGEMAKER_PROJECT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
SAGEMAKER_PROJECT_ID = re.compile(r"^p-[a-z0-9]{12}$")
SAGEMAKER_ENTITY_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
ECR_REPOSITORY = re.compile(r"^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
S3_BUCKET = re.compile(r"^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$")
IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
EVENT_RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "AWS::SageMaker::ModelPackageGroup.ModelPackageGroupName": (SAGEMAKER_ENTITY_NAME, "1-63 of a-z A-Z 0-9 -"),
    "AWS::SageMaker::CodeRepository.CodeRepositoryName": (SAGEMAKER_ENTITY_NAME, "1-63 of a-z A-Z 0-9 -"),
    "AWS::ECR::Repository.RepositoryName": (ECR_REPOSITORY, "2-256 lower-case a-z 0-9 . _ - and /"),
    "AWS::S3::Bucket.BucketName": (S3_BUCKET, "3-63 lower-case a-z 0-9 . -"),
    "AWS::IAM::Role.RoleName": (IAM_ROLE_NAME, "1-64 of a-z A-Z 0-9 _+=,.@-"),
    "AWS::Events::Rule.Name": (EVENT_RULE_NAME, "1-64 of a-z A-Z 0-9 . - _"),
}


class InvalidNameError(PlatformError):
    """A name a service would reject."""


def check(pattern: re.Pattern[str], value: str, what: str, rule: str) -> str:
    if not pattern.match(value):
        raise InvalidNameError(f"{value!r} is not a valid {what} ({rule})")
    return value


def project_name(value: str) -> str:
    """A SageMaker project name, or a one-line error saying what SageMaker accepts."""
    if len(value) > 32:
        raise InvalidNameError(f"project name {value!r} has {len(value)} characters; SageMaker allows at most 32")
    return check(SAGEMAKER_PROJECT_NAME, value, "SageMaker project name", "1-32 of a-z A-Z 0-9 -, alphanumeric first")


def resource_name(kind_and_property: str, value: str) -> str:
    """``value`` checked against the rule of ``AWS::Type.Property`` (see :data:`RULES`)."""
    pattern, rule = RULES[kind_and_property]
    return check(pattern, value, kind_and_property, rule)
