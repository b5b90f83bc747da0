"""The evaluator's rules on their own (no server): condition operators the platform's policies use, the action
table against the Service Authorization Reference, and resource ARNs built from its templates."""

from __future__ import annotations

import pytest

from platform_cli.local.iam import actions
from platform_cli.local.iam.conditions import conditions_hold
from platform_cli.local.iam.evaluator import Policies, Reason, evaluate
from platform_cli.local.iam.policy import Policy, Principal, Request
from platform_cli.local.iam.resources import resource_of

SESSION = Principal(
    "arn:aws:sts::111111111111:assumed-role/app/s", "111111111111", ("arn:aws:iam::111111111111:role/app",)
)


def _policy(*statements: dict[str, object]) -> Policy:
    return Policy.of("test", {"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
        ({"StringLike": {"s3:prefix": ["models/*"]}}, {"s3:prefix": "models/a"}, True),
        ({"StringLike": {"s3:prefix": ["models/*"]}}, {"s3:prefix": "data/a"}, False),
        ({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}, {}, False),
        ({"StringNotEquals": {"aws:SourceAccount": "1"}}, {}, True),
        ({"StringEqualsIfExists": {"aws:SourceAccount": "1"}}, {}, True),
        (
            {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:1:rule/*"}},
            {"aws:SourceArn": "arn:aws:events:eu-west-1:1:rule/r"},
            True,
        ),
        (
            {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/a"}},
            {"aws:PrincipalArn": "arn:aws:iam::1:role/b"},
            False,
        ),
        ({"Null": {"iam:PermissionsBoundary": "true"}}, {}, True),
        ({"ForAnyValue:StringEquals": {"k:aud": ["a", "b"]}}, {"k:aud": ["c", "b"]}, True),
        ({"ForAllValues:StringEquals": {"k:aud": ["a"]}}, {"k:aud": ["a", "b"]}, False),
        (
            {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:environment:dev"}},
            {"token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod"},
            False,
        ),
    ],
)
def test_condition_operators_hold_as_iam_documents_them(
    condition: dict[str, dict[str, object]], context: dict[str, str | list[str]], holds: bool
) -> None:
    assert conditions_hold(condition, context) is holds


def test_every_action_the_table_maps_to_is_in_the_service_authorization_reference() -> None:
    unknown = [action for action in actions._ACTION_OF_OPERATION.values() if not actions.is_known(action)]
    assert unknown == []


def test_an_operation_without_its_own_action_is_authorised_as_the_action_aws_names() -> None:
    assert actions.action_of("s3", "ListObjectsV2") == "s3:ListBucket"
    assert actions.action_of("lambda", "Invoke") == "lambda:InvokeFunction"
    assert actions.action_of("iam", "CreateRole") == "iam:CreateRole"


def test_resource_arns_come_from_the_references_templates_filled_from_the_request() -> None:
    where = {"partition": "aws", "region": "eu-west-1", "account": "1"}
    assert resource_of("iam:CreateRole", {"RoleName": "r"}, **where) == "arn:aws:iam::1:role/r"
    assert resource_of("ssm:GetParameter", {"Name": "/mlops/x"}, **where) == "arn:aws:ssm:eu-west-1:1:parameter/mlops/x"
    assert resource_of("ec2:DescribeVpcs", {}, **where) == "*"
    project = resource_of("sagemaker:DescribeProject", {"ProjectName": "churn"}, **where)
    assert project == "arn:aws:sagemaker:eu-west-1:1:project/churn"
    given = "arn:aws:sagemaker:eu-west-1:2:model-package-group/g"
    assert resource_of("sagemaker:DescribeModelPackageGroup", {"ModelPackageGroupName": given}, **where) == given


def test_a_resource_given_by_its_arn_is_that_resource() -> None:
    where = {"partition": "aws", "region": "eu-west-1", "account": "1"}
    table = "arn:aws:dynamodb:eu-west-1:1:table/mlops-dispatches"
    package = "arn:aws:sagemaker:eu-west-1:1:model-package/churn-p-1/1"

    assert resource_of("dynamodb:ListTagsOfResource", {"ResourceArn": table}, **where) == table
    assert resource_of("sagemaker:UpdateModelPackage", {"ModelPackageArn": package}, **where) == package


def test_a_versioned_model_package_is_created_as_a_package_of_its_group() -> None:
    where = {"partition": "aws", "region": "eu-west-1", "account": "1"}
    created = resource_of("sagemaker:CreateModelPackage", {"ModelPackageGroupName": "churn-p-1"}, **where)
    assert created == "arn:aws:sagemaker:eu-west-1:1:model-package/churn-p-1/*"
    group_arn = "arn:aws:sagemaker:eu-west-1:1:model-package-group/churn-p-1"
    assert resource_of("sagemaker:CreateModelPackage", {"ModelPackageGroupName": group_arn}, **where) == created


def test_a_deny_in_the_boundary_is_reported_as_the_boundarys() -> None:
    request = Request(SESSION, "iam:CreateRole", "arn:aws:iam::111111111111:role/x")
    decision = evaluate(
        request,
        Policies(
            identity=[_policy({"Effect": "Allow", "Action": "*", "Resource": "*"})],
            boundary=_policy(
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:CreateRole", "Resource": "*"},
            ),
        ),
    )
    assert decision.reason is Reason.BOUNDARY_DENY
    assert decision.message().endswith("with an explicit deny in a permissions boundary")


def test_a_same_account_resource_policy_naming_the_role_allows_without_an_identity_policy() -> None:
    request = Request(
        SESSION, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s"
    )
    resource = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:role/app"},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }
    )
    assert evaluate(request, Policies(resource=resource, resource_account="111111111111")).allowed


def test_cross_account_a_resource_policy_alone_is_not_enough() -> None:
    request = Request(SESSION, "s3:GetObject", "arn:aws:s3:::b/k")
    resource = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "111111111111"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    decision = evaluate(request, Policies(resource=resource, resource_account="222222222222"))
    assert decision.reason is Reason.NO_IDENTITY_ALLOW


def test_the_signer_of_a_presigned_url_is_the_caller_as_in_aws() -> None:
    from platform_cli.local.iam.hook import access_key_of

    query = {"X-Amz-Credential": ["ASIAEXAMPLEKEY/20261204/eu-west-1/s3/aws4_request"]}
    assert access_key_of({}, query) == "ASIAEXAMPLEKEY"
    assert access_key_of({"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261204/eu-west-1/iam/aws4"}, {}) == (
        "testing"
    )
    assert access_key_of({}, {}) is None
