"""The audit record nobody can rewrite: an S3 bucket with Object Lock in compliance mode, and a
CloudTrail trail writing dev's management write events into it.

Every registry decision and gate answer is written here by the audit recorder (beside its DynamoDB
item), and model cards are exported here by the CLI. In compliance mode no principal, the account
root included, can delete or overwrite a locked object version, or shorten its retention, until the
retention (`retention_days`) ends: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
Object Lock needs versioning, which it keeps on. The bucket is new and unnamed-by-promotion (its
properties never change with a promotion), and `ObjectLockEnabled` is not create-only in
CloudFormation's S3 schema, so turning Object Lock on needs no replacement; turning it off is
impossible (S3 refuses), which is the point.

The trail: the approval APIs (`sagemaker:UpdateModelPackage` for approvals, lifecycle stages and the
model cards in the packages, `codepipeline:PutApprovalResult`) are management events, and an advanced
event selector on management events may filter only `eventCategory`, `readOnly` and `eventSource`
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html): the
trail records every management write event of the region, not only those three. Log file
validation adds the signed digest files that prove a log was not changed. Bucket and key policies
are the ones CloudTrail documents, scoped by the trail's ARN (`aws:SourceArn`):
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Stack, Tags, Validations
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ml_constructs.secure_bucket import bucket_baseline

TRAIL_PREFIX = "cloudtrail"  # CloudTrail writes under <prefix>/AWSLogs/<account>/
DECISIONS_PREFIX = "decisions"  # the recorder's records: decisions/<project>/<time>_<event id>.json
CLOUDTRAIL = iam.ServicePrincipal("cloudtrail.amazonaws.com")


@dataclass(frozen=True)
class LedgerProps:
    """The Object Lock bucket of audit records and the trail that writes into it."""

    bucket_name: str
    trail_name: str
    retention_days: int


class AuditLedger(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: LedgerProps, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        bucket_name, trail_name, retention_days = props.bucket_name, props.trail_name, props.retention_days
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(retention_days)),
            **bucket_baseline(key),
        )
        Tags.of(self.bucket).add("record", "audit")  # what the SageMaker pack's AuditBucketObjectLocked reads
        trail_arn = stack.format_arn(service="cloudtrail", resource="trail", resource_name=trail_name)
        self._allow_cloudtrail(stack, trail_arn, key)
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            trail_name=trail_name,
            is_logging=True,
            s3_bucket_name=self.bucket.bucket_name,
            s3_key_prefix=TRAIL_PREFIX,
            kms_key_id=key.key_arn,
            enable_log_file_validation=True,
            include_global_service_events=True,
            is_multi_region_trail=False,
            advanced_event_selectors=[
                cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
                    name="Management write events: approvals, lifecycle stages, model cards, gate answers",
                    field_selectors=[
                        cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                            field="eventCategory", equal_to=["Management"]
                        ),
                        cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                            field="readOnly", equal_to=["false"]
                        ),
                    ],
                )
            ],
        )
        # CloudTrail checks the bucket policy when the trail is created.
        self.trail.node.add_dependency(self.bucket.policy or self.bucket)
        self._acknowledge()

    def _allow_cloudtrail(self, stack: Stack, trail_arn: str, key: kms.IKey) -> None:
        source = {"StringEquals": {"aws:SourceArn": trail_arn}}
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSCloudTrailAclCheck",
                principals=[CLOUDTRAIL],
                actions=["s3:GetBucketAcl"],
                resources=[self.bucket.bucket_arn],
                conditions=source,
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSCloudTrailWrite",
                principals=[CLOUDTRAIL],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{TRAIL_PREFIX}/AWSLogs/{stack.account}/*")],
                conditions={
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
                },
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailEncryptsTheApprovalsTrail",
                principals=[CLOUDTRAIL],
                actions=["kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceArn": trail_arn},
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": stack.format_arn(
                            service="cloudtrail", resource="trail", resource_name="*"
                        )
                    },
                },
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailDescribesTheKey",
                principals=[CLOUDTRAIL],
                actions=["kms:DescribeKey"],
                resources=["*"],
            )
        )

    def _acknowledge(self) -> None:
        Validations.of(self.trail).acknowledge(
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled",
                reason="The trail is the evidence, kept under Object Lock with signed digests; a CloudWatch "
                "Logs copy would be a second, deletable one billed per GB. Decisions already reach people "
                "and the audit table through EventBridge.",
            )
        )
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-S1",
                reason="Object Lock in compliance mode: no record here can be changed or deleted before its "
                "retention ends, by anyone; writes are recorded by the trail and the audit table.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled",
                reason="Object Lock in compliance mode: no record here can be changed or deleted before its "
                "retention ends, by anyone; writes are recorded by the trail and the audit table.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
                reason="Object Lock and versioning keep every record for the retention period; cross-region "
                "replication is each organisation's disaster-recovery choice.",
            ),
        )
