"""``mlops doctor --aws --github``: one check per stage of a real organisation's first hour, in the order of
docs/first-hour.md — the bootstrap stack of each account, the base-infrastructure repository's environments and
variables, base infrastructure applied in each account, the GitHub credential secret populated, and the project
templates visible in Service Catalog. Each failing check names what is missing and the command that fixes it.

The checks take clients (boto3, PyGithub) made by the caller; they only read, and never read a secret's value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from platform_cli.config import ENVIRONMENTS, PlatformConfig
from platform_cli.doctor import CheckResult, Status
from platform_cli.github.base_settings import (
    ENVIRONMENT_VARIABLES,
    ORG_VARIABLES,
    PLAN_ENVIRONMENT,
    PLAN_VARIABLES,
    REVIEWED_ENVIRONMENTS,
    plan_variable,
)
from platform_cli.github.plan import PlanRules

# The bootstrap stack's outputs base-infrastructure's workflows need (one source: base_settings).
BOOTSTRAP_OUTPUTS: tuple[str, ...] = tuple(sorted({*ENVIRONMENT_VARIABLES.values(), *PLAN_VARIABLES.values()}))
COMPLETE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"})
# SSM parameters of the contract (base-infrastructure/terraform/modules/ssm) the checks read.
ENVIRONMENT_PARAMETER = "/mlops/environment"
SECRET_PARAMETER = "/mlops/github/credentials_secret_arn"
STUDIO_VISIBILITY_TAG = "sagemaker:studio-visibility"
MAX_LISTED = 6


@dataclass(frozen=True)
class Account:
    """One account as the CLI reached it: a boto3 session in it, or why it could not be reached."""

    environment: str
    account_id: str
    session: Any | None
    unreachable: str = ""
    reach_fix: str = ""


def _code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) or type(error).__name__
    return type(error).__name__


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    more = f" (+{len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more


def unit_flag(config: PlatformConfig, business_unit: str) -> str:
    return f" --business-unit {business_unit}" if len(config.business_units) > 1 else ""


def _unreachable(name: str, account: Account) -> CheckResult:
    return CheckResult(
        name,
        Status.FAIL,
        f"cannot reach the {account.environment} account {account.account_id}: {account.unreachable}",
        account.reach_fix,
    )


# --- stage 1: bootstrap --------------------------------------------------------------------------------------


def check_bootstrap_stack(
    config: PlatformConfig, business_unit: str, account: Account
) -> tuple[CheckResult, dict[str, str]]:
    """The account's bootstrap stack is complete and has every output base-infrastructure needs; its outputs."""
    environment = account.environment
    name = f"bootstrap:{environment}"
    stack = f"{config.naming_prefix}-{environment}-bootstrap"
    fix = f"mlops bootstrap{unit_flag(config, business_unit)} --env {environment}"
    if account.session is None:
        return _unreachable(name, account), {}
    try:
        described = account.session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except Exception as error:
        if _code(error) == "ValidationError" and "does not exist" in str(error):
            return CheckResult(name, Status.FAIL, f"no stack {stack} in account {account.account_id}", fix), {}
        return CheckResult(name, Status.FAIL, f"cannot read stack {stack} ({_code(error)})", account.reach_fix), {}
    in_account = str(described.get("StackId", "")).split(":")[4:5]
    if in_account and in_account[0] != account.account_id:
        return (
            CheckResult(
                name,
                Status.FAIL,
                f"the {environment} credentials reach account {in_account[0]}, not {account.account_id}",
                account.reach_fix,
            ),
            {},
        )
    status = str(described.get("StackStatus", ""))
    outputs = {str(o["OutputKey"]): str(o.get("OutputValue", "")) for o in described.get("Outputs", [])}
    if status not in COMPLETE:
        return CheckResult(name, Status.FAIL, f"stack {stack} is {status}; see its events", fix), outputs
    missing = [key for key in BOOTSTRAP_OUTPUTS if not outputs.get(key)]
    if missing:
        detail = f"stack {stack} lacks outputs {_listed(missing)} (bootstrapped by an older kit)"
        return CheckResult(name, Status.FAIL, detail, fix), outputs
    detail = f"{stack} {status} in {account.account_id} with {_listed(BOOTSTRAP_OUTPUTS)}"
    return CheckResult(name, Status.PASS, detail), outputs


# --- stage 2: the base-infrastructure repository -------------------------------------------------------------


def _names(items: Iterable[Any]) -> dict[str, str]:
    return {str(item.name): str(getattr(item, "value", "") or "") for item in items}


def _reviewed(environment: Any) -> bool:
    rules = getattr(environment, "protection_rules", None) or []
    return any(getattr(rule, "type", "") == "required_reviewers" for rule in rules)


