"""Seam: a data scientist uploads training data where the project stack says a retrain starts
(RetrainDataUrl = s3://<ArtifactBucket>/<retrain prefix>), as the Studio persona role (modules/iam/personas.tf),
and nowhere else: not another prefix of the project bucket, not the platform's state or artifact buckets.
Evaluated with the persona's work and guardrail policies and the bootstrap's permissions boundary."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.decode import decode_str

from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.harness import REPO
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed

ACCOUNT, REGION = bootstrap.ACCOUNT, bootstrap.REGION
PROJECT_ID = "p-a1b2c3d4e5f6"
ARTIFACTS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000aaaa-artifacts"
DATA_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000bbbb-data"
PLATFORM_BUCKET = f"mlops-artifacts-{ACCOUNT}-{REGION}"
STACK = REPO / "base-infrastructure" / "project-templates" / "rendered" / "build-deploy-realtime.yaml"
PERSONAS = ["data-scientist", "lead-data-scientist"]
VALUES: dict[str, Any] = {
    "local.partition": "aws",
    "local.account": ACCOUNT,
    "local.region": REGION,
    "local.sagemaker_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}",
    "local.role_arn": f"arn:aws:iam::{ACCOUNT}:role",
    "var.name_prefix": "mlops",
    "var.artifact_bucket_arn": f"arn:aws:s3:::{PLATFORM_BUCKET}",
    "var.data_bucket_arn": f"arn:aws:s3:::mlops-data-{ACCOUNT}-{REGION}",
    'var.kms_key_arns["artifacts"]': ARTIFACTS_KEY,
    'var.kms_key_arns["data"]': DATA_KEY,
}


def _persona(persona: str) -> list[dict[str, Any]]:
    """The persona's work policy (workload + persona + its own statements) and its guardrails."""
    personas = tf_policies.module_locals("iam", "personas.tf")
    main = tf_policies.module_locals("iam")
    specific = personas["persona_specific"]
    specific = specific[0] if isinstance(specific, list) else specific
    work = (
        tf_policies.statements(main["workload_statements"], VALUES)
        + tf_policies.statements(personas["persona_allow"], VALUES)
        + tf_policies.statements(specific[persona], VALUES)
    )
    guardrails = tf_policies.statements(personas["persona_guardrails"], VALUES)
    return [{"Statement": work}, {"Statement": guardrails}]


def _boundary() -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _retrain_data_url() -> str:
    """What the project stack tells the data scientist (the RetrainDataUrl output)."""
    template, matches = decode_str(STACK.read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update({"NamingPrefix": "mlops", "SageMakerProjectId": PROJECT_ID, "SageMakerProjectName": "Churn"})
    renderer = bootstrap.Renderer(dict(template), parameters)
    return str(renderer.render(template["Outputs"]["RetrainDataUrl"]["Value"]))


def _allowed(persona: str, action: str, resource: str, context: dict[str, Any] | None = None) -> bool:
    return is_allowed(_persona(persona), _boundary(), action, resource, context or {})


def test_the_retrain_data_url_is_the_project_bucket_data_prefix() -> None:
    assert _retrain_data_url() == f"s3://mlops-{PROJECT_ID}-{ACCOUNT}/data/"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["s3:PutObject", "s3:GetObject"])
def test_a_persona_puts_and_reads_training_data_under_the_retrain_url(persona: str, action: str) -> None:
    bucket, prefix = _retrain_data_url().removeprefix("s3://").split("/", 1)
    assert _allowed(persona, action, f"arn:aws:s3:::{bucket}/{prefix}2026-12/train.csv")


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_lists_the_data_prefix_only(persona: str) -> None:
    bucket = f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}"
    assert _allowed(persona, "s3:ListBucket", bucket, {"s3:prefix": "data/"})
    assert not _allowed(persona, "s3:ListBucket", bucket, {"s3:prefix": "Churn/"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_upload_may_use_the_bucket_key(persona: str) -> None:
    assert _allowed(persona, "kms:GenerateDataKey", ARTIFACTS_KEY)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "resource",
    [
        f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/Churn/code/preprocess.py",
        f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/models/model.tar.gz",
        f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/database/x.csv",
        f"arn:aws:s3:::mlops-{PROJECT_ID}-222222222222/data/x.csv",
        f"arn:aws:s3:::mlops-tfstate-{ACCOUNT}-{REGION}/data/x.csv",
        f"arn:aws:s3:::mlops-tfstate-{ACCOUNT}-{REGION}/dev/terraform.tfstate",
    ],
)
def test_a_persona_puts_nothing_elsewhere(persona: str, resource: str) -> None:
    assert not _allowed(persona, "s3:PutObject", resource)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_deletes_no_training_data(persona: str) -> None:
    assert not _allowed(persona, "s3:DeleteObject", f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/data/x.csv")
