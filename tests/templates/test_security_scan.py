"""Every template repo scans itself on pull requests (checkov, pip-audit, zizmor), fails on findings, and passes.

Each scanner is run here exactly as the repo's .github/workflows/security.yml runs it: the step's own script, in the
template's folder, with the tool versions the workflow pins (the dev extra pins the same; a test holds them equal).
pip-audit needs its vulnerability database online: its invocation is checked (every requirements file, flags the
pinned version accepts), and its failing on a finding is shown against a local OSV stand-in (127.0.0.1).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.templates import security_scan as scan
from tests.templates.conftest import TEMPLATE_ROOT

TEMPLATES = scan.template_dirs()
INSECURE_STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""
INSECURE_TERRAFORM = """\
resource "aws_sqs_queue" "queue" {
  name = "queue"
}
"""
UNPINNED_WORKFLOW = """\
name: unpinned
on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
"""


def _copy(template: str, tmp_path: Path) -> Path:
    """A template's content in a fresh folder (a data scientist's checkout), to add a finding to."""
    target = tmp_path / template
    shutil.copytree(TEMPLATE_ROOT / template, target, ignore=shutil.ignore_patterns(*scan.NOT_CONTENT))
    return target


# --- the workflow ------------------------------------------------------------------------------------------------


def test_template_repos_are_found() -> None:
    assert {"model-build", "model-deploy-realtime", "llm-fine-tuning"} <= set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_scans_its_pull_requests_with_the_three_scanners(template: str) -> None:
    root = TEMPLATE_ROOT / template
    assert (root / scan.WORKFLOW).is_file(), f"{template} has no {scan.WORKFLOW}"
    workflow = scan.load(root)
    assert "pull_request" in workflow.get("on", workflow.get(True))  # PyYAML reads the bare key `on` as True
    jobs = {tool: scan.scan_step(root, tool)[0] for tool in scan.TOOLS}
    for tool, job in jobs.items():
        assert not workflow["jobs"][job].get("if"), f"{template}: the {tool} job is conditional"
        assert not workflow["jobs"][job].get("environment"), f"{template}: the {tool} job needs an environment"


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_readme_tells_how_to_scan_locally_and_how_to_skip_with_a_reason(template: str) -> None:
    readme = (TEMPLATE_ROOT / template / "README.md").read_text()
    assert "## Security scan" in readme
    for tool in scan.TOOLS:
        assert tool in readme
    root = TEMPLATE_ROOT / template
    for tool in ("checkov", "zizmor"):
        job, _ = scan.scan_step(root, tool)
        assert f"{tool}=={scan.pinned_versions(root, job)[tool]}" in readme, f"{template}: README's {tool} version"


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_workflow_installs_the_scanner_versions_the_tests_run(template: str) -> None:
    root = TEMPLATE_ROOT / template
    for tool in scan.TOOLS:
        job, _ = scan.scan_step(root, tool)
        pins = scan.pinned_versions(root, job)
        assert pins.get(tool) == version(tool), f"{template}: {tool} pinned {pins.get(tool)}, tests run {version(tool)}"


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_scan_is_softened(template: str) -> None:
    """Findings fail the job: no soft-fail, no `|| true`, no continue-on-error, no skip outside the code."""
    root = TEMPLATE_ROOT / template
    workflow = scan.load(root)
    for tool in scan.TOOLS:
        job, step = scan.scan_step(root, tool)
        assert not workflow["jobs"][job].get("continue-on-error") and not step.get("continue-on-error")
        script = step["run"]
        for softener in ("|| true", "|| :", "--soft-fail", "--skip-check", "--no-exit-codes", "--min-severity",
                         "--min-confidence", "--config"):  # fmt: skip
            assert softener not in script.replace("--config-file .checkov.yaml", ""), f"{template}: {softener}"
    config = yaml.safe_load((root / scan.CHECKOV_CONFIG).read_text())
    loosening = {"skip-check", "soft-fail", "soft-fail-on", "hard-fail-on", "check", "skip-framework"}
    assert not loosening & set(config), f"{template}/.checkov.yaml skips outside the code: {loosening & set(config)}"
    assert config["framework"] and set(config["framework"]) >= {"cloudformation", "terraform"}
    assert not [p for p in ("zizmor.yml", ".github/zizmor.yml") if (root / p).exists()], "zizmor ignores are inline"


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_audit_script_is_clean_under_shellcheck(template: str, tmp_path: Path) -> None:
    script = tmp_path / "audit.sh"
    script.write_text(
        "#!/usr/bin/env bash\nset -eo pipefail\n" + scan.scan_step(TEMPLATE_ROOT / template, "pip-audit")[1]["run"]
    )
    result = subprocess.run([str(scan.BIN / "shellcheck"), str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# --- checkov -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_checkov_passes_as_the_workflow_runs_it(template: str) -> None:
    _, step = scan.scan_step(TEMPLATE_ROOT / template, "checkov")
    result = scan.run_step(step, TEMPLATE_ROOT / template)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize(("name", "content"), [("stack.yaml", INSECURE_STACK), ("main.tf", INSECURE_TERRAFORM)])
def test_checkov_fails_the_scan_on_a_finding_in_cloudformation_or_terraform(
    name: str, content: str, tmp_path: Path
) -> None:
    repo = _copy("model-deploy-realtime", tmp_path)
    (repo / "infra").mkdir()
    (repo / "infra" / name).write_text(content)
    result = scan.run_step(scan.scan_step(repo, "checkov")[1], repo)
    assert result.returncode != 0
    assert "CKV_AWS_27" in result.stdout


def test_checkov_accepts_an_inline_skip_that_gives_its_reason(tmp_path: Path) -> None:
    repo = _copy("model-deploy-realtime", tmp_path)
    skipped = INSECURE_STACK + (
        "    Metadata:\n      checkov:\n        skip:\n"
        "          - id: CKV_AWS_27\n            comment: holds only public sample ids; SSE would add nothing\n"
    )
    (repo / "stack.yaml").write_text(skipped)
    result = scan.run_step(scan.scan_step(repo, "checkov")[1], repo)
    assert result.returncode == 0, result.stdout


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (`!Ref`, `!Sub`, ...) read as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _checkov_skips(root: Path) -> Iterator[tuple[str, str, str]]:
    """(file, check id, reason) of every inline checkov skip in the repo's CloudFormation and Terraform."""
    for path in scan.content_files(root, "*.tf"):
        for check, reason in re.findall(r"checkov:skip=([A-Za-z0-9_]+)(?::([^\n]*))?", (root / path).read_text()):
            yield str(path), check, reason.strip()
    for pattern in ("*.yaml", "*.yml", "*.json", "*.template"):
        for path in scan.content_files(root, pattern):
            try:
                document = yaml.load((root / path).read_text(), Loader=_CfnLoader)  # noqa: S506
            except yaml.YAMLError:
                continue
            resources = document.get("Resources") if isinstance(document, dict) else None
            for resource in (resources or {}).values() if isinstance(resources, dict) else []:
                metadata = (resource or {}).get("Metadata") or {}
                for skip in (metadata.get("checkov") or {}).get("skip") or []:
                    yield str(path), str(skip.get("id")), str(skip.get("comment") or "").strip()


