"""Synthesizes the platform in process, as `cdk synth` would: for tests and benchmarks."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import App, Environment, Stage

from cfn.assembly import SynthesizedStack, read_assembly
from compliance.checks import new_app
from platform_config import PlatformConfig, Project
from platform_config.commit import CONTEXT_KEY
from stacks import from_config
from stacks.platform import build_platform

ROOT = Path(__file__).resolve().parent.parent


def cli_context() -> dict:
    """The context `cdk.json` gives the CLI: feature flags and settings."""
    return json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]


def app_environment(config: str | Path, outdir: str | Path, **context: str) -> dict[str, str]:
    """The environment in which the CDK CLI starts `app.py` on `config` (with more `-c` context)."""
    return os.environ | {
        "CDK_CONTEXT_JSON": json.dumps(cli_context() | {"config": str(config), **context}),
        "CDK_OUTDIR": str(outdir),
        "PYTHONPATH": str(ROOT),
    }


def cdk_app(outdir: str | Path) -> App:
    """An app with the same feature flags and context that `cdk.json` gives the CLI."""
    return new_app(context=cli_context(), outdir=str(outdir), analytics_reporting=False)


def synthesize(
    config: PlatformConfig, outdir: str | Path, commit: str | None = None
) -> list[SynthesizedStack]:
    """Every stack of the platform, synthesized with all checks (and `-c commit=` when given);
    raises if a check fails."""
    app = cdk_app(outdir)
    if commit:
        app.node.set_context(CONTEXT_KEY, commit)
    build_platform(app, config)
    app.synth()
    return read_assembly(outdir)


def synthesize_studio(
    config: PlatformConfig, outdir: str | Path, projects: Sequence[Project] = ()
) -> list[SynthesizedStack]:
    """dev's network, storage and Studio, and the model-build stacks of `projects`, without the
    checks: for a test of one variant of them (the full synthesis runs every check)."""
    app = cdk_app(outdir)
    dev = config.accounts.dev
    stage = Stage(app, "dev", env=Environment(account=dev.account_id, region=dev.region))
    network = from_config.network_stack(stage, config, "dev")
    assert network, "dev always has a VPC (PlatformConfig.needs_vpc)"
    store = from_config.storage_stack(stage, config).store
    studio = from_config.studio_stack(stage, config, network.placement, store)
    for project in projects:
        from_config.model_build_stack(stage, config, project, network.placement, store, studio)
    app.synth()
    return read_assembly(outdir)
