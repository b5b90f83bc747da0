"""What a project stack left in local AWS: each bucket, model package group and role it lists, looked up in the
service that owns it (a stack can say CREATE_COMPLETE about a resource local AWS never made: issue 13 asks the
demo to show them present)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Resource type -> (the word the summary uses, how to look it up by its physical id through a session's clients).
_CHECKED: dict[str, tuple[str, Callable[[Any, str], object]]] = {
    "AWS::S3::Bucket": ("bucket", lambda session, pid: session.client("s3").head_bucket(Bucket=pid)),
    "AWS::SageMaker::ModelPackageGroup": (
        "model package group",
        # Ref of a model package group is its ARN; the API takes the name.
        lambda session, pid: session.client("sagemaker").describe_model_package_group(
            ModelPackageGroupName=pid.rsplit("/", 1)[-1]
        ),
    ),
    "AWS::IAM::Role": ("role", lambda session, pid: session.client("iam").get_role(RoleName=pid.rsplit("/", 1)[-1])),
}


@dataclass(frozen=True)
class StackResources:
    """Per kind, the resources present; and those the stack lists but local AWS does not have."""

    present: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in self.present.items())


def stack_resources(session: Any, stack: str) -> StackResources:
    """Look up every checked resource ``stack`` (name or ARN) lists, with ``session``'s clients."""
    listed = session.client("cloudformation").list_stack_resources(StackName=stack)["StackResourceSummaries"]
    present: dict[str, int] = {}
    missing: list[str] = []
    for resource in listed:
        checked = _CHECKED.get(resource["ResourceType"])
        if checked is None:
            continue
        kind, look_up = checked
        physical = str(resource.get("PhysicalResourceId") or "")
        try:
            look_up(session, physical)
        except Exception as error:  # any failed lookup is "not there"; the message says which
            missing.append(f"{resource['LogicalResourceId']} ({kind} {physical or '?'}: {type(error).__name__})")
            continue
        present[kind] = present.get(kind, 0) + 1
    return StackResources(present=present, missing=missing)