def test_checkov_skips_are_read_from_both_kinds_of_code(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "x" "y" {\n  #checkov:skip=CKV_AWS_1\n}\n')
    (tmp_path / "stack.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n      checkov:\n        skip:\n"
        "          - id: CKV_AWS_27\n            comment: because\n"
        "    Properties:\n      QueueName: !Ref AWS::StackName\n"
    )
    assert sorted(_checkov_skips(tmp_path)) == [("main.tf", "CKV_AWS_1", ""), ("stack.yaml", "CKV_AWS_27", "because")]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_checkov_skip_gives_its_reason(template: str) -> None:
    unexplained = [(path, check) for path, check, reason in _checkov_skips(TEMPLATE_ROOT / template) if not reason]
    assert unexplained == [], "give each skip its reason (Terraform `#checkov:skip=ID:reason`, CloudFormation comment)"


# --- zizmor ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_zizmor_passes_as_the_workflow_runs_it(template: str) -> None:
    _, step = scan.scan_step(TEMPLATE_ROOT / template, "zizmor")
    result = scan.run_step(step, TEMPLATE_ROOT / template)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout
    audited = set(re.findall(r"completed \./(\S+)", result.stderr))
    assert {str(path) for path in scan.content_files(TEMPLATE_ROOT / template, ".github/workflows/*.y*ml")} <= audited


def test_zizmor_fails_the_scan_on_a_finding(tmp_path: Path) -> None:
    repo = _copy("model-build", tmp_path)
    (repo / ".github" / "workflows" / "unpinned.yml").write_text(UNPINNED_WORKFLOW)
    result = scan.run_step(scan.scan_step(repo, "zizmor")[1], repo)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout


ZIZMOR_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[[^\]]*\](?P<reason>[^\n]*)")


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_zizmor_ignore_gives_its_reason(template: str) -> None:
    root = TEMPLATE_ROOT / template
    unexplained = [
        str(path)
        for pattern in ("*.yml", "*.yaml")
        for path in scan.content_files(root, pattern)
        for match in ZIZMOR_IGNORE.finditer((root / path).read_text())
        if len(match["reason"].strip()) < 10
    ]
    assert unexplained == [], "write the reason after the ignore: `# zizmor: ignore[rule] why it is safe here`"


# --- pip-audit ---------------------------------------------------------------------------------------------------


def _audit_arguments(repo: Path, tmp_path: Path) -> list[str]:
    """The arguments the workflow's audit step passes pip-audit in ``repo`` (a recording pip-audit takes them)."""
    record = tmp_path / "pip-audit.args"
    fake = scan.recording_tool(tmp_path / "bin", "pip-audit", record)
    result = scan.run_step(scan.scan_step(repo, "pip-audit")[1], repo, path_first=fake)
    assert result.returncode == 0, result.stdout + result.stderr
    return record.read_text().splitlines()


def _audited_files(arguments: list[str]) -> list[Path]:
    return sorted(Path(value) for flag, value in itertools.pairwise(arguments) if flag in ("-r", "--requirement"))


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_dependency_audit_covers_every_requirements_file(template: str, tmp_path: Path) -> None:
    root = TEMPLATE_ROOT / template
    present = scan.content_files(root, "requirements*.txt")
    assert present, f"{template} has no requirements file to audit"
    assert _audited_files(_audit_arguments(root, tmp_path)) == present


@pytest.mark.parametrize("template", TEMPLATES)
def test_dependencies_are_declared_only_in_the_audited_requirements_files(template: str) -> None:
    """pip-audit reads requirements*.txt; a dependency declared in pyproject.toml would pass unaudited."""
    pyproject = TEMPLATE_ROOT / template / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text()).get("project", {}) if pyproject.is_file() else {}
    assert not project.get("dependencies") and not project.get("optional-dependencies")


