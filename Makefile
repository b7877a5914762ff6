# The interface of the platform. `make help` lists the targets.
#   make local              plan everything, apply what the emulator can run, summarise
#   make test               every gate: fmt, tfvars staleness, validate, terraform test, lint, pytest
#   make plan ENV=dev       plan a real environment (add OFFLINE=1 to plan it against the emulator)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON    ?= python3
ENV       ?= local
OFFLINE   ?=
VENV      := .venv
TOOLS     := .venv-tools
CLI       := $(VENV)/bin/platformctl
PYTEST    := $(VENV)/bin/pytest
RUFF      := $(VENV)/bin/ruff

# The machine's TF_CLI_CONFIG_FILE may point at a missing file: every terraform call made by
# make or by platformctl uses the repo's own config (filesystem mirror + plugin cache).
export TF_CLI_CONFIG_FILE := $(CURDIR)/build/terraform/terraform.tfrc
export CHECKPOINT_DISABLE := 1

OFFLINE_FLAG := $(if $(filter 1 true yes,$(OFFLINE)),--offline,)

.PHONY: help
# Every documented target (digits included: e2e), grouped under the file's "# -- group --" headings;
# colour only on a terminal, so a CI log or a pipe gets no raw escape codes.
help: ## List the targets, grouped by purpose
	@if [ -t 1 ]; then c='\033[36m'; r='\033[0m'; else c=''; r=''; fi; \
	grep -hE '^(# -- |[a-zA-Z0-9_.-]+:.*## )' $(MAKEFILE_LIST) | \
	awk -v c="$$c" -v r="$$r" '/^# -- / {sub(/^# -- /, ""); sub(/ -+$$/, ""); printf "\n%s\n", $$0; next} \
	{split($$0, a, ":.*## "); sub(/:.*/, "", a[1]); n = index($$0, "## "); printf "  %s%-16s%s %s\n", c, a[1], r, substr($$0, n + 3)}'
	@echo "  Variables: ENV=local|dev|staging|prod (default local), OFFLINE=1 (plan against the emulator)"

# -- setup -----------------------------------------------------------------------------------
.PHONY: check-terraform
check-terraform:
	@command -v $${TF_BINARY:-terraform} >/dev/null 2>&1 || command -v tofu >/dev/null 2>&1 || \
	  { echo "error: terraform not found on PATH: install Terraform >= 1.11 (or OpenTofu >= 1.10 and set TF_BINARY=tofu)" >&2; exit 1; }

# Both venvs install a hash-locked tree (requirements-lock.txt, requirements-tools-lock.txt) through
# ci/install-venv.sh: uv (itself hash-locked in ci/uv-lock.txt; pip as the fallback) shows each
# package, an unchanged lock installs nothing, and in the runner
# image (ci/Dockerfile) the venvs baked into the image are linked instead of rebuilt.
$(VENV)/.installed: requirements-lock.txt pyproject.toml ci/install-venv.sh ci/uv-lock.txt
	@PYTHON=$(PYTHON) ci/install-venv.sh $(VENV) requirements-lock.txt --project
	@touch $@

$(TOOLS)/.installed: requirements-tools-lock.txt ci/install-venv.sh ci/uv-lock.txt
	@PYTHON=$(PYTHON) ci/install-venv.sh $(TOOLS) requirements-tools-lock.txt
	@touch $@

.PHONY: venv tools lock lock-check
venv: $(VENV)/.installed ## Create the Python venv (hash-locked requirements-lock.txt)
tools: $(TOOLS)/.installed ## Create the checkov tools venv (hash-locked requirements-tools-lock.txt)
# uv resolves from PyPI into the lock files, keeping every version the old lock had unless a top-level
# pin moved. It runs from a throwaway venv under build/, never from .venv, and never downloads a Python.
UV_VERSION ?= 0.13.9
LOCK_VENV  := build/lock-venv
UV_COMPILE  = UV_PYTHON_DOWNLOADS=never $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --universal \
              --custom-compile-command "make lock"
