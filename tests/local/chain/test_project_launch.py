"""A project launched as in Studio: Service Catalog ProvisionProduct (as a data scientist) creates the rendered
project template's stack with the launch role; its custom resource answers through the Lambda runtime."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from platform_cli.local.aws import LocalAws
from platform_cli.local.project_chain import (
    STUDIO_ACTIONS,
    ProjectStack,
    launch_in_studio,
    launch_project,
    persona_session,
    repo_urls,
    terminate_project,
    update_project,
)
from platform_cli.project_templates.properties import TIMEOUT_PARAMETER, service_timeout
from tests.local.chain.launch_policy import bootstrap_boundary, launch_policy_statements

from .functions import ACCOUNT, create_function

TEMPLATE = Path(__file__).parents[3] / "base-infrastructure/project-templates/rendered/build-deploy-realtime.yaml"
REGION = "eu-west-1"


class Catalog:
    """A published project template in the dev account and a data scientist allowed to launch it."""

    def __init__(
        self,
        local_aws: LocalAws,
        product: str | None = None,
        naming_prefix: str = "mlops",
        launch_role_lacks: str | None = None,
        handler: str = "project_repos",
    ) -> None:
        dev = local_aws.session_for("dev")
        suffix = uuid.uuid4().hex[:8]
        self.admin = dev
        self.log_bucket = f"chain-requests-{suffix}"
        s3 = dev.client("s3")
        for bucket in (self.log_bucket, f"chain-templates-{suffix}"):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=f"chain-templates-{suffix}", Key="build-deploy-realtime.yaml", Body=TEMPLATE.read_bytes())
        iam, lambda_client = dev.client("iam"), dev.client("lambda")
        repos = create_function(
            lambda_client,
            iam,
            handler,
            timeout=30,
            Environment={"Variables": {"LOG_BUCKET": self.log_bucket, "SLOW_SECONDS": "20"}},
        )
        self.repos_role = str(repos["Role"])
        trigger = create_function(lambda_client, iam, "whoami")
        key = dev.client("kms").create_key()["KeyMetadata"]["Arn"]
        self.contract = {
            "/mlops/lambda/project_repos_arn": repos["FunctionArn"],
            "/mlops/lambda/trigger_workflow_arn": trigger["FunctionArn"],
            "/mlops/kms/artifacts_key_arn": key,
            "/mlops/environment": "dev",
            "/mlops/naming_prefix": naming_prefix,  # what base-infrastructure publishes from platform.yaml
            "/mlops/accounts/dev": ACCOUNT,
            "/mlops/accounts/preprod": "222222222222",
            "/mlops/accounts/prod": "333333333333",
        }
        self.publish_contract()
        catalog = dev.client("servicecatalog")
        self.product = product or f"mlops-chain-{suffix}"
        product_id = catalog.create_product(
            Name=self.product,
            Owner="mlops-platform",
            ProductType="CLOUD_FORMATION_TEMPLATE",
            ProvisioningArtifactParameters={
                "Name": "v1",
                "Info": {
                    "LoadTemplateFromURL": f"https://chain-templates-{suffix}.s3.{REGION}.amazonaws.com/"
                    "build-deploy-realtime.yaml"
                },
                "Type": "CLOUD_FORMATION_TEMPLATE",
            },
            IdempotencyToken=suffix,
        )["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
        portfolio = catalog.create_portfolio(DisplayName=f"projects-{suffix}", ProviderName="mlops")["PortfolioDetail"]
        catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio["Id"])
        trust = {  # as the project_templates module writes it: Service Catalog assumes it for this account
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "servicecatalog.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            ],
        }
        self.launch_role = iam.create_role(
            RoleName=f"mlops-sc-launch-{suffix}",
            AssumeRolePolicyDocument=json.dumps(trust),
            PermissionsBoundary=bootstrap_boundary(iam, ACCOUNT, naming_prefix),
        )["Role"]["Arn"]
        # The launch role's policy exactly as Terraform writes it (project_templates module), for this catalogue
        values = {
            "name_prefix": naming_prefix,
            "artifact_bucket": f"chain-templates-{suffix}",
            "artifacts_kms_key_arn": key,
            "project_repos_function_arn": repos["FunctionArn"],
            "passable_role_arns": [f"arn:aws:iam::{ACCOUNT}:role/{naming_prefix}-sagemaker-execution"],
        }
        statements = launch_policy_statements(ACCOUNT, REGION, values, lacking=launch_role_lacks)
        iam.put_role_policy(
            RoleName=self.launch_role.rsplit("/", 1)[-1],
            PolicyName="create-project-stacks",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        catalog.create_constraint(
            PortfolioId=portfolio["Id"],
            ProductId=product_id,
            Type="LAUNCH",
            Parameters=json.dumps({"RoleArn": self.launch_role}),
            IdempotencyToken=suffix,
        )
        prefix = self.product.removesuffix("-build-deploy-realtime")
        scientist_name = f"{prefix}-data-scientist" if product else f"data-scientist-{suffix}"
        # A Studio execution role, as base-infrastructure makes it: trusts SageMaker of this account, may make the
        # calls Studio makes for it (and update a project, which this module tests through the catalog),
        studio_trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"},
                    # as base-infrastructure's: Studio names the user profile as the session's source identity
                    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            ],
        }
        scientist = iam.create_role(RoleName=scientist_name, AssumeRolePolicyDocument=json.dumps(studio_trust))
        # and what the tests read back as the scientist (the persona policy grants it too)
        studio_calls = [
            *STUDIO_ACTIONS,
            "servicecatalog:UpdateProvisionedProduct",
            "servicecatalog:DescribeProvisionedProduct",
        ]
        iam.put_role_policy(
            RoleName=scientist_name,
            PolicyName="studio",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": studio_calls, "Resource": "*"}]}
            ),
        )
        catalog.associate_principal_with_portfolio(
            PortfolioId=portfolio["Id"], PrincipalARN=scientist["Role"]["Arn"], PrincipalType="IAM"
        )
        studio = persona_session(dev, scientist["Role"]["Arn"], local_aws.info().endpoint_url)
        assert studio is not None
        self.scientist = studio
        self.endpoint = local_aws.info().endpoint_url

    def client(self, service: str) -> Any:
        return self.scientist.client(service, endpoint_url=self.endpoint)

    def publish_contract(self) -> None:
        """This catalogue's SSM contract (one per account: another catalogue of the session overwrites it)."""
        ssm = self.admin.client("ssm")
        for name, value in self.contract.items():
            ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def launch(self, user: str = "octocat", **parameters: str) -> ProjectStack:
        self.publish_contract()
        return launch_project(
            self.client("servicecatalog"),
            self.admin.client("cloudformation"),  # the operator reads the stack's status; Studio cannot
            product=self.product,
            project_name=f"churn-{uuid.uuid4().hex[:6]}",
            parameters={"GitHubUsername": user, "RepositoryDeletePolicy": "archive", **parameters},
        )

    def requests(self, project_id: str) -> list[dict[str, Any]]:
        s3 = self.admin.client("s3")
        listed = s3.list_objects_v2(Bucket=self.log_bucket, Prefix=f"requests/{project_id}/").get("Contents", [])
        return [json.loads(s3.get_object(Bucket=self.log_bucket, Key=o["Key"])["Body"].read()) for o in listed]