def test_the_dependency_audit_finds_a_requirements_file_added_in_a_subfolder(tmp_path: Path) -> None:
    repo = _copy("model-build", tmp_path / "repo")
    (repo / "container").mkdir()
    (repo / "container" / "requirements.txt").write_text("flask==3.1.1\n")
    assert Path("container/requirements.txt") in _audited_files(_audit_arguments(repo, tmp_path))


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_dependency_audit_invocation_is_valid_and_strict(template: str, tmp_path: Path) -> None:
    from pip_audit._cli import _parser  # the pinned version's own argument parser (private; the pin is tested)

    arguments = _audit_arguments(TEMPLATE_ROOT / template, tmp_path)
    options = _parser().parse_args(arguments)
    assert options.strict, "--strict: a dependency that cannot be resolved fails the audit instead of passing it"
    assert not options.fix and not options.dry_run and not options.local
    assert options.vulnerability_service.value == "osv"
    assert options.osv_url == "https://api.osv.dev/v1/query"


IGNORE_LINE = re.compile(r"^\s*--ignore-vuln\s+(?P<id>\S+)\s*(?:#\s*(?P<reason>.*))?$")


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_ignored_vulnerability_gives_its_reason(template: str) -> None:
    script = scan.scan_step(TEMPLATE_ROOT / template, "pip-audit")[1]["run"]
    block = re.search(r"IGNORED=\((?P<body>.*?)\n\s*\)", script, re.DOTALL)
    assert block, "the audit step lists its ignored vulnerabilities in IGNORED=( ... )"
    lines = [line for line in block["body"].splitlines() if line.strip() and not line.strip().startswith("#")]
    unexplained = [
        line for line in lines if not (m := IGNORE_LINE.match(line)) or len((m["reason"] or "").strip()) < 10
    ]
    assert unexplained == [], "one `--ignore-vuln ID  # reason` a line"
    assert script.count("--ignore-vuln") == len(lines), "every --ignore-vuln is in IGNORED, each with its reason"