lock: ## Re-lock requirements*-lock.txt (every package, with hashes) from the pins in requirements*.txt
	@[ -x $(LOCK_VENV)/bin/uv ] && [ "$$($(LOCK_VENV)/bin/uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] || \
	  { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --disable-pip-version-check uv==$(UV_VERSION); }
	$(UV_COMPILE) --python-version 3.11 requirements.txt -o requirements-lock.txt
	@# checkov's tree has soupsieve, which needs Python >= 3.11.5.
	$(UV_COMPILE) --python-version 3.11.5 requirements-tools.txt -o requirements-tools-lock.txt
	@# The installer of both venvs (ci/install-venv.sh), locked like everything else.
	echo "uv==$(UV_VERSION)" | $(UV_COMPILE) --python-version 3.11 - -o ci/uv-lock.txt
	@echo "locked $$(grep -cE '^[a-z0-9]' requirements-lock.txt) + $$(grep -cE '^[a-z0-9]' requirements-tools-lock.txt) packages"
	@# The runner image bakes the locks in: its tag in .gitlab-ci.yml follows them.
	$(MAKE) ci-image-tag
lock-check: venv ## Fail if a pin in requirements*.txt is missing from its lock file
	$(PYTEST) -q -p no:cacheprovider tests/ci/test_packaging.py -k lock

.PHONY: toolchain
toolchain: check-terraform venv
	@$(CLI) toolchain cli-config >/dev/null

# -- main job ----------------------------------------------------------------------------------
.PHONY: local
local: toolchain ## Start the emulator, generate tfvars, plan and apply envs/local, summarise
	$(CLI) local up

# -- environments ------------------------------------------------------------------------------
.PHONY: tfvars tfvars-check
tfvars: venv ## Generate envs/<env>/ inputs from config/
	$(CLI) catalog generate
tfvars-check: venv ## Fail if generated env inputs are stale
	$(CLI) catalog generate --check

.PHONY: docs docs-check
docs: venv ## Regenerate the inputs/outputs tables of every module README
	$(CLI) docs modules
docs-check: venv ## Fail if a module README's tables are stale
	$(CLI) docs modules --check

.PHONY: lint-openapi check-delivery produce
SPEC ?=
lint-openapi: venv ## Lint one spec (SPEC=config/apis/specs/orders.yaml) or, without SPEC, every spec in the catalog
	$(if $(SPEC),$(CLI) openapi lint $(SPEC),$(CLI) openapi lint-catalog)
check-delivery: venv ## Prove priority routing end to end in ENV (default local) with synthetic events
	$(CLI) eventing check-delivery --outputs build/$(ENV)/outputs.json $(if $(filter local,$(ENV)),--endpoint-url http://127.0.0.1:$${PLATFORM_EMULATOR_PORT:-5000},)
STREAM ?= firehose-iceberg-events
COUNT  ?= 1000
produce: venv ## Send COUNT article-shaped records: ENV=local to every local stream, then wait for delivery; else to STREAM (AWS credentials)
	$(CLI) streaming produce $(if $(filter local,$(ENV)),--env local,--stream $(STREAM)) --count $(COUNT)

.PHONY: plan apply destroy
plan: toolchain ## Plan ENV to build/ENV/plan.tfplan and plan.json (OFFLINE=1: no credentials)
	$(CLI) tf plan $(ENV) $(OFFLINE_FLAG)
apply: toolchain ## Apply the saved plan of ENV, then mount the lakehouse external schema (idempotent; SKIP on local)
	$(CLI) tf apply $(ENV)
	$(CLI) warehouse mount-lakehouse --env $(ENV)
destroy: toolchain ## Destroy ENV
	$(CLI) tf destroy $(ENV)

.PHONY: emulator-start emulator-stop emulator-reset emulator-status
emulator-start: venv ## Start the embedded emulator (idempotent)
	$(CLI) emulator start
emulator-stop: venv ## Stop the embedded emulator
	$(CLI) emulator stop
emulator-reset: venv ## Drop everything the emulator holds
	$(CLI) emulator reset
emulator-status: venv
	$(CLI) emulator status

# -- gates -------------------------------------------------------------------------------------
.PHONY: fmt fmt-check validate tf-test policy lint unit e2e test
fmt: toolchain ## Format Terraform and Python
	$(CLI) tf fmt
	$(RUFF) format scripts tests policies
fmt-check: toolchain ## Fail on unformatted Terraform
	$(CLI) tf fmt --check
validate: toolchain ## terraform validate every module and env root
	$(CLI) tf validate
tf-test: toolchain ## terraform test (mock providers) in every module
	$(CLI) tf test
POLICY_ENVS ?= local dev staging prod
# POLICY_PLANS=build: scan build/<env>/plan.json as they are (CI: the plan jobs' artifacts) and plan nothing.
POLICY_PLANS ?=
policy: toolchain tools ## checkov (HCL + every env's plan) and the plan rules; writes build/policy/ (POLICY_PLANS=build: existing plans)
	$(if $(POLICY_PLANS),$(CLI) policy run --plans-from $(POLICY_PLANS) $(foreach e,$(POLICY_ENVS),--env $(e)),$(CLI) policy run $(foreach e,$(POLICY_ENVS),--plan $$($(CLI) tf plan-offline $(e))))

lint: venv ## ruff and the OpenAPI linter over every spec in the catalog
	$(RUFF) check scripts tests policies
	$(CLI) openapi lint-catalog
PYTEST_ARGS ?=
unit: venv ## pytest without the emulator end-to-end tests (PYTEST_ARGS="tests/plans" or "--ignore=tests/plans")
	$(PYTEST) -m "not e2e" --durations=15 $(PYTEST_ARGS)
e2e: toolchain ## Apply envs/local to a fresh emulator, re-plan, destroy
	$(PYTEST) -m e2e --durations=20

# The gates above in four lanes: the checks and unit tests in order, terraform test, the e2e suite
# on its own emulator port, and policy (platformctl gates run --serial: one at a time). Logs: build/gates/.
test: toolchain tools ## Every gate in one go (CI runs them as separate jobs): four lanes; logs and times in build/gates/
	$(CLI) gates run

# -- verification and benchmark -----------------------------------------------------------------
BENCH_ARGS ?=
.PHONY: verify bench
verify: toolchain ## Check deployed ENV against the catalog (PASS/FAIL/SKIP, JUnit in build/verify/ENV/) and for drift
	$(CLI) verify run $(ENV)
bench: toolchain ## Benchmark plan scaling, gate cost, tool throughput (build/bench/); BENCH_ARGS="--gates ..."
	$(CLI) bench run $(BENCH_ARGS)

# -- portal ----------------------------------------------------------------------------------------
# @redocly/cli comes from package-lock.json. `npm ci --ignore-scripts` skips only the native build of
# gitlab-ci-local's re2 (minutes on 2 cores; scripts/ci-local.sh restores or builds it when needed):
# redocly has no install scripts and no dependencies.
REDOCLY_PINNED = $$(node -p 'require("./package-lock.json").packages["node_modules/@redocly/cli"].version')
REDOCLY_FOUND  = $$(node -p 'require("./node_modules/@redocly/cli/package.json").version' 2>/dev/null)
.PHONY: portal-tools portal test-portal
portal-tools:
	@command -v node >/dev/null 2>&1 || { echo "error: node and npm are required (Debian: apt-get install -y nodejs npm)" >&2; exit 1; }
	@command -v dot >/dev/null 2>&1 || { echo "error: Graphviz dot is required (Debian: apt-get install -y graphviz)" >&2; exit 1; }
	@[ "$(REDOCLY_FOUND)" = "$(REDOCLY_PINNED)" ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
portal: venv portal-tools ## Build the developer portal (APIs, tables, routing, warehouse, topology, search) into build/portal/
	$(CLI) portal build
test-portal: venv portal-tools ## The portal's tests: page data, api new, and headless Chromium over the site (screenshots in build/portal/screenshots/)
	$(PYTEST) tests/portal -p no:cacheprovider

# -- CI --------------------------------------------------------------------------------------------
.PHONY: ci-local ci-graph drift
JOBS ?=
ci-local: venv ## Run the merge-request pipeline's jobs with gitlab-ci-local, count each env's plans (JOBS="lint plan:dev")
	scripts/ci-local.sh $(JOBS)
ci-graph: venv ## Check .gitlab-ci.yml's job graph (needs, plans once, images, apply gates) with gitlab-ci-local; run no job
	scripts/ci-local.sh --check-only
drift: toolchain ## Plan ENV against its real state with -detailed-exitcode; exit 2 on drift
	$(CLI) ci drift $(ENV)

# The parts the pipeline's jobs call (.gitlab-ci.yml); each also runs on a workstation.
.PHONY: ci-plan ci-plans-cached ci-image-tag ci-image-check ci-codequality ci-mr-notes
ci-plan: toolchain ## Plan ENV once into build/ENV/ (OFFLINE=1: through the plan cache, as make policy and the tests read it)
	$(CLI) ci plan $(ENV) $(OFFLINE_FLAG)
ci-image-tag: venv ## Write the runner image's tag (digest of ci/Dockerfile + lock files) into .gitlab-ci.yml
	$(CLI) ci image-tag
ci-image-check: venv ## Fail if .gitlab-ci.yml's RUNNER_IMAGE_TAG is not the digest of the image's inputs
	$(CLI) ci image-tag --check
ci-plans-cached: venv ## Fail unless the plan cache holds today's OFFLINE plan of every env (CI: plan-tests)
	$(CLI) ci cached-plans $(POLICY_ENVS)
ci-codequality: venv ## build/policy/gates.json -> build/policy/codequality.json (GitLab Code Quality)
	$(CLI) ci codequality
MR_NOTE_ENVS ?= dev staging prod
ci-mr-notes: venv ## Post or update one merge-request note per env (plan + policy); needs GITLAB_API_TOKEN in CI
	$(CLI) ci mr-notes $(MR_NOTE_ENVS)

.PHONY: clean
clean: ## Stop the emulator, remove build/, .terraform dirs and caches (keeps venvs)
	-@[ -x $(CLI) ] && $(CLI) emulator stop || true
	rm -rf build
	find envs modules -name .terraform -type d -prune -exec rm -rf {} +
	find envs -name '*_override.tf*' -delete
	rm -rf .gitlab-ci-local
