"""The dev account's data: keys and buckets for raw data, processed data and model artifacts.

Two customer-managed keys: one for data that never leaves dev, one for the model artifacts that test
and prod must read, so sharing the second never exposes the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ml_constructs.feedback_replication import accept_replication
from ml_constructs.platform_key import platform_key
from ml_constructs.secure_bucket import AccessLogBucket, SecureBucket
from platform_config import naming

# Each data bucket: its construct id and the key it is encrypted with.
DATA_BUCKETS = {
    "raw-data": ("RawData", "data"),
    "processed-data": ("ProcessedData", "data"),
    "model-artifacts": ("ModelArtifacts", "artifacts"),
    # Prod's captured requests and labels, replicated from prod (ml_constructs/feedback_replication.py).
    "prod-feedback": ("ProdFeedback", "data"),
}


@dataclass(frozen=True)
class DataStore:
    """What Studio and pipelines are given of the storage: bucket names (known at synth, so policies
    elsewhere need no cross-stack reference), the buckets, and the two keys."""

    bucket_names: Mapping[str, str]  # by purpose: DATA_BUCKETS' and access-logs
    buckets: Mapping[str, s3.IBucket]
    data_key: kms.IKey
    artifacts_key: kms.IKey

    def bucket_arn(self, purpose: str) -> str:
        return f"arn:{Stack.of(self.data_key).partition}:s3:::{self.bucket_names[purpose]}"


@dataclass(frozen=True)
class ServingReaders:
    """The model roles of one serving account, by ARN pattern, which may read served artifacts."""

    account_id: str
    role_arn_patterns: list[str]


@dataclass(frozen=True)
class StorageProps:
    platform: str
    bucket_names: Mapping[str, str]  # by purpose (DATA_BUCKETS and access-logs)
    served_artifact_keys: Sequence[str]  # object key patterns of what the serving accounts may read
    readers: Sequence[ServingReaders]
    feedback_source_role_arn: str  # prod's role that replicates captures and labels into prod-feedback


class PlatformStorage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: StorageProps) -> None:
        super().__init__(scope, construct_id)
        platform, bucket_names = props.platform, props.bucket_names
        keys = {
            "data": platform_key(
                self,
                "DataKey",
                alias=naming.key_alias(platform, "data"),
                description="Encrypts raw and processed data and Studio's EFS",
            ),
            "artifacts": platform_key(
                self,
                "ModelArtifactsKey",
                alias=naming.key_alias(platform, "model-artifacts"),
                description="Encrypts model artifacts shared with test and prod",
            ),
        }
        access_logs = AccessLogBucket(self, "AccessLogs", bucket_name=bucket_names["access-logs"])
        buckets = {
            purpose: SecureBucket(
                self, construct_id, bucket_name=bucket_names[purpose], key=keys[key], access_logs=access_logs
            ).bucket
            for purpose, (construct_id, key) in DATA_BUCKETS.items()
        }
        self.store = DataStore(bucket_names, buckets, keys["data"], keys["artifacts"])
        accept_replication(buckets["prod-feedback"], keys["data"], props.feedback_source_role_arn)
        for reader in props.readers:
            self._share(buckets["model-artifacts"], keys["artifacts"], reader, props.served_artifact_keys)

    def _share(self, bucket: s3.Bucket, key: kms.Key, reader: ServingReaders, objects: Sequence[str]) -> None:
        """The serving account's model roles may read served models and their baselines, nothing else.

        Cross-account reads need both this policy and the reader's own: this one admits the platform's
        model roles of the account (by name pattern, so its size is independent of the project count),
        and each role's own policy narrows it to its project's prefix. The roles do not exist yet when
        dev deploys, and S3 and KMS reject policies naming unknown roles, so each statement trusts the
        account and narrows it with `aws:PrincipalArn`.
        """
        principal = iam.AccountPrincipal(reader.account_id).with_conditions(
            {"ArnLike": {"aws:PrincipalArn": reader.role_arn_patterns}}
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"ServingAccount{reader.account_id}ReadsModels",
                principals=[principal],
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[bucket.arn_for_objects(pattern) for pattern in objects],
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[principal],
                actions=["kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{Stack.of(self).region}.amazonaws.com"}},
            )
        )
