"""Strict local AWS refuses what IAM would refuse: for each kind of rule, a principal lacking exactly one permission
gets AWS's denial naming the principal, the action and the resource, in the service's error shape."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.local.aws.iam.conftest import Principals, allow, decisions, denial, deny, document


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_a_call_no_identity_policy_allows_is_refused_naming_principal_action_and_resource(
    principals: Principals,
) -> None:
    account = principals.account("dev")
    role = principals.role(allow("iam:GetRole"))
    iam = principals.client(principals.session(role), "iam")

    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="not-mine", AssumeRolePolicyDocument=document())

    code, message, status = denial(refused)
    session_arn = f"arn:aws:sts::{account}:assumed-role/{role.split('/')[-1]}/iam-test"
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: {session_arn} is not authorized to perform: iam:CreateRole on resource: "
        f"arn:aws:iam::{account}:role/not-mine because no identity-based policy allows the iam:CreateRole action"
    )


def test_the_permission_the_identity_policy_grants_is_allowed(principals: Principals) -> None:
    role = principals.role(allow("iam:GetRole"))

    found = principals.client(principals.session(role), "iam").get_role(RoleName=role.split("/")[-1])

    assert found["Role"]["Arn"] == role


def test_a_call_outside_the_permissions_boundary_is_refused_though_the_identity_policy_allows_it(
    principals: Principals,
) -> None:
    role = principals.role(allow(["iam:GetRole", "iam:CreatePolicy"]), boundary=[allow("iam:GetRole")])
    iam = principals.client(principals.session(role), "iam")

    iam.get_role(RoleName=role.split("/")[-1])  # inside both
    with pytest.raises(ClientError) as refused:
        iam.create_policy(PolicyName=_unique("p"), PolicyDocument=document(allow("s3:ListBucket")))

    code, message, _ = denial(refused)
    assert code == "AccessDenied"
    assert message.endswith("because no permissions boundary allows the iam:CreatePolicy action")


def test_an_explicit_deny_wins_over_an_allow_in_a_json_service_error_shape(principals: Principals) -> None:
    role = principals.role(allow("kms:*"), deny("kms:CreateKey"))
    kms = principals.client(principals.session(role), "kms")

    kms.list_keys()
    with pytest.raises(ClientError) as refused:
        kms.create_key()

    code, message, status = denial(refused)
    assert (code, status) == ("AccessDeniedException", 403)
    assert " is not authorized to perform: kms:CreateKey on resource: *" in message
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_a_bucket_policy_deny_refuses_the_one_action_it_names(principals: Principals) -> None:
    bucket = _unique("iam-bucket")
    role = principals.role(allow("s3:*"))
    s3_admin = principals.client(principals.admin(), "s3")
    s3_admin.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3_admin.put_bucket_policy(
        Bucket=bucket,
        Policy=document(deny("s3:GetObject", f"arn:aws:s3:::{bucket}/*", Principal={"AWS": role})),
    )
    s3 = principals.client(principals.session(role), "s3")

    s3.put_object(Bucket=bucket, Key="model.tar.gz", Body=b"weights")
    with pytest.raises(ClientError) as refused:
        s3.get_object(Bucket=bucket, Key="model.tar.gz")

    code, message, status = denial(refused)
    assert (code, status) == ("AccessDenied", 403)
    assert f"s3:GetObject on resource: arn:aws:s3:::{bucket}/model.tar.gz" in message
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_a_key_policy_that_does_not_grant_refuses_even_an_identity_allowing_kms_star(principals: Principals) -> None:
    account = principals.account("dev")
    user = principals.role(allow("kms:*"))
    owner = principals.role(allow("kms:*"))
    key_policy = document(
        allow("kms:*", Principal={"AWS": owner}),
        allow("kms:DescribeKey", Principal={"AWS": f"arn:aws:iam::{account}:root"}),
    )
    key_id = principals.client(principals.session(owner), "kms").create_key(Policy=key_policy)["KeyMetadata"]["KeyId"]
    kms = principals.client(principals.session(user), "kms")

    kms.describe_key(KeyId=key_id)  # the key policy delegates DescribeKey to the account's IAM
    with pytest.raises(ClientError) as refused:
        kms.encrypt(KeyId=key_id, Plaintext=b"secret")

    code, message, _ = denial(refused)
    assert code == "AccessDeniedException"
    assert f"kms:Encrypt on resource: arn:aws:kms:eu-west-1:{account}:key/{key_id}" in message
    assert message.endswith("because no resource-based policy allows the kms:Encrypt action")


def test_a_model_package_group_policy_must_grant_another_account_the_action(principals: Principals) -> None:
    dev, preprod = principals.account("dev"), principals.account("preprod")
    group = _unique("models")
    sagemaker_dev = principals.client(principals.admin("dev"), "sagemaker")
    group_arn = sagemaker_dev.create_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupArn"]
    sagemaker_dev.put_model_package_group_policy(
        ModelPackageGroupName=group,
        ResourcePolicy=document(
            allow(
                "sagemaker:DescribeModelPackage",
                group_arn.replace("-group/", "/") + "/*",
                Principal={"AWS": f"arn:aws:iam::{preprod}:root"},
            ),
        ),
    )
    reader = principals.role(allow("sagemaker:*"), env="preprod")
    sagemaker = principals.client(principals.session(reader, env="preprod"), "sagemaker")

    with pytest.raises(ClientError) as refused:
        sagemaker.describe_model_package_group(ModelPackageGroupName=group_arn)

    code, message, _ = denial(refused)
    assert code == "AccessDeniedException"
    assert f"arn:aws:sts::{preprod}:assumed-role/" in message
    assert f"sagemaker:DescribeModelPackageGroup on resource: {group_arn}" in message
    assert message.endswith("because no resource-based policy allows the sagemaker:DescribeModelPackageGroup action")
    assert dev in group_arn


def test_a_pipeline_role_may_register_a_model_pending_approval_but_never_already_approved(
    principals: Principals,
) -> None:
    """The project pipeline role's explicit deny on ``sagemaker:ModelApprovalStatus`` = Approved (issue 15)."""
    group = _unique("models")
    principals.client(principals.admin("dev"), "sagemaker").create_model_package_group(ModelPackageGroupName=group)
    pipeline = principals.role(
        allow("sagemaker:CreateModelPackage"),
        deny(
            "sagemaker:CreateModelPackage",
            Condition={"StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"}},
        ),
    )
    sagemaker = principals.client(principals.session(pipeline), "sagemaker")
    spec = {"Containers": [{"Image": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/serving:1"}],
            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}  # fmt: skip

    sagemaker.create_model_package(
        ModelPackageGroupName=group, ModelApprovalStatus="PendingManualApproval", InferenceSpecification=spec
    )
    with pytest.raises(ClientError) as refused:
        sagemaker.create_model_package(
            ModelPackageGroupName=group, ModelApprovalStatus="Approved", InferenceSpecification=spec
        )

    code, message, _ = denial(refused)
    assert code == "AccessDeniedException"
    assert "sagemaker:CreateModelPackage on resource: arn:aws:sagemaker:eu-west-1:" in message
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_a_trust_policy_condition_on_the_caller_refuses_another_principal(principals: Principals) -> None:
    account = principals.account("dev")
    allowed_caller = principals.role(allow("sts:AssumeRole"))
    other_caller = principals.role(allow("sts:AssumeRole"))
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": allowed_caller}},
        }
    )
    target = principals.role(allow("iam:GetRole"), trust=trust)

    principals.session(target, via=principals.session(allowed_caller))
    with pytest.raises(ClientError) as refused:
        principals.session(target, via=principals.session(other_caller))

    code, message, _ = denial(refused)
    assert code == "AccessDenied"
    assert f"sts:AssumeRole on resource: {target}" in message
    assert message.endswith("because no resource-based policy allows the sts:AssumeRole action")


