#!/usr/bin/env bash
# Bootstrap one AWS account for mlops-platform: deploys bootstrap.yaml (Terraform state bucket and lock table, the
# GitHub OIDC provider, the plan/apply roles of the base-infrastructure repository and their permissions boundary).
# Safe to re-run: the same inputs change nothing and exit 0. Run with --help for usage.
set -euo pipefail

readonly SCRIPT_NAME="bootstrap.sh"
SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly OIDC_HOST="token.actions.githubusercontent.com"

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [options]

Bootstrap one AWS account (dev, preprod or prod) for mlops-platform with CloudFormation (bootstrap.yaml).
Every option can also come from an environment variable; in a terminal, missing values are prompted for.

Options:
  -e, --env ENV               environment of this account: dev, preprod or prod        [MLOPS_ENV]
  -o, --org ORG               GitHub organisation (exact case)                         [MLOPS_GITHUB_ORG]
      --repo REPO             base-infrastructure repository name                      [MLOPS_BASE_INFRA_REPO]
                              (default: base-infrastructure)
      --prefix PREFIX         naming prefix, platform.yaml naming_prefix (default: mlops)  [MLOPS_NAMING_PREFIX]
  -r, --region REGION         AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)
  -p, --profile PROFILE       AWS CLI profile to use                                   [AWS_PROFILE]
      --expect-account ID     refuse to run unless the credentials belong to this account  [MLOPS_EXPECT_ACCOUNT]
      --oidc-provider-arn ARN reuse this GitHub OIDC provider (default: detected; created if none)
                                                                                       [MLOPS_OIDC_PROVIDER_ARN]
      --state-retention-days N days a superseded state version is kept, 30-3650 (default: 365)
                                                                                       [MLOPS_STATE_RETENTION_DAYS]
      --stack-name NAME       CloudFormation stack name (default: PREFIX-ENV-bootstrap)  [MLOPS_STACK_NAME]
      --template FILE         template to deploy (default: bootstrap.yaml next to this script)
      --outputs-file FILE     also write the stack outputs there as JSON
      --dry-run               show the change set, then delete it; change nothing      [MLOPS_DRY_RUN=1]
  -y, --yes                   do not ask for confirmation (required when not in a terminal)  [MLOPS_ASSUME_YES=1]
  -h, --help                  show this help and exit

Examples:
  ${SCRIPT_NAME}                                            # interactive, with defaults
  ${SCRIPT_NAME} --env prod --org acme --region eu-west-1 --expect-account 333333333333 --yes
  AWS_PROFILE=acme-dev ${SCRIPT_NAME} --env dev --org acme --dry-run

Needs: the aws CLI and credentials for the target account (admin or equivalent). Honours AWS_PROFILE,
AWS_REGION and AWS_ENDPOINT_URL, so it runs unchanged against a local AWS emulation.
EOF
}

die() {
  printf '%s: error: %s\n' "${SCRIPT_NAME}" "$*" >&2
  exit 1
}

usage_error() {
  printf '%s: error: %s (see --help)\n' "${SCRIPT_NAME}" "$*" >&2
  exit 2
}

say() { printf '%s\n' "$*"; }

