"""Target-tracking autoscaling of the endpoint variant on invocations per instance (Application Auto Scaling)."""

from __future__ import annotations

from typing import Any

from deploy.config import Autoscaling

DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def resource_id(endpoint: str, variant: str) -> str:
    return f"endpoint/{endpoint}/variant/{variant}"


def configure(autoscaling: Any, endpoint: str, variant: str, settings: Autoscaling) -> str:
    """Register the variant as a scalable target and attach the target-tracking policy; return the policy name."""
    resource = resource_id(endpoint, variant)
    autoscaling.register_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId=resource,
        ScalableDimension=DIMENSION,
        MinCapacity=settings.min_capacity,
        MaxCapacity=settings.max_capacity,
    )
    policy = f"{endpoint}-invocations-per-instance"
    autoscaling.put_scaling_policy(
        PolicyName=policy,
        ServiceNamespace="sagemaker",
        ResourceId=resource,
        ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": settings.target_invocations_per_instance,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
            "ScaleInCooldown": settings.scale_in_cooldown,
            "ScaleOutCooldown": settings.scale_out_cooldown,
        },
    )
    return policy


def suspend(autoscaling: Any, endpoint: str, variant: str) -> bool:
    """Deregister the variant before an endpoint update (SageMaker refuses updates of autoscaled variants)."""
    resource = resource_id(endpoint, variant)
    found = autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker", ResourceIds=[resource])
    if not found.get("ScalableTargets"):
        return False
    autoscaling.deregister_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=resource, ScalableDimension=DIMENSION
    )
    return True