def test_assuming_a_role_that_does_not_exist_is_refused_as_aws_refuses_it(principals: Principals) -> None:
    """No trust policy grants a role that is not there: AWS answers AccessDenied (not the role's absence)."""
    account = principals.account("dev")
    caller = principals.role(allow("sts:AssumeRole"))
    missing = f"arn:aws:iam::{account}:role/{_unique('no-such-role')}"

    with pytest.raises(ClientError) as refused:
        principals.session(missing, via=principals.session(caller))

    code, message, status = denial(refused)
    assert (code, status) == ("AccessDenied", 403)
    assert f"is not authorized to perform: sts:AssumeRole on resource: {missing}" in message


def test_passing_a_role_needs_iam_passrole_on_that_role_for_that_service(principals: Principals) -> None:
    account = principals.account("dev")
    execution = principals.role(name=_unique("fn-exec"))
    deployer = principals.role(
        allow("lambda:*"),
        allow(
            "iam:PassRole", execution, Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
        ),
    )
    lam = principals.client(principals.session(deployer), "lambda")

    with pytest.raises(ClientError) as refused:
        lam.create_function(
            FunctionName=_unique("fn"),
            Runtime="python3.12",
            Role=execution,
            Handler="h.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        )

    code, message, _ = denial(refused)
    assert code == "AccessDeniedException"
    assert f"arn:aws:sts::{account}:assumed-role/{deployer.split('/')[-1]}/iam-test" in message
    assert f"iam:PassRole on resource: {execution}" in message
    assert message.endswith("because no identity-based policy allows the iam:PassRole action")


def test_every_decision_is_logged_with_principal_action_resource_and_outcome(principals: Principals) -> None:
    role = principals.role(allow("iam:GetRole"))
    iam = principals.client(principals.session(role), "iam")
    with pytest.raises(ClientError):
        iam.list_roles()

    logged = [d for d in decisions(principals.local) if d["principal"].endswith(f"/{role.split('/')[-1]}/iam-test")]

    assert [(d["action"], d["resource"], d["allowed"], d["enforced"]) for d in logged] == [
        ("iam:ListRoles", "*", False, True)
    ]
    assert json.dumps(logged[0]["message"]).count("iam:ListRoles") == 2


def test_a_presigned_put_is_authorised_as_the_principal_that_signed_it(principals: Principals) -> None:
    import requests

    bucket = _unique("iam-presigned")
    principals.client(principals.admin(), "s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    writer = principals.client(principals.session(principals.role(allow("s3:PutObject"))), "s3")
    reader = principals.client(principals.session(principals.role(allow("s3:GetObject"))), "s3")

    def put(client: object) -> requests.Response:
        url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})  # type: ignore[attr-defined]
        return requests.put(url, data=b"x", timeout=10)

    assert put(writer).status_code == 200
    refused = put(reader)
    assert refused.status_code == 403
    assert "assumed-role/" in refused.text
    assert "because no identity-based policy allows the s3:PutObject action" in refused.text
