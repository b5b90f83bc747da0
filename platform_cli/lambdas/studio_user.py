"""The requester bound to the Studio user who launched the project (issue 15, item 5).

``GitHubUsername`` is free text in the launch form: anyone launching a project could name another org member and
give them write access. Where the platform knows who launched — a SageMaker project created in Studio records its
user profile (``DescribeProject`` → ``CreatedBy.UserProfileName``) — the requester is that user: Studio user
profiles are named by their user's GitHub login (base-infrastructure's ``studio_user_profiles``). A different login
is refused in one line; an empty one becomes the Studio user's. Where no Studio user is known (a launch straight
through Service Catalog, a project created by an IAM identity), the org-membership check alone applies.
"""

from __future__ import annotations

from typing import Any

from platform_cli.lambdas.exceptions import EventError

# DescribeProject's answers meaning "no SageMaker project by that name": the launch did not come through SageMaker.
_NO_PROJECT = frozenset({"ValidationException", "ResourceNotFound", "ResourceNotFoundException"})


def launching_user(sagemaker: Any, project_name: str) -> str | None:
    """The Studio user profile that created SageMaker project ``project_name``; ``None`` when none did."""
    from botocore.exceptions import ClientError

    try:
        project = sagemaker.describe_project(ProjectName=project_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _NO_PROJECT:
            return None
        raise EventError(
            f"cannot read who launched project {project_name} "
            f"({error.response.get('Error', {}).get('Code', 'error')}); the provisioning role needs "
            "sagemaker:DescribeProject"
        ) from None
    name = (project.get("CreatedBy") or {}).get("UserProfileName")
    return str(name) if name else None


def bind_requester(requested: str | None, studio_user: str | None) -> str | None:
    """The requester to give write access: the Studio user who launched, when known."""
    if studio_user is None:
        return requested
    if requested and requested.lower() != studio_user.lower():
        raise EventError(
            f"GitHubUsername {requested[:39]} is not the Studio user who launched the project ({studio_user[:63]}); "
            f"leave it empty or give {studio_user[:63]}"
        )
    return studio_user