class _OsvStandIn(BaseHTTPRequestHandler):
    """OSV's query endpoint (POST /v1/query) over a fixed database: ``{package: {version: [vulnerability]}}``."""

    database: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"].lower()
        body = json.dumps({"vulns": self.database.get(name, {}).get(query["version"], [])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _osv(database: dict[str, dict[str, list[dict[str, Any]]]]) -> Iterator[str]:
    handler = type("Handler", (_OsvStandIn,), {"database": database})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


FIXTURE_VULNERABILITY = {
    "id": "GHSA-test-0000-0000",
    "summary": "fixture advisory",
    "details": "A vulnerability in the fixture database.",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "samplepkg"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}],
            "versions": ["1.0.0"],
        }
    ],
}


def _audit_offline(repo: Path, osv_url: str) -> subprocess.CompletedProcess[str]:
    """The workflow's audit step with the real pip-audit, against the local OSV stand-in, resolving nothing online:
    the workflow's flags plus --osv-url, --no-deps and --disable-pip (requirements are pinned in the fixture)."""
    step = dict(scan.scan_step(repo, "pip-audit")[1])
    step["run"] = step["run"].replace("pip-audit ", f"pip-audit --osv-url {osv_url} --no-deps --disable-pip ", 1)
    return scan.run_step(step, repo)


def _fixture_repo(tmp_path: Path, requirements: str, ignored: str = "") -> Path:
    repo = _copy("model-build", tmp_path)
    for path in scan.content_files(repo, "requirements*.txt"):
        (repo / path).unlink()
    (repo / "requirements.txt").write_text(requirements)
    if ignored:
        workflow = repo / scan.WORKFLOW
        workflow.write_text(workflow.read_text().replace("IGNORED=(\n", f"IGNORED=(\n            {ignored}\n", 1))
    return repo


def test_the_dependency_audit_fails_on_a_known_vulnerability(tmp_path: Path) -> None:
    with _osv({"samplepkg": {"1.0.0": [FIXTURE_VULNERABILITY]}}) as url:
        result = _audit_offline(_fixture_repo(tmp_path, "samplepkg==1.0.0\n"), url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-test-0000-0000" in result.stdout


def test_the_dependency_audit_passes_clean_dependencies(tmp_path: Path) -> None:
    with _osv({"samplepkg": {"1.0.0": [FIXTURE_VULNERABILITY]}}) as url:
        result = _audit_offline(_fixture_repo(tmp_path, "samplepkg==1.0.1\n"), url)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dependency_audit_accepts_an_ignored_vulnerability_with_its_reason(tmp_path: Path) -> None:
    ignored = "--ignore-vuln GHSA-test-0000-0000  # the vulnerable function is never called by this repo"
    with _osv({"samplepkg": {"1.0.0": [FIXTURE_VULNERABILITY]}}) as url:
        result = _audit_offline(_fixture_repo(tmp_path, "samplepkg==1.0.0\n", ignored), url)
    assert result.returncode == 0, result.stdout + result.stderr
