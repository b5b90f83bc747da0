"""GitHub's plan rules for environments (docs.github.com, "About environments"): in public repositories every plan
has environments and their protection rules; in private and internal repositories environments (with their
secrets, variables and deployment branch policies) need GitHub Team or Enterprise, and required reviewers and wait
timers need GitHub Enterprise. The org's plan comes from ``GET /orgs/{org}`` (visible to its owners)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_cli.errors import PlatformError

ENVIRONMENT_PLANS = frozenset({"team", "enterprise", "business", "business_plus", "enterprise_cloud"})
REVIEWER_PLANS = frozenset({"enterprise", "enterprise_cloud", "business_plus"})


class PlanError(PlatformError):
    """The org's GitHub plan cannot give a repository what the platform needs."""


@dataclass(frozen=True)
class PlanRules:
    org: str
    plan: str  # lower case; "unknown" when GitHub did not show it (not an owner): nothing is skipped then

    @classmethod
    def of(cls, org: Any) -> PlanRules:
        """The rules of a PyGithub ``Organization`` (its ``plan`` is None when the caller cannot see it)."""
        plan = getattr(org, "plan", None)
        name = str(getattr(plan, "name", "") or "unknown").lower()
        return cls(str(org.login), name)

    def _restricted(self, visibility: str) -> bool:
        return visibility != "public" and self.plan != "unknown"

    def check_environments(self, repo: str, visibility: str) -> None:
        """Fail with one line when ``repo`` may have no environments under this plan."""
        if self._restricted(visibility) and self.plan not in ENVIRONMENT_PLANS:
            raise PlanError(
                f"{self.org} is on GitHub's {self.plan} plan: environments of {visibility} repositories such as "
                f"{repo} need GitHub Team or Enterprise; upgrade the organisation's plan"
            )

    def reviewers_allowed(self, visibility: str) -> bool:
        return not self._restricted(visibility) or self.plan in REVIEWER_PLANS

    def skipped_reviewers(self, repo: str, environment: str) -> str:
        return (
            f"{repo}: required reviewers of {environment} skipped ({self.org} is on GitHub's {self.plan} plan; "
            "private repositories need GitHub Enterprise for them)"
        )
