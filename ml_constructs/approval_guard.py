"""Segregation of duties: only the compliance officer changes a model package's approval status in
the registry, and only the compliance officer answers a promotion pipeline's prod gate; and no other
role changes the operator commands the compliance officer installs in Studio (`OperatorCommands`),
which would be approving through them.

Attached to every other role that can reach the registry (personas, pipeline roles), as an explicit
deny, which no allow anywhere else can override.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct


class ApprovalGuard(Construct):
    """A managed policy with the guard's denies; attach it with `guard(role)`. `operator_commands`:
    the S3 objects (an ARN pattern) of the commands' wheel."""

    def __init__(self, scope: Construct, construct_id: str, *, operator_commands: str) -> None:
        super().__init__(scope, construct_id)
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Denies changing a model package's approval status (compliance officer only)",
            statements=[
                iam.PolicyStatement(
                    sid="OnlyTheComplianceOfficerChangesApprovalStatus",
                    effect=iam.Effect.DENY,
                    actions=["sagemaker:UpdateModelPackage"],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="OnlyTheComplianceOfficerAnswersTheProdGate",
                    effect=iam.Effect.DENY,
                    actions=["codepipeline:PutApprovalResult"],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="ModelVersionsAreRegisteredPendingApproval",
                    effect=iam.Effect.DENY,
                    actions=["sagemaker:CreateModelPackage"],
                    resources=["*"],
                    conditions={
                        "StringNotEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
                    },
                ),
                iam.PolicyStatement(
                    sid="OnlyTheDeploymentChangesTheOperatorCommands",
                    effect=iam.Effect.DENY,
                    actions=["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                    resources=[operator_commands],
                ),
            ],
        )

    def guard(self, role: iam.IRole) -> None:
        role.add_managed_policy(self.policy)
