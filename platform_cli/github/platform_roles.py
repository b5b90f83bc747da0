"""The names of the roles base infrastructure creates in every account for project workflows, and the partition of
their ARNs: one producer for the Lambdas' settings and the org variables ``mlops org publish`` sets (issue 16).
No imports beyond the standard library: the Lambda handlers import it at cold start."""

from __future__ import annotations


def partition_of(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def role_names(prefix: str) -> dict[str, str]:
    """The roles project workflows use, by org variable (base infrastructure names them ``<prefix>-...``)."""
    return {
        "MLOPS_BUILD_ROLE_NAME": f"{prefix}-github-build",
        "MLOPS_DEPLOY_ROLE_NAME": f"{prefix}-github-deploy",
        "MLOPS_SAGEMAKER_EXECUTION_ROLE_NAME": f"{prefix}-sagemaker-execution",
    }
