"""Bring your own container (issue 17 item 1): what every project ECR repository is, wherever it is created (the
project template in dev, the provisioning in preprod and prod). Pure data."""

from __future__ import annotations

from typing import Any

# Untagged images go after a week; at most the newest 200 images are kept (each a commit of the container repo).
CONTAINER_LIFECYCLE_POLICY: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged images after 7 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Keep the newest 200 images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 200},
            "action": {"type": "expire"},
        },
    ]
}
IMAGE_TAG_MUTABILITY = "IMMUTABLE"
SCAN_ON_PUSH = True