@pytest.fixture(scope="module")
def published(local_aws: LocalAws) -> Catalog:
    return Catalog(local_aws)


def test_a_launch_creates_every_resource_of_the_project_stack(published: Catalog) -> None:
    project = published.launch()
    assert (project.record_status, project.stack_status) == ("SUCCEEDED", "CREATE_COMPLETE")
    admin = published.admin
    stack = admin.client("cloudformation").describe_stacks(StackName=project.stack_arn)["Stacks"][0]
    assert stack["RoleARN"] == published.launch_role
    bucket = project.outputs["ArtifactBucketName"]
    assert bucket == f"mlops-{project.project_id}-{ACCOUNT}"
    admin.client("s3").head_bucket(Bucket=bucket)
    group = f"{project.name}-{project.project_id}"
    sagemaker = admin.client("sagemaker")
    assert (
        sagemaker.describe_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupArn"]
        == (project.outputs["ModelPackageGroupArn"])
    )
    admin.client("iam").get_role(RoleName=f"mlops-{project.project_id}-pipeline")
    repository = sagemaker.describe_code_repository(CodeRepositoryName=f"{group}-build")
    assert repository["GitConfig"]["RepositoryUrl"].endswith(f"{group}-build.git")
    rules = admin.client("events").list_rules(NamePrefix=f"mlops-{project.project_id}")["Rules"]
    assert rules == []  # approvals are routed by the platform's one rule (a project rule dispatched twice)