def check_base_repository(
    config: PlatformConfig,
    business_unit: str,
    github: Any,
    outputs: Mapping[str, Mapping[str, str]] | None = None,
) -> CheckResult:
    """The base-infrastructure repository exists with the environments and variables its workflows read (names
    from ``base_settings``); with the bootstrap ``outputs`` known, their values match them too. Required reviewers
    are expected where the org's GitHub plan allows them (``plan.py``)."""
    org_name = config.github.org
    full_name = f"{org_name}/{config.github.base_infrastructure_repo}"
    name = "github:base-infrastructure"
    fix = f"mlops org publish{unit_flag(config, business_unit)} (after `mlops bootstrap`)"
    from github.GithubException import UnknownObjectException

    try:
        org = github.get_organization(org_name)
        repo = org.get_repo(config.github.base_infrastructure_repo)
        repo_variables = _names(repo.get_variables())
        environments = {str(env.name): env for env in repo.get_environments()}
        org_variables = _names(org.get_variables())
        reviewers_allowed = PlanRules.of(org).reviewers_allowed(str(getattr(repo, "visibility", "") or "private"))
    except UnknownObjectException:
        return CheckResult(name, Status.FAIL, f"{full_name} does not exist (or the token cannot see it)", fix)
    missing: list[str] = [f"org variable {v}" for v in ORG_VARIABLES if v not in org_variables]
    wrong: list[str] = []
    for environment in ENVIRONMENTS:
        stack = (outputs or {}).get(environment) or {}
        for template, output in PLAN_VARIABLES.items():
            variable = plan_variable(template, environment)
            if variable not in repo_variables:
                missing.append(f"variable {variable}")
            elif stack.get(output) and repo_variables[variable] != stack[output]:
                wrong.append(f"{variable} is not the {environment} stack's {output}")
        env = environments.get(environment)
        if env is None:
            missing.append(f"environment {environment}")
            continue
        env_variables = _names(env.get_variables())
        for variable, output in ENVIRONMENT_VARIABLES.items():
            if variable not in env_variables:
                missing.append(f"{environment} variable {variable}")
            elif stack.get(output) and env_variables[variable] != stack[output]:
                wrong.append(f"{environment} {variable} is not the stack's {output}")
        if environment in REVIEWED_ENVIRONMENTS and reviewers_allowed and not _reviewed(env):
            missing.append(f"required reviewers on {environment}")
    if PLAN_ENVIRONMENT not in environments:
        missing.append(f"environment {PLAN_ENVIRONMENT}")
    if missing or wrong:
        return CheckResult(name, Status.FAIL, f"{full_name} lacks {_listed(missing + wrong)}", fix)
    count = len(repo_variables) + len(org_variables)
    shown = ", ".join([*ENVIRONMENTS, PLAN_ENVIRONMENT])
    return CheckResult(name, Status.PASS, f"{full_name}: environments {shown}; {count} variables set")


# --- stage 3: base infrastructure applied ---------------------------------------------------------------------


def check_base_applied(config: PlatformConfig, account: Account) -> CheckResult:
    """The account's base infrastructure was applied: its SSM contract names the account's environment."""
    environment = account.environment
    name = f"base-infrastructure:{environment}"
    repo = f"{config.github.org}/{config.github.base_infrastructure_repo}"
    approval = f"; approve its {environment} job" if environment in REVIEWED_ENVIRONMENTS else ""
    fix = f"{repo}'s deploy workflow applies it on each push to main (`mlops org publish` pushes one){approval}"
    if account.session is None:
        return _unreachable(name, account)
    try:
        value = account.session.client("ssm").get_parameter(Name=ENVIRONMENT_PARAMETER)["Parameter"]["Value"]
    except Exception as error:
        if _code(error) == "ParameterNotFound":
            detail = f"not applied in {account.account_id} yet (no SSM parameter {ENVIRONMENT_PARAMETER})"
            return CheckResult(name, Status.FAIL, detail, fix)
        return CheckResult(name, Status.FAIL, f"cannot read SSM {ENVIRONMENT_PARAMETER} ({_code(error)})", fix)
    if value != environment:
        detail = f"account {account.account_id} holds the {value} environment, not {environment}"
        return CheckResult(name, Status.FAIL, detail, "check the account ids of platform.yaml")
    return CheckResult(name, Status.PASS, f"applied in {account.account_id} (SSM {ENVIRONMENT_PARAMETER} = {value})")


# --- stage 4: the GitHub credential ---------------------------------------------------------------------------


