# The README's two commands: `make synth` (the main job) and `make test` (the whole suite).
# Both build what they need first, from pinned versions: a Python venv (uv, requirements.txt)
# and the CDK CLI (npm, package-lock.json). Nothing else needs installing by hand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
CONFIG ?= config/example.toml

# Node 20 is end-of-life for jsii; the warning is known and says nothing about this app.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: synth test lint format bench lock pipeline-definition clean

synth: $(VENV)/.synced node_modules/.installed
	rm -rf cdk.out
	npx --no-install cdk synth --quiet -c config=$(CONFIG)
	$(PY) -m tooling.report cdk.out

test: lint node_modules/.installed
	$(PY) -m pytest $(ARGS)

# Format, lint rules and types, as configured in pyproject.toml (run by `make test`, so by CI).
lint: $(VENV)/.synced
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/mypy
	$(VENV)/bin/vulture

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
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync -q --compile-bytecode --python $(PY) requirements.txt
	$(VENV)/bin/uv pip install -q --offline --no-build-isolation --no-deps --python $(PY) -e .
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf cdk.out $(VENV) node_modules
