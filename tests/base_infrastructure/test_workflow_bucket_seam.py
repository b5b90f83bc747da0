"""Seam: what the template repos' dev workflows do in S3 and KMS, as the role their dev environment gives them
(AWS_ROLE_ARN = <prefix>-github-build, modules/deploy_targets), on the bucket the project stack hands them
(ARTIFACT_BUCKET = the rendered project template's ArtifactBucket) or the platform bucket they read from SSM.

Each step that runs after ``configure-aws-credentials`` in a workflow's dev job is listed below with the calls its
code makes (sagemaker SDK PipelineSession.default_bucket(): HeadBucket = s3:ListBucket; uploading step scripts and
large definitions: s3:PutObject with the bucket's default SSE-KMS key = kms:GenerateDataKey; pipeline-promotion's
promote.upload_code: s3:PutObject to /mlops/s3/artifact_bucket). A new step fails the first test until listed.
The policy is evaluated with its permissions boundary (bootstrap.yaml) by ``tests.bootstrap.policy_eval``."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from cfnlint.decode import decode_str

from platform_cli.config import TemplateKind
from platform_cli.lambdas.project_trust import bucket_grant, project_buckets, session_name
from platform_cli.provisioning.desired import desired_repos
from platform_cli.provisioning.request import parse_request
from tests.base_infrastructure import tf_policies
from tests.base_infrastructure.harness import REPO
from tests.base_infrastructure.terraform_policy import policy_statements
from tests.bootstrap import template as bootstrap
from tests.bootstrap.policy_eval import is_allowed
from tests.provisioning.factories import request_data

ACCOUNT, REGION = bootstrap.ACCOUNT, bootstrap.REGION
DEPLOY_TARGETS = REPO / "base-infrastructure" / "terraform" / "modules" / "deploy_targets" / "main.tf"
RENDERED = REPO / "base-infrastructure" / "project-templates" / "rendered"
TEMPLATES = REPO / "template-repos"
PROJECT_ID = "p-a1b2c3d4e5f6"
ARTIFACTS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000aaaa-artifacts"
PLATFORM_BUCKET = f"mlops-artifacts-{ACCOUNT}-{REGION}"
VALUES: dict[str, Any] = {
    "local.partition": "aws",
    "local.account": ACCOUNT,
    "local.region": REGION,
    "local.dev_account": ACCOUNT,
    "local.sagemaker": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}",
    "var.name_prefix": "mlops",
    "var.pipeline_role_arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-pipeline",
    "var.execution_role.arn": f"arn:aws:iam::{ACCOUNT}:role/mlops-sagemaker-execution",
    "var.artifact_bucket_arn": f"arn:aws:s3:::{PLATFORM_BUCKET}",
    "var.artifacts_kms_key_arn": ARTIFACTS_KEY,
}

# template repo -> (workflow, dev job, the bucket its code uses, {step name: [(action, "bucket"|"object"|"key")]})
PIPELINE_BUILD = [("s3:ListBucket", "bucket"), ("s3:PutObject", "object"), ("kms:GenerateDataKey", "key")]
PROMOTION_RUN = [("s3:PutObject", "object"), ("kms:GenerateDataKey", "key")]
WORKFLOWS: dict[str, tuple[str, str, str, dict[str, list[tuple[str, str]]]]] = {
    "model-build": (
        "build.yml",
        "pipeline",
        "ARTIFACT_BUCKET",
        {"Build the pipeline definition": PIPELINE_BUILD, "Upsert and start the pipeline": PIPELINE_BUILD},
    ),
    "single-account-training": (
        "training.yml",
        "pipeline",
        "ARTIFACT_BUCKET",
        {"Build the pipeline definition": PIPELINE_BUILD, "Upsert and start the pipeline": PIPELINE_BUILD},
    ),
    "llm-fine-tuning": (
        "llm.yml",
        "pipeline",
        "ARTIFACT_BUCKET",
        {"Build the pipeline definition": PIPELINE_BUILD, "Upsert and start the pipeline": PIPELINE_BUILD},
    ),
    "pipeline-promotion": (
        "promote.yml",
        "dev",
        "/mlops/s3/artifact_bucket",
        {
            "Run the definition in dev and wait (fails unless the run Succeeded)": [
                ("s3:PutObject", "object"),
                ("kms:GenerateDataKey", "key"),
            ]
        },
    ),
}
# The rendered project template whose stack hands each template repo its ARTIFACT_BUCKET.
STACK_OF = {
    "model-build": "build-deploy-realtime",
    "single-account-training": "single-account-training",
    "llm-fine-tuning": "llm-fine-tuning",
    "pipeline-promotion": "pipeline-promotion",
}


BUILD_ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlops-github-build"


def _project_repos(project_id: str, bucket: str, kind: TemplateKind = TemplateKind.BUILD_DEPLOY_REALTIME) -> Any:
    data = request_data(kind, project_name="churn", project_id=project_id, artifact_bucket=bucket)
    return desired_repos(parse_request(data))


def _build_role(project_id: str = PROJECT_ID, bucket: str | None = None) -> list[dict[str, Any]]:
    """The build role's identity policies: local.common and its own statements as Terraform writes them, and the
    Project<id> policy the provisioning keeps for the project whose repos are given ``bucket`` (ARTIFACT_BUCKET)."""
    deploy_targets = tf_policies.module_locals("deploy_targets")
    # Every local the policy may name is rendered, so a statement by bucket-name pattern would be judged too.
    strings = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in deploy_targets.items()}
    values = {
        **{f"local.{k}": tf_policies.render(v, VALUES) for k, v in strings.items() if isinstance(v, str)},
        **VALUES,
    }
    common = tf_policies.statements(deploy_targets["common"], values)
    own = policy_statements(DEPLOY_TARGETS, "aws_iam_policy", "build", values)
    buckets = project_buckets(_project_repos(project_id, bucket or f"mlops-{project_id}-{ACCOUNT}"))
    return [{"Statement": common + own}, bucket_grant(project_id, buckets[BUILD_ROLE])]


def _session_of(project_id: str) -> dict[str, str]:
    """A workflow session of the project's repos: aws:userid is <role id>:<session name = project id>."""
    return {"aws:userid": f"AROABUILDROLEID000000:{session_name(project_id)}"}


