"""The calls of the workflow table and the pieces they are built from, each with the AWS page that
says it is needed: a job in the VPC (its network interfaces, volume key, images, logs, data), a Studio
space, S3 reads and writes under their bucket keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance.iam.platform import Platform

# Where AWS documents what each call needs.
SAGEMAKER_ROLES = "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"
PROCESSING = f"{SAGEMAKER_ROLES}#sagemaker-roles-createprocessingjob-perms"
TRAINING = f"{SAGEMAKER_ROLES}#sagemaker-roles-createtrainingjob-perms"
CREATE_MODEL = f"{SAGEMAKER_ROLES}#sagemaker-roles-createmodel-perms"
DOMAIN_KEY = (
    f"{SAGEMAKER_ROLES}#sagemaker-roles-createdomain-perms"  # "enforced during the CreateApp API call"
)
PASS_ROLE = f"{SAGEMAKER_ROLES}#sagemaker-roles-pass-role"
SAGEMAKER_ACTIONS = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"
)
GRANT_FOR_AWS_RESOURCE = "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource"
S3_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms"
CUSTOM_TAGS = "https://docs.aws.amazon.com/sagemaker/latest/dg/custom-tags.html"
STUDIO_SPACES = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-spaces.html"
FEATURE_STORE = "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html"
FEATURE_GROUP_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html"
FEATURE_RECORDS = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_PutRecord.html"
DATA_WRANGLER = "https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-data-prep.html"
EXPERIMENTS = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrialComponent.html"
REGISTER = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-version.html"
APPROVE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html"
LIFECYCLE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-set-up.html"
MODEL_CARD = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelPackage.html"
LOCKED = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"
PIPELINES = "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html"
LINEAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/querying-lineage-entities.html"
CROSS_ACCOUNT_PACKAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy-xaccount.html"
HOST_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html"
DATA_CAPTURE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html"
MANIFEST_INPUT = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingS3Input.html"
LIST_OBJECTS = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html"
PUT_OBJECT = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html"
REPLICATION = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html"
REPLICATION_KMS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html"
)
MONITOR = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"
GROUND_TRUTH = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-merge.html"
CLARIFY_JOB = "https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-processing-job-run.html"
CLARIFY_MONITOR = "https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-model-monitor-bias-drift.html"
APPROVAL_ACTIONS = "https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html"
CODEPIPELINE_ACTIONS = "https://docs.aws.amazon.com/codepipeline/latest/userguide/permissions-reference.html"
CODEBUILD_ROLE = "https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html"
ASSUME_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html"
DYNAMODB_QUERY = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html"
S3_GET_OBJECT = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"
IDEMPOTENCY = "https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/#iam-permissions"
LAMBDA_LOGS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html"
LAMBDA_DLQ = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
SQS_KMS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html"


@dataclass(frozen=True)
class Call:
    action: str
    resources: tuple[str, ...]
    source: str
    context: Mapping[str, Any] = field(default_factory=dict)
    outside_policy: dict | None = None  # the resource policy of a resource outside the platform


# SageMaker's prebuilt images live in AWS's accounts, whose repository policies let every account pull
# them; the caller's own policies must still allow the pull.
# https://docs.aws.amazon.com/sagemaker/latest/dg/pre-built-containers-frameworks-deep-learning.html
AWS_IMAGE_REPOSITORIES = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Resource": "*",
        }
    ]
}


def call(
    action: str, *resources: str, source: str, outside_policy: dict | None = None, **context: Any
) -> Call:
    """A call; condition keys as keyword arguments with `__` for `:` (`kms__ViaService`)."""
    return Call(
        action, resources, source, {k.replace("__", ":"): v for k, v in context.items()}, outside_policy
    )


def s3_read(bucket: str, key: str, prefix: str, kms_key: str, region: str) -> list[Call]:
    return [
        call("s3:ListBucket", bucket, source=PROCESSING, s3__prefix=prefix),
        call("s3:GetObject", f"{bucket}/{key}", source=PROCESSING),
        call("kms:Decrypt", kms_key, source=S3_KMS, kms__ViaService=f"s3.{region}.amazonaws.com"),
    ]


def s3_write(bucket: str, key: str, kms_key: str, region: str) -> list[Call]:
    return [
        call("s3:PutObject", f"{bucket}/{key}", source=PROCESSING),
        call("kms:GenerateDataKey", kms_key, source=S3_KMS, kms__ViaService=f"s3.{region}.amazonaws.com"),
    ]


def images(region: str, repository: str) -> list[Call]:
    return [
        call("ecr:GetAuthorizationToken", "*", source=PROCESSING),
        *(
            call(
                action,
                f"arn:aws:ecr:{region}:{repository}",
                source=PROCESSING,
                outside_policy=AWS_IMAGE_REPOSITORIES,
            )
            for action in (
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            )
        ),
    ]


def logs(region: str, account: str, group: str, stream: str, source: str) -> list[Call]:
    arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    return [
        call("logs:CreateLogGroup", arn, source=source),
        call("logs:CreateLogStream", f"{arn}:log-stream:{stream}", source=source),
        call("logs:PutLogEvents", f"{arn}:log-stream:{stream}", source=source),
    ]


def network_interfaces(
    region: str, account: str, vpc: str, subnets: list[str], groups: list[str], source: str
) -> list[Call]:
    """What SageMaker does with the execution role to put a job or endpoint in a VPC."""
    ec2 = f"arn:aws:ec2:{region}:{account}"
    interface = f"{ec2}:network-interface/*"
    attached = [f"{ec2}:subnet/{subnets[0]}", *(f"{ec2}:security-group/{g}" for g in groups)]
    return [
        call("ec2:CreateNetworkInterface", interface, *attached, source=source, ec2__Vpc=vpc),
        *(
            call(action, interface, source=source, ec2__Vpc=vpc)
            for action in (
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            )
        ),
        *(
            call(action, "*", source=source)
            for action in (
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
            )
        ),
    ]


def volume_key(key: str, region: str, source: str) -> Call:
    return call(
        "kms:CreateGrant",
        key,
        source=f"{source} {GRANT_FOR_AWS_RESOURCE}",
        kms__GrantIsForAWSResource=True,
        kms__ViaService=f"sagemaker.{region}.amazonaws.com",
    )


@dataclass(frozen=True)
class Job:
    """A processing or training job in the VPC, with an encrypted volume, run as `role` (the caller's
    own role, or the pipeline's)."""

    kind: str  # "Processing" or "Training"
    name: str
    role: str
    volume_key: str
    reads: tuple[tuple[str, str, str], ...]  # (bucket ARN, object key, key ARN)
    writes: tuple[tuple[str, str, str], ...]
    image: str  # "<account>:repository/<name>"


def job_calls(p: Platform, job: Job) -> list[Call]:
    source = PROCESSING if job.kind == "Processing" else TRAINING
    vpc, subnets, groups = p.network("dev")
    arn = p.sagemaker(f"{job.kind.lower()}-job/{job.name}")
    return [
        call(
            f"sagemaker:Create{job.kind}Job",
            arn,
            source=source,
            sagemaker__VpcSubnets=subnets,
            sagemaker__VpcSecurityGroupIds=groups,
            sagemaker__VolumeKmsKey=job.volume_key,
        ),
        call("sagemaker:AddTags", arn, source=SAGEMAKER_ACTIONS),  # dependent action of creating with tags
        call(f"sagemaker:Describe{job.kind}Job", arn, source=source),
        call("iam:PassRole", job.role, source=PASS_ROLE, iam__PassedToService="sagemaker.amazonaws.com"),
        *network_interfaces(p.region, p.dev, vpc, subnets, groups, source),
        volume_key(job.volume_key, p.region, source),
        *images(p.region, job.image),
        *logs(p.region, p.dev, f"/aws/sagemaker/{job.kind}Jobs", f"{job.name}/algo-1-1700000000", source),
        call(
            "cloudwatch:PutMetricData",
            "*",
            source=source,
            cloudwatch__namespace=f"/aws/sagemaker/{job.kind}Jobs",
        ),
        *(
            c
            for bucket, key, kms in job.reads
            for c in s3_read(bucket, key, key.split("/")[0] + "/", kms, p.region)
        ),
        *(c for bucket, key, kms in job.writes for c in s3_write(bucket, key, kms, p.region)),
    ]


# SageMaker's images in eu-west-1, the example's region (https://docs.aws.amazon.com/sagemaker/latest/dg-ecr-paths/ecr-eu-west-1.html).
XGBOOST = "141502667606:repository/sagemaker-xgboost"
SCIKIT_LEARN = "141502667606:repository/sagemaker-scikit-learn"
MODEL_MONITOR = "468650794304:repository/sagemaker-model-monitor-analyzer"
CLARIFY = "131013547314:repository/sagemaker-clarify-processing"  # eu-west-1's, as the SDK's image data says
DATA_WRANGLER_IMAGE = "245179582081:repository/sagemaker-data-wrangler-container"
