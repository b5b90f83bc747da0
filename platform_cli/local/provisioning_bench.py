"""Provisioning benchmarks against the local forge (``python -m platform_cli.local.provisioning_bench``).

Figures printed:

* cold import of each Lambda handler module (fresh interpreter, median and max of several runs; target 300 ms);
* per template kind, through the real custom-resource handler: API calls and writes of a Create, of a second
  Create (idempotent: zero writes), and the wall time from the Create event to the CloudFormation answer, with
  100 ms of latency on every call and the shared write budget (``platform_cli.github.budget``);
* N projects created at once (default 20; two-repo build-deploy-realtime) by one identity with 100 ms
  of latency under GitHub's secondary rate limit (80 content-creating requests a minute, answered 403 with
  Retry-After 60 s), every invocation sharing one write budget: successes, repos, duplicates, secondary-limit
  answers seen, the slowest answer, total writes and the wall time against total writes / budget;
* N projects launched at once through an emulated Lambda service (default 100; each invocation lives
  ``--lambda-seconds``, 900): requests the shared budget cannot finish in one invocation continue in the next
  (``platform_cli/lambdas/continuation.py``): successes, answers (each exactly once), invocations (max per project)
  and the total time against total writes / budget.

The forge runs in this process (a thread) on 127.0.0.1 with its state in a temporary directory.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_cli.config import TemplateKind
from platform_cli.github import metering
from platform_cli.github.budget import FORGE_WINDOWS, WriteBudget
from platform_cli.github.client import ClientPolicy, build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.provisioning.contract import load_contract

HANDLERS = ("platform_cli.lambdas.project_repos", "platform_cli.lambdas.trigger_workflow")
ACCOUNTS = {"dev": "111111111111", "preprod": "222222222222", "prod": "333333333333"}
DEPLOY_WORKFLOW = (
    "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      model_package_arn:\n        required: true\n"
    "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deploy\n"
)


def cold_import_ms(module: str, runs: int = 5) -> tuple[float, float]:
    """(median, max) milliseconds to import ``module`` in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples), max(samples)


@dataclass
class BenchOrg:
    login: str
    token: str
    member: str
    reviewers: str
    maintainers: str


def make_org(admin: Any, login: str) -> BenchOrg:
    owner, member = f"{login}-owner", f"{login}-member"
    token = admin.create_user(owner, scopes=["repo", "admin:org", "workflow", "delete_repo"])
    admin.create_user(member)
    admin.create_org(login, owners=[owner], members=[member])
    reviewers = admin.create_team(login, "reviewers", members=[member])["slug"]
    maintainers = admin.create_team(login, "maintainers", members=[owner])["slug"]
    for name, rules in load_contract().template_repos.items():
        full_name = admin.create_repo(login, name, is_template=True)
        files = {"README.md": f"# {name}\n"}
        if rules.dispatch:
            files[f".github/workflows/{rules.dispatch.workflow}"] = DEPLOY_WORKFLOW
        admin.commit_files(full_name, files, message="Template content")
    return BenchOrg(login, token, member, reviewers, maintainers)