def check_credential_secret(account: Account) -> CheckResult:
    """The credential secret base-infrastructure created in dev holds a value. Only DescribeSecret: the value
    itself is never read."""
    name = "credential-secret"
    fix = "mlops github set-credentials (prompts for the token; --app-private-key app.pem for a GitHub App)"
    if account.session is None:
        return _unreachable(name, account)
    try:
        secret_id = account.session.client("ssm").get_parameter(Name=SECRET_PARAMETER)["Parameter"]["Value"]
    except Exception as error:
        detail = f"no SSM {SECRET_PARAMETER} in dev ({_code(error)}): base infrastructure is not applied there"
        return CheckResult(name, Status.FAIL, detail, "apply base-infrastructure in dev first")
    try:
        described = account.session.client("secretsmanager").describe_secret(SecretId=secret_id)
    except Exception as error:
        return CheckResult(name, Status.FAIL, f"cannot describe {secret_id} ({_code(error)})", fix)
    stages = described.get("VersionIdsToStages") or {}
    if not any("AWSCURRENT" in labels for labels in stages.values()):
        return CheckResult(name, Status.FAIL, f"{described.get('Name', secret_id)} is empty", fix)
    changed = described.get("LastChangedDate")
    when = f" (last changed {changed:%Y-%m-%d %H:%M})" if hasattr(changed, "strftime") else ""
    return CheckResult(name, Status.PASS, f"{described.get('Name', secret_id)} holds a value{when}")


# --- stage 5: project templates in Service Catalog ------------------------------------------------------------


def _products(catalog: Any) -> dict[str, str]:
    products: dict[str, str] = {}
    token: str | None = None
    while True:
        page = catalog.search_products_as_admin(**({"PageToken": token} if token else {}))
        for detail in page.get("ProductViewDetails", []):
            summary = detail.get("ProductViewSummary", {})
            products[str(summary.get("Name"))] = str(summary.get("ProductId"))
        token = page.get("NextPageToken")
        if not token:
            return products


def _studio_problem(catalog: Any, product: str, product_id: str) -> str | None:
    tags = catalog.describe_product_as_admin(Id=product_id).get("Tags", [])
    if not any(t.get("Key") == STUDIO_VISIBILITY_TAG and t.get("Value") == "true" for t in tags):
        return f"{product} lacks the tag {STUDIO_VISIBILITY_TAG}=true"
    portfolios = catalog.list_portfolios_for_product(ProductId=product_id).get("PortfolioDetails", [])
    if not portfolios:
        return f"{product} is in no portfolio"
    for portfolio in portfolios:
        principals = catalog.list_principals_for_portfolio(PortfolioId=portfolio["Id"]).get("Principals", [])
        if principals:
            return None
    return f"{product}'s portfolio has no Studio role associated"


def check_templates(config: PlatformConfig, account: Account) -> CheckResult:
    """Each enabled project template is a Service Catalog product Studio lists: tagged for Studio and in a
    portfolio shared with the Studio roles."""
    name = "templates"
    fix = "apply base-infrastructure in dev (it publishes templates.enabled of platform.yaml)"
    if account.session is None:
        return _unreachable(name, account)
    catalog = account.session.client("servicecatalog")
    wanted = [f"{config.naming_prefix}-{kind.value}" for kind in config.templates.enabled]
    try:
        products = _products(catalog)
        missing = [product for product in wanted if product not in products]
        problems = [
            problem
            for product in wanted
            if product in products and (problem := _studio_problem(catalog, product, products[product]))
        ]
    except Exception as error:
        return CheckResult(name, Status.FAIL, f"cannot read Service Catalog in dev ({_code(error)})", fix)
    if missing:
        return CheckResult(name, Status.FAIL, f"no Service Catalog product {_listed(missing)} in dev", fix)
    if problems:
        return CheckResult(name, Status.FAIL, _listed(problems), fix)
    return CheckResult(name, Status.PASS, f"{len(wanted)} templates visible in Studio: {_listed(wanted)}")


# --- all stages -----------------------------------------------------------------------------------------------


def stage_checks(
    config: PlatformConfig,
    business_unit: str,
    accounts: Mapping[str, Account] | None,
    github: Callable[[], Any] | None,
) -> list[CheckResult]:
    """Every stage check that can run: AWS ones with ``accounts``, GitHub ones with ``github`` (a client factory,
    called once; a failure to build it is the GitHub check's failure)."""
    results: list[CheckResult] = []
    outputs: dict[str, dict[str, str]] = {}
    if accounts is not None:
        for environment in ENVIRONMENTS:
            result, stack_outputs = check_bootstrap_stack(config, business_unit, accounts[environment])
            results.append(result)
            outputs[environment] = stack_outputs
    if github is not None:
        try:
            results.append(check_base_repository(config, business_unit, github(), outputs or None))
        except Exception as error:
            from platform_cli.provisioning.errors_map import translate

            detail = str(translate(error, "checking the base-infrastructure repository"))
            results.append(CheckResult("github:base-infrastructure", Status.FAIL, detail, "see the github check"))
    if accounts is not None:
        results += [check_base_applied(config, accounts[environment]) for environment in ENVIRONMENTS]
        results.append(check_credential_secret(accounts["dev"]))
        results.append(check_templates(config, accounts["dev"]))
    return results
