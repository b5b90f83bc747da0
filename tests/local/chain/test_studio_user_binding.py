"""A project created in Studio binds its requester to the Studio user who created it (issue 15 item 5), end to
end: the data scientist's Studio session (the persona role, their user profile as source identity) calls SageMaker
CreateProject; the project stack's custom resource runs in the Lambda runtime with the provisioning Lambda's
binding (platform_cli/lambdas/studio_user.py), which reads DescribeProject's CreatedBy as the function's role."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_cli.local.aws import LocalAws
from platform_cli.local.project_chain import ProjectStack, delete_in_studio, launch_in_studio

from .functions import ACCOUNT
from .test_project_launch import Catalog

KIND = "build-deploy-realtime"


class Studio:
    """A published template, a Studio domain naming its users as their sessions' source identity, and two data
    scientists in it (user profiles named by their GitHub logins, as base-infrastructure's studio_user_profiles)."""

    def __init__(self, local_aws: LocalAws) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:6]}"
        self.catalog = Catalog(
            local_aws, product=f"{self.prefix}-{KIND}", naming_prefix=self.prefix, handler="bound_project_repos"
        )
        self.admin = local_aws.session_for("dev")
        iam, sagemaker = self.admin.client("iam"), self.admin.client("sagemaker")
        # what the provisioning Lambda's role is given to read who launched (base-infrastructure: project_lambdas)
        describe = {
            "Effect": "Allow",
            "Action": "sagemaker:DescribeProject",
            "Resource": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:project/*",
        }
        iam.put_role_policy(
            RoleName=self.catalog.repos_role.rsplit("/", 1)[-1],
            PolicyName="who-launched",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [describe]}),
        )
        persona = f"arn:aws:iam::{ACCOUNT}:role/{self.prefix}-data-scientist"
        domain = sagemaker.create_domain(
            DomainName=f"{self.prefix}-studio",
            AuthMode="IAM",
            DefaultUserSettings={"ExecutionRole": persona},
            DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
            SubnetIds=["subnet-1"],
            VpcId="vpc-1",
        )["DomainArn"].rsplit("/", 1)[-1]
        self.ada, self.bob = f"ada-{self.prefix}", f"bob-{self.prefix}"
        for login in (self.ada, self.bob):
            sagemaker.create_user_profile(DomainId=domain, UserProfileName=login)

    def launch(self, user: str | None, user_profile: str | None) -> ProjectStack:
        self.catalog.publish_contract()
        launched = launch_in_studio(
            self.admin,
            naming_prefix=self.prefix,
            template_kind=KIND,
            project_name=f"churn-{uuid.uuid4().hex[:6]}",
            user=user,
            delete_policy="archive",
            user_profile=user_profile,
        )
        assert launched is not None
        return launched

    def create_request(self, project: ProjectStack) -> dict[str, Any]:
        creates = [r for r in self.catalog.requests(project.project_id) if r["RequestType"] == "Create"]
        assert len(creates) == 1
        return creates[0]


@pytest.fixture(scope="module")
def studio(local_aws: LocalAws) -> Studio:
    return Studio(local_aws)


def test_naming_another_members_login_is_refused_in_one_line_and_the_launch_rolls_back(studio: Studio) -> None:
    project = studio.launch(user=studio.bob, user_profile=studio.ada)
    assert (project.project_status, project.stack_status) == ("CreateFailed", "ROLLBACK_COMPLETE")
    [error] = project.errors
    assert (
        f"GitHubUsername {studio.bob} is not the Studio user who launched the project ({studio.ada}); "
        f"leave it empty or give {studio.ada}"
    ) in error
    assert "\n" not in error
    assert [r["RequestType"] for r in studio.catalog.requests(project.project_id)] == ["Create", "Delete"]
    with pytest.raises(ClientError):  # DeletionPolicy RetainExceptOnCreate: the refused create leaves no bucket
        studio.admin.client("s3").head_bucket(Bucket=f"{studio.prefix}-{project.project_id}-{ACCOUNT}")


def test_a_refused_project_deleted_in_studio_leaves_nothing(studio: Studio) -> None:
    project = studio.launch(user=studio.bob, user_profile=studio.ada)
    assert project.project_status == "CreateFailed"
    status = delete_in_studio(
        studio.admin, naming_prefix=studio.prefix, project_name=project.name, user_profile=studio.ada
    )
    assert status == "DeleteCompleted"
    sagemaker = studio.admin.client("sagemaker")
    assert project.name not in [p["ProjectName"] for p in sagemaker.list_projects()["ProjectSummaryList"]]
    catalog = studio.admin.client("servicecatalog")
    with pytest.raises(catalog.exceptions.ResourceNotFoundException):
        catalog.describe_provisioned_product(Id=project.provisioned_product_id)


def test_launching_with_ones_own_login_gives_oneself_access(studio: Studio) -> None:
    project = studio.launch(user=studio.ada, user_profile=studio.ada)
    assert (project.project_status, project.stack_status) == ("CreateCompleted", "CREATE_COMPLETE")
    assert studio.create_request(project)["ResourceProperties"]["RequestingUser"] == studio.ada


def test_launching_with_an_empty_login_gives_the_studio_user_access(studio: Studio) -> None:
    project = studio.launch(user=None, user_profile=studio.ada)
    assert project.succeeded, project.errors
    assert studio.create_request(project)["ResourceProperties"]["RequestingUser"] == studio.ada


def test_sagemaker_records_the_studio_user_as_the_projects_creator(studio: Studio) -> None:
    project = studio.launch(user=studio.ada, user_profile=studio.ada)
    described = studio.admin.client("sagemaker").describe_project(ProjectName=project.name)
    assert described["CreatedBy"]["UserProfileName"] == studio.ada
    assert described["ProjectId"] == project.project_id


def test_deleting_in_studio_terminates_the_stack_and_sends_delete(studio: Studio) -> None:
    project = studio.launch(user=studio.ada, user_profile=studio.ada)
    status = delete_in_studio(
        studio.admin, naming_prefix=studio.prefix, project_name=project.name, user_profile=studio.ada
    )
    assert status == "DeleteCompleted"
    assert studio.catalog.requests(project.project_id)[-1]["RequestType"] == "Delete"
    stack = studio.admin.client("cloudformation").describe_stacks(StackName=project.stack_arn)["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_COMPLETE"


def test_a_launch_without_a_studio_user_keeps_the_given_login(studio: Studio) -> None:
    """No Studio user known (a session with no source identity, as the CLI's): the login stands, and the
    org-membership check alone applies (the provisioning)."""
    project = studio.launch(user=studio.bob, user_profile=None)
    assert project.succeeded, project.errors
    assert studio.create_request(project)["ResourceProperties"]["RequestingUser"] == studio.bob