def test_the_custom_resource_gets_the_template_properties_including_extra_variables(published: Catalog) -> None:
    project = published.launch()
    [create] = published.requests(project.project_id)
    properties = create["ResourceProperties"]
    assert create["RequestType"] == "Create"
    assert properties["ExtraVariables"] == {"ENDPOINT_INSTANCE_TYPE": "ml.m5.large"}
    assert properties["Accounts"] == {"dev": ACCOUNT, "preprod": "222222222222", "prod": "333333333333"}
    assert properties["PipelineExecutionRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/mlops-{project.project_id}-pipeline"
    assert project.outputs["BuildRepositoryUrl"].endswith(f"{project.name}-{project.project_id}-build")


def test_an_update_sends_the_custom_resource_update_with_the_old_properties(published: Catalog) -> None:
    project = published.launch()
    updated = update_project(
        published.client("servicecatalog"),
        published.admin.client("cloudformation"),
        project,
        {"EndpointInstanceType": "ml.c5.xlarge"},
    )
    assert (updated.record_status, updated.stack_status) == ("SUCCEEDED", "UPDATE_COMPLETE")
    update = published.requests(project.project_id)[-1]
    assert update["RequestType"] == "Update"
    assert update["PhysicalResourceId"] == project.project_id
    assert update["ResourceProperties"]["ExtraVariables"] == {"ENDPOINT_INSTANCE_TYPE": "ml.c5.xlarge"}
    assert update["OldResourceProperties"]["ExtraVariables"] == {"ENDPOINT_INSTANCE_TYPE": "ml.m5.large"}


def test_termination_deletes_the_stack_and_sends_delete_with_the_delete_policy(published: Catalog) -> None:
    project = published.launch()
    assert terminate_project(published.client("servicecatalog"), project.provisioned_product_id) == "SUCCEEDED"
    delete = published.requests(project.project_id)[-1]
    assert delete["RequestType"] == "Delete"
    assert delete["ResourceProperties"]["DeletePolicy"] == "archive"
    admin = published.admin
    groups = admin.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert f"{project.name}-{project.project_id}" not in [g["ModelPackageGroupName"] for g in groups]
    admin.client("s3").head_bucket(Bucket=f"mlops-{project.project_id}-{ACCOUNT}")  # DeletionPolicy: Retain


def test_a_failed_custom_resource_rolls_the_launch_back(published: Catalog) -> None:
    project = published.launch(user="fail-create")
    assert (project.record_status, project.stack_status) == ("FAILED", "ROLLBACK_COMPLETE")
    assert any("forge refused" in error for error in project.errors)
    assert [r["RequestType"] for r in published.requests(project.project_id)] == ["Create", "Delete"]
    groups = published.admin.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert f"{project.name}-{project.project_id}" not in [g["ModelPackageGroupName"] for g in groups]


def test_a_failed_launch_deletes_the_artifact_bucket_its_create_made(published: Catalog) -> None:
    """DeletionPolicy RetainExceptOnCreate: the rollback of a refused create leaves no bucket behind."""
    from botocore.exceptions import ClientError

    project = published.launch(user="fail-create")
    assert project.stack_status == "ROLLBACK_COMPLETE"
    with pytest.raises(ClientError):
        published.admin.client("s3").head_bucket(Bucket=f"mlops-{project.project_id}-{ACCOUNT}")


def test_terminating_a_failed_launch_leaves_no_provisioned_product_or_stack(published: Catalog) -> None:
    """What ``mlops project create`` does after a refused launch: nothing of it remains."""
    project = published.launch(user="fail-create")
    catalog = published.client("servicecatalog")
    assert terminate_project(catalog, project.provisioned_product_id) == "SUCCEEDED"
    with pytest.raises(catalog.exceptions.ResourceNotFoundException):
        catalog.describe_provisioned_product(Id=project.provisioned_product_id)
    stacks = published.admin.client("cloudformation").list_stacks()["StackSummaries"]
    assert {s["StackStatus"] for s in stacks if s["StackId"] == project.stack_arn} <= {"DELETE_COMPLETE"}
    assert [r["RequestType"] for r in published.requests(project.project_id)] == ["Create", "Delete"]


def test_a_launch_naming_a_missing_ssm_parameter_is_refused_with_its_name(published: Catalog) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as error:
        launch_project(
            published.client("servicecatalog"),
            published.admin.client("cloudformation"),
            product=published.product,
            project_name=f"churn-{uuid.uuid4().hex[:6]}",
            parameters={"ProjectReposFunctionArn": "/mlops/lambda/not-published"},
        )
    assert error.value.response["Error"]["Code"] == "InvalidParametersException"
    assert "/mlops/lambda/not-published" in error.value.response["Error"]["Message"]


def test_studio_launch_of_a_template_kind_uses_the_platform_product_and_naming_prefix(local_aws: LocalAws) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}"
    Catalog(local_aws, product=f"{prefix}-build-deploy-realtime", naming_prefix=prefix)
    launched = launch_in_studio(
        local_aws.session_for("dev"),
        naming_prefix=prefix,
        template_kind="build-deploy-realtime",
        project_name=f"churn-{uuid.uuid4().hex[:6]}",  # SageMaker project names are unique in an account
        user="ada",
        delete_policy="retain",
    )
    assert launched is not None
    assert (launched.record_status, launched.stack_status) == ("SUCCEEDED", "CREATE_COMPLETE")
    assert launched.outputs["ArtifactBucketName"] == f"{prefix}-{launched.project_id}-{ACCOUNT}"
    assert repo_urls(launched.outputs) == {
        "BuildRepoUrl": launched.outputs["BuildRepositoryUrl"],
        "DeployRepoUrl": launched.outputs["DeployRepositoryUrl"],
    }