# ------------------------------------------------------------------------------------------------ inputs
ENVIRONMENT="${MLOPS_ENV:-}"
GITHUB_ORG="${MLOPS_GITHUB_ORG:-}"
GITHUB_REPO="${MLOPS_BASE_INFRA_REPO:-}"
NAMING_PREFIX="${MLOPS_NAMING_PREFIX:-}"
REGION=""
PROFILE="${AWS_PROFILE:-}"
EXPECT_ACCOUNT="${MLOPS_EXPECT_ACCOUNT:-}"
OIDC_PROVIDER_ARN="${MLOPS_OIDC_PROVIDER_ARN:-}"
STACK_NAME="${MLOPS_STACK_NAME:-}"
RETENTION_DAYS="${MLOPS_STATE_RETENTION_DAYS:-365}"
TEMPLATE="${SCRIPT_DIR}/bootstrap.yaml"
OUTPUTS_FILE=""
DRY_RUN="${MLOPS_DRY_RUN:-0}"
ASSUME_YES="${MLOPS_ASSUME_YES:-0}"

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || usage_error "option $1 needs a value"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -e | --env) need_value "$@"; ENVIRONMENT="$2"; shift 2 ;;
    -o | --org) need_value "$@"; GITHUB_ORG="$2"; shift 2 ;;
    --repo) need_value "$@"; GITHUB_REPO="$2"; shift 2 ;;
    --prefix) need_value "$@"; NAMING_PREFIX="$2"; shift 2 ;;
    -r | --region) need_value "$@"; REGION="$2"; shift 2 ;;
    -p | --profile) need_value "$@"; PROFILE="$2"; shift 2 ;;
    --expect-account) need_value "$@"; EXPECT_ACCOUNT="$2"; shift 2 ;;
    --oidc-provider-arn) need_value "$@"; OIDC_PROVIDER_ARN="$2"; shift 2 ;;
    --state-retention-days) need_value "$@"; RETENTION_DAYS="$2"; shift 2 ;;
    --stack-name) need_value "$@"; STACK_NAME="$2"; shift 2 ;;
    --template) need_value "$@"; TEMPLATE="$2"; shift 2 ;;
    --outputs-file) need_value "$@"; OUTPUTS_FILE="$2"; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -y | --yes) ASSUME_YES=1; shift ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done

INTERACTIVE=0
if [[ -t 0 && -t 1 ]]; then INTERACTIVE=1; fi

# Ask for a value in a terminal (showing the default); elsewhere keep the default.
ask() {
  local prompt="$1" default="$2" answer=""
  if [[ "${INTERACTIVE}" == 1 ]]; then
    read -r -p "${prompt}${default:+ [${default}]}: " answer || true
  fi
  printf '%s' "${answer:-${default}}"
}

if [[ -n "${PROFILE}" ]]; then export AWS_PROFILE="${PROFILE}"; fi

if [[ -z "${ENVIRONMENT}" ]]; then ENVIRONMENT="$(ask "Environment of this account (dev, preprod, prod)" "")"; fi
if [[ -z "${GITHUB_ORG}" ]]; then GITHUB_ORG="$(ask "GitHub organisation" "")"; fi
if [[ -z "${GITHUB_REPO}" ]]; then GITHUB_REPO="$(ask "base-infrastructure repository" "base-infrastructure")"; fi
if [[ -z "${NAMING_PREFIX}" ]]; then NAMING_PREFIX="$(ask "Naming prefix" "mlops")"; fi
if [[ -z "${REGION}" ]]; then
  default_region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  if [[ -z "${default_region}" ]] && command -v aws >/dev/null 2>&1; then
    default_region="$(aws configure get region 2>/dev/null || true)"
  fi
  REGION="$(ask "AWS region" "${default_region}")"
fi
if [[ -z "${STACK_NAME}" ]]; then STACK_NAME="${NAMING_PREFIX}-${ENVIRONMENT}-bootstrap"; fi

# ------------------------------------------------------------------------------------------------ validation
# Every input is checked here, before any AWS call: a bad value stops with one line and changes nothing.
[[ -n "${ENVIRONMENT}" ]] || usage_error "missing environment: pass --env dev|preprod|prod (or set MLOPS_ENV)"
case "${ENVIRONMENT}" in
  dev | preprod | prod) ;;
  *) die "unknown environment '${ENVIRONMENT}': use dev, preprod or prod" ;;
