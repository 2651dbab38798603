"""The role in the test or prod account that the promotion pipeline's checks assume from dev: see the
endpoint, its config and model (and, in test, call it). It trusts only the pipeline's steps role."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards


class PromotionCheckRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        description: str,
        steps_role_arn: str,
        endpoint_name: str,
        may_invoke: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        check = iam.Role(
            self,
            "Default",  # the role is this construct's resource: its logical id is the construct's
            role_name=role_name,
            description=description,
            assumed_by=iam.AccountPrincipal(steps_role_arn.split(":")[4]).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": steps_role_arn}}
            ),
        )
        endpoint_arn = stack.format_arn(service="sagemaker", resource="endpoint", resource_name=endpoint_name)
        statements = [
            iam.PolicyStatement(
                sid="SeeTheEndpoint",
                actions=[
                    "sagemaker:DescribeEndpoint",
                    "sagemaker:DescribeEndpointConfig",
                    "sagemaker:DescribeModel",
                ],
                resources=[
                    endpoint_arn,
                    stack.format_arn(service="sagemaker", resource="endpoint-config", resource_name="*"),
                    stack.format_arn(service="sagemaker", resource="model", resource_name="*"),
                ],
            )
        ]
        if may_invoke:
            statements.append(
                iam.PolicyStatement(
                    sid="CallTheEndpoint", actions=["sagemaker:InvokeEndpoint"], resources=[endpoint_arn]
                )
            )
        policy = iam.ManagedPolicy(
            self, "Policy", description=description, statements=statements, roles=[check]
        )
        acknowledge_scoped_wildcards(
            policy,
            "Read-only describes of this account's endpoint configs and models, whose generated names the "
            "check follows from the endpoint.",
        )