def test_studio_launch_without_a_published_product_says_so_with_none(local_aws: LocalAws) -> None:
    launched = launch_in_studio(
        local_aws.session_for("dev"),
        naming_prefix=f"none{uuid.uuid4().hex[:6]}",
        template_kind="build-deploy-realtime",
        project_name="churn",
        user=None,
        delete_policy="archive",
    )
    assert launched is None


def test_a_launch_role_missing_one_permission_fails_the_launch_with_access_denied_naming_it(
    local_aws: LocalAws,
) -> None:
    """The stack's resources are created as the launch role: without sagemaker:CreateModelPackageGroup the launch
    fails with the handler's AccessDenied naming the action and the group, and rolls back."""
    catalog = Catalog(local_aws, launch_role_lacks="sagemaker:CreateModelPackageGroup")
    project = catalog.launch()
    assert (project.record_status, project.stack_status) == ("FAILED", "ROLLBACK_COMPLETE")
    group_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{project.name}-{project.project_id}"
    [error] = project.errors
    assert "(HandlerErrorCode: AccessDenied)" in error
    assert (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{catalog.launch_role.rsplit('/', 1)[-1]}/AWSCloudFormation "
        f"is not authorized to perform: sagemaker:CreateModelPackageGroup on resource: {group_arn} "
        "because no identity-based policy allows the sagemaker:CreateModelPackageGroup action"
    ) in error
    groups = catalog.admin.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert f"{project.name}-{project.project_id}" not in [g["ModelPackageGroupName"] for g in groups]


