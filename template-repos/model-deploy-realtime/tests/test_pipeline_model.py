"""A pipeline model package (the model-build repo's inference pipeline option: preprocessor + model, two
containers) is deployed like any package: one model from the package, one endpoint config, one endpoint."""

from __future__ import annotations

import numpy as np

from deploy import local
from deploy.config import Config
from deploy.stage import Clients, deploy_stage


def _preprocessor_and_model() -> list[local.Stage]:
    """Two local containers: a scaler fitted on the bundled data, then a classifier trained on its output."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    scaler = StandardScaler().fit(data.data)
    model = LogisticRegression(max_iter=500).fit(scaler.transform(data.data), data.target)
    return [scaler.transform, lambda rows: model.predict_proba(rows)[:, 1]]


def test_a_two_container_package_becomes_one_model_one_config_and_one_endpoint(
    clients: Clients, settings: Config
) -> None:
    package = local.register_package(clients.sagemaker, artifacts=("preprocessor", "model"))
    endpoints = local.LocalEndpoints(clients.sagemaker, {package: _preprocessor_and_model()})
    result = deploy_stage(
        clients,
        settings,
        project=local.PROJECT,
        stage_name="preprod",
        model_package_arn=package,
        execution_role_arn=local.ROLE,
        invoke=endpoints.invoker("churn-preprod"),
        poll_s=0,
    )
    assert result.smoke.passed, result.smoke.failures
    (variant,) = clients.sagemaker.describe_endpoint_config(EndpointConfigName=result.endpoint_config)[
        "ProductionVariants"
    ]
    model = clients.sagemaker.describe_model(ModelName=variant["ModelName"])
    assert model["Containers"] == [{"ModelPackageName": package}]
    containers = clients.sagemaker.describe_model_package(ModelPackageName=package)["InferenceSpecification"]
    assert [c["ModelDataUrl"].rsplit("/", 1)[1] for c in containers["Containers"]] == [
        "preprocessor.tar.gz",
        "model.tar.gz",
    ]


def test_the_local_endpoint_runs_the_containers_in_series(clients: Clients) -> None:
    package = local.register_package(clients.sagemaker, artifacts=("preprocessor", "model"))
    stages = _preprocessor_and_model()
    served = local.LocalEndpoints(clients.sagemaker, {package: stages})._serve(package, np.ones((2, 30)))
    assert np.allclose(served, stages[1](stages[0](np.ones((2, 30)))))
    assert not np.allclose(served, stages[1](np.ones((2, 30))))  # the preprocessor ran first
