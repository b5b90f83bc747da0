"""Bring GitHub to the desired state of a project's repositories: create from template, then read-compare-write
every setting, so that a second run makes no write calls.

Clients are passed in (``github.Github``); every wait is bounded by a ``Deadline``; every failure becomes a
one-line ``ProvisioningError`` naming what failed and how to fix it.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Sequence, Set
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from github import Github
from github.Branch import Branch
from github.Environment import Environment
from github.GithubException import GithubException, UnknownObjectException
from github.Organization import Organization
from github.Repository import Repository
from github.Team import Team
from github.Variable import Variable

from platform_cli.github import extra
from platform_cli.github.deadline import Deadline
from platform_cli.github.plan import PlanRules
from platform_cli.provisioning.desired import (
    MAINTAINERS_PERMISSION,
    REVIEWERS_PERMISSION,
    USER_PERMISSION,
    DesiredEnvironment,
    DesiredRepo,
    Secret,
    topic,
)
from platform_cli.provisioning.errors_map import step
from platform_cli.provisioning.exceptions import (
    GenerationTimeoutError,
    GitHubAccessError,
    InvalidRequestError,
    RepoConflictError,
    TemplateRepoError,
    UnknownTeamError,
)

log = logging.getLogger(__name__)

# GitHub's legacy collaborator permission names for the roles we grant.
_LEGACY = {"push": "write", "maintain": "write", "pull": "read", "triage": "read", "admin": "admin"}


@dataclass(frozen=True)
class RepoOutcome:
    """What CloudFormation and the CLI report about one repository."""

    part: str
    full_name: str
    html_url: str
    clone_url: str
    ssh_url: str
    created: bool


@dataclass
class ReconcileResult:
    repos: list[RepoOutcome] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the org's GitHub plan does not allow


@dataclass(frozen=True)
class Preflight:
    """What every repository of a project shares, looked up (and checked) before anything is written."""

    org: Organization
    maintainers: Team
    reviewers: Team
    templates: dict[str, Repository]
    plan: PlanRules | None = None


class Reconciler:
    """Reconciles a project's desired repositories against GitHub through one ``Github`` client."""

    def __init__(
        self,
        github: Github,
        deadline: Deadline | None = None,
        *,
        generation_timeout: float = 120.0,
        poll_initial: float = 0.2,
        poll_max: float = 3.0,
        sleep: Callable[[float, str], None] | None = None,
    ) -> None:
        self.github = github
        self.deadline = deadline or Deadline(900.0)
        self.generation_timeout = generation_timeout
        self.poll_initial = poll_initial
        self.poll_max = poll_max
        self._sleep = sleep or self.deadline.sleep
        self._changes: list[str] = []
        self._skipped: list[str] = []
        self._plan: PlanRules | None = None
        self._branches: dict[str, Branch] = {}

    # -- public -------------------------------------------------------------------------------------------------

    def preflight(self, repos: Sequence[DesiredRepo]) -> Preflight:
        """Check everything a bad input would break before creating anything (nothing left behind)."""
        first = repos[0]
        with step(f"reading organisation {first.owner}"):
            org = self._get_org(first.owner)
        maintainers = self._team(org, first.maintainers_team, "maintainers")
        reviewers = self._team(org, first.reviewers_team, "reviewers")
        templates: dict[str, Repository] = {}
        for desired in repos:
            if desired.template_full_name not in templates:
                templates[desired.template_full_name] = self._template(desired)
        if first.requesting_user:
            with step(f"looking up GitHub user {first.requesting_user}"):
                try:
                    user = self.github.get_user(first.requesting_user)
                except UnknownObjectException:
                    raise InvalidRequestError(
                        f"GitHub user {first.requesting_user!r} does not exist; pass the requester's GitHub login"
                    ) from None
            with step(f"checking that {first.requesting_user} is a member of {first.owner}"):
                member = org.has_in_members(user)
            if not member:
                # Only org members may be given access: a free-text login must not invite an outsider.
                raise InvalidRequestError(
                    f"GitHub user {first.requesting_user!r} is not a member of organisation {first.owner}; "
                    "only organisation members can be given access to project repositories"
                )
        plan = PlanRules.of(org)
        for desired in repos:
            if desired.environments:
                plan.check_environments(desired.full_name, desired.visibility)
        return Preflight(org=org, maintainers=maintainers, reviewers=reviewers, templates=templates, plan=plan)

    def apply(self, repos: Sequence[DesiredRepo], rotate_secrets: Set[str] = frozenset()) -> ReconcileResult:
        """Create missing repositories and bring every setting to the desired state.

        The repositories of a project are configured side by side (their generation waits overlap); every write
        of either still waits for the credential's shared write budget, so running them together costs no
        more of GitHub's budget than running them one after the other.
        """
        self._changes = []
        context = self.preflight(repos)
        result = ReconcileResult()
        self._skipped = result.skipped
        self._plan = context.plan

        def configure(desired: DesiredRepo) -> RepoOutcome:
            return self._configure(context, desired, rotate_secrets)

        if len(repos) == 1:
            outcomes = [configure(repos[0])]
        else:
            with ThreadPoolExecutor(max_workers=len(repos), thread_name_prefix="reconcile") as pool:
                # Each repo in its own copy of the caller's context (request id in logs, metering).
                futures = [pool.submit(contextvars.copy_context().run, configure, desired) for desired in repos]
                outcomes = [future.result() for future in futures]
        result.repos.extend(outcomes)
        result.changes = list(self._changes)
        return result

    def _configure(self, context: Preflight, desired: DesiredRepo, rotate_secrets: Set[str]) -> RepoOutcome:
        self.deadline.check(f"configuring {desired.full_name}")
        repo, created, fresh = self._repository(context, desired)
        self._settings(repo, desired)
        self._topics(repo, desired)
        self._variables(repo, desired, fresh)
        self._secrets(repo, desired, rotate_secrets, fresh)
        # Protection first: environments deploy from protected branches only, and GitHub lets every branch deploy
        # while a repository has no protected branch at all.
        self._protection(repo, desired, fresh)
        self._environments(repo, desired, context.reviewers, rotate_secrets, fresh)
        self._access(repo, desired, context, fresh)
        return RepoOutcome(
            part=desired.part,
            full_name=desired.full_name,
            html_url=repo.html_url,
            clone_url=repo.clone_url,
            ssh_url=getattr(repo, "ssh_url", "") or "",
            created=created,
        )

    def remove(self, repos: Sequence[DesiredRepo]) -> ReconcileResult:
        """Apply each repository's delete policy (archive, delete or retain); missing repositories are fine."""
        self._changes = []
        result = ReconcileResult()
        for desired in repos:
            if desired.delete_policy == "retain":
                continue
            with step(f"reading {desired.full_name}"):
                repo = self._find(desired)
            if repo is None:
                continue
            if not self._ours(repo, desired):
                log.warning("not touching %s: it was not created for this project", desired.full_name)
                continue
            if desired.delete_policy == "delete":
                with step(f"deleting {desired.full_name}"):
                    repo.delete()
                self._changed(f"{desired.full_name}: deleted")
            elif not repo.archived:
                with step(f"archiving {desired.full_name}"):
                    repo.edit(archived=True)
                self._changed(f"{desired.full_name}: archived")
        result.changes = list(self._changes)
        return result

    def describe(self, repos: Sequence[DesiredRepo]) -> list[dict[str, Any]]:
        """Read-only view of each repository (exists, archived, url, the environments it has on GitHub)."""
        rows = []
        for desired in repos:
            with step(f"reading {desired.full_name}"):
                repo = self._find(desired)
                environments = sorted(env.name for env in repo.get_environments()) if repo is not None else []
            rows.append(
                {
                    "part": desired.part,
                    "repo": desired.full_name,
                    "exists": repo is not None,
                    "archived": bool(repo.archived) if repo is not None else False,
                    "url": repo.html_url if repo is not None else "",
                    "environments": environments,
                }
            )
        return rows

    # -- lookups ------------------------------------------------------------------------------------------------

    def _get_org(self, login: str) -> Organization:
        try:
            return self.github.get_organization(login)
        except UnknownObjectException:
            raise InvalidRequestError(
                f"GitHub organisation {login!r} does not exist or the token cannot see it; fix github.org"
            ) from None

    def _team(self, org: Organization, slug: str, role: str) -> Team:
        with step(f"looking up team {org.login}/{slug}"):
            try:
                return org.get_team_by_slug(slug)
            except UnknownObjectException:
                self._refuse_outsider_token(org, f"team {org.login}/{slug}")
                raise UnknownTeamError(
                    f"team {org.login}/{slug} does not exist; create it or fix teams.{role} in platform.yaml"
                ) from None

    def _refuse_outsider_token(self, org: Organization, looking_for: str) -> None:
        """A token of a user outside the organisation sees its teams and private repositories as missing (404):
        name that instead. App installation tokens have no user (``/user`` is refused) and are not outsiders."""
        try:
            login = self.github.get_user().login
            member = org.has_in_members(self.github.get_user(login))
        except GithubException:
            return
        if not member:
            raise GitHubAccessError(
                f"the GitHub token belongs to {login}, who is not a member of organisation {org.login}, "
                f"so {looking_for} looks missing; use a token of an organisation owner or the platform's GitHub App"
            )

    def _template(self, desired: DesiredRepo) -> Repository:
        name = desired.template_full_name
        with step(f"reading template repo {name}"):
            try:
                template = self.github.get_repo(name)
            except UnknownObjectException:
                scopes = self.github.oauth_scopes
                if scopes is not None and "repo" not in scopes:
                    # A classic token without the repo scope sees private repositories as missing (404).
                    raise GitHubAccessError(
                        f"the GitHub token has no 'repo' scope, so it cannot read private template repo {name}; "
                        "store a token with the repo scope (or the platform's GitHub App) with "
                        "`mlops github set-credentials`"
                    ) from None
                raise TemplateRepoError(
                    f"template repo {name} does not exist or the token cannot read it; run `mlops org publish`"
                ) from None
        if not template.is_template:
            raise TemplateRepoError(
                f"template repo {name} is not a template repository; run `mlops org publish` to mark it"
            )
        return template

    def _find(self, desired: DesiredRepo) -> Repository | None:
        try:
            return self.github.get_repo(desired.full_name)
        except UnknownObjectException:
            return None

    def _ours(self, repo: Repository, desired: DesiredRepo) -> bool:
        """Whether an existing repository belongs to this project (its topics, or the template it came from)."""
        topics = set(repo.topics or [])
        project_topics = {t for t in desired.topics if t.startswith("p-")}
        if project_topics and project_topics <= topics:
            return True
        raw = repo.raw_data.get("template_repository") if isinstance(repo.raw_data, dict) else None
        source = raw.get("full_name") if isinstance(raw, dict) else None
        return bool(source) and str(source).lower() == desired.template_full_name.lower()

    def _changed(self, what: str) -> None:
        self._changes.append(what)
        log.info("changed: %s", what)

    # -- repository ---------------------------------------------------------------------------------------------

    def _repository(self, context: Preflight, desired: DesiredRepo) -> tuple[Repository, bool, bool]:
        """``(repo, created, fresh)``: ``fresh`` when this call generated it, so it holds nothing but the template's
        files (GitHub copies no variables, environments, access or protection): its settings need no reading."""
        with step(f"reading {desired.full_name}"):
            repo = self._find(desired)
        created = fresh = False
        if repo is None:
            repo, fresh = self._generate(context, desired)
            created = True
        elif not self._ours(repo, desired):
            raise RepoConflictError(
                f"repository {desired.full_name} already exists and was not created for this project; "
                "rename or remove it, or choose another project name"
            )
        repo = self._wait_for_default_branch(repo, desired)
        return repo, created, fresh

    def _generate(self, context: Preflight, desired: DesiredRepo) -> tuple[Repository, bool]:
        template = context.templates[desired.template_full_name]
        with step(f"creating {desired.full_name} from template {desired.template_full_name}"):
            try:
                repo = context.org.create_repo_from_template(
                    desired.name, template, description=desired.description, private=True
                )
            except GithubException as error:
                # A retried POST whose first attempt succeeded, or a concurrent run: the repo now exists.
                if error.status != 422:
                    raise
                existing = self._find(desired)
                if existing is None or not self._ours(existing, desired):
                    raise
                return existing, False  # made by an earlier attempt or a concurrent run: read its settings
        self._changed(f"{desired.full_name}: created from {desired.template_full_name}")
        return repo, True

    def _wait_for_default_branch(self, repo: Repository, desired: DesiredRepo) -> Repository:
        """Template generation is asynchronous: poll, with backoff, until the default branch exists."""
        waited = 0.0
        delay = self.poll_initial
        while True:
            with step(f"waiting for {desired.full_name} to be generated"):
                branch = repo.default_branch or "main"
                try:
                    self._branches[desired.full_name] = repo.get_branch(branch)
                    return repo
                except UnknownObjectException:
                    pass
                except GithubException as error:
                    # GitHub answers 409 "Git Repository is empty" while generation is still running.
                    if error.status != 409:
                        raise
            if waited + delay > self.generation_timeout:
                raise GenerationTimeoutError(
                    f"GitHub did not finish generating {desired.full_name} within {self.generation_timeout:.0f}s; "
                    "retry (the repository is kept and will be configured)"
                )
            self._sleep(delay, f"waiting for {desired.full_name} to be generated")
            waited += delay
            delay = min(delay * 2, self.poll_max)

    def _settings(self, repo: Repository, desired: DesiredRepo) -> None:
        changes: dict[str, Any] = {}
        if repo.archived:
            changes["archived"] = False
        if (repo.description or "") != desired.description:
            changes["description"] = desired.description
        visibility = getattr(repo, "visibility", None) or ("private" if repo.private else "public")
        if visibility != desired.visibility:
            if desired.visibility == "internal":
                changes["visibility"] = "internal"
            else:
                changes["private"] = True
        if changes:
            with step(f"updating settings of {desired.full_name}"):
                repo.edit(**changes)
            self._changed(f"{desired.full_name}: settings {sorted(changes)}")

    def _topics(self, repo: Repository, desired: DesiredRepo) -> None:
        current = sorted(repo.topics or [])
        wanted = sorted({topic(t) for t in desired.topics})
        if current != wanted:
            with step(f"setting topics of {desired.full_name}"):
                repo.replace_topics(wanted)
            self._changed(f"{desired.full_name}: topics")

    # -- variables and secrets ----------------------------------------------------------------------------------

    def _variables(self, repo: Repository, desired: DesiredRepo, fresh: bool = False) -> None:
        current: dict[str, Variable] = {}
        if not fresh:
            with step(f"reading variables of {desired.full_name}"):
                current = {variable.name: variable for variable in repo.get_variables()}
        for name, value in desired.variables.items():
            existing = current.get(name)
            if existing is not None and existing.value == value:
                continue
            with step(f"setting variable {name} on {desired.full_name}"):
                _set_variable(existing, name, value, repo.create_variable, repo.get_variable)
            self._changed(f"{desired.full_name}: variable {name}")

    def _secrets(self, repo: Repository, desired: DesiredRepo, rotate: Set[str], fresh: bool = False) -> None:
        if not desired.secrets:
            return
        present: set[str] = set()
        if not fresh:
            with step(f"reading secrets of {desired.full_name}"):
                present = {secret.name for secret in repo.get_secrets()}
        for name, value in desired.secrets.items():
            if name in present and name not in rotate:
                continue
            with step(f"setting secret {name} on {desired.full_name}"):
                repo.create_secret(name, value.reveal())
            self._changed(f"{desired.full_name}: secret {name}")

    # -- environments -------------------------------------------------------------------------------------------

    def _environments(
        self, repo: Repository, desired: DesiredRepo, reviewers: Team, rotate: Set[str], fresh: bool = False
    ) -> None:
        if not desired.environments:
            return
        current: dict[str, Environment] = {}
        if not fresh:
            with step(f"reading environments of {desired.full_name}"):
                current = {env.name: env for env in repo.get_environments()}
        plan = self._plan
        for wanted in desired.environments:
            if wanted.reviewer_team and plan is not None and not plan.reviewers_allowed(desired.visibility):
                # The plan allows the environment, not its reviewers: configure the rest and say so.
                wanted = replace(wanted, reviewer_team=None, prevent_self_review=False)
                self._skipped.append(plan.skipped_reviewers(desired.full_name, wanted.name))
            env = current.get(wanted.name)
            if env is None or not self._environment_matches(env, wanted, reviewers):
                with step(f"configuring environment {wanted.name} of {desired.full_name}"):
                    extra.put_environment(
                        repo,
                        wanted.name,
                        {
                            "wait_timer": 0,
                            "reviewers": [{"type": "Team", "id": reviewers.id}] if wanted.reviewer_team else [],
                            "prevent_self_review": wanted.prevent_self_review,
                            "can_admins_bypass": wanted.admins_bypass,
                            "deployment_branch_policy": _branch_policy(wanted),
                        },
                    )
                    env = repo.get_environment(wanted.name)
                self._changed(f"{desired.full_name}: environment {wanted.name}")
            if wanted.deployment_branches:
                self._branch_policies(repo, desired, wanted, fresh)
            self._environment_variables(env, desired, wanted, fresh)
            self._environment_secrets(env, desired, wanted.secrets, rotate, fresh)

    @staticmethod
    def _environment_matches(env: Environment, wanted: DesiredEnvironment, reviewers: Team) -> bool:
        raw = env.raw_data if isinstance(env.raw_data, dict) else {}
        policy = raw.get("deployment_branch_policy") or {}
        wanted_policy = _branch_policy(wanted)
        if any(policy.get(key) is not value for key, value in wanted_policy.items()):
            return False
        if bool(raw.get("can_admins_bypass", True)) != wanted.admins_bypass:
            return False
        rules = raw.get("protection_rules") or []
        review = [rule for rule in rules if rule.get("type") == "required_reviewers"]
        if any(rule.get("type") == "wait_timer" and rule.get("wait_timer") for rule in rules):
            return False
        if wanted.reviewer_team is None:
            return not review
        if len(review) != 1:
            return False
        rule = review[0]
        if bool(rule.get("prevent_self_review")) != wanted.prevent_self_review:
            return False
        ids = {(r.get("type"), (r.get("reviewer") or {}).get("id")) for r in rule.get("reviewers") or []}
        return ids == {("Team", reviewers.id)}

    def _branch_policies(
        self, repo: Repository, desired: DesiredRepo, wanted: DesiredEnvironment, fresh: bool = False
    ) -> None:
        where = f"environment {wanted.name} of {desired.full_name}"
        policies: list[dict[str, Any]] = []
        if not fresh:
            with step(f"reading deployment branch policies of {where}"):
                policies = extra.list_deployment_branch_policies(repo, wanted.name)
        present = {(p.get("name"), p.get("type", "branch")): p for p in policies}
        for name in wanted.deployment_branches:
            if (name, "branch") not in present:
                with step(f"allowing deployments from {name} in {where}"):
                    try:
                        extra.create_deployment_branch_policy(repo, wanted.name, name)
                    except GithubException as error:
                        # A retried POST whose first attempt landed: done if the policy is now there.
                        if error.status not in (303, 409, 422):
                            raise
                        again = extra.list_deployment_branch_policies(repo, wanted.name)
                        if not any(p.get("name") == name and p.get("type", "branch") == "branch" for p in again):
                            raise
                self._changed(f"{desired.full_name}: {wanted.name} deploys from {name}")
        for (policy_name, kind), policy in present.items():
            if kind != "branch" or policy_name not in wanted.deployment_branches:
                with step(f"removing deployment branch policy {policy_name} from {where}"):
                    extra.delete_deployment_branch_policy(repo, wanted.name, int(policy["id"]))
                self._changed(f"{desired.full_name}: {wanted.name} no longer deploys from {policy_name}")

    def _environment_variables(
        self, env: Environment, desired: DesiredRepo, wanted: DesiredEnvironment, fresh: bool = False
    ) -> None:
        where = f"environment {wanted.name} of {desired.full_name}"
        current: dict[str, Variable] = {}
        if not fresh:
            with step(f"reading variables of {where}"):
                current = {variable.name: variable for variable in env.get_variables()}
        for name, value in wanted.variables.items():
            existing = current.get(name)
            if existing is not None and existing.value == value:
                continue
            with step(f"setting variable {name} on {where}"):
                _set_variable(existing, name, value, env.create_variable, env.get_variable)
            self._changed(f"{desired.full_name}: {wanted.name} variable {name}")

    def _environment_secrets(
        self, env: Environment, desired: DesiredRepo, secrets: dict[str, Secret], rotate: Set[str], fresh: bool = False
    ) -> None:
        if not secrets:
            return
        present: set[str] = set()
        if not fresh:
            with step(f"reading secrets of environment {env.name} of {desired.full_name}"):
                present = {secret.name for secret in env.get_secrets()}
        for name, value in secrets.items():
            if name in present and name not in rotate:
                continue
            with step(f"setting secret {name} on environment {env.name} of {desired.full_name}"):
                env.create_secret(name, value.reveal())
            self._changed(f"{desired.full_name}: {env.name} secret {name}")

    # -- access and protection ----------------------------------------------------------------------------------

    def _access(self, repo: Repository, desired: DesiredRepo, context: Preflight, fresh: bool = False) -> None:
        grants = ((context.maintainers, MAINTAINERS_PERMISSION), (context.reviewers, REVIEWERS_PERMISSION))
        for team, permission in grants:
            if not fresh:
                with step(f"reading access of team {team.slug} to {desired.full_name}"):
                    current = team.get_repo_permission(repo)
                if current is not None and _role_of(current) == permission:
                    continue
            with step(f"granting team {team.slug} {permission} on {desired.full_name}"):
                if not team.update_team_repository(repo, permission):
                    raise UnknownTeamError(
                        f"could not grant team {team.slug} {permission} on {desired.full_name}; "
                        "check the team exists and the token may administer the repository"
                    )
            self._changed(f"{desired.full_name}: team {team.slug} {permission}")
        user = desired.requesting_user
        if not user:
            return
        if fresh:
            with step(f"granting {user} {USER_PERMISSION} on {desired.full_name}"):
                repo.add_to_collaborators(user, permission=USER_PERMISSION)
            self._changed(f"{desired.full_name}: user {user} {USER_PERMISSION}")
            return
        with step(f"reading access of {user} to {desired.full_name}"):
            try:
                current_permission = repo.get_collaborator_permission(user)
            except UnknownObjectException:
                current_permission = "none"
        if current_permission == _LEGACY[USER_PERMISSION]:
            return
        if current_permission == "none":
            with step(f"reading invitations of {desired.full_name}"):
                invited = {i.invitee.login.lower() for i in repo.get_pending_invitations() if i.invitee}
            if user.lower() in invited:
                return
        with step(f"granting {user} {USER_PERMISSION} on {desired.full_name}"):
            repo.add_to_collaborators(user, permission=USER_PERMISSION)
        self._changed(f"{desired.full_name}: user {user} {USER_PERMISSION}")

    def _protection(self, repo: Repository, desired: DesiredRepo, fresh: bool = False) -> None:
        branch_name = repo.default_branch or "main"
        wanted = desired.protection
        with step(f"reading protection of {desired.full_name}@{branch_name}"):
            branch = self._branches.get(desired.full_name) or repo.get_branch(branch_name)
            raw: dict[str, Any] = {}
            try:
                if not fresh:
                    protection = branch.get_protection()
                    raw = protection.raw_data if isinstance(protection.raw_data, dict) else {}
            except GithubException as error:
                # GitHub answers 404 "Branch not protected" (not PyGithub's UnknownObjectException "Not Found").
                if error.status != 404:
                    raise
        reviews = raw.get("required_pull_request_reviews") or {}
        enforce = (raw.get("enforce_admins") or {}).get("enabled")
        force = (raw.get("allow_force_pushes") or {}).get("enabled")
        deletions = (raw.get("allow_deletions") or {}).get("enabled")
        if (
            raw
            and reviews.get("required_approving_review_count") == wanted.required_approving_review_count
            and bool(reviews.get("dismiss_stale_reviews")) == wanted.dismiss_stale_reviews
            and bool(enforce) == wanted.enforce_admins
            and not force
            and not deletions
        ):
            return
        with step(f"protecting {desired.full_name}@{branch_name}"):
            branch.edit_protection(
                enforce_admins=wanted.enforce_admins,
                dismiss_stale_reviews=wanted.dismiss_stale_reviews,
                required_approving_review_count=wanted.required_approving_review_count,
                allow_force_pushes=False,
                allow_deletions=False,
            )
        self._changed(f"{desired.full_name}: protected {branch_name}")


def _branch_policy(wanted: DesiredEnvironment) -> dict[str, bool]:
    """Protected branches only (no branch list to write), or a custom policy for ``deployment_branches``."""
    custom = bool(wanted.deployment_branches)
    return {"protected_branches": not custom, "custom_branch_policies": custom}


def _set_variable(
    existing: Variable | None,
    name: str,
    value: str,
    create: Callable[[str, str], Any],
    read: Callable[[str], Variable],
) -> None:
    """Create or update a variable. A create answered 409 "already exists" (a retried POST whose first attempt
    landed, or a concurrent run) is done when the variable now holds ``value``; otherwise it is updated."""
    if existing is not None:
        existing.edit(value)
        return
    try:
        create(name, value)
    except GithubException as error:
        if error.status != 409:
            raise
        present = read(name)
        if present.value != value:
            present.edit(value)


def _role_of(permissions: Any) -> str:
    """The highest role in a ``Permissions`` object."""
    for role in ("admin", "maintain", "push", "triage", "pull"):
        if getattr(permissions, role, False):
            return role
    return "none"
