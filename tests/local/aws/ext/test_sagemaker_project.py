"""SageMaker DescribeProject: local Studio launches create no SageMaker project, so every name is unknown, answered
as AWS answers an unknown project (the provisioning Lambda then knows no Studio user to bind the requester to)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_describing_a_project_that_does_not_exist_is_a_validation_exception(sagemaker: Any) -> None:
    with pytest.raises(ClientError) as error:
        sagemaker.describe_project(ProjectName="churn")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert error.value.response["Error"]["Message"] == "Project churn does not exist."