def _boundary() -> dict[str, Any]:
    template = bootstrap.load_template()
    renderer = bootstrap.Renderer(template, bootstrap.default_parameters(template, NamingPrefix="mlops"))
    return dict(renderer.properties("PermissionsBoundary")["PolicyDocument"])


def _project_bucket(stack: str) -> str:
    """What the project stack hands the repos as ARTIFACT_BUCKET (!Ref ArtifactBucket)."""
    template, matches = decode_str((RENDERED / f"{stack}.yaml").read_text(encoding="utf-8"))
    assert not matches, matches
    parameters = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    parameters.update({"NamingPrefix": "mlops", "SageMakerProjectId": PROJECT_ID, "SageMakerProjectName": "Churn"})
    return bootstrap.Renderer(dict(template), parameters).physical("ArtifactBucket")


def _aws_steps(repo: str) -> list[str]:
    """The names of the steps of the dev job that run with the role's credentials."""
    workflow, job, _, _ = WORKFLOWS[repo]
    data = yaml.safe_load((TEMPLATES / repo / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))
    steps = data["jobs"][job]["steps"]
    assert data["jobs"][job]["environment"] == "dev"
    start = next(i for i, s in enumerate(steps) if "configure-aws-credentials" in str(s.get("uses", "")))
    return [str(step.get("name", step.get("uses"))) for step in steps[start + 1 :] if "run" in step]


def _calls() -> list[tuple[str, str, str, str]]:
    calls = []
    for repo, (_, _, bucket_source, steps) in WORKFLOWS.items():
        bucket = PLATFORM_BUCKET if bucket_source.startswith("/mlops/") else _project_bucket(STACK_OF[repo])
        for step, needs in steps.items():
            for action, kind in needs:
                resource = {
                    "bucket": f"arn:aws:s3:::{bucket}",
                    "object": f"arn:aws:s3:::{bucket}/Churn/code/preprocess.py",
                    "key": ARTIFACTS_KEY,
                }[kind]
                calls.append((repo, step, action, resource))
    return calls


CALLS = _calls()


@pytest.mark.parametrize("repo", sorted(WORKFLOWS))
def test_every_dev_step_with_aws_credentials_is_listed_with_its_calls(repo: str) -> None:
    assert _aws_steps(repo) == list(WORKFLOWS[repo][3])


def test_the_project_bucket_is_the_one_the_repos_are_given() -> None:
    assert _project_bucket("build-deploy-realtime") == f"mlops-{PROJECT_ID}-{ACCOUNT}"


@pytest.mark.parametrize(("repo", "step", "action", "resource"), CALLS, ids=[f"{c[0]}:{c[2]}" for c in CALLS])
def test_the_build_role_allows_what_each_dev_step_does(repo: str, step: str, action: str, resource: str) -> None:
    allowed = is_allowed(_build_role(), _boundary(), action, resource, _session_of(PROJECT_ID))
    assert allowed, f"{repo} / {step}: {action} on {resource}"


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:PutObject", f"arn:aws:s3:::mlops-tfstate-{ACCOUNT}-{REGION}/dev/terraform.tfstate"),
        ("s3:PutObject", f"arn:aws:s3:::mlops-{PROJECT_ID}-222222222222/x"),
        ("s3:PutObject", f"arn:aws:s3:::other-{PROJECT_ID}-{ACCOUNT}/x"),
        ("s3:DeleteObject", f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/Churn/code/preprocess.py"),
        ("s3:GetObject", f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/data/train.csv"),
        ("s3:PutBucketPolicy", f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}"),
    ],
)
def test_the_build_role_does_nothing_else_with_buckets(action: str, resource: str) -> None:
    assert not is_allowed(_build_role(), _boundary(), action, resource, _session_of(PROJECT_ID))


