"""The architecture diagrams, as code: `make diagrams` renders each to PNG and SVG in this folder.

Uses the `diagrams` package for its maintained AWS and GitHub icon sets. No system Graphviz is needed: the layout
is done by `graphviz-pure` (a self-contained port of Graphviz's `dot`, installed from PyPI with `.[dev]`), which
writes the SVG; the SVG's icons are embedded as data URIs (`diagrams` writes absolute paths into site-packages,
which would show as broken images anywhere but the machine that rendered them) and the PNG is rasterised from
that SVG with `resvg-py` (graphviz-pure's own PNG output leaves node images out).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Lambda
from diagrams.aws.database import Dynamodb
from diagrams.aws.integration import SQS, Eventbridge
from diagrams.aws.management import Cloudformation, Cloudwatch, ParameterStore, ServiceCatalog
from diagrams.aws.ml import Sagemaker, SagemakerModel, SagemakerTrainingJob
from diagrams.aws.network import VPC, Endpoint, PrivateSubnet
from diagrams.aws.security import KMS, IAMRole, SecretsManager
from diagrams.aws.storage import S3
from diagrams.onprem.ci import GithubActions
from diagrams.onprem.client import User
from diagrams.onprem.iac import Terraform
from diagrams.onprem.vcs import Github
from diagrams.programming.flowchart import Decision

OUTFORMAT = ["svg"]  # the PNG is rasterised from the SVG (see render)
# Text in the PNG: the first of these sans fonts found on this machine (graphviz-pure lays text out with its own
# metrics; resvg draws it with a system font and draws nothing for a family it lacks). Family -> file name.
SANS_FONTS = {
    "DejaVu Sans": "DejaVuSans.ttf",
    "Liberation Sans": "LiberationSans-Regular.ttf",
    "Noto Sans": "NotoSans-Regular.ttf",
    "Arial": "Arial.ttf",
}
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts", Path("/Library/Fonts"))
GRAPH = {"fontsize": "20", "pad": "0.4", "splines": "spline", "nodesep": "0.6", "ranksep": "0.9"}

# Each template's pipeline, in step order; kept beside the template repos' names they describe.
PIPELINES: dict[str, list[str]] = {
    "model-build": ["preprocess", "train (XGBoost)", "evaluate", "condition: metric ≥ threshold", "register model"],
    "pipeline-promotion": [
        "build definition",
        "run in dev",
        "promote to preprod",
        "promote to prod",
        "batch on schedule",
    ],
    "single-account-training": ["preprocess", "train", "evaluate", "condition", "register model"],
    "llm-fine-tuning": [
        "prepare instructions",
        "fine-tune (LoRA)",
        "evaluate vs baseline",
        "better?",
        "register model",
    ],
    "model-deploy": ["approved model", "deploy preprod", "smoke test", "approval (prod env)", "deploy prod"],
}


def account_topology(out: Path) -> None:
    with Diagram(
        "Account topology", filename=str(out), outformat=OUTFORMAT, show=False, graph_attr=GRAPH, direction="LR"
    ):
        github = Github("GitHub org\nbase-infrastructure,\ntemplate + project repos")
        with Cluster("dev account"):
            with Cluster("VPC (private subnets, endpoints)"):
                studio = Sagemaker("Studio domain\n+ user profiles")
                pipelines = SagemakerTrainingJob("pipelines")
            registry = SagemakerModel("model registry")
            lambdas = Lambda("provisioning +\ntrigger Lambdas")
            catalog = ServiceCatalog("project templates")
            dev_shared = [
                S3("artifacts / data"),
                KMS("KMS keys"),
                ParameterStore("/mlops/*"),
                SecretsManager("GitHub credential"),
            ]
        with Cluster("preprod account"):
            preprod = [Sagemaker("staging endpoint"), IAMRole("deploy role (env preprod)"), S3("artifacts")]
        with Cluster("prod account"):
            prod = [Sagemaker("prod endpoint"), IAMRole("deploy role (env prod)"), S3("artifacts")]
        studio >> catalog >> lambdas >> github
        pipelines >> registry
        registry >> Edge(label="cross-account read (KMS grant)") >> preprod[0]
        registry >> Edge(label="cross-account read") >> prod[0]
        dev_shared[0] - pipelines


def bootstrap_and_cicd(out: Path) -> None:
    with Diagram("Bootstrap and CI/CD", filename=str(out), outformat=OUTFORMAT, show=False, graph_attr=GRAPH):
        admin = User("platform admin")
        with Cluster("each account (bootstrap.yaml)"):
            stack = Cloudformation("bootstrap stack")
            state = S3("state bucket\n(KMS, versioned, TLS-only)")
            lock = Dynamodb("lock table")
            plan_role = IAMRole("plan role\n(pull_request)")
            apply_role = IAMRole("apply role\n(environment:<env>\n+ boundary)")
        with Cluster("base-infrastructure repo"):
            plan = GithubActions("plan.yml\n(PR: fmt, validate,\ncheckov, tests, plan)")
            deploy = GithubActions("deploy.yml\n(main: dev → preprod → prod)")
        terraform = Terraform("terraform apply")
        admin >> Edge(label="bash bootstrap.sh") >> stack
        stack >> [state, lock, plan_role, apply_role]
        plan >> Edge(label="OIDC") >> plan_role
        deploy >> Edge(label="OIDC, per environment,\nafter approval") >> apply_role
        apply_role >> terraform >> Edge(label="state + lock") >> state


def project_provisioning(out: Path) -> None:
    with Diagram("Project provisioning", filename=str(out), outformat=OUTFORMAT, show=False, graph_attr=GRAPH):
        scientist = User("data scientist")
        studio = Sagemaker("SageMaker Studio\nCreateProject")
        catalog = ServiceCatalog("project template")
        stack = Cloudformation("project stack")
        with Cluster("per-project resources"):
            resources = [S3("artifact bucket"), SagemakerModel("model package group"), IAMRole("pipeline role")]
            rule = Eventbridge("rule: Approved")
        handler = Lambda("project_repos\n(custom resource)")
        secret = SecretsManager("GitHub token /\nApp key")
        github = Github("repos from templates:\nvariables, environments,\nreviewers, protection")
        trigger = Lambda("trigger_workflow")
        dlq = SQS("DLQ")
        alarms = Cloudwatch("alarms")
        scientist >> studio >> catalog >> stack
        stack >> resources
        stack >> rule
        stack >> Edge(label="Create / Update / Delete") >> handler
        handler >> Edge(label="read at run time") >> secret
        handler >> Edge(label="reconcile (idempotent)") >> github
        handler >> Edge(label="SUCCESS / FAILED\n(pre-signed URL)", style="dashed") >> stack
        rule >> trigger >> Edge(label="workflow_dispatch deploy.yml") >> github
        [handler, trigger] >> dlq >> alarms


def template_pipelines(out: Path) -> None:
    with Diagram(
        "Template pipelines",
        filename=str(out),
        outformat=OUTFORMAT,
        show=False,
        graph_attr=GRAPH | {"rankdir": "LR"},
    ):
        for template, steps in PIPELINES.items():
            with Cluster(template):
                nodes = [
                    Decision(step) if step.endswith("?") or step.startswith("condition") else SagemakerTrainingJob(step)
                    for step in steps
                ]
                for before, after in itertools.pairwise(nodes):
                    before >> after


def network(out: Path) -> None:
    with Diagram("Network (each account)", filename=str(out), outformat=OUTFORMAT, show=False, graph_attr=GRAPH):
        with Cluster("VPC across the region's AZs"):
            subnets = [PrivateSubnet(f"private subnet {n}") for n in (1, 2, 3)]
            endpoints = Endpoint("interface endpoints\n(private DNS): sagemaker,\nsts, logs, ssm, secrets, ecr")
            gateway = Endpoint("S3 gateway endpoint")
        VPC("flow logs") - subnets[0]
        subnets >> endpoints
        subnets >> gateway


DIAGRAMS: dict[str, Callable[[Path], None]] = {
    "account-topology": account_topology,
    "bootstrap-cicd": bootstrap_and_cicd,
    "project-provisioning": project_provisioning,
    "template-pipelines": template_pipelines,
    "network": network,
}


def embed_icons(svg: Path) -> None:
    """Replace absolute icon paths with data URIs so the SVG renders anywhere."""

    def inline(match: re.Match[str]) -> str:
        icon = Path(match.group(2))
        if not icon.is_file():
            return match.group(0)
        data = base64.b64encode(icon.read_bytes()).decode("ascii")
        return f'{match.group(1)}="data:image/png;base64,{data}"'

    text = svg.read_text(encoding="utf-8")
    svg.write_text(re.sub(r'(xlink:href|href)="(/[^"]+\.png)"', inline, text), encoding="utf-8")


def layout_engine() -> Path:
    """graphviz-pure's `dot`-compatible binary (next to this interpreter, or on PATH)."""
    beside = Path(sys.executable).parent / "graphviz-pure"
    found = beside if beside.is_file() else (Path(p) if (p := shutil.which("graphviz-pure")) else None)
    if found is None:
        raise SystemExit("error: graphviz-pure is not installed; run `make venv` (pip install -e '.[dev]')")
    return found


