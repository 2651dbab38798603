# The README's two commands: `make synth` (the main job) and `make test` (the whole suite).
# Both build what they need first, from pinned versions: a Python venv (uv, requirements.txt)
# and the CDK CLI (npm, package-lock.json). Nothing else needs installing by hand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
CONFIG ?= config/example.toml
# The commit being synthesized (`make synth COMMIT=$(git rev-parse HEAD)`; CI sets it): the model-build
# pipelines record it with every version. The app itself never reads git.
COMMIT ?=
# `make diff|deploy STAGE=test [PROFILE=test] [STACKS=Storage]`: the stage's stacks (or those its
# STACKS pattern names), with that profile's credentials.
STAGE ?=
PROFILE ?= $(STAGE)
STACKS ?= *

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# When make started, for the total time each command ends with.
START := $(shell date +%s)
ELAPSED = $$(( $$(date +%s) - $(START) ))

.PHONY: synth test lint format bench lock pipeline-definition diff deploy clean

# Synthesize, then cfn-lint, deploy limits and the report: the assembly diff and deploy start from.
define checked_assembly
	@echo "==> synthesizing every stack of $(CONFIG), with every check (cdk-nag, SageMaker, CloudFormation Validate, ReplacementSafety)"
	@rm -rf cdk.out
	@npx --no-install cdk synth --quiet -c config=$(CONFIG) $(if $(COMMIT),-c commit=$(COMMIT)) 2>&1 | { grep -v '^Supply a stack id' || true; }
	@echo "==> linting the templates (cfn-lint), checking deploy limits, summing up each account"
	@$(PY) -m tooling.report cdk.out $(REPORT)
endef

synth: $(VENV)/.synced node_modules/.installed
	$(checked_assembly)
	@echo "==> make synth done in $(ELAPSED) s"

test: lint node_modules/.installed
	@echo "==> the test suite (pytest)"
	@$(PY) -m pytest $(ARGS)
	@echo "==> make test done in $(ELAPSED) s"

# The profile must sign in to the stage's account (one line if not); then the same checked assembly
# as `make synth` is what the CDK CLI diffs or deploys, so nothing reaches AWS unlinted.
diff deploy: REPORT := --quiet
diff deploy: $(VENV)/.synced node_modules/.installed
	@test -n "$(STAGE)" || { echo "error: no stage given; fix: make $@ STAGE=dev (or test, prod)" >&2; exit 2; }
	@$(PY) -m tooling.deploy_check --config $(CONFIG) --stage $(STAGE) $(if $(PROFILE),--profile $(PROFILE))
	$(checked_assembly)
	@npx --no-install cdk $@ --app cdk.out '$(STAGE)/$(STACKS)' $(if $(PROFILE),--profile $(PROFILE))

# Format, lint rules and types, as configured in pyproject.toml (run by `make test`, so by CI).
lint: $(VENV)/.synced
	@echo "==> format, lint, types and dead code (ruff, mypy, vulture)"
	@$(VENV)/bin/ruff format --check --quiet .
	@$(VENV)/bin/ruff check --quiet .
	@$(VENV)/bin/mypy
	@$(VENV)/bin/vulture

# Rewrite the code in the project's format and apply the safe lint fixes.
format: $(VENV)/.synced
	$(VENV)/bin/ruff format --quiet .
	$(VENV)/bin/ruff check --quiet --fix .

bench: $(VENV)/.synced
	$(PY) benchmarks/synth.py

# Regenerate pipelines/model_build.definition.json after editing pipelines/model_build.py (offline).
pipeline-definition: $(VENV)/.synced
	$(PY) -m pipelines.model_build

# Re-resolve requirements.in into exact, hashed pins (run after editing requirements.in).
lock: $(VENV)/.synced
	$(VENV)/bin/uv pip compile -q --python-version 3.11 --generate-hashes requirements.in -o requirements.txt

# Bytecode is compiled at install: aws-cdk-lib's modules are large, and where PYTHONDONTWRITEBYTECODE
# is set Python would otherwise compile them again on every synth (seconds each time).
# Then the project itself, editable, for its commands (.venv/bin/mlp-promote, .venv/bin/mlp-lineage):
# built by the pinned backend already in the venv, offline, adding no dependency.
$(VENV)/.synced: requirements.txt pyproject.toml
	@echo "==> Python environment: $(VENV) from requirements.txt (uv $(UV_VERSION); about 45 s the first time)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip sync -q --compile-bytecode --python $(PY) requirements.txt
	@$(VENV)/bin/uv pip install -q --offline --no-build-isolation --no-deps --python $(PY) -e .
	@touch $@

node_modules/.installed: package-lock.json
	@echo "==> CDK CLI and Node.js from package-lock.json (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf cdk.out $(VENV) node_modules
