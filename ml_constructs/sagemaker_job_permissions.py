"""What any SageMaker job, model or monitoring job of the platform needs to run in a VPC: its network
interfaces (only in that VPC), network describes, image pulls, its own logs, and its keys.

AWS lists these for the execution role of jobs in a VPC and with KMS keys:
https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html (CreateTrainingJob,
CreateProcessingJob: "If you specify a private VPC", "If you specify a KMS key").
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam

_INTERFACE_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
)
_DESCRIBE_ACTIONS = (
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeDhcpOptions",
)
# Every EC2 action a SageMaker execution role in a VPC needs (for permissions boundaries).
VPC_NETWORK_ACTIONS = _INTERFACE_ACTIONS + _DESCRIBE_ACTIONS


def vpc_job_statements(stack: Stack, vpc_arn: str | None) -> list[iam.PolicyStatement]:
    """A job's, model's or monitor's basics, and with `vpc_arn` its network interfaces in that VPC
    (None: it runs outside any VPC, as serverless endpoints do)."""
    return [*(_network_statements(stack, vpc_arn) if vpc_arn else []), *_basics(stack)]


def _network_statements(stack: Stack, vpc_arn: str) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="NetworkInterfacesInTheVpc",
            actions=list(_INTERFACE_ACTIONS),
            resources=[
                stack.format_arn(service="ec2", resource=kind, resource_name="*")
                for kind in ("network-interface", "subnet", "security-group")
            ],
            conditions={"ArnEqualsIfExists": {"ec2:Vpc": vpc_arn}},
        ),
        iam.PolicyStatement(
            sid="DescribeTheNetwork",
            actions=list(_DESCRIBE_ACTIONS),
            resources=["*"],
        ),
    ]


def _basics(stack: Stack) -> list[iam.PolicyStatement]:
    """Its own logs, metrics and images."""
    return [
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
        # SageMaker documents this for every processing and training execution role (job metrics).
        iam.PolicyStatement(
            sid="PublishJobMetrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
        ),
        iam.PolicyStatement(sid="PullImagesToken", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
        iam.PolicyStatement(
            sid="PullImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=[f"arn:{stack.partition}:ecr:{stack.region}:*:repository/*"],
        ),
    ]


def key_statements(sid: str, key_arns: list[str]) -> list[iam.PolicyStatement]:
    """Use the given keys for data, and let SageMaker take grants on them for job volumes (only for
    AWS resources: a grant nobody but a service can use)."""
    return [
        iam.PolicyStatement(
            sid=sid,
            actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            resources=key_arns,
        ),
        iam.PolicyStatement(
            sid=f"{sid}ForVolumes",
            actions=["kms:CreateGrant"],
            resources=key_arns,
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ]