def use_layout_engine() -> None:
    """Point the `graphviz` package (which `diagrams` drives) at graphviz-pure instead of a system `dot`."""
    from graphviz.backend import dot_command

    dot_command.DOT_BINARY = layout_engine()


def sans_font(dirs: tuple[Path, ...] = FONT_DIRS) -> str:
    """The family of the first font of SANS_FONTS installed in ``dirs``; exits with the install hint if none."""
    for family, file_name in SANS_FONTS.items():
        if any(next(directory.rglob(file_name), None) for directory in dirs if directory.is_dir()):
            return family
    raise SystemExit(
        "error: no sans font for the PNGs' text (DejaVu Sans, Liberation Sans, Noto Sans or Arial); "
        "install one: apt-get install fonts-dejavu-core"
    )


def rasterise(svg: Path, png: Path) -> None:
    """The PNG of an SVG (icons embedded), white background, text in an installed sans font."""
    import resvg_py

    text = svg.read_text(encoding="utf-8").replace('font-family="Sans-Serif"', 'font-family="sans-serif"')
    data = resvg_py.svg_to_bytes(svg_string=text, dpi=96.0, zoom=1.0, background="white", sans_serif_family=sans_font())
    png.write_bytes(bytes(data))


def render(out_dir: Path) -> list[Path]:
    """Render every diagram to ``out_dir``; return the files written."""
    use_layout_engine()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, draw in DIAGRAMS.items():
        draw(out_dir / name)
        svg, png = out_dir / f"{name}.svg", out_dir / f"{name}.png"
        embed_icons(svg)
        rasterise(svg, png)
        written += [png, svg]
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    for path in render(args.out):
        print(path)


if __name__ == "__main__":
    sys.exit(main())
