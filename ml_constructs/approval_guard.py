"""Segregation of duties: only the compliance officer changes a model package's approval status in
the registry, and only the compliance officer answers a promotion pipeline's prod gate.

Attached to every other role that can reach the registry (personas, pipeline roles), as an explicit
deny, which no allow anywhere else can override.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct


class ApprovalGuard(Construct):
    """A managed policy with the guard's denies; attach it with `guard(role)`."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
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
            ],
        )

    def guard(self, role: iam.IRole) -> None:
        role.add_managed_policy(self.policy)
