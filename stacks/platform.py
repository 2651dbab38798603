"""Builds the whole platform, every account's stage and the checks, into a CDK app."""

from __future__ import annotations

from aws_cdk import App

from compliance.checks import add_checks
from platform_config import ACCOUNT_ROLES, PlatformConfig
from stacks.account_stage import AccountStage


def build_platform(app: App, config: PlatformConfig) -> dict[str, AccountStage]:
    stages = {role: AccountStage(app, config=config, role=role) for role in ACCOUNT_ROLES}
    add_checks(app)
    return stages
