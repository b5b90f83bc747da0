"""The project_repos Lambda wired to the local forge (same code path as production, responder captured)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

from platform_cli.github.client import ClientPolicy
from platform_cli.lambdas.project_repos import Dependencies, ProjectReposResource
from platform_cli.lambdas.settings import LambdaSettings
from tests.lambdas.conftest import SETTINGS, FakeContext, event, properties
from tests.provisioning.conftest import TEST_POLICY, ProvisioningOrg


class ForgeLambda:
    def __init__(
        self, porg: ProvisioningOrg, token: str | None = None, policy: ClientPolicy = TEST_POLICY, **settings: Any
    ) -> None:
        self.porg = porg
        self.sent: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        values: dict[str, Any] = {
            "github_org": porg.login,
            "api_url": porg.forge.api_url,
            "reviewers_team": porg.org.team,
            "maintainers_team": porg.maintainers,
        }
        values.update(settings)
        self.settings: LambdaSettings = replace(SETTINGS, **values)
        self.resource = ProjectReposResource(
            Dependencies(
                settings=self.settings,
                github=lambda deadline: porg.client(token, policy=policy, deadline=deadline),
                send=self._send,
                resolve_secret=lambda ref: f"resolved-{ref}",
            )
        )

    def _send(self, url: str, body: bytes) -> None:
        with self._lock:
            self.sent.append(json.loads(body))

    def properties(self, kind: Any, **overrides: Any) -> dict[str, Any]:
        return properties(kind, RequestingUser=self.porg.org.member, **overrides)

    def __call__(
        self, request_type: str, props: dict[str, Any], remaining_ms: int = 60_000, **extra: Any
    ) -> dict[str, Any]:
        self.resource(event(request_type, props, **extra), FakeContext(remaining_ms))
        return self.sent[-1]
