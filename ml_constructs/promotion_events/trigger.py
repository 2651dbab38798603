"""Starts a project's promotion pipeline when one of its model package versions is approved.

The rule matches only changes of the platform's groups' versions to Approved; the function
(`runtime/trigger.py`) validates again, re-reads the package and starts the pipeline once per
approval (idempotent).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ml_constructs.platform_function import PlatformFunction
from ml_constructs.promotion_events.patterns import registry_decisions
from ml_constructs.promotion_events.projects import PromotionProjects
from ml_constructs.registry_access import read_model_packages
from ml_constructs.state_table import state_table
from platform_config import naming

RUNTIME = Path(__file__).parent / "runtime"


class PromotionTrigger(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, projects: PromotionProjects, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.idempotency = state_table(
            self,
            "Idempotency",
            key=key,
            partition_key="id",
            ttl="expiration",
            holds="48-hour idempotency records",
        )
        starter = PlatformFunction(
            self,
            "Handler",
            code=RUNTIME,
            handler="trigger.handler",
            description="Starts the promotion pipeline of an approved model package version",
            environment={"IDEMPOTENCY_TABLE": self.idempotency.table_name},
            data=projects.function_data(),
            key=key,
            statements=[
                read_model_packages(stack, [f"{projects.prefix}*"]),
                iam.PolicyStatement(
                    sid="StartPromotion",
                    actions=["codepipeline:StartPipelineExecution"],
                    resources=[
                        stack.format_arn(
                            service="codepipeline", resource=naming.promotion_pipeline(projects.platform, "*")
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="IdempotencyRecords",
                    actions=[
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                    ],
                    resources=[self.idempotency.table_arn],
                ),
            ],
            wildcard_reason="Versions of the platform's model package groups, and its promotion pipelines, "
            "by their name patterns.",
        )
        self.function = starter.function
        events.Rule(
            self,
            "Approvals",
            description="Approved versions of the platform's model package groups",
            event_pattern=registry_decisions(projects.prefix, statuses=["Approved"]),
            targets=[starter.event_target()],
        )
