"""The Model Registry in dev: one model package group per project (`ml_constructs/model_package_group.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.model_package_group import ModelPackageGroup


@dataclass(frozen=True)
class RegistryGroup:
    project: str
    group_name: str
    stage_setter_arn: str  # the project's promotion steps role, which sets lifecycle stages


class RegistryStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        groups: Sequence[RegistryGroup],
        serving_accounts: Sequence[str],
        approver_arns: Sequence[str],
        card_writer_arn: str,
        deployer_arn: str,
    ) -> None:
        super().__init__(
            scope, construct_id, description="Model Registry: a model package group per project (dev)"
        )
        for group in groups:
            ModelPackageGroup(
                self,
                f"{group.project.title().replace('-', '')}Group",
                group_name=group.group_name,
                project=group.project,
                serving_accounts=serving_accounts,
                approver_arns=approver_arns,
                stage_setter_arn=group.stage_setter_arn,
                card_writer_arn=card_writer_arn,
                deployer_arn=deployer_arn,
            )
