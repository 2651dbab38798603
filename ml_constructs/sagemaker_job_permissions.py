"""What any SageMaker job, model or monitoring job of the platform needs to run in a VPC: its network
interfaces (only in that VPC), network describes, image pulls and its own logs."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam


def vpc_job_statements(stack: Stack, vpc_arn: str) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="NetworkInterfacesInTheVpc",
            actions=[
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            ],
            resources=[
                stack.format_arn(service="ec2", resource=kind, resource_name="*")
                for kind in ("network-interface", "subnet", "security-group")
            ],
            conditions={"ArnEqualsIfExists": {"ec2:Vpc": vpc_arn}},
        ),
        iam.PolicyStatement(
            sid="DescribeTheNetwork",
            actions=[
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeDhcpOptions",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="SageMakerLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name="/aws/sagemaker/*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        ),
        iam.PolicyStatement(sid="PullImagesToken", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
        iam.PolicyStatement(
            sid="PullImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=[f"arn:{stack.partition}:ecr:{stack.region}:*:repository/*"],
        ),
    ]