esac
[[ -n "${GITHUB_ORG}" ]] || usage_error "missing GitHub organisation: pass --org ORG (or set MLOPS_GITHUB_ORG)"
if [[ ${#GITHUB_ORG} -gt 39 || ! "${GITHUB_ORG}" =~ ^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$ ]]; then
  die "invalid GitHub organisation '${GITHUB_ORG}': use 1-39 letters, digits and single inner hyphens"
fi
if [[ ${#GITHUB_REPO} -gt 100 || ! "${GITHUB_REPO}" =~ ^[A-Za-z0-9_.-]+$ || "${GITHUB_REPO}" =~ ^\.+$ ]]; then
  die "invalid repository name '${GITHUB_REPO}': use 1-100 letters, digits, '.', '_' and '-'"
fi
if [[ ! "${NAMING_PREFIX}" =~ ^[a-z][a-z0-9-]{1,18}[a-z0-9]$ ]]; then
  die "invalid naming prefix '${NAMING_PREFIX}': use 3-20 of a-z, 0-9 and -, starting with a letter"
fi
[[ -n "${REGION}" ]] || usage_error "missing region: pass --region REGION (or set AWS_REGION)"
if [[ ! "${REGION}" =~ ^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$ ]]; then
  die "invalid region '${REGION}': use an AWS region name such as eu-west-1"
fi
if [[ -n "${EXPECT_ACCOUNT}" && ! "${EXPECT_ACCOUNT}" =~ ^[0-9]{12}$ ]]; then
  die "invalid --expect-account '${EXPECT_ACCOUNT}': use a 12-digit AWS account id"
fi
if [[ -n "${OIDC_PROVIDER_ARN}" && ! "${OIDC_PROVIDER_ARN}" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$ ]]; then
  die "invalid --oidc-provider-arn '${OIDC_PROVIDER_ARN}': use the ARN of the ${OIDC_HOST} provider"
fi
if [[ ! "${RETENTION_DAYS}" =~ ^[0-9]{1,4}$ ]] || ((10#${RETENTION_DAYS} < 30 || 10#${RETENTION_DAYS} > 3650)); then
  die "invalid --state-retention-days '${RETENTION_DAYS}': use a whole number of days from 30 to 3650"
fi
RETENTION_DAYS="$((10#${RETENTION_DAYS}))"
if [[ ! "${STACK_NAME}" =~ ^[A-Za-z][A-Za-z0-9-]{0,127}$ ]]; then
  die "invalid stack name '${STACK_NAME}': use letters, digits and -, starting with a letter"
fi
[[ -f "${TEMPLATE}" ]] || die "template not found: ${TEMPLATE} (pass --template FILE)"
if [[ -n "${OUTPUTS_FILE}" && ! -d "$(dirname -- "${OUTPUTS_FILE}")" ]]; then
  die "cannot write --outputs-file ${OUTPUTS_FILE}: its directory does not exist"
fi

# ------------------------------------------------------------------------------------------------ prerequisites
command -v aws >/dev/null 2>&1 ||
  die "aws CLI not found on PATH: install it (pip install awscli, or AWS CLI v2) and retry"

export AWS_REGION="${REGION}" AWS_DEFAULT_REGION="${REGION}"
export AWS_PAGER=""

# Read-only calls only until the admin has confirmed.
if ! identity_error="$(aws sts get-caller-identity --query Account --output text 2>&1)"; then
  first_line="$(printf '%s' "${identity_error}" | grep -v '^[[:space:]]*$' | head -n 1)"
  die "no usable AWS credentials (${first_line:-aws sts get-caller-identity failed}): set AWS_PROFILE or run 'aws configure'"
fi
ACCOUNT_ID="$(printf '%s' "${identity_error}" | tr -d '[:space:]')"
[[ "${ACCOUNT_ID}" =~ ^[0-9]{12}$ ]] || die "could not read the account id from AWS STS (got '${ACCOUNT_ID}')"
if [[ -n "${EXPECT_ACCOUNT}" && "${ACCOUNT_ID}" != "${EXPECT_ACCOUNT}" ]]; then
  die "wrong account: the credentials belong to ${ACCOUNT_ID}, --expect-account is ${EXPECT_ACCOUNT}; switch profile"
fi

# One read of the stack: status, termination protection, and the OIDC provider parameter it was deployed with.
stack_query="join('|', [StackStatus, to_string(EnableTerminationProtection || \`false\`), \
(Parameters[?ParameterKey=='ExistingOidcProviderArn'].ParameterValue | [0]) || ''])"
if stack_line="$(aws cloudformation describe-stacks --stack-name "${STACK_NAME}" \
  --query "Stacks[0].${stack_query}" --output text 2>&1)"; then
  IFS='|' read -r STACK_STATUS STACK_PROTECTED STACK_OIDC_ARN <<<"${stack_line}"
elif [[ "${stack_line}" == *"does not exist"* ]]; then
  STACK_STATUS="" STACK_PROTECTED="" STACK_OIDC_ARN=""
else
  die "cannot read stack ${STACK_NAME}: $(printf '%s' "${stack_line}" | grep -v '^[[:space:]]*$' | head -n 1)"
fi
case "${STACK_STATUS}" in
  "" | None | REVIEW_IN_PROGRESS) STACK_STATUS="" ;;
  ROLLBACK_COMPLETE | ROLLBACK_FAILED | DELETE_FAILED)
    die "stack ${STACK_NAME} is ${STACK_STATUS}: inspect its events, delete it, then re-run" ;;
  *_IN_PROGRESS) die "stack ${STACK_NAME} is ${STACK_STATUS}: wait for it to finish, then re-run" ;;
  *) ;;
esac

# One OIDC provider per URL and account. Keep what the stack already uses; otherwise reuse the account's provider.
OIDC_SOURCE="given"
if [[ -z "${OIDC_PROVIDER_ARN}" ]]; then
  if [[ -n "${STACK_STATUS}" ]]; then
    OIDC_PROVIDER_ARN="${STACK_OIDC_ARN:-}"
    OIDC_SOURCE="kept from the stack"
  else
    OIDC_PROVIDER_ARN="$(aws iam list-open-id-connect-providers \
      --query "OpenIDConnectProviderList[?ends_with(Arn, 'oidc-provider/${OIDC_HOST}')].Arn | [0]" \
      --output text)"
    OIDC_SOURCE="found in the account"
  fi
  [[ "${OIDC_PROVIDER_ARN}" != "None" ]] || OIDC_PROVIDER_ARN=""
fi
if [[ -n "${OIDC_PROVIDER_ARN}" ]]; then
  OIDC_PLAN="reuse ${OIDC_PROVIDER_ARN} (${OIDC_SOURCE})"
elif [[ -n "${STACK_STATUS}" ]]; then
  OIDC_PLAN="keep the provider this stack created"
else
  OIDC_PLAN="create https://${OIDC_HOST} (audience sts.amazonaws.com)"
fi

PARAMETERS=(
  "NamingPrefix=${NAMING_PREFIX}"
  "Environment=${ENVIRONMENT}"
  "GitHubOrg=${GITHUB_ORG}"
  "GitHubRepo=${GITHUB_REPO}"
  "ExistingOidcProviderArn=${OIDC_PROVIDER_ARN}"
  "StateVersionRetentionDays=${RETENTION_DAYS}"
)
# Every parameter is passed explicitly on every run, so the same inputs always produce the same (empty) change set.

say "mlops-platform bootstrap"
say "  account        ${ACCOUNT_ID}${EXPECT_ACCOUNT:+ (as expected)}"
say "  region         ${REGION}"
say "  environment    ${ENVIRONMENT}"
say "  stack          ${STACK_NAME} ($([[ -n "${STACK_STATUS}" ]] && printf 'update if changed, now %s' "${STACK_STATUS}" || printf 'create'))"
say "  state bucket   ${NAMING_PREFIX}-${ENVIRONMENT}-state-${ACCOUNT_ID}-${REGION}"
say "  lock table     ${NAMING_PREFIX}-${ENVIRONMENT}-terraform-locks"
say "  OIDC provider  ${OIDC_PLAN}"
say "  plan role      ${NAMING_PREFIX}-${ENVIRONMENT}-github-plan   <- repo:${GITHUB_ORG}/${GITHUB_REPO}:environment:plan"
say "  apply role     ${NAMING_PREFIX}-${ENVIRONMENT}-github-apply  <- repo:${GITHUB_ORG}/${GITHUB_REPO}:environment:${ENVIRONMENT}"
say "  mode           $([[ "${DRY_RUN}" == 1 ]] && printf 'dry run (change set shown, then deleted)' || printf 'deploy')"

if [[ "${ASSUME_YES}" != 1 ]]; then
  if [[ "${INTERACTIVE}" != 1 ]]; then
    die "not a terminal and no --yes: pass --yes to run unattended"
  fi
  read -r -p "Proceed? [y/N]: " reply || true
  [[ "${reply}" =~ ^[Yy]([Ee][Ss])?$ ]] || die "cancelled; nothing was changed"
fi

# ------------------------------------------------------------------------------------------------ dry run
if [[ "${DRY_RUN}" == 1 ]]; then
  change_set="${STACK_NAME}-dry-run-$(date +%Y%m%d%H%M%S)"
  change_set_type="UPDATE"
  [[ -n "${STACK_STATUS}" ]] || change_set_type="CREATE"
  parameter_args=()
  for parameter in "${PARAMETERS[@]}"; do
    parameter_args+=("ParameterKey=${parameter%%=*},ParameterValue=${parameter#*=}")
  done
  aws cloudformation create-change-set --stack-name "${STACK_NAME}" --change-set-name "${change_set}" \
    --change-set-type "${change_set_type}" --template-body "file://${TEMPLATE}" \
    --capabilities CAPABILITY_NAMED_IAM --parameters "${parameter_args[@]}" --output text --query Id >/dev/null
  # shellcheck disable=SC2329 # invoked by the EXIT trap below
  cleanup_dry_run() {
    if [[ "${change_set_type}" == CREATE ]]; then
      # A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS; deleting it deletes the change set too.
      aws cloudformation delete-stack --stack-name "${STACK_NAME}" >/dev/null 2>&1 || true
    else
      aws cloudformation delete-change-set --stack-name "${STACK_NAME}" --change-set-name "${change_set}" \
        >/dev/null 2>&1 || true
    fi
  }
  trap cleanup_dry_run EXIT
  for _ in $(seq 1 150); do
    IFS='|' read -r status reason < <(aws cloudformation describe-change-set --stack-name "${STACK_NAME}" \
      --change-set-name "${change_set}" --query "join('|', [Status, StatusReason || ''])" --output text) || true
    [[ "${status}" == CREATE_PENDING || "${status}" == CREATE_IN_PROGRESS ]] || break
    sleep 2
  done
  if [[ "${status}" == FAILED && ( "${reason}" == *"didn't contain changes"* || "${reason}" == *"No updates"* ) ]]; then
    say ""
    say "Dry run: no changes; the stack is up to date."
    exit 0
  fi
  [[ "${status}" == CREATE_COMPLETE ]] || die "change set ${change_set} is ${status}: ${reason}"
  say ""
  say "Dry run: change set ${change_set} (${change_set_type}) would make these changes; nothing is executed and"
  say "the change set is deleted:"
  changes="$(aws cloudformation describe-change-set --stack-name "${STACK_NAME}" --change-set-name "${change_set}" \
    --query 'Changes[].ResourceChange.[Action, LogicalResourceId, ResourceType, Replacement]' --output text)"
  if [[ -z "${changes}" ]]; then
    say "  (the change set lists no resource changes; parameters differ from the stack's)"
  else
    while IFS=$'\t' read -r action resource type replacement; do
      printf '  %-8s %-28s %-28s %s\n' "${action}" "${resource}" "${type}" \
        "$([[ "${replacement}" == True ]] && printf 'REPLACEMENT' || true)"
    done <<<"${changes}"
  fi
  exit 0
fi

# ------------------------------------------------------------------------------------------------ deploy
say ""
say "Deploying ${STACK_NAME} ..."
aws cloudformation deploy --stack-name "${STACK_NAME}" --template-file "${TEMPLATE}" \
  --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset \
  --parameter-overrides "${PARAMETERS[@]}"
# Deleting the stack would not delete the retained state, but would orphan the roles' guard rails.
if [[ "${STACK_PROTECTED:-}" != true ]]; then
  aws cloudformation update-termination-protection --stack-name "${STACK_NAME}" \
    --enable-termination-protection >/dev/null
fi

declare -A OUTPUTS=()
while IFS=$'\t' read -r key value; do
  [[ -n "${key}" ]] && OUTPUTS["${key}"]="${value}"
done < <(aws cloudformation describe-stacks --stack-name "${STACK_NAME}" \
  --query 'Stacks[0].Outputs[].[OutputKey, OutputValue]' --output text)
output() { printf '%s' "${OUTPUTS[$1]:-<missing output $1>}"; }
mapfile -t OUTPUT_KEYS < <(printf '%s\n' "${!OUTPUTS[@]}" | sort)

say ""
say "Stack outputs:"
for key in "${OUTPUT_KEYS[@]}"; do
  printf '  %-26s %s\n' "${key}" "${OUTPUTS[${key}]}"
done
if [[ -n "${OUTPUTS_FILE}" ]]; then
  json_string() {
    local text="${1//\\/\\\\}"
    printf '"%s"' "${text//\"/\\\"}"
  }
  {
    printf '['
    separator=""
    for key in "${OUTPUT_KEYS[@]}"; do
      printf '%s\n  {"OutputKey": %s, "OutputValue": %s}' "${separator}" "$(json_string "${key}")" \
        "$(json_string "${OUTPUTS[${key}]}")"
      separator=","
    done
    printf '\n]\n'
  } >"${OUTPUTS_FILE}"
fi

repo="${GITHUB_ORG}/${GITHUB_REPO}"
ENV_UPPER="$(printf '%s' "${ENVIRONMENT}" | tr '[:lower:]' '[:upper:]')"
cat <<EOF

Next steps (no secrets are needed: GitHub Actions reaches AWS through OIDC):
  1. Bootstrap the other accounts the same way, or all three at once: mlops bootstrap --business-unit <name>
  2. Publish the platform into the organisation: creates ${repo}, its environments dev, preprod and prod
     (preprod and prod reviewed; deployments from main only), the variables its workflows read (from each
     account's stack outputs that mlops bootstrap saved), and the org variables MLOPS_AWS_REGION=${REGION} and
     MLOPS_NAMING_PREFIX=${NAMING_PREFIX}:
       mlops org publish
  3. Or set this account's variables by hand with the GitHub CLI (after creating the '${ENVIRONMENT}' environment):
       gh variable set TF_APPLY_ROLE_ARN --repo ${repo} --env ${ENVIRONMENT} --body $(output ApplyRoleArn)
       gh variable set TF_STATE_BUCKET --repo ${repo} --env ${ENVIRONMENT} --body $(output StateBucketName)
       gh variable set TF_LOCK_TABLE --repo ${repo} --env ${ENVIRONMENT} --body $(output LockTableName)
       gh variable set TF_PLAN_ROLE_ARN_${ENV_UPPER} --repo ${repo} --body $(output PlanRoleArn)
       gh variable set TF_STATE_BUCKET_${ENV_UPPER} --repo ${repo} --body $(output StateBucketName)
       gh variable set TF_LOCK_TABLE_${ENV_UPPER} --repo ${repo} --body $(output LockTableName)
  4. Terraform backend of ${ENVIRONMENT} (backend.hcl):
       bucket         = "$(output StateBucketName)"
       key            = "base-infrastructure/${ENVIRONMENT}.tfstate"
       region         = "${REGION}"
       dynamodb_table = "$(output LockTableName)"
       kms_key_id     = "$(output StateKmsKeyArn)"
       encrypt        = true
     Every IAM role the base infrastructure creates must be named ${NAMING_PREFIX}-* and set
       permissions_boundary = "$(output PermissionsBoundaryArn)"
EOF
