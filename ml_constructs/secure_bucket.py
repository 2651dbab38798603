"""S3 buckets that hold the platform's data: encrypted, versioned, logged, private and never deleted."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

_NO_REPLICATION = Acknowledgment(
    id="NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
    reason="Versioning and retention on stack deletion protect the objects; cross-region replication is a "
    "disaster-recovery choice each platform team makes for its own data, not a default worth its cost.",
)


def bucket_baseline(key: kms.IKey | None) -> dict:
    """What every bucket of the platform's is: encrypted (under `key`, else S3-managed), versioned,
    TLS only, private, owned by its account, retained when its stack goes."""
    return dict(
        encryption=s3.BucketEncryption.KMS if key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=key,
        bucket_key_enabled=bool(key),
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN,
    )


def _common(key: kms.IKey | None) -> dict:
    return bucket_baseline(key) | dict(
        lifecycle_rules=[s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7))],
    )


class AccessLogBucket(Construct):
    """Receives the server access logs of the platform's buckets."""

    def __init__(self, scope: Construct, construct_id: str, *, bucket_name: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(self, "Bucket", bucket_name=bucket_name, **_common(None))
        Validations.of(self.bucket).acknowledge(
            _NO_REPLICATION,
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-S1",
                reason="This is the access-log destination; logging it into itself would loop.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled",
                reason="This is the access-log destination; logging it into itself would loop.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS",
                reason="S3 server access logging delivers only to SSE-S3 buckets; it is encrypted with "
                "S3-managed keys.",
            ),
        )


class SecureBucket(Construct):
    """A data bucket: KMS-encrypted with the given key, versioned, TLS-only, private, logged, retained."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str,
        key: kms.IKey,
        access_logs: AccessLogBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            server_access_logs_bucket=access_logs.bucket,
            server_access_logs_prefix=f"{construct_id}/",
            **_common(key),
        )
        Validations.of(self.bucket).acknowledge(_NO_REPLICATION)
