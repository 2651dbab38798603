"""Copies files from this repository into the platform's buckets on deploy (CDK's BucketDeployment),
with permissions that pass the platform's checks.

BucketDeployment's default role gets an inline policy with broad wildcards. Here its role takes no
automatic grants; one managed policy gives exactly this: read the CDK asset bucket, write the
given prefixes, use the given keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Acknowledgment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from platform_config.naming import CDK_QUALIFIER


@dataclass(frozen=True)
class Upload:
    construct_id: str
    source: s3_deployment.ISource
    bucket: s3.IBucket
    bucket_name: str  # known at synth, so the policy needs no cross-stack reference
    key: kms.IKey
    prefix: str  # e.g. "churn/code"


_DEPLOY_TIME_ONLY = (
    "CDK's copy function runs only while CloudFormation deploys this stack, as a synchronous custom "
    "resource: a failure fails and rolls back the deployment, so it needs no queue, no reserved "
    "concurrency and no network beyond S3"
)


class UploadOnDeploy(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, uploads: Sequence[Upload]) -> None:
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(
            self, "Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.DESTROY
        )
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Copy the platform's code and sample data into its buckets on deploy",
            roles=[role],
            statements=_copy_permissions(Stack.of(self), uploads, log_group),
        )
        acknowledge_scoped_wildcards(
            policy, "Objects under the CDK asset bucket and the named upload prefixes only."
        )
        quiet_role = role.without_policy_updates()
        for upload in uploads:
            s3_deployment.BucketDeployment(
                self,
                upload.construct_id,
                sources=[upload.source],
                destination_bucket=upload.bucket,
                destination_key_prefix=f"{upload.prefix}/",
                prune=False,
                retain_on_delete=True,
                role=quiet_role,
                log_group=log_group,
            )
        _acknowledge(Stack.of(self), log_group)


def _copy_permissions(
    stack: Stack, uploads: Sequence[Upload], log_group: logs.LogGroup
) -> list[iam.PolicyStatement]:
    """Read the CDK asset bucket, write the given prefixes, use the given keys, write its logs."""
    assets_bucket = f"cdk-{CDK_QUALIFIER}-assets-{stack.account}-{stack.region}"
    return [
        iam.PolicyStatement(
            sid="ReadCdkAssets",
            actions=["s3:GetObject"],
            resources=[f"arn:{stack.partition}:s3:::{assets_bucket}/*"],
        ),
        iam.PolicyStatement(
            sid="ListDestinations",
            actions=["s3:ListBucket"],
            resources=sorted({f"arn:{stack.partition}:s3:::{u.bucket_name}" for u in uploads}),
        ),
        iam.PolicyStatement(
            sid="WriteDestinations",
            actions=["s3:GetObject", "s3:PutObject"],
            resources=[f"arn:{stack.partition}:s3:::{u.bucket_name}/{u.prefix}/*" for u in uploads],
        ),
        iam.PolicyStatement(
            sid="EncryptWithBucketKeys",
            actions=["kms:GenerateDataKey", "kms:Decrypt"],
            resources=list({id(u.key): u.key.key_arn for u in uploads}.values()),
        ),
        iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        ),
    ]


def _acknowledge(stack: Stack, log_group: logs.LogGroup) -> None:
    """CDK's copy function (one per stack) and its log group."""
    handler = next(c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment"))
    Validations.of(handler).acknowledge(
        Acknowledgment(id="NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", reason=_DEPLOY_TIME_ONLY),
        Acknowledgment(id="NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency", reason=_DEPLOY_TIME_ONLY),
        Acknowledgment(id="NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC", reason=_DEPLOY_TIME_ONLY),
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-L1",
            reason="The runtime of CDK's copy function is chosen and upgraded by aws-cdk-lib, pinned here.",
        ),
    )
    Validations.of(log_group).acknowledge(
        Acknowledgment(
            id="NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted",
            reason="Holds only the copy function's own logs (object keys copied), no data.",
        )
    )