class Runner:
    """The real custom-resource handler, wired to the forge, answering into a list."""

    def __init__(
        self, api_url: str, org: BenchOrg, policy: ClientPolicy, budget: WriteBudget, continuation: Any = None
    ) -> None:
        from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
        from platform_cli.lambdas.settings import LambdaSettings

        self.answers: list[dict[str, Any]] = []
        self.answered_at: dict[str, float] = {}  # RequestId -> time.monotonic() of its (first) answer
        self._lock = threading.Lock()
        settings = LambdaSettings(
            github_org=org.login,
            credentials_secret_id="bench-not-used",  # noqa: S106 - a name, not a secret
            api_url=api_url,
            reviewers_team=org.reviewers,
            maintainers_team=org.maintainers,
            write_pacing_seconds=policy.seconds_between_writes,
            generation_timeout_seconds=120,
        )
        credentials = GitHubCredentials.pat(org.token)

        def github(deadline: Deadline) -> Any:
            return build_client(credentials, api_url, deadline, policy, budget=budget)

        self.org = org
        self.resource = ProjectReposResource(
            Dependencies(settings=settings, github=github, send=self._send, continuation=continuation, budget=budget)
        )

    def _send(self, url: str, body: bytes) -> None:
        answer = json.loads(body)
        with self._lock:
            self.answers.append(answer)
            self.answered_at.setdefault(str(answer.get("RequestId")), time.monotonic())

    def create(self, kind: TemplateKind, name: str, project_id: str) -> tuple[dict[str, Any], float]:
        class Context:
            aws_request_id = project_id

            @staticmethod
            def get_remaining_time_in_millis() -> int:
                return 900_000

        event = self.event(kind, name, project_id)
        started = time.monotonic()
        body = self.resource(event, Context())
        return body, time.monotonic() - started

    def event(self, kind: TemplateKind, name: str, project_id: str) -> dict[str, Any]:
        props = {
            "ProjectName": name,
            "ProjectId": project_id,
            "TemplateKind": kind.value,
            "ArtifactBucket": f"mlops-{project_id}-111111111111",
            "ModelPackageGroupName": f"{name}-{project_id}",
            "PipelineExecutionRoleArn": f"arn:aws:iam::111111111111:role/mlops-{project_id}-pipeline",
            "RequestingUser": self.org.member,
            "Accounts": ACCOUNTS,
            # The kind's Studio parameters, as the project template passes them (a real launch writes them too).
            "ExtraVariables": {name: "bench-value" for name in load_contract().kind_variables.get(kind, ())},
        }
        event = {
            "RequestType": "Create",
            "ResponseURL": "https://bench.invalid/",
            "StackId": f"arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-{project_id}/x",
            "RequestId": f"req-{project_id}",
            "LogicalResourceId": "ProjectRepos",
            "ResourceProperties": props,
        }
        return event


def bench_kinds(forge: Any, latency_ms: float) -> list[dict[str, Any]]:
    from platform_cli.local.forge import Faults

    forge.set_faults(Faults(latency_ms=latency_ms))
    policy = ClientPolicy(secondary_rate_wait=60, max_wait=65)

    def one(index_kind: tuple[int, TemplateKind]) -> dict[str, Any]:
        index, kind = index_kind
        org = make_org(forge.admin, f"bench-kind{index}")
        runner = Runner(forge.api_url, org, policy, WriteBudget(windows=FORGE_WINDOWS))  # one org, one budget
        meter = metering.Meter()
        with meter.active():
            answer, seconds = runner.create(kind, "churn", f"p-{index:012d}")
        first = (meter.calls, len(meter.writes))
        meter.reset()
        with meter.active():
            again, seconds_again = runner.create(kind, "churn", f"p-{index:012d}")
        return {
            "kind": kind.value,
            "status": answer["Status"],
            "calls": first[0],
            "writes": first[1],
            "create_to_response_s": round(seconds, 2),
            "second_calls": meter.calls,
            "second_writes": len(meter.writes),
            "second_status": again["Status"],
            "second_s": round(seconds_again, 2),
        }

    with ThreadPoolExecutor(max_workers=len(TemplateKind)) as pool:
        return list(pool.map(one, enumerate(TemplateKind)))


