"""What a served model and its monitoring jobs run as in the test or prod account: read the model and
its baselines in dev (dev's bucket and key policies trust this role by name), use the serving key,
run in the VPC, publish monitoring metrics, and in prod read and write the project's captures and
monitoring reports."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.sagemaker_job_permissions import key_statements, vpc_job_statements


@dataclass(frozen=True)
class ServedArtifacts:
    """Where, in the dev account, a project's models and baselines are (object key patterns)."""

    account_id: str
    region: str
    bucket: str
    keys: list[str]


@dataclass(frozen=True)
class MonitoringData:
    """This account's bucket for captures and monitoring reports, and the project's prefix in it."""

    bucket: str
    prefix: str
    ground_truth_uri: str | None = None  # s3://BUCKET/PREFIX of the labels model-quality and bias jobs read


class ModelExecutionRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        project: str,
        account_role: str,
        artifacts: ServedArtifacts,
        serving_key_arn: str,
        vpc_arn: str | None,
        monitoring: MonitoringData | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Default",  # the role is this construct's resource: its logical id is the construct's
            role_name=role_name,
            description=f"Runs the {project} model and its monitoring in {account_role}",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
        )
        stack = Stack.of(self)
        statements = [
            *_read_artifacts(stack.partition, artifacts),
            *key_statements("UseServingKey", [serving_key_arn]),
            *vpc_job_statements(stack, vpc_arn),  # no network interfaces for serverless (None)
            iam.PolicyStatement(
                sid="PublishMonitoringMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringLike": {"cloudwatch:namespace": "aws/sagemaker/*"}},
            ),
            *(_monitoring_data(stack.partition, monitoring) if monitoring else []),
        ]
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"What the {project} model role may do",
            statements=statements,
            roles=[self.role],
        )
        acknowledge_scoped_wildcards(
            policy,
            "Scoped to this project's prefixes, the dev account's keys used through S3, this account's "
            "network resources for VPC placement, and actions IAM cannot scope.",
        )


def _read_artifacts(partition: str, artifacts: ServedArtifacts) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="ReadServedArtifactsInDev",
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[f"arn:{partition}:s3:::{artifacts.bucket}/{key}" for key in artifacts.keys],
        ),
        iam.PolicyStatement(
            sid="DecryptArtifactsThroughS3",
            actions=["kms:Decrypt"],
            resources=[f"arn:{partition}:kms:{artifacts.region}:{artifacts.account_id}:key/*"],
            conditions={"StringEquals": {"kms:ViaService": f"s3.{artifacts.region}.amazonaws.com"}},
        ),
    ]


def _monitoring_data(partition: str, monitoring: MonitoringData) -> list[iam.PolicyStatement]:
    bucket = f"arn:{partition}:s3:::{monitoring.bucket}"
    return [
        *_read_labels(partition, monitoring.ground_truth_uri),
        iam.PolicyStatement(
            sid="CaptureAndMonitoringData",
            actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
            resources=[f"{bucket}/{monitoring.prefix}/*"],
        ),
        iam.PolicyStatement(
            sid="ListCaptures",
            actions=["s3:ListBucket"],
            resources=[bucket],
            conditions={"StringLike": {"s3:prefix": [f"{monitoring.prefix}/*"]}},
        ),
    ]


def _read_labels(partition: str, uri: str | None) -> list[iam.PolicyStatement]:
    """Model-quality and bias jobs read the ground-truth labels (read only: people upload them)."""
    if not uri:
        return []
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    prefix = prefix.rstrip("/")
    objects = f"{prefix}/*" if prefix else "*"  # under the prefix, or the whole bucket
    return [
        iam.PolicyStatement(
            sid="ReadGroundTruthLabels",
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[f"arn:{partition}:s3:::{bucket}/{objects}"],
        ),
        iam.PolicyStatement(
            sid="ListGroundTruthLabels",
            actions=["s3:ListBucket"],
            resources=[f"arn:{partition}:s3:::{bucket}"],
            conditions={"StringLike": {"s3:prefix": [objects]}},
        ),
    ]
