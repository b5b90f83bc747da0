"""Which image trains, evaluates and serves the model: SageMaker's scikit-learn image, or the project's own.

The project's own image (bring your own container) lives in the ECR repository the platform created with the
project; it sets CONTAINER_REPOSITORY_URI on this repository. `own_image` pins the chosen image by digest, so a
pipeline definition always names exactly one image, whatever is pushed later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipelines.config import Config, ConfigError

REPOSITORY_VARIABLE = "CONTAINER_REPOSITORY_URI"


def own_image(config: Config, environ: Mapping[str, str], ecr: Any) -> str | None:
    """``<repository uri>@sha256:...`` of the project's image, or None for SageMaker's scikit-learn image."""
    repository_uri = (environ.get(REPOSITORY_VARIABLE) or "").strip()
    if config.container_image == "builtin" or (config.container_image == "auto" and not repository_uri):
        return None
    if not repository_uri:
        raise ConfigError(
            f"config.yaml: container.image is byoc but {REPOSITORY_VARIABLE} is not set; create the project with "
            "the bring-your-own-container option, or set container.image to auto"
        )
    registry, _, name = repository_uri.partition("/")
    account = registry.split(".", 1)[0]
    if config.container_tag == "newest":
        images = [
            image
            for page in ecr.get_paginator("describe_images").paginate(
                registryId=account, repositoryName=name, filter={"tagStatus": "TAGGED"}
            )
            for image in page["imageDetails"]
        ]
        if not images:
            raise ConfigError(f"no image in {repository_uri} yet: merge to main in the project's container repository")
        digest = max(images, key=lambda image: image["imagePushedAt"])["imageDigest"]
    else:
        try:
            found = ecr.describe_images(
                registryId=account, repositoryName=name, imageIds=[{"imageTag": config.container_tag}]
            )
        except ecr.exceptions.ImageNotFoundException:
            raise ConfigError(
                f"config.yaml: container.tag {config.container_tag!r} is not in {repository_uri}"
            ) from None
        digest = found["imageDetails"][0]["imageDigest"]
    return f"{repository_uri}@{digest}"
