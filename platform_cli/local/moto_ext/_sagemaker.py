"""Lookups shared by the SageMaker extensions, answering with AWS's error codes."""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ResourceNotFound
from moto.sagemaker.utils import arn_formatter


def find_domain(backend: Any, domain_id: str) -> Any:
    """The domain ``domain_id`` or AWS's ``ResourceNotFound`` (moto raises ``ValidationException``)."""
    domain = backend.domains.get(domain_id)
    if domain is None:
        arn = arn_formatter("domain", domain_id, backend.account_id, backend.region_name)
        raise ResourceNotFound(message=f"Domain {arn} does not exist.")
    return domain
