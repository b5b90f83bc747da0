"""Provisioning against the local forge: an organisation holding every template repository of the kit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from github import Github

from platform_cli.config import TemplateKind
from platform_cli.github import metering
from platform_cli.github.client import ClientPolicy, build_client
from platform_cli.github.credentials import GitHubCredentials
from platform_cli.github.deadline import Deadline
from platform_cli.provisioning.contract import load_contract
from platform_cli.provisioning.desired import DesiredRepo, desired_repos
from platform_cli.provisioning.reconcile import Reconciler
from platform_cli.provisioning.request import ProjectRequest, parse_request
from tests.fixtures.forge import ForgeEnv, ForgeOrg
from tests.provisioning.factories import request_data

DEPLOY_WORKFLOW = """\
name: Deploy
on:
  workflow_dispatch:
    inputs:
      model_package_arn:
        description: approved model package
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo deploy
"""


# No client-side pacing on the forge, short backoffs, few retries: failures surface fast.
TEST_POLICY = ClientPolicy(seconds_between_writes=0.0, backoff_factor=0.01, secondary_rate_wait=1.0, retries=3)


def template_files(name: str) -> dict[str, str]:
    files = {"README.md": f"# {name} template\n"}
    rules = load_contract().repo(name)
    if rules.dispatch:
        files[f".github/workflows/{rules.dispatch.workflow}"] = DEPLOY_WORKFLOW
    return files


@dataclass
class ProvisioningOrg:
    """An org on the forge with every template repo, a maintainers team and a reviewers team."""

    forge: ForgeEnv
    org: ForgeOrg
    maintainers: str

    @property
    def login(self) -> str:
        return self.org.login

    def client(
        self, token: str | None = None, policy: ClientPolicy = TEST_POLICY, deadline: Deadline | None = None
    ) -> Github:
        return build_client(GitHubCredentials.pat(token or self.org.token), self.forge.api_url, deadline, policy)

    def reconciler(self, deadline: float = 60.0, token: str | None = None, **kwargs: Any) -> Reconciler:
        limit = Deadline(deadline)
        return Reconciler(self.client(token, deadline=limit), limit, poll_initial=0.02, poll_max=0.2, **kwargs)

    def request(
        self, kind: TemplateKind | str = TemplateKind.BUILD_DEPLOY_REALTIME, **overrides: Any
    ) -> ProjectRequest:
        data = request_data(
            kind,
            org=self.login,
            requesting_user=self.org.member,
            reviewers_team=self.org.team,
            maintainers_team=self.maintainers,
        )
        data.update(overrides)
        return parse_request(data)

    def desired(
        self, kind: TemplateKind | str = TemplateKind.BUILD_DEPLOY_REALTIME, **overrides: Any
    ) -> list[DesiredRepo]:
        return desired_repos(self.request(kind, **overrides))


def new_provisioning_org(forge: ForgeEnv) -> ProvisioningOrg:
    org = forge.new_org(template_files=template_files("model-build"))
    for name in load_contract().template_repos:
        if name == "model-build":
            continue
        full_name = forge.admin.create_repo(org.login, name, is_template=True)
        forge.admin.commit_files(full_name, template_files(name), message="Template content")
    maintainers = forge.admin.create_team(org.login, "maintainers", members=[org.owner])["slug"]
    return ProvisioningOrg(forge, org, maintainers)


@pytest.fixture
def porg(forge: ForgeEnv) -> ProvisioningOrg:
    return new_provisioning_org(forge)


@pytest.fixture
def meter() -> Iterator[metering.Meter]:
    metering.install()
    meter = metering.Meter()
    try:
        yield meter
    finally:
        metering.uninstall()