def test_every_template_workflow_given_the_artifact_bucket_is_listed() -> None:
    given = {
        path.parts[-4] for path in TEMPLATES.glob("*/.github/workflows/*.yml") if "ARTIFACT_BUCKET" in path.read_text()
    }
    assert given == set(WORKFLOWS)


# --- one project's build sessions and another project's bucket (issue 15 leftover) -----------------------------
# The build role is shared by every project of dev; its sessions are named after their project (the trust admits a
# project's repos only with role-session-name = the project id) and each project's bucket is granted to its own
# sessions only. Evaluated with local AWS's IAM evaluation (platform_cli/local/iam), boundary included.

OTHER_PROJECT_ID = "p-fff000fff000"


def _decide(project_id: str, action: str, bucket: str, key: str = "Churn/code/preprocess.py") -> bool:
    from platform_cli.local.iam.evaluator import Policies, evaluate
    from platform_cli.local.iam.policy import Policy, Principal, Request

    identity = tuple(
        Policy.of(f"build policy {n}", document)
        for project in (PROJECT_ID, OTHER_PROJECT_ID)
        for n, document in enumerate(_build_role(project))
    )
    session = Principal(
        f"arn:aws:sts::{ACCOUNT}:assumed-role/mlops-github-build/{session_name(project_id)}", ACCOUNT, (BUILD_ROLE,)
    )
    resource = f"arn:aws:s3:::{bucket}/{key}" if action == "s3:PutObject" else f"arn:aws:s3:::{bucket}"
    request = Request(session, action, resource, _session_of(project_id))
    return evaluate(request, Policies(identity=identity, boundary=Policy.of("boundary", _boundary()))).allowed


@pytest.mark.parametrize("action", ["s3:PutObject", "s3:ListBucket"])
def test_a_projects_build_session_may_use_its_own_bucket(action: str) -> None:
    assert _decide(PROJECT_ID, action, f"mlops-{PROJECT_ID}-{ACCOUNT}")


@pytest.mark.parametrize("action", ["s3:PutObject", "s3:ListBucket"])
def test_a_projects_build_session_may_not_use_another_projects_bucket(action: str) -> None:
    assert not _decide(PROJECT_ID, action, f"mlops-{OTHER_PROJECT_ID}-{ACCOUNT}")
    assert not _decide(OTHER_PROJECT_ID, action, f"mlops-{PROJECT_ID}-{ACCOUNT}")


def test_a_build_session_not_named_after_a_project_may_use_no_project_bucket() -> None:
    from platform_cli.local.iam.evaluator import Policies, evaluate
    from platform_cli.local.iam.policy import Policy, Principal, Request

    session = Principal(f"arn:aws:sts::{ACCOUNT}:assumed-role/mlops-github-build/model-build-1", ACCOUNT, (BUILD_ROLE,))
    identity = tuple(Policy.of(f"build {n}", d) for n, d in enumerate(_build_role(PROJECT_ID)))
    request = Request(
        session,
        "s3:PutObject",
        f"arn:aws:s3:::mlops-{PROJECT_ID}-{ACCOUNT}/x",
        {"aws:userid": "AROABUILDROLEID000000:model-build-1"},
    )
    assert not evaluate(request, Policies(identity=identity, boundary=Policy.of("boundary", _boundary()))).allowed


def test_every_workflow_names_its_session_as_the_project_trust_requires() -> None:
    """Producer/consumer: role-session-name in every template workflow is the SAGEMAKER_PROJECT_ID variable, which
    every repository is given, and which is what project_trust.session_name admits."""
    workflows = sorted(TEMPLATES.glob("*/.github/workflows/*.yml"))
    names = [
        (path, step["with"].get("role-session-name"))
        for path in workflows
        for job in (yaml.safe_load(path.read_text(encoding="utf-8")).get("jobs") or {}).values()
        for step in job.get("steps", [])
        if "configure-aws-credentials" in str(step.get("uses", ""))
    ]
    assert names, "no workflow assumes a role"
    assert {name for _, name in names} == {"${{ vars.SAGEMAKER_PROJECT_ID }}"}, names
    assert session_name(PROJECT_ID) == PROJECT_ID
    requests = [request_data(kind, project_id=PROJECT_ID) for kind in TemplateKind]
    requests.append(request_data(project_id=PROJECT_ID, container_repository=f"mlops/{PROJECT_ID}"))
    for data in requests:
        for repo in desired_repos(parse_request(data)):
            if any(environment.role_arn for environment in repo.environments):
                assert repo.variables.get("SAGEMAKER_PROJECT_ID") == PROJECT_ID, repo.name
