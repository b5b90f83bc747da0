"""`mlops demo`: the whole platform rehearsed on this machine, through the same commands and code a real
organisation runs — the `mlops` CLI, the real bootstrap.sh, the real Terraform, the Lambda handlers from the built
artifact, and the template repos — against local AWS and the local forge.

Each step is a method returning a one-line detail; the runner prints progress and stops at the first failure.
Subprocess output goes to one log file (``<state>/demo.log``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config as BotoConfig
from github import Auth, Github
from rich.console import Console

from platform_cli.config import ENVIRONMENTS, PlatformConfig, TemplateKind, load_config
from platform_cli.config_template import EXAMPLE_VALUES, render_config
from platform_cli.errors import PlatformError
from platform_cli.lambdas.project_trust import session_name as project_session_name
from platform_cli.local import base_infra_apply, lambda_runtime, template_venvs
from platform_cli.local.aws import subprocess_env
from platform_cli.local.demo.runner import RunReport, Step, run_steps
from platform_cli.local.demo.stack_resources import stack_resources
from platform_cli.local.iam.log import read as read_decisions
from platform_cli.local.platform import LocalPlatform, LocalPlatformInfo
from platform_cli.local.project_chain import approve_model_package, persona_session
from platform_cli.project_templates.options import RETRAINING_KINDS
from platform_cli.provisioning.contract import load_contract

KIT_ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent  # the venv's `mlops` and `aws`
PROJECT_SUFFIX = {
    TemplateKind.BUILD_DEPLOY_REALTIME: "realtime",
    TemplateKind.BUILD_DEPLOY_BATCH: "batch",
    TemplateKind.PIPELINE_PROMOTION: "promotion",
    TemplateKind.SINGLE_ACCOUNT_TRAINING: "training",
    TemplateKind.LLM_FINE_TUNING: "llm",
}


# The repo of each kind that trains and registers the model, and the order the rehearsal prefers.
TRAINING_PART = {
    TemplateKind.BUILD_DEPLOY_REALTIME: "build",
    TemplateKind.BUILD_DEPLOY_BATCH: "build",
    TemplateKind.PIPELINE_PROMOTION: "pipeline",
    TemplateKind.SINGLE_ACCOUNT_TRAINING: "training",
    TemplateKind.LLM_FINE_TUNING: "llm",
}
BUILD_PREFERENCE = tuple(TRAINING_PART)
# Training repos whose `make run-local` records the model it trained as RegisterModel would (report/model.json);
# pipeline-promotion's pipeline registers no model and llm-fine-tuning's local run does not record one yet.
RECORDS_ITS_MODEL = ("build", "training")
DEPLOYING = (TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH, TemplateKind.LLM_FINE_TUNING)
RETRAIN_DEMO_WINDOW = 10  # seconds: the rehearsal's debounce window (deployed: 300)
# bring your own container (issue 17 item 1): the kinds that offer it, the template repo it adds.
BYOC_KINDS = load_contract().options["bring_your_own_container"].kinds
CONTAINER_TEMPLATE = "container-build"


class DemoError(PlatformError):
    """A rehearsal step failed."""


@dataclass
class DemoOptions:
    state_dir: Path
    templates: Sequence[TemplateKind] = tuple(TemplateKind)
    environments: Sequence[str] = ENVIRONMENTS
    keep: bool = False
    run_template_tests: bool = True
    iam_mode: str | None = None  # "strict" | "permissive"; None: MLOPS_LOCAL_IAM, else the evaluator's default


@dataclass
class Rehearsal:
    options: DemoOptions
    log: IO[str]
    log_path: Path
    local: LocalPlatform = field(init=False)
    running: LocalPlatformInfo | None = None
    config_path: Path = field(init=False)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    lambda_zip: Path = field(init=False)
    model_package_arn: str = ""
    bootstrap_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    venv_prewarm: threading.Thread | None = None
    container_prewarm: threading.Thread | None = None  # bring your own container (issue 17 item 1)
    # The training repo's tests and local run, started as soon as its project exists: the other projects' creation
    # waits mostly on GitHub's write budget, the run on the CPU, so they overlap instead of adding up.
    training_run: Future[str] | None = None
    _background: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "training-run"))
    _log_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.local = LocalPlatform(self.options.state_dir, iam_mode=self.options.iam_mode)
        self.config_path = self.options.state_dir / "platform.yaml"
        self.lambda_zip = self.options.state_dir / "build" / "lambda.zip"

    # --- plumbing ------------------------------------------------------------------------------------------

    @property
    def info(self) -> LocalPlatformInfo:
        if self.running is None:
            raise DemoError("local AWS and the forge are not running; the first step failed")
        return self.running

    def config(self) -> PlatformConfig:
        return load_config(self.config_path)

    def admin_token(self) -> str:
        return self.local.token_file(self.local.people.admin).read_text().strip()

    def env(self, account: str | None = "dev", **extra: str) -> dict[str, str]:
        """A child environment: local AWS in ``account``, this venv first on PATH, the demo's config."""
        home = self.options.state_dir / "home"
        home.mkdir(parents=True, exist_ok=True)
        base = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MLOPS_", "GITHUB_"))}
        env = subprocess_env(self.info.aws, account, base=base)
        env.update({"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home)})
        env.update({"MLOPS_CONFIG": str(self.config_path), "NO_COLOR": "1", "COLUMNS": "200"})
        env.update(extra)
        return env

    def run(
        self, argv: Sequence[str], env: Mapping[str, str], *, cwd: Path | None = None, stdin: str | None = None,
        timeout: float = 900,
    ) -> subprocess.CompletedProcess[str]:  # fmt: skip
        result = subprocess.run(
            list(argv), env=dict(env), cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
        # One block per command: the training run writes from its own thread while projects are created.
        with self._log_lock:
            self.log.write(f"$ {' '.join(argv)}\n")
            self.log.write(result.stdout + ("\n--- stderr ---\n" + result.stderr if result.stderr else "") + "\n")
            self.log.flush()
        if result.returncode != 0:
            last = (result.stderr or result.stdout).strip().splitlines()
            raise DemoError(f"{Path(argv[0]).name} {' '.join(argv[1:3])} failed: {last[-1] if last else 'no output'}")
        return result

    def mlops(self, *args: str, account: str | None = "dev", stdin: str | None = None, **extra: str) -> Any:
        result = self.run([str(BIN / "mlops"), "-o", "json", *args], self.env(account, **extra), stdin=stdin)
        return json.loads(result.stdout) if result.stdout.strip() else None

    def github(self, token: str | None = None) -> Github:
        return Github(base_url=self.info.forge.api_url, auth=Auth.Token(token or self.admin_token()))

    # --- the steps -------------------------------------------------------------------------------------------

    def start(self) -> str:
        self.options.state_dir.mkdir(parents=True, exist_ok=True)
        self.venv_prewarm = self.prewarm_training_venv()
        self.container_prewarm = self.prewarm_container_venv()  # bring your own container (issue 17 item 1)
        bootstrap_config = self.options.state_dir / "platform.bootstrap.yaml"
        bootstrap_config.write_text(render_config(self._config_values("https://api.github.com")), encoding="utf-8")
        self.running = self.local.up(load_config(bootstrap_config))
        # The real config points at the forge, which now has a port.
        self.config_path.write_text(render_config(self._config_values(self.info.forge.api_url)), encoding="utf-8")
        return f"local AWS {self.info.aws.endpoint_url}, forge {self.info.forge.api_url}"

    def _config_values(self, api_url: str) -> dict[str, Any]:
        return {
            **EXAMPLE_VALUES,
            "api_url": api_url,
            "auth": "pat",
            "templates": [kind.value for kind in self.options.templates],
        }

    def publish(self) -> str:
        outputs = self.options.state_dir / "bootstrap"  # where the bootstrap step left each account's outputs
        args = ["org", "publish", "--kit", str(KIT_ROOT), "--bootstrap-outputs", str(outputs)]
        result = self.mlops(*args, MLOPS_GITHUB_TOKEN=self.admin_token())
        repos = result.get("repos", []) if isinstance(result, dict) else []
        return f"{len(repos)} repositories in {self.config().github.org}: {', '.join(sorted(map(str, repos)))[:120]}"

    def bootstrap(self) -> str:
        log_dir = self.options.state_dir / "bootstrap"
        args = ["bootstrap", "--yes", "--profile-pattern", "mlops-local-{environment}", "--log-dir", str(log_dir)]
        args += ["--script", str(KIT_ROOT / "bootstrap.sh")]
        for environment in self.options.environments:
            args += ["--env", environment]
        results = self.mlops(*args, account=None)
        self.bootstrap_outputs = {row["environment"]: row["outputs"] for row in results}
        return ", ".join(f"{row['environment']} {row['outcome']}" for row in results)

    def build_lambda(self) -> str:
        self.lambda_zip.parent.mkdir(parents=True, exist_ok=True)
        result = self.run(
            [sys.executable, "-m", "platform_cli.lambdas.build", "--out", str(self.lambda_zip)], self.env()
        )
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else str(self.lambda_zip)

    def iam_summary(self) -> str:
        """How many calls local AWS evaluated, how many it denied (or would have, permissive), and the distinct
        principal/action pairs; the denials are listed by `mlops local decisions --denied`."""
        logged = list(read_decisions(self.local.aws.decisions_file))
        denied = [d for d in logged if not d["allowed"]]
        pairs = {(d["principal"], d["action"]) for d in logged}
        mode = "strict" if any(d["enforced"] for d in logged) else "permissive"
        summary = f"{len(logged)} calls evaluated ({mode}), {len(denied)} denied, {len(pairs)} principal/action pairs"
        if denied and mode == "permissive":
            return f"{summary} (let through: AWS would refuse them; `mlops local decisions --denied`)"
        return summary

    def apply_all(self) -> str:
        """base-infrastructure in each account as its deploy workflow applies it (base_infra_apply.py)."""
        setup = base_infra_apply.LocalApply(
            config=self.config(),
            config_path=self.config_path,
            aws=self.info.aws,
            issuer=self.info.forge.admin(),
            work_dir=self.options.state_dir / "terraform",
            lambda_zip=self.lambda_zip,
            plugin_mirror=Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")),
            studio_user_profiles=base_infra_apply.studio_people(
                self.local.people.data_scientist, self.local.people.reviewer
            ),
            log_path=self.log_path,
        )
        seconds = base_infra_apply.apply(setup, base_infra_apply.bootstrapped(setup, self.options.environments))
        return "applied: " + ", ".join(f"{name} {took:.0f}s" for name, took in seconds.items())

    def set_credentials(self) -> str:
        self.mlops("github", "set-credentials", "--token-stdin", stdin=self.admin_token())
        return "platform token stored in the credential secret (dev account)"

    def create_projects(self) -> str:
        created = []
        training_kind = next((kind for kind in BUILD_PREFERENCE if kind in self.options.templates), None)
        # The training project first, so its repo's tests and run start while the others are created.
        ordered = sorted(self.options.templates, key=lambda kind: kind != training_kind)
        for kind in ordered:
            name = f"demo-{PROJECT_SUFFIX[kind]}"
            # The admin's own token, as on AWS: the credential secret is readable only by the provisioning Lambdas
            # (strict local AWS refuses the admin role's GetSecretValue, as AWS would).
            record = self.mlops(
                "project", "create", name, "--template", kind.value, "--user", "ada", *self.retrain_option(kind),
                MLOPS_GITHUB_TOKEN=self.admin_token(),
            )  # fmt: skip
            self.projects[kind.value] = record
            stack = f", stack {record['StackStatus']}" if record.get("StackStatus") else ""  # issue 13 (chain)
            if record.get("StackArn"):
                found = stack_resources(self.local.aws.session_for("dev"), str(record["StackArn"]))
                if found.missing:
                    raise DemoError(
                        f"{name}'s stack lists resources local AWS does not have: {'; '.join(found.missing)}"
                    )
                stack += f": {found.summary()}"
            created.append(f"{name} ({record['ProjectId']}{stack})")
            if kind == training_kind and self.training_run is None:
                self.training_run = self._background.submit(self._clone_and_run)
        return "; ".join(created)

    def show_repos(self) -> str:
        github = self.github()
        org = self.config().github.org
        lines = []
        for record in self.projects.values():
            prefix = f"{record['ProjectName']}-{record['ProjectId']}-"
            for repo in github.get_organization(org).get_repos():
                if not repo.name.startswith(prefix):
                    continue
                environments = [env.name for env in repo.get_environments()]
                variables = [v.name for v in repo.get_variables()]
                secrets = [s.name for s in repo.get_secrets()]
                lines.append(
                    f"{repo.full_name}: environments {','.join(environments) or '-'}; "
                    f"{len(variables)} variables; secrets {','.join(s + '=***' for s in secrets) or 'none (OIDC)'}"
                )
        self.log.write("\n".join(lines) + "\n")
        return f"{len(lines)} repositories configured (listed in the log)"

    def _project(self, preference: Sequence[TemplateKind]) -> tuple[TemplateKind, dict[str, Any]] | None:
        for kind in preference:
            if kind.value in self.projects:
                return kind, self.projects[kind.value]
        return None

    def build_project(self) -> tuple[TemplateKind, dict[str, Any]]:
        """The project whose training repo the rehearsal clones and runs (every kind has one)."""
        found = self._project(BUILD_PREFERENCE)
        if found is None:
            raise DemoError("no project was created; the project step must run first")
        return found

    def build_repo(self) -> str:
        kind, record = self.build_project()
        return f"{self.config().github.org}/{record['ProjectName']}-{record['ProjectId']}-{TRAINING_PART[kind]}"

    def training_template(self) -> Path | None:
        """The template repo the training repo will be generated from (the one `clone_and_run` runs)."""
        kind = next((kind for kind in BUILD_PREFERENCE if kind in self.options.templates), None)
        if kind is None:
            return None
        return KIT_ROOT / "template-repos" / load_contract().parts(kind)[TRAINING_PART[kind]]

    def prewarm_training_venv(self) -> threading.Thread | None:
        """Build the training repo's environment while Terraform runs, instead of after it.

        On a fresh machine installing the template's requirements is the demo's longest step, and Terraform's
        apply mostly waits on the provider's consistency polls, so the two overlap well. The environment is keyed
        by the requirements' digest, so the generated repo (same requirements) finds it ready.
        """
        template = self.training_template()
        if template is None or not self.options.run_template_tests:
            return None

        def build() -> None:
            try:
                template_venvs.venv_for(template)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                # `clone_and_run` builds it again in the foreground and reports the failure there.
                print(f"prewarming the {template.name} environment failed: {error}", file=self.log, flush=True)

        worker = threading.Thread(target=build, name="template-venv-prewarm", daemon=True)
        worker.start()
        return worker

    def clone_and_run(self) -> str:
        if self.training_run is not None:
            return f"{self.training_run.result()} (ran alongside the project creation)"
        return self._clone_and_run()

    def _clone_and_run(self) -> str:
        repo = self.build_repo()
        target = self.options.state_dir / "work" / repo.split("/")[1]
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            askpass = Path(scratch) / "askpass.sh"
            askpass.write_text('#!/bin/sh\nprintf "%s" "$MLOPS_GIT_TOKEN"\n', encoding="utf-8")
            askpass.chmod(0o700)
            env = self.env(None, GIT_ASKPASS=str(askpass), GIT_TERMINAL_PROMPT="0", MLOPS_GIT_TOKEN=self.admin_token())
            self.run(["git", "clone", "-q", f"{self.info.forge.url}/{repo}.git", str(target)], env)
        if not self.options.run_template_tests:
            return f"cloned {repo} (template tests skipped)"
        if self.venv_prewarm is not None:
            self.venv_prewarm.join()
        venv = template_venvs.venv_for(target)
        env = self.env("dev")
        self.run(["make", "test", f"VENV={venv}", "PYTEST_ARGS=-q -p no:cacheprovider"], env, cwd=target)
        self.run(["make", "run-local", f"VENV={venv}"], env, cwd=target)
        metrics = json.loads((target / "build" / "local" / "report" / "metrics.json").read_text())
        shown = ", ".join(f"{k}={v:.3f}" for k, v in list(_flat_numbers(metrics).items())[:3])
        return f"cloned {repo}; its tests pass; local pipeline run: {shown}"

    def register_and_approve(self) -> str:
        if not self.options.run_template_tests:
            return "no model to register: the template's local run was skipped (approval not rehearsed)"
        run_kind, _ = self.build_project()
        if TRAINING_PART[run_kind] not in RECORDS_ITS_MODEL:
            return f"{run_kind.value}'s local run records no model to register (approval not rehearsed)"
        # A project that deploys, so the approval has a workflow to dispatch; else the one that was run.
        _, record = self._project(DEPLOYING) or self.build_project()
        group = f"{record['ProjectName']}-{record['ProjectId']}"
        outputs = record.get("Outputs") or {}  # the project stack's own outputs, as the launch reported them
        run_output = self.options.state_dir / "work" / self.build_repo().split("/")[1] / "build" / "local"
        bucket = str(outputs.get("ArtifactBucketName") or "")
        # Registered as the pipeline's RegisterModel step registers it: as the project's pipeline execution role
        sagemaker, s3 = pipeline_clients(self.local.aws.session_for("dev"), str(outputs.get("PipelineRoleArn") or ""))
        self.model_package_arn = register_trained_model(
            sagemaker, s3, run_output=run_output, group=group, bucket=bucket
        )
        # The reviewer approves in Studio: the lead persona's execution role (the data scientist may not approve).
        approve_model_package(self._studio_client("lead-data-scientist", "sagemaker"), self.model_package_arn)
        return f"{self.model_package_arn} approved"

    def _studio_client(self, persona: str, service: str) -> Any:
        """A client of ``persona`` as Studio acts for it (the operator's own session when no such persona)."""
        admin = self.local.aws.session_for("dev")
        endpoint = admin.client(service).meta.endpoint_url
        role = f"arn:aws:iam::{self.info.aws.accounts['dev']}:role/{self.config().naming_prefix}-{persona}"
        return (persona_session(admin, role, endpoint) or admin).client(service, endpoint_url=endpoint)

    def trigger(self) -> str:
        if self._project(DEPLOYING) is None:
            return "no project of this run has a deploy workflow (training templates only register models)"
        if not self.model_package_arn:
            return "no model was registered, so no approval to dispatch"
        if self.projects and all(r.get("ProvisionedProductId") for r in self.projects.values()):
            return self._dispatched_by_rule()  # issue 13 (chain): the approval event reached the rule by itself
        session = self.local.aws.session_for("dev")
        sagemaker = session.client("sagemaker")
        package = sagemaker.describe_model_package(ModelPackageName=self.model_package_arn)
        event = {
            "version": "0",
            "id": "demo-approval",
            "detail-type": "SageMaker Model Package State Change",
            "source": "aws.sagemaker",
            "account": self.info.aws.accounts["dev"],
            "region": self.info.aws.region,
            "resources": [self.model_package_arn],
            "detail": {
                "ModelPackageGroupName": package["ModelPackageGroupName"],
                "ModelPackageArn": self.model_package_arn,
                "ModelApprovalStatus": package["ModelApprovalStatus"],
            },
        }
        function_arn = session.client("ssm").get_parameter(Name="/mlops/lambda/trigger_workflow_arn")["Parameter"][
            "Value"
        ]
        code = lambda_runtime.unpack(self.lambda_zip.read_bytes(), self.options.state_dir / "lambda-code")
        answer = lambda_runtime.invoke(
            session.client("lambda"), function_arn, event, code, self.env("dev"), log_path=self.log_path
        )
        if not answer.get("dispatched"):
            raise DemoError(f"the trigger Lambda did not dispatch: {answer.get('reason')}")
        dispatched = self.local.forge_admin().dispatches(answer["repo"])
        if not dispatched:
            raise DemoError(f"the forge recorded no dispatch on {answer['repo']}")
        return f"{answer['workflow']} dispatched on {answer['repo']} with model_package_arn"

    def _dispatched_by_rule(self, timeout: float = 120.0) -> str:
        """issue 13 (chain): the approval's event went to the platform's rule, whose target ran the trigger Lambda
        in local AWS; wait for the forge to record the dispatch and show the Lambda's log line."""
        _, record = self._project(DEPLOYING) or self.build_project()
        prefix = f"{self.config().github.org}/{record['ProjectName']}-{record['ProjectId']}-"
        admin = self.local.forge_admin()
        deadline = time.monotonic() + timeout
        dispatched: list[dict[str, Any]] = []
        while not dispatched and time.monotonic() < deadline:
            dispatched = [d for d in admin.dispatches() if str(d.get("repo", "")).startswith(prefix)]
            if not dispatched:
                time.sleep(1)
        session = self.local.aws.session_for("dev")
        arn = session.client("ssm").get_parameter(Name="/mlops/lambda/trigger_workflow_arn")["Parameter"]["Value"]
        group = f"/aws/lambda/{arn.rsplit(':', 1)[-1]}"
        events: list[dict[str, Any]] = []
        while time.monotonic() < deadline:  # the log is written when the invocation ends, after the dispatch
            try:
                events = session.client("logs").filter_log_events(logGroupName=group)["events"]
            except Exception:
                events = []
            if any(e["message"].startswith("REPORT RequestId:") for e in events):
                break
            time.sleep(0.5)
        self.log.write("\n".join(e["message"] for e in events) + "\n")
        line = next((e["message"] for e in events if "dispatch" in e["message"].lower()), "no log line")
        if not dispatched:
            raise DemoError(f"no dispatch on {prefix}* within {timeout:.0f}s of the approval; trigger log: {line}")
        first = dispatched[0]
        workflow = str(first.get("workflow", "")).rsplit("/", 1)[-1]
        return (
            f"{workflow} dispatched on {first['repo']} by the approval rule ({len(dispatched)} dispatch(es) in all); "
            f"trigger log: {line[:160]}"
        )

    # --- issue 13 (iamtrue): a project deleted through the whole chain ------------------------------------------

    def delete_project(self) -> str:
        """``mlops project delete`` as a data scientist would: Service Catalog terminates the provisioned product,
        CloudFormation deletes the stack as the launch role, the custom resource's Delete archives the repos (the
        default delete policy). Each outcome is checked in local AWS and the forge."""
        found = self._project(DEPLOYING) or self._project(BUILD_PREFERENCE)
        if found is None:
            return "no project to delete"
        _, record = found
        name, pid = record["ProjectName"], record["ProjectId"]
        self.mlops("project", "delete", name, "--yes", MLOPS_GITHUB_TOKEN=self.admin_token())
        admin = self.local.aws.session_for("dev")
        catalog = admin.client("servicecatalog")
        try:
            catalog.describe_provisioned_product(Id=record["ProvisionedProductId"])
            raise DemoError(f"{name}: its provisioned product {record['ProvisionedProductId']} is still there")
        except catalog.exceptions.ResourceNotFoundException:
            pass
        stack = admin.client("cloudformation").describe_stacks(StackName=record["StackArn"])["Stacks"][0]
        if stack["StackStatus"] != "DELETE_COMPLETE":
            raise DemoError(f"{name}: its stack is {stack['StackStatus']}, not DELETE_COMPLETE")
        org = self.github().get_organization(self.config().github.org)
        repos = [repo for repo in org.get_repos() if repo.name.startswith(f"{name}-{pid}-")]
        if not repos or not all(repo.archived for repo in repos):
            raise DemoError(f"{name}: repos not archived by the custom resource's Delete: {[r.name for r in repos]}")
        bucket = str((record.get("Outputs") or {}).get("ArtifactBucketName") or "")
        admin.client("s3").head_bucket(Bucket=bucket)  # DeletionPolicy: the artifacts outlive the project
        return (
            f"{name} ({pid}): provisioned product terminated, stack DELETE_COMPLETE, "
            f"{len(repos)} repos archived by the custom resource's Delete, artifact bucket {bucket} kept"
        )

    # --- issue 17 item 2: retrain on new data ------------------------------------------------------------------

    def retrain_kind(self) -> TemplateKind | None:
        """The one project of this run created with --retrain-on-new-data: the first kind that has the option."""
        return next((kind for kind in self.options.templates if kind in RETRAINING_KINDS), None)

    def retrain_option(self, kind: TemplateKind) -> list[str]:
        return ["--retrain-on-new-data"] if kind == self.retrain_kind() else []

    def _oidc_session(self, repository: str, role_name: str, project_id: str) -> boto3.Session:
        """What a workflow job of ``repository`` in the dev environment gets: the forge's OIDC token for STS, in a
        session named after the project (``role-session-name``: the only name the project's trust admits)."""
        config = self.config()
        token = self.info.forge.admin().id_token(f"{config.github.org}/{repository}", environment="dev")
        sts = boto3.client(
            "sts", endpoint_url=self.info.aws.endpoint_url, region_name=config.aws.region,
            config=BotoConfig(signature_version=UNSIGNED),
        )  # fmt: skip
        answer = sts.assume_role_with_web_identity(
            RoleArn=f"arn:aws:iam::{self.info.aws.accounts['dev']}:role/{role_name}",
            RoleSessionName=project_session_name(project_id),
            WebIdentityToken=token,
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=answer["AccessKeyId"], aws_secret_access_key=answer["SecretAccessKey"],
            aws_session_token=answer["SessionToken"], region_name=config.aws.region,
        )  # fmt: skip

    def retrain_on_upload(self, burst: int = 5, window: int = RETRAIN_DEMO_WINDOW, timeout: float = 120.0) -> str:
        """A burst of uploads under the project's data prefix → the rule → the debounce function → ONE one-shot
        schedule → exactly one StartPipelineExecution, made by the project's start role (strict IAM)."""
        kind = self.retrain_kind()
        if kind is None or kind.value not in self.projects:
            return "no template of this run retrains on new data (build-deploy-*, single-account-training do)"
        record = self.projects[kind.value]
        prefix, pid, name = self.config().naming_prefix, record["ProjectId"], record["ProjectName"]
        part = TRAINING_PART[kind]
        suffix = "training" if part == "training" else "build"  # the repo's PIPELINE_SUFFIX (a test holds them)
        pipeline = f"{name}-{suffix}"
        account = self.info.aws.accounts["dev"]
        # The build workflow on main upserts the pipeline as the dev build role (OIDC); the retrain starts it.
        build = self._oidc_session(f"{name}-{pid}-{part}", f"{prefix}-github-build", pid)
        sagemaker = build.client("sagemaker", endpoint_url=self.info.aws.endpoint_url)
        sagemaker.create_pipeline(
            PipelineName=pipeline,
            PipelineDefinition=json.dumps(
                {"Version": "2020-12-01", "Parameters": [{"Name": "InputDataUrl", "Type": "String"}], "Steps": []}
            ),
            RoleArn=f"arn:aws:iam::{account}:role/{prefix}-{pid}-pipeline",
            ClientRequestToken=os.urandom(16).hex(),
        )
        operator = self.local.aws.session_for("dev")
        # The deployed window is 300 s; the rehearsal shortens it (the operator edits the function's setting).
        lambdas = operator.client("lambda")
        function = f"{prefix}-{pid}-retrain"
        variables = lambdas.get_function_configuration(FunctionName=function)["Environment"]["Variables"]
        lambdas.update_function_configuration(
            FunctionName=function, Environment={"Variables": {**variables, "DEBOUNCE_SECONDS": str(window)}}
        )
        bucket = f"{prefix}-{pid}-{account}"
        # A data scientist uploads the data from Studio, as the data-scientist persona (personas.tf grants
        # <project bucket>/data/ only); the operator's session only where base infrastructure made no personas.
        s3 = self._studio_client("data-scientist", "s3")
        uploader = self._studio_client("data-scientist", "sts").get_caller_identity()["Arn"].split(":", 5)[-1]
        for index in range(burst):
            s3.put_object(Bucket=bucket, Key=f"data/demo/part-{index}.csv", Body=b"target,x\n1,0.5\n")
        deadline = time.monotonic() + timeout
        executions: list[dict[str, Any]] = []
        while not executions and time.monotonic() < deadline:
            time.sleep(1)
            executions = operator.client("sagemaker").list_pipeline_executions(PipelineName=pipeline)[
                "PipelineExecutionSummaries"
            ]
        time.sleep(window + 3)  # a second schedule from the same burst would have fired by now
        executions = operator.client("sagemaker").list_pipeline_executions(PipelineName=pipeline)[
            "PipelineExecutionSummaries"
        ]
        role = f":assumed-role/{prefix}-{pid}-retrain-start/"
        started = [
            d for d in read_decisions(self.local.aws.decisions_file)
            if d["action"] == "sagemaker:StartPipelineExecution" and role in d["principal"] and d["allowed"]
        ]  # fmt: skip
        if len(executions) != 1 or len(started) != 1:
            raise DemoError(
                f"{burst} uploads to s3://{bucket}/data/ started {len(executions)} execution(s) of {pipeline} "
                f"({len(started)} by {prefix}-{pid}-retrain-start); expected exactly one"
            )
        return (
            f"{burst} uploads to s3://{bucket}/data/ by {uploader} within {window}s → 1 execution of {pipeline}, "
            f"started by {prefix}-{pid}-retrain-start (InputDataUrl s3://{bucket}/data/)"
        )

    # --- bring your own container (issue 17 item 1) -------------------------------------------------------------

    def byoc_kind(self) -> TemplateKind | None:
        return next((kind for kind in BYOC_KINDS if kind in self.options.templates), None)

    def prewarm_container_venv(self) -> threading.Thread | None:
        """The container-build environment (its own requirements: the image's), built while Terraform runs."""
        if self.byoc_kind() is None or not self.options.run_template_tests:
            return None
        template = KIT_ROOT / "template-repos" / CONTAINER_TEMPLATE

        def build() -> None:
            try:
                template_venvs.venv_for(template)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                print(f"prewarming the {CONTAINER_TEMPLATE} environment failed: {error}", file=self.log, flush=True)

        worker = threading.Thread(target=build, name="container-venv-prewarm", daemon=True)
        worker.start()
        return worker

    def byoc(self) -> str:
        """A project created with --bring-your-own-container: its container repo and variables on the forge, its ECR
        repository in each account (scan on push, immutable tags; dev's lifecycle and pull policy), then the repo's
        container contract check (train and serve as processes against a temporary /opt/ml)."""
        kind = self.byoc_kind()
        if kind is None:
            return "no build-deploy template in this run (bring your own container not rehearsed)"
        record = self.mlops(
            "project", "create", "demo-byoc", "--template", kind.value, "--user", "ada", "--bring-your-own-container",
            MLOPS_GITHUB_TOKEN=self.admin_token(),
        )  # fmt: skip
        pid, org = record["ProjectId"], self.config().github.org
        repository = f"{self.config().naming_prefix}/{pid}"
        github = self.github()
        container = github.get_repo(f"{org}/demo-byoc-{pid}-container")
        if container.get_variable("CONTAINER_REPOSITORY_NAME").value != repository:
            raise DemoError(f"{container.full_name}: CONTAINER_REPOSITORY_NAME is not {repository}")
        registries = {env.name: env.get_variable("CONTAINER_REGISTRY").value for env in container.get_environments()}
        uri = github.get_repo(f"{org}/demo-byoc-{pid}-build").get_variable("CONTAINER_REPOSITORY_URI").value
        if uri != f"{registries.get('dev')}/{repository}":
            raise DemoError(f"the build repo's CONTAINER_REPOSITORY_URI {uri} is not the dev repository")
        found = []
        for environment in self.options.environments:
            ecr = self.local.aws.session_for(environment).client("ecr")
            (described,) = ecr.describe_repositories(repositoryNames=[repository])["repositories"]
            if (
                described["imageTagMutability"] != "IMMUTABLE"
                or not described["imageScanningConfiguration"]["scanOnPush"]
            ):
                raise DemoError(f"ECR {repository} in {environment} is not immutable with scan on push")
            ecr.get_lifecycle_policy(repositoryName=repository)  # raises when there is none
            if environment == "dev":
                ecr.get_repository_policy(repositoryName=repository)  # the deploy accounts' pull
            found.append(environment)
        detail = f"{container.full_name} ({len(registries)} environments); ECR {repository} in {', '.join(found)}"
        if not self.options.run_template_tests:
            return detail
        if self.container_prewarm is not None:
            self.container_prewarm.join()
        template = KIT_ROOT / "template-repos" / CONTAINER_TEMPLATE
        venv = template_venvs.venv_for(template)
        output = self.options.state_dir / "byoc"
        self.run([str(venv / "bin" / "python"), "-m", "tools.contract_check", "--output", str(output)], self.env(None),
                 cwd=template)  # fmt: skip
        report = json.loads((output / "report" / "metrics.json").read_text())
        if not report.get("contract_holds"):
            raise DemoError(f"the container contract check failed: {report}")
        return f"{detail}; container contract holds (train, /ping, /invocations, failure file)"

    # --- the whole run ---------------------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        steps = [
            Step("start local AWS and the local forge", self.start),
            Step("bootstrap the accounts with bootstrap.sh (mlops bootstrap)", self.bootstrap),
            Step("publish base-infrastructure and template repos (mlops org publish)", self.publish),
            Step("build the Lambda artifact (make lambda)", self.build_lambda),
        ]
        accounts = ", ".join(self.options.environments)
        side_by_side = " (side by side)" if len(self.options.environments) > 1 else ""
        steps.append(Step(f"terraform apply base-infrastructure in {accounts}{side_by_side}", self.apply_all))
        steps += [
            Step("store the GitHub credential (mlops github set-credentials)", self.set_credentials),
            Step("create one project per template (custom resource → provisioning Lambda)", self.create_projects),
            Step("show the project repos: environments, variables, masked secrets", self.show_repos),
            Step("upload a burst of data → exactly one retrain (rule → debounce → schedule)", self.retrain_on_upload),
            Step("clone the model-building repo, run its tests and local pipeline", self.clone_and_run),
            Step("register a model version and approve it", self.register_and_approve),
            Step("approval event → trigger Lambda → deploy workflow dispatched", self.trigger),
            # bring your own container (issue 17 item 1)
            Step("bring your own container: project, container repo, ECR repositories, contract check", self.byoc),
            Step(
                "delete a project (Service Catalog terminate → stack delete → custom resource Delete)",
                self.delete_project,
            ),
            Step("IAM: every call evaluated as AWS would (mlops local decisions)", self.iam_summary),
        ]
        return steps

    def stop(self) -> None:
        # A training run still going (a later step failed) uses local AWS and the forge: let it end first.
        if self.training_run is not None:
            wait([self.training_run])
        self.local.down()


def pipeline_clients(admin: Any, role_arn: str) -> tuple[Any, Any]:
    """SageMaker and S3 clients of a project's pipeline execution role (``PipelineExecutionRoleArn``, the role the
    project stack creates), held as SageMaker Pipelines holds it: the service assumes the role, which trusts it."""
    endpoint = admin.client("sts").meta.endpoint_url
    session = persona_session(admin, role_arn, endpoint) if role_arn else None
    if session is None:
        raise DemoError(
            f"the project's pipeline role {role_arn or '(none named)'} does not exist in local AWS: launch the "
            "project through Service Catalog (apply base-infrastructure first)"
        )
    return session.client("sagemaker", endpoint_url=endpoint), session.client("s3", endpoint_url=endpoint)


def register_trained_model(sagemaker: Any, s3: Any, *, run_output: Path, group: str, bucket: str) -> str:
    """Register, pending approval, the model the training repo's local pipeline run trained: its packed artifact
    uploaded to the project's artifact bucket, with the inference image and content types the run recorded
    (``report/model.json``: what the repo's RegisterModel step would register). Returns the package ARN."""
    manifest_path = run_output / "report" / "model.json"
    if not manifest_path.is_file():
        raise DemoError(f"the local pipeline run wrote no {manifest_path}; run `make run-local` in the training repo")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if not manifest.get("image_uri"):
        raise DemoError(f"{manifest_path} names no inference image: the local run had no AWS region configured")
    if not bucket:
        raise DemoError(f"the project record names no artifact bucket for {group}; recreate the project")
    specification: dict[str, Any] = {
        "Containers": _recorded_containers(s3, manifest, run_output=run_output, group=group, bucket=bucket),
        "SupportedContentTypes": manifest["content_types"],
        "SupportedResponseMIMETypes": manifest["response_types"],
    }
    for field_name, value in (
        ("SupportedRealtimeInferenceInstanceTypes", manifest.get("inference_instance_types")),
        ("SupportedTransformInstanceTypes", manifest.get("transform_instance_types")),
    ):
        if value:
            specification[field_name] = value
    created = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelPackageDescription="trained by the training repo's local pipeline run (make run-local)",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification=specification,
    )
    return str(created["ModelPackageArn"])


# --- issue 17 item 4: a pipeline model (preprocessor + model) is registered with all its containers -------------
def _recorded_containers(
    s3: Any, manifest: dict[str, Any], *, run_output: Path, group: str, bucket: str
) -> list[dict[str, Any]]:
    """The package's containers in the order the run recorded them (``containers``: the preprocessor, then the
    model, when the training repo's inference pipeline option is on), each artifact uploaded to the bucket.
    A manifest without ``containers`` (written before the option existed) is the model alone."""
    recorded = manifest.get("containers") or [
        {"model_data": manifest["model_data"], "image_uri": manifest["image_uri"]}
    ]
    containers: list[dict[str, Any]] = []
    for entry in recorded:
        key = f"local-runs/{group}/{entry['model_data']}"
        s3.upload_file(str(run_output / entry["model_data"]), bucket, key)
        container: dict[str, Any] = {
            "Image": entry.get("image_uri") or manifest["image_uri"],
            "ModelDataUrl": f"s3://{bucket}/{key}",
        }
        if entry.get("environment"):
            container["Environment"] = dict(entry["environment"])
        containers.append(container)
    return containers


# --- end issue 17 item 4 ---


def _flat_numbers(data: Any, prefix: str = "") -> dict[str, float]:
    numbers: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            numbers.update(_flat_numbers(value, f"{prefix}{key}."))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        numbers[prefix.rstrip(".")] = float(data)
    return numbers


def rehearse(options: DemoOptions, console: Console) -> RunReport:
    """Run the rehearsal; tear down afterwards unless ``options.keep``."""
    options.state_dir.mkdir(parents=True, exist_ok=True)
    log_path = options.state_dir / "demo.log"
    with log_path.open("w", encoding="utf-8") as log:
        rehearsal = Rehearsal(options, log, log_path)
        # A previous run's servers (same state dir) are stopped first: a re-run starts clean.
        rehearsal.stop()
        for leftover in ("aws", "forge", "tokens", "terraform", "work", "lambda-code"):
            shutil.rmtree(options.state_dir / leftover, ignore_errors=True)
        try:
            report = run_steps(rehearsal.steps(), console, log, log_path)
        finally:
            if not options.keep:
                rehearsal.stop()
    return report
