"""SageMaker projects launched from Service Catalog (Create/Describe/List/DeleteProject) with AWS's shapes: the
product is launched with SageMaker's parameters and tags, the project's status follows the launch, and the Studio
user whose session created it is its ``CreatedBy``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws
from platform_cli.local.project_chain import persona_session

from .conftest import unique

ACCOUNT = "111111111111"


def _create(sagemaker: Any, product_id: str, name: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = sagemaker.create_project(
        ProjectName=name, ServiceCatalogProvisioningDetails={"ProductId": product_id, **extra}
    )
    return created


def _stack_of(local_aws: LocalAws, provisioned_product_id: str) -> dict[str, Any]:
    cloudformation = local_aws.session_for("dev").client("cloudformation")
    [stack] = [s for s in cloudformation.describe_stacks()["Stacks"] if s["StackName"].endswith(provisioned_product_id)]
    return stack


def test_describing_a_project_that_does_not_exist_is_a_validation_exception(sagemaker: Any) -> None:
    with pytest.raises(ClientError) as error:
        sagemaker.describe_project(ProjectName="churn")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert error.value.response["Error"]["Message"] == "Project churn does not exist."


def test_create_project_answers_its_arn_and_a_sagemaker_shaped_id(sagemaker: Any, launchable: tuple[str, str]) -> None:
    name = unique("churn")
    created = _create(sagemaker, launchable[0], name)
    assert created["ProjectArn"] == f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:project/{name}"
    assert created["ProjectId"].startswith("p-") and len(created["ProjectId"]) == 14


def test_describe_project_shows_the_completed_launch_and_its_provisioned_product(
    sagemaker: Any, catalog: Any, launchable: tuple[str, str]
) -> None:
    name = unique("churn")
    created = _create(sagemaker, launchable[0], name, ProvisioningParameters=[{"Key": "Extra", "Value": "x"}])
    described = sagemaker.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateCompleted"
    assert (described["ProjectName"], described["ProjectId"]) == (name, created["ProjectId"])
    artifact = catalog.describe_product_as_admin(Id=launchable[0])["ProvisioningArtifactSummaries"][-1]["Id"]
    assert described["ServiceCatalogProvisioningDetails"]["ProvisioningArtifactId"] == artifact  # latest by default
    provisioned = described["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductId"]
    detail = catalog.describe_provisioned_product(Id=provisioned)["ProvisionedProductDetail"]
    assert detail["Status"] == "AVAILABLE"


def test_the_project_stack_gets_sagemakers_name_and_id_parameters_and_the_product_its_tags(
    sagemaker: Any, catalog: Any, launchable: tuple[str, str], local_aws: LocalAws
) -> None:
    name = unique("churn")
    created = _create(
        sagemaker,
        launchable[0],
        name,
        # a caller cannot choose the id the template gets: SageMaker passes its own
        ProvisioningParameters=[{"Key": "SageMakerProjectId", "Value": "p-aaaaaaaaaaaa"}],
    )
    provisioned = sagemaker.describe_project(ProjectName=name)["ServiceCatalogProvisionedProductDetails"]
    stack = _stack_of(local_aws, provisioned["ProvisionedProductId"])
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["SageMakerProjectName"] == name
    assert parameters["SageMakerProjectId"] == created["ProjectId"]
    tags = {t["Key"]: t["Value"] for t in stack["Tags"]}
    assert tags["sagemaker:project-name"] == name
    assert tags["sagemaker:project-id"] == created["ProjectId"]


def test_a_launch_service_catalog_refuses_is_refused_and_leaves_no_project(sagemaker: Any, product_id: str) -> None:
    name = unique("churn")
    with pytest.raises(ClientError) as error:
        _create(sagemaker, product_id, name)  # the product is in no portfolio: no launch path
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "No launch path" in error.value.response["Error"]["Message"]
    assert name not in [p["ProjectName"] for p in sagemaker.list_projects()["ProjectSummaryList"]]


def test_a_project_name_already_taken_is_refused(sagemaker: Any, launchable: tuple[str, str]) -> None:
    name = unique("churn")
    _create(sagemaker, launchable[0], name)
    with pytest.raises(ClientError) as error:
        _create(sagemaker, launchable[0], name)
    assert error.value.response["Error"]["Message"] == f"Project {name} already exists."


def test_list_projects_summarises_each_project_newest_first_and_filters_by_name(
    sagemaker: Any, launchable: tuple[str, str]
) -> None:
    marker = unique("list")
    first, second = f"{marker}-a", f"{marker}-b"
    _create(sagemaker, launchable[0], first)
    created = _create(sagemaker, launchable[0], second)
    listed = sagemaker.list_projects(NameContains=marker)["ProjectSummaryList"]
    assert [p["ProjectName"] for p in listed] == [second, first]
    assert listed[0]["ProjectId"] == created["ProjectId"]
    assert listed[0]["ProjectStatus"] == "CreateCompleted"
    assert set(listed[0]) == {"ProjectName", "ProjectArn", "ProjectId", "CreationTime", "ProjectStatus"}


def test_delete_project_terminates_its_product_and_the_project_is_gone(
    sagemaker: Any, catalog: Any, launchable: tuple[str, str], local_aws: LocalAws
) -> None:
    name = unique("churn")
    _create(sagemaker, launchable[0], name)
    provisioned = sagemaker.describe_project(ProjectName=name)["ServiceCatalogProvisionedProductDetails"]
    stack = _stack_of(local_aws, provisioned["ProvisionedProductId"])
    sagemaker.delete_project(ProjectName=name)
    with pytest.raises(ClientError, match="does not exist"):
        sagemaker.describe_project(ProjectName=name)
    with pytest.raises(ClientError):
        catalog.describe_provisioned_product(Id=provisioned["ProvisionedProductId"])
    cloudformation = local_aws.session_for("dev").client("cloudformation")
    status = cloudformation.describe_stacks(StackName=stack["StackId"])["Stacks"][0]["StackStatus"]
    assert status == "DELETE_COMPLETE"


def test_a_project_whose_product_was_terminated_through_service_catalog_is_gone(
    sagemaker: Any, catalog: Any, launchable: tuple[str, str]
) -> None:
    name = unique("churn")
    _create(sagemaker, launchable[0], name)
    provisioned = sagemaker.describe_project(ProjectName=name)["ServiceCatalogProvisionedProductDetails"]
    catalog.terminate_provisioned_product(ProvisionedProductId=provisioned["ProvisionedProductId"])
    with pytest.raises(ClientError, match="does not exist"):
        sagemaker.describe_project(ProjectName=name)
    _create(sagemaker, launchable[0], name)  # the name is free again


def test_the_custom_id_tag_chooses_the_project_id_and_is_not_kept(sagemaker: Any, launchable: tuple[str, str]) -> None:
    name = unique("churn")
    created = sagemaker.create_project(
        ProjectName=name,
        ServiceCatalogProvisioningDetails={"ProductId": launchable[0]},
        Tags=[{"Key": "_custom_id_", "Value": "p-0123456789ab"}],
    )
    assert created["ProjectId"] == "p-0123456789ab"


# --- who created it ----------------------------------------------------------------------------------------------


@pytest.fixture
def studio_user(local_aws: LocalAws, sagemaker: Any, catalog: Any, launchable: tuple[str, str]) -> dict[str, Any]:
    """A Studio domain naming its users as the source identity of their sessions, user profile ``ada`` in it, and
    its execution role (trusting SageMaker, with sts:SetSourceIdentity) allowed to create projects."""
    iam = local_aws.session_for("dev").client("iam")
    role_name = unique("persona")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    actions = ["sagemaker:CreateProject", "sagemaker:DescribeProject", "servicecatalog:*"]
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="studio",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        ),
    )
    domain = sagemaker.create_domain(
        DomainName=unique("studio"),
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": role},
        DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
        SubnetIds=["subnet-1"],
        VpcId="vpc-1",
    )["DomainArn"].rsplit("/", 1)[-1]
    user = unique("ada")
    profile = sagemaker.create_user_profile(DomainId=domain, UserProfileName=user)["UserProfileArn"]
    return {"role": role, "domain": domain, "user": user, "profile": profile, "product": launchable[0]}


def _as(local_aws: LocalAws, role: str, user: str | None) -> Any:
    session = persona_session(local_aws.session_for("dev"), role, local_aws.info().endpoint_url, user)
    return session.client("sagemaker", endpoint_url=local_aws.info().endpoint_url)


def test_a_project_created_in_a_studio_users_session_names_that_user_as_its_creator(
    local_aws: LocalAws, studio_user: dict[str, Any]
) -> None:
    sagemaker = _as(local_aws, studio_user["role"], studio_user["user"])
    name = unique("churn")
    _create(sagemaker, studio_user["product"], name)
    created_by = sagemaker.describe_project(ProjectName=name)["CreatedBy"]
    assert created_by["UserProfileName"] == studio_user["user"]
    assert created_by["UserProfileArn"] == studio_user["profile"]
    assert created_by["DomainId"] == studio_user["domain"]
    assert created_by["IamIdentity"]["SourceIdentity"] == studio_user["user"]
    assert created_by["IamIdentity"]["Arn"].endswith(f":assumed-role/{studio_user['role'].rsplit('/', 1)[-1]}/studio")


def test_a_session_without_a_studio_user_creates_a_project_with_no_user_profile(
    local_aws: LocalAws, studio_user: dict[str, Any]
) -> None:
    sagemaker = _as(local_aws, studio_user["role"], None)
    name = unique("churn")
    _create(sagemaker, studio_user["product"], name)
    created_by = sagemaker.describe_project(ProjectName=name)["CreatedBy"]
    assert "UserProfileName" not in created_by
    assert "SourceIdentity" not in created_by["IamIdentity"]


def test_a_role_whose_trust_lacks_set_source_identity_cannot_be_taken_as_a_studio_user(
    local_aws: LocalAws, studio_user: dict[str, Any]
) -> None:
    iam = local_aws.session_for("dev").client("iam")
    name = studio_user["role"].rsplit("/", 1)[-1]
    trust = json.loads(json.dumps(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]))
    trust["Statement"][0]["Action"] = "sts:AssumeRole"
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    with pytest.raises(ClientError) as error:
        _as(local_aws, studio_user["role"], studio_user["user"])
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    assert "sts:SetSourceIdentity" in error.value.response["Error"]["Message"]


def test_a_session_cannot_change_the_source_identity_it_was_given(
    local_aws: LocalAws, studio_user: dict[str, Any]
) -> None:
    """Role chaining keeps the Studio user: a persona session cannot become another user's, even where IAM would let
    it take the next role and set a source identity."""
    iam = local_aws.session_for("dev").client("iam")
    next_role = unique("next")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}
        ],
    }
    arn = iam.create_role(RoleName=next_role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    chaining = {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": arn}
    iam.put_role_policy(
        RoleName=studio_user["role"].rsplit("/", 1)[-1],
        PolicyName="chain",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [chaining]}),
    )
    endpoint = local_aws.info().endpoint_url
    session = persona_session(local_aws.session_for("dev"), studio_user["role"], endpoint, studio_user["user"])
    sts = session.client("sts", endpoint_url=endpoint)
    with pytest.raises(ClientError) as error:
        sts.assume_role(RoleArn=arn, RoleSessionName="again", SourceIdentity="mallory")
    assert error.value.response["Error"]["Code"] == "ValidationError"
    kept = sts.assume_role(RoleArn=arn, RoleSessionName="again")
    assert kept["SourceIdentity"] == studio_user["user"]


def test_create_project_is_authorised_as_the_caller_on_the_projects_arn(
    local_aws: LocalAws, studio_user: dict[str, Any]
) -> None:
    """Local IAM evaluates sagemaker:CreateProject like any call: a Studio role without it is refused, naming it."""
    iam = local_aws.session_for("dev").client("iam")
    only_describe = {"Effect": "Allow", "Action": ["sagemaker:DescribeProject", "servicecatalog:*"], "Resource": "*"}
    iam.put_role_policy(
        RoleName=studio_user["role"].rsplit("/", 1)[-1],
        PolicyName="studio",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [only_describe]}),
    )
    name = unique("churn")
    with pytest.raises(ClientError) as error:
        _create(_as(local_aws, studio_user["role"], studio_user["user"]), studio_user["product"], name)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    message = error.value.response["Error"]["Message"]
    assert f"sagemaker:CreateProject on resource: arn:aws:sagemaker:eu-west-1:{ACCOUNT}:project/{name}" in message
