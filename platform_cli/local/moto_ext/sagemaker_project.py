"""SageMaker DescribeProject, missing from moto 5.2.5 (it has no SageMaker projects at all).

The provisioning Lambda asks it who launched a project (``platform_cli/lambdas/studio_user.py``). Local Studio
launches go straight to Service Catalog (SageMaker ``CreateProject`` is not emulated: README, "Local rehearsal"), so
no SageMaker project exists locally: every name is answered as AWS answers an unknown project, a
``ValidationException`` "Project <name> does not exist.".
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.responses import SageMakerResponse

from platform_cli.local.moto_ext._support import add_action


def _describe_project(self: Any) -> Any:
    name = str(self._get_param("ProjectName") or "")
    raise ValidationError(message=f"Project {name} does not exist.")


def register() -> None:
    add_action(SageMakerResponse, "describe_project", _describe_project)
