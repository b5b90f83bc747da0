# mlops-platform: the two commands a newcomer needs are `make demo` and `make test`.
# Both create (or reuse) the virtual environment in .venv and a Terraform CLI config in .tf-cli-config.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Where a local Terraform provider mirror may live (CI images, air-gapped machines). When it holds providers,
# Terraform installs those from it; everything else, and everything when it is absent, comes from the registry.
TF_PLUGIN_MIRROR ?= /opt/tf-plugins
TF_CLI_CONFIG := $(CURDIR)/.tf-cli-config
export TF_CLI_CONFIG_FILE := $(TF_CLI_CONFIG)
export TF_IN_AUTOMATION := 1
PYTEST_ARGS ?=
DEMO_ARGS ?=
PROVISIONING_BENCH_ARGS ?=

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

# --- environment -------------------------------------------------------------------------------------------

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11+ is required (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing mlops-platform and its dev tools into $(VENV) (first run only)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create or update the virtual environment

.PHONY: tf-config
tf-config: ## Write the Terraform CLI config (uses TF_PLUGIN_MIRROR when it holds providers)
	@if [ -d "$(TF_PLUGIN_MIRROR)/registry.terraform.io" ]; then \
	  providers=$$(cd "$(TF_PLUGIN_MIRROR)" && find registry.terraform.io -mindepth 2 -maxdepth 2 -type d | sort | sed 's/.*/"&"/' | paste -sd, -); \
	  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = [%s]\n  }\n  direct {\n    exclude = [%s]\n  }\n}\n' \
	    "$(TF_PLUGIN_MIRROR)" "$$providers" "$$providers" > $(TF_CLI_CONFIG).tmp; \
	else \
	  printf '# No provider mirror at %s: Terraform uses its registry.\n' "$(TF_PLUGIN_MIRROR)" > $(TF_CLI_CONFIG).tmp; \
	fi
	@mv $(TF_CLI_CONFIG).tmp $(TF_CLI_CONFIG)

# --- the two quick-start commands -----------------------------------------------------------------------------

.PHONY: demo
demo: venv tf-config ## Rehearse the whole platform on this machine (local AWS + local GitHub forge)
	@TF_PLUGIN_MIRROR=$(TF_PLUGIN_MIRROR) $(BIN)/mlops demo $(DEMO_ARGS)

.PHONY: test
test: venv tf-config lint ## Run every test and quality gate
	@$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# --- quality gates and tools ------------------------------------------------------------------------------------

.PHONY: lint
lint: venv ## ruff (lint + format check), mypy, the import contracts (layers) and the Terraform README tables
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy
	@$(BIN)/lint-imports --no-cache
	@$(BIN)/python -m tests.base_infrastructure.tf_docs --check

.PHONY: tf-docs
tf-docs: venv ## Regenerate the input/output tables of the Terraform module and example READMEs
	@$(BIN)/python -m tests.base_infrastructure.tf_docs

.PHONY: format
format: venv ## Apply ruff's formatting and safe fixes
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

.PHONY: bench
bench: venv tf-config ## Print the benchmark figures (speed and memory targets)
	@echo "== local AWS (moto) start-up"; $(BIN)/python -m platform_cli.local.aws_bench
	@echo "== local forge"; $(BIN)/python -m platform_cli.local.forge.bench
	@echo "== project provisioning"; $(BIN)/python -m platform_cli.local.provisioning_bench $(PROVISIONING_BENCH_ARGS)
	@echo "== template local runs"; $(BIN)/python -m platform_cli.local.template_bench
	@echo "== base infrastructure apply per environment"; $(BIN)/python -m tests.base_infrastructure.bench

.PHONY: lambda
lambda: venv ## Build the reproducible Lambda zip into build/lambda.zip (prints size and sha256)
	@$(BIN)/python -m platform_cli.lambdas.build --out build/lambda.zip

.PHONY: project-templates
project-templates: venv ## Render the SageMaker project templates into base-infrastructure/project-templates/rendered
	@$(BIN)/python -m platform_cli.project_templates.render

.PHONY: diagrams
diagrams: venv ## Render the architecture diagrams into architecture/ (graphviz-pure from .[dev]: no system Graphviz)
	@$(BIN)/python architecture/render.py --out architecture

.PHONY: test-templates
test-templates: venv ## Only the template repos: their tests and local runs (cached environments) and the contract
	@$(BIN)/pytest tests/templates $(PYTEST_ARGS)

.PHONY: clean
clean: ## Remove build outputs and caches (keeps .venv and the template environments in .venv-templates)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .coverage $(TF_CLI_CONFIG)
