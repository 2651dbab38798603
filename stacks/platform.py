"""Builds the whole platform, every account's stage and the checks, into a CDK app."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App

from compliance.checks import add_checks
from ml_constructs.operator_commands import start_wheel_build
from platform_config import PlatformConfig
from stacks.account_stage import AccountStage, DevStage, ServingStage


def build_platform(app: App, config: PlatformConfig) -> dict[str, AccountStage]:
    """Test and prod are synthesized first: dev's promotion pipelines deploy their serving templates.
    Meanwhile, Studio's operator-commands wheel is built in a process of its own."""
    start_wheel_build()
    serving = {role: ServingStage(app, config=config, role=role) for role in ("test", "prod")}
    templates = {}
    for role, stage in serving.items():
        assembly = stage.synth()
        for project, stack in stage.serving.items():
            templates[(project, role)] = Path(
                assembly.get_stack_artifact(stack.artifact_id).template_full_path
            )
    dev = DevStage(app, config=config, serving_templates=templates, workdir=Path(app.outdir))
    add_checks(app)
    return {"dev": dev, **serving}