def test_a_termination_the_launch_role_may_not_make_leaves_the_stack_delete_failed(local_aws: LocalAws) -> None:
    """Deleting the stack's resources is authorised as the launch role too (here: no sagemaker:DeleteCodeRepository)."""
    catalog = Catalog(local_aws, launch_role_lacks="sagemaker:DeleteCodeRepository")
    project = catalog.launch()
    assert project.stack_status == "CREATE_COMPLETE"
    assert terminate_project(catalog.client("servicecatalog"), project.provisioned_product_id) == "FAILED"
    events = catalog.admin.client("cloudformation").describe_stack_events(StackName=project.stack_arn)["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "DELETE_FAILED"]
    assert any(
        "is not authorized to perform: sagemaker:DeleteCodeRepository on resource: arn:aws:sagemaker:" in r
        for r in reasons
    )


def test_the_demo_registers_the_trained_model_as_the_projects_pipeline_role(
    published: Catalog, local_aws: LocalAws, tmp_path: Path
) -> None:
    """As the pipeline's RegisterModel step does: the artifact uploaded and the package created by the pipeline
    execution role the project stack made, not by an administrator."""
    from platform_cli.local.demo.rehearsal import pipeline_clients, register_trained_model
    from platform_cli.local.iam.log import read as read_decisions

    project = published.launch()
    assert project.succeeded, project.errors
    run_output = tmp_path / "local"
    (run_output / "report").mkdir(parents=True)
    (run_output / "model.tar.gz").write_bytes(b"model")
    manifest = {
        "model_data": "model.tar.gz",
        "image_uri": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/serving:1",
        "content_types": ["text/csv"],
        "response_types": ["text/csv"],
    }
    (run_output / "report" / "model.json").write_text(json.dumps(manifest), encoding="utf-8")
    role = f"arn:aws:iam::{ACCOUNT}:role/mlops-{project.project_id}-pipeline"

    sagemaker, s3 = pipeline_clients(published.admin, role)
    group = f"{project.name}-{project.project_id}"
    arn = register_trained_model(
        sagemaker, s3, run_output=run_output, group=group, bucket=project.outputs["ArtifactBucketName"]
    )

    described = published.admin.client("sagemaker").describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    registrations = [
        d
        for d in read_decisions(local_aws.decisions_file)
        if d["action"] == "sagemaker:CreateModelPackage" and group.lower() in d["resource"].lower()
    ]
    assert [(d["principal"].split("/")[1], d["allowed"]) for d in registrations] == [
        (f"mlops-{project.project_id}-pipeline", True)
    ]


def test_the_demo_refuses_to_register_without_the_projects_pipeline_role(published: Catalog) -> None:
    from platform_cli.local.demo.rehearsal import DemoError, pipeline_clients

    with pytest.raises(DemoError, match=r"pipeline role .* does not exist"):
        pipeline_clients(published.admin, f"arn:aws:iam::{ACCOUNT}:role/mlops-p-000000000000-pipeline")


# --- issue 15 item 10: --timeout through the Service Catalog path -----------------------------------------------


def test_a_launch_whose_repositories_outlast_the_timeout_fails_and_rolls_back_without_waiting_for_them(
    published: Catalog,
) -> None:
    """ProvisioningTimeoutSeconds is the custom resource's ServiceTimeout: CloudFormation stops waiting for the
    answer after it (the function, slow here, runs on), fails the create and rolls back."""
    project = published.launch(user="slow-create", **{TIMEOUT_PARAMETER: "8"})
    assert (project.record_status, project.stack_status) == ("FAILED", "ROLLBACK_COMPLETE")
    [error] = project.errors
    assert "did not receive a response from your Custom Resource within its ServiceTimeout (8 seconds)" in error


def test_studio_launch_passes_the_timeout_as_the_custom_resources_service_timeout(local_aws: LocalAws) -> None:
    """Producer (the CLI's --timeout, via launch_in_studio) and consumer (the template's ServiceTimeout)."""
    prefix = f"t{uuid.uuid4().hex[:6]}"
    catalog = Catalog(local_aws, product=f"{prefix}-build-deploy-realtime", naming_prefix=prefix)
    launched = launch_in_studio(
        local_aws.session_for("dev"),
        naming_prefix=prefix,
        template_kind="build-deploy-realtime",
        project_name=f"churn-{uuid.uuid4().hex[:6]}",  # SageMaker project names are unique in an account
        user="ada",
        delete_policy="retain",
        timeout_seconds=60,
    )
    assert launched is not None and launched.succeeded
    [create] = catalog.requests(launched.project_id)
    assert str(create["ResourceProperties"]["ServiceTimeout"]) == str(service_timeout(60)) == "30"
