"""What a stack's role must be allowed for each resource: the handler permissions of its type, on its ARN."""

from __future__ import annotations

from platform_cli.local.iam.stack_role import Resource, permissions, resource_arn

ACCOUNT = "111111111111"
REPLICATION = f"arn:aws:iam::{ACCOUNT}:role/replication"


def _arn(resource: Resource, action: str) -> str:
    return resource_arn(resource, action, partition="aws", region="eu-west-1", account=ACCOUNT)


def test_a_bucket_create_needs_its_handler_permissions_on_the_bucket() -> None:
    bucket = Resource("AWS::S3::Bucket", "Artifacts", {"BucketName": "mlops-p-1"})
    assert "s3:CreateBucket" in permissions(bucket, "create")
    assert _arn(bucket, "s3:CreateBucket") == "arn:aws:s3:::mlops-p-1"


def test_permissions_a_handler_calls_only_for_a_property_are_needed_only_when_it_is_set() -> None:
    plain = Resource("AWS::S3::Bucket", "Artifacts", {"BucketName": "b"})
    replicated = Resource(
        "AWS::S3::Bucket", "Artifacts", {"BucketName": "b", "ReplicationConfiguration": {"Role": REPLICATION}}
    )
    assert "iam:PassRole" not in permissions(plain, "create")
    assert not [a for a in permissions(plain, "create") if a.startswith("s3tables:")]
    assert "iam:PassRole" in permissions(replicated, "create")
    assert _arn(replicated, "iam:PassRole") == REPLICATION


def test_a_role_is_named_by_its_path_and_name_and_a_group_by_its_lower_case_name() -> None:
    role = Resource("AWS::IAM::Role", "Pipeline", {"RoleName": "mlops-p-1-pipeline", "Path": "/projects/"})
    group = Resource("AWS::SageMaker::ModelPackageGroup", "Group", {"ModelPackageGroupName": "Churn-p-1"})
    assert _arn(role, "iam:CreateRole") == f"arn:aws:iam::{ACCOUNT}:role/projects/mlops-p-1-pipeline"
    assert _arn(group, "sagemaker:CreateModelPackageGroup") == (
        f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package-group/churn-p-1"
    )


def test_a_custom_resource_needs_to_invoke_its_service_token() -> None:
    custom = Resource("Custom::ProjectRepos", "Repos", {"ServiceToken": "arn:aws:lambda:eu-west-1:1:function:f"})
    assert permissions(custom, "delete") == ["lambda:InvokeFunction"]
    assert _arn(custom, "lambda:InvokeFunction") == "arn:aws:lambda:eu-west-1:1:function:f"


def test_a_type_without_handler_permissions_is_refused_rather_than_guessed() -> None:
    import pytest

    from platform_cli.local.iam.exceptions import UnknownResourceTypeError

    with pytest.raises(UnknownResourceTypeError, match="AWS::ApiGateway::RestApi: local AWS knows no handler"):
        permissions(Resource("AWS::ApiGateway::RestApi", "Api", {}), "create")


def test_a_function_passes_its_execution_role_to_lambda() -> None:
    from platform_cli.local.iam.stack_role import passed_roles

    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-p-1-retrain"
    function = Resource("AWS::Lambda::Function", "Retrain", {"FunctionName": "mlops-p-1-retrain", "Role": role})
    assert "iam:PassRole" in permissions(function, "create")
    assert passed_roles(function) == [role]
    assert _arn(function, "lambda:CreateFunction") == f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mlops-p-1-retrain"