def bench_concurrent(
    forge: Any, projects: int, kind: TemplateKind, per_minute: int, latency_ms: float
) -> dict[str, Any]:
    from platform_cli.local.forge import Faults

    forge.set_faults(Faults(latency_ms=latency_ms, secondary_per_minute=per_minute, secondary_retry_after_s=60))
    org = make_org(forge.admin, f"bench-concurrent{projects}")
    forge.admin.reset_limits()
    policy = ClientPolicy(secondary_rate_wait=60, max_wait=65)
    budget = CountingBudget(windows=FORGE_WINDOWS)  # every invocation shares it (DynamoDB in AWS)
    runner = Runner(forge.api_url, org, policy, budget)
    meter = metering.Meter()
    started = time.monotonic()

    def one(i: int) -> tuple[dict[str, Any], float]:
        with meter.active():
            return runner.create(kind, f"proj{i}", f"p-{i:012d}")

    with ThreadPoolExecutor(max_workers=projects) as pool:
        outcomes = list(pool.map(one, range(projects)))
    wall = time.monotonic() - started
    results = [answer for answer, _ in outcomes]
    names, requests_used = org_repos(forge, org)
    parts = len(load_contract().parts(kind))
    writes = len(meter.writes)
    sustained = min(window.limit * 60.0 / window.seconds for window in budget.windows)
    return {
        "projects": projects,
        "kind": kind.value,
        "succeeded": sum(1 for r in results if r["Status"] == "SUCCESS"),
        "reasons": sorted({r["Reason"] for r in results if r["Status"] != "SUCCESS"}),
        "repos": len(names),
        "expected_repos": projects * parts,
        "duplicates": len(names) - len(set(names)),
        "secondary_limit_answers": budget.stops,
        "slowest_answer_s": round(max(seconds for _, seconds in outcomes), 1),
        "writes": writes,
        "calls": meter.calls,
        "requests_used_of_hourly_limit": requests_used,
        "writes_over_budget_s": round(writes / sustained * 60.0, 1),
        "wall_s": round(wall, 1),
    }


def org_repos(forge: Any, org: BenchOrg) -> tuple[list[str], int]:
    """The project repositories in the bench's organisation, and the requests its owner spent of the hourly
    primary limit (GitHub's 5000; every read and write counts, re-reads by continuations too)."""
    gh = build_client(GitHubCredentials.pat(org.token), forge.api_url, policy=ClientPolicy(seconds_between_writes=0))
    names = [repo.name for repo in gh.get_organization(org.login).get_repos() if "-p-" in repo.name]
    core = gh.get_rate_limit().resources.core
    return names, core.limit - core.remaining


class LambdaService:
    """Lambda as it runs the provisioning function: every invocation (CloudFormation's, then each continuation, started
    asynchronously) in its own thread with ``lifetime`` seconds; counts invocations per request."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.invocations: dict[str, int] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.runner: Runner | None = None

    def invoke(self, event: dict[str, Any], context: Any = None) -> None:
        request = str(event.get("RequestId"))
        with self._lock:
            self.invocations[request] = self.invocations.get(request, 0) + 1
            number = self.invocations[request]
        lifetime = self.lifetime
        ends = time.monotonic() + lifetime

        class Context:
            aws_request_id = f"{request}-{number}"
            invoked_function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:bench-project-repos"

            @staticmethod
            def get_remaining_time_in_millis() -> int:
                return int(max(ends - time.monotonic(), 0.0) * 1000)

        assert self.runner is not None
        # In a copy of the caller's context: the bench's meter counts every invocation's requests.
        thread = threading.Thread(
            target=contextvars.copy_context().run, args=(self.runner.resource, event, Context()), daemon=True
        )
        with self._lock:
            self._threads.append(thread)
        thread.start()


def bench_continued(
    forge: Any, projects: int, kind: TemplateKind, per_minute: int, latency_ms: float, lifetime: float
) -> dict[str, Any]:
    """``projects`` launched at once, each Lambda invocation living ``lifetime`` seconds: requests the shared budget
    cannot finish in one invocation continue in the next; every request must be answered exactly once."""
    from platform_cli.lambdas.continuation import MemoryLedger
    from platform_cli.lambdas.project_repos import Continuation
    from platform_cli.local.forge import Faults

    forge.set_faults(Faults(latency_ms=latency_ms, secondary_per_minute=per_minute, secondary_retry_after_s=60))
    org = make_org(forge.admin, f"bench-continued{projects}")
    forge.admin.reset_limits()
    policy = ClientPolicy(secondary_rate_wait=60, max_wait=65)
    budget = CountingBudget(windows=FORGE_WINDOWS, wait_out=True)  # as the Lambda with its table
    service = LambdaService(lifetime)
    runner = Runner(forge.api_url, org, policy, budget, Continuation(MemoryLedger(), service.invoke))
    service.runner = runner
    meter = metering.Meter()
    started = time.monotonic()
    with meter.active():
        for i in range(projects):
            service.invoke(runner.event(kind, f"proj{i}", f"p-{i:012d}"))
    while len(runner.answers) < projects and time.monotonic() - started < 3600 + lifetime:
        time.sleep(1.0)
    wall = time.monotonic() - started
    answers = list(runner.answers)
    requests = [str(a.get("RequestId")) for a in answers]
    writes = len(meter.writes)
    sustained = min(window.limit * 60.0 / window.seconds for window in budget.windows)
    names, requests_used = org_repos(forge, org)
    times = sorted(at - started for at in runner.answered_at.values())
    return {
        "projects": projects,
        "lifetime_s": lifetime,
        "succeeded": sum(1 for a in answers if a["Status"] == "SUCCESS"),
        "answers": len(answers),
        "answered_twice": len(requests) - len(set(requests)),
        "reasons": sorted({a["Reason"] for a in answers if a["Status"] != "SUCCESS"}),
        "repos": len(names),
        "expected_repos": projects * len(load_contract().parts(kind)),
        "duplicates": len(names) - len(set(names)),
        "max_invocations": max(service.invocations.values()),
        "invocations": sum(service.invocations.values()),
        "secondary_limit_answers": budget.stops,
        "writes": writes,
        "calls": meter.calls,
        "requests_used_of_hourly_limit": requests_used,
        "first_answer_s": round(times[0], 1) if times else None,
        "median_answer_s": round(times[len(times) // 2], 1) if times else None,
        "slowest_answer_s": round(times[-1], 1) if times else None,
        "writes_over_budget_s": round(writes / sustained * 60.0, 1),
        "wall_s": round(wall, 1),
    }


class CountingBudget(WriteBudget):
    """The shared budget, counting the secondary-limit answers that stopped it (the target is none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stops = 0

    def block_until(self, epoch: float) -> None:
        self.stops += 1
        super().block_until(epoch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Provisioning benchmarks against the local forge.")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--concurrent",
        default="20",
        help="Comma-separated numbers of projects launched at once, each answered by one invocation (20).",
    )
    parser.add_argument("--concurrent-kind", default=TemplateKind.BUILD_DEPLOY_REALTIME.value)
    parser.add_argument("--secondary-per-minute", type=int, default=80)
    parser.add_argument("--skip-concurrent", action="store_true")
    parser.add_argument(
        "--continued",
        default="100",
        help="Comma-separated numbers of projects launched at once through Lambda with continuation (100; '' skips).",
    )
    parser.add_argument("--lambda-seconds", type=float, default=900.0, help="Lifetime of one Lambda invocation.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    args = parser.parse_args(argv)

    import logging

    from platform_cli.local.forge import ForgeServer

    logging.getLogger("github").setLevel(logging.WARNING)  # retries are expected under the secondary limit
    report: dict[str, Any] = {"cold_import_ms": {}}
    for module in HANDLERS:
        median, worst = cold_import_ms(module)
        report["cold_import_ms"][module] = {"median": round(median, 1), "max": round(worst, 1), "target": 300}
        if not args.json:
            print(f"cold import {module}: median {median:.0f} ms, max {worst:.0f} ms (target 300 ms)", flush=True)

    metering.install()
    try:
        with tempfile.TemporaryDirectory(prefix="mlops-bench-") as tmp, ForgeServer(Path(tmp) / "forge") as forge:
            if not args.json:
                print(
                    f"per kind: {args.latency_ms:.0f} ms latency per call, shared write budget "
                    f"{', '.join(f'{w.limit}/{w.seconds:g}s' for w in FORGE_WINDOWS)}"
                )
            report["kinds"] = bench_kinds(forge, args.latency_ms)
            if not args.json:
                print("  targets (build-deploy-realtime): ≤ 20 s create→answer, ≤ 30 writes, ≤ 55 calls, 0 writes 2nd")
                header = f"  {'kind':26} {'status':8} {'calls':>5} {'writes':>6} {'create→answer':>14}"
                print(f"{header} {'2nd calls/writes':>17}")
                for row in report["kinds"]:
                    print(
                        f"  {row['kind']:26} {row['status']:8} {row['calls']:>5} {row['writes']:>6} "
                        f"{row['create_to_response_s']:>13.1f}s {row['second_calls']:>9}/{row['second_writes']}",
                        flush=True,
                    )
            if not args.skip_concurrent:
                kind = TemplateKind(args.concurrent_kind)
                report["concurrent"] = []
                for count in (int(n) for n in str(args.concurrent).split(",") if n.strip()):
                    if not args.json:
                        print(
                            f"{count} {kind.value} projects at once, one identity, {args.latency_ms:.0f} ms latency, "
                            f"secondary limit {args.secondary_per_minute} writes/min (Retry-After 60 s)...",
                            flush=True,
                        )
                    row = bench_concurrent(forge, count, kind, args.secondary_per_minute, args.latency_ms)
                    report["concurrent"].append(row)
                    if not args.json:
                        print(
                            f"  succeeded {row['succeeded']}/{row['projects']}, repos {row['repos']}/"
                            f"{row['expected_repos']}, duplicates {row['duplicates']}, secondary-limit answers "
                            f"{row['secondary_limit_answers']}, slowest answer {row['slowest_answer_s']} s, "
                            f"writes {row['writes']} (calls {row['calls']}; {row['requests_used_of_hourly_limit']} of "
                            f"the hourly request limit used), wall {row['wall_s']} s vs writes/budget "
                            f"{row['writes_over_budget_s']} s",
                            flush=True,
                        )
                        for reason in row["reasons"]:
                            print(f"  failure: {reason}")
            report["continued"] = []
            for count in (int(n) for n in str(args.continued).split(",") if n.strip()):
                if not args.json:
                    print(
                        f"{count} {args.concurrent_kind} projects at once through Lambda ({args.lambda_seconds:.0f} s "
                        f"per invocation, continuation), secondary limit {args.secondary_per_minute} writes/min...",
                        flush=True,
                    )
                kind = TemplateKind(args.concurrent_kind)
                row = bench_continued(
                    forge, count, kind, args.secondary_per_minute, args.latency_ms, args.lambda_seconds
                )
                report["continued"].append(row)
                if not args.json:
                    print(
                        f"  succeeded {row['succeeded']}/{row['projects']} (answers {row['answers']}, answered twice "
                        f"{row['answered_twice']}), repos {row['repos']}/{row['expected_repos']}, duplicates "
                        f"{row['duplicates']}, secondary-limit answers {row['secondary_limit_answers']}, writes "
                        f"{row['writes']} (calls {row['calls']}; {row['requests_used_of_hourly_limit']} of the "
                        f"hourly request limit used), total {row['wall_s']} s vs writes/budget "
                        f"{row['writes_over_budget_s']} s, answers after {row['first_answer_s']} s (first), "
                        f"{row['median_answer_s']} s (median), {row['slowest_answer_s']} s (slowest), invocations "
                        f"{row['invocations']} (max {row['max_invocations']} per project)",
                        flush=True,
                    )
                    for reason in row["reasons"]:
                        print(f"  failure: {reason}")
    finally:
        metering.uninstall()
    if args.json:
        print(json.dumps(report, indent=2))
    ok = all(r["status"] == "SUCCESS" and r["second_writes"] == 0 for r in report["kinds"])
    for c in report.get("continued", []):
        ok = ok and c["succeeded"] == c["projects"] and c["answered_twice"] == 0 and c["duplicates"] == 0
    for c in report.get("concurrent", []):
        ok = ok and c["succeeded"] == c["projects"] and c["duplicates"] == 0 and c["repos"] == c["expected_repos"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
