"""Prod pushes its captured requests and ground-truth labels to dev: S3 replication of those prefixes
of prod's monitoring bucket into dev's prod-feedback bucket, which is all the retraining loop reads.

Why replication, and why this way round. People in dev never touch prod, so no dev principal gets
read access to a prod bucket; prod's own replication role writes into one dev bucket instead, and
only the prefixes that hold captures (`<project>/capture/`) and labels (`ground-truth/<endpoint>/`).
S3 replication is what AWS documents for copying objects to a bucket another account owns, KMS
encrypted on both sides (S3 User Guide, "Replicating objects", "Replicating encrypted objects" and
"Granting additional permissions for cross-account scenarios"), and it needs no code of ours:

- both buckets versioned (all the platform's buckets are);
- the source's replication configuration (on prod's bucket) names a role S3 assumes, one rule per
  prefix (a Filter, so DeleteMarkerReplication must be stated: Disabled, deletes stay in prod),
  `SourceSelectionCriteria.SseKmsEncryptedObjects` Enabled (SSE-KMS objects are otherwise skipped)
  and the destination key as `ReplicaKmsKeyID`;
- the role (prod) may read the source's replication configuration and list it, read object
  versions for replication, decrypt with the serving key through S3, and replicate into the
  destination and encrypt with dev's data key through S3 in dev's region;
- the destination (dev) admits that role in its bucket policy (replicate objects and tags, read and
  keep versioning) and in its key policy (kms:Encrypt through S3): cross-account, both sides must
  allow. Dev's bucket is bucket-owner-enforced, so replicas belong to dev without an owner override.

The destination key is named by its alias ARN (`arn:aws:kms:REGION:DEV:alias/...`): the key's own
ARN is generated in another account's stack, and `ReplicaKmsKeyID` takes "the ARN for the KMS key or
the alias ARN" (S3 API reference, EncryptionConfiguration); a full alias ARN names dev's account, so it
cannot resolve to a key of prod's. Replicas are retained and versioned like all of dev's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards

# What the role needs of the destination, and what the destination's bucket policy admits of it
# (no s3:ReplicateDelete: delete markers are not replicated, so deletes in prod stay in prod).
REPLICATE = ["s3:ReplicateObject", "s3:ReplicateTags"]
DESTINATION_BUCKET = ["s3:GetBucketVersioning", "s3:PutBucketVersioning"]


@dataclass(frozen=True)
class FeedbackDestination:
    """Where prod's feedback goes in dev, and who sends it (all known at synth, in both accounts)."""

    bucket_name: str
    key_alias_arn: str  # dev's data key, by its alias ARN
    region: str  # dev's region: the destination key is used through S3 there
    source_role_arn: str  # prod's replication role


@dataclass(frozen=True)
class FeedbackFlow:
    """What prod replicates into dev, and as whom."""

    destination: FeedbackDestination
    prefixes: Sequence[str]  # of the monitoring bucket, one replication rule each
    prefix_patterns: Sequence[str]  # the same as IAM patterns, independent of the project count
    role_name: str  # prod's replication role


def accept_replication(bucket: s3.IBucket, key: kms.IKey, source_role_arn: str) -> None:
    """Dev's side: the prod replication role may replicate into `bucket`, encrypting with `key`.

    The role is in another account and may not exist when dev deploys, and S3 and KMS reject policies
    naming unknown roles: the statements trust prod's account and narrow it with `aws:PrincipalArn`.
    """
    principal = iam.AccountPrincipal(source_role_arn.split(":")[4]).with_conditions(
        {"ArnEquals": {"aws:PrincipalArn": source_role_arn}}
    )
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="ProdReplicatesFeedback",
            principals=[principal],
            actions=REPLICATE,
            resources=[bucket.arn_for_objects("*")],
        )
    )
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="ProdReplicationSeesVersioning",
            principals=[principal],
            actions=DESTINATION_BUCKET,
            resources=[bucket.bucket_arn],
        )
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="ProdReplicationEncryptsFeedback",
            principals=[principal],
            actions=["kms:Encrypt"],
            resources=["*"],
            conditions={"StringEquals": {"kms:ViaService": f"s3.{Stack.of(bucket).region}.amazonaws.com"}},
        )
    )


class FeedbackReplication(Construct):
    """Prod's side: the role and the replication configuration of the monitoring bucket."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: s3.Bucket,
        source_name: str,  # the bucket's (fixed) name: the role's policy must not depend on the bucket
        source_key: kms.IKey,
        flow: FeedbackFlow,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        destination, prefixes, prefix_patterns = flow.destination, flow.prefixes, flow.prefix_patterns
        source_arn = f"arn:{stack.partition}:s3:::{source_name}"
        destination_arn = f"arn:{stack.partition}:s3:::{destination.bucket_name}"
        dev_account = destination.key_alias_arn.split(":")[4]
        role = iam.Role(
            self,
            "Role",
            role_name=flow.role_name,
            description="S3 replication of prod's captures and labels into dev's prod-feedback bucket",
            assumed_by=iam.ServicePrincipal("s3.amazonaws.com"),
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Replicate prod's captures and labels, and only those, into dev",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="ReadTheReplicationConfiguration",
                    actions=["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    resources=[source_arn],
                ),
                iam.PolicyStatement(
                    sid="ReadFeedbackVersions",
                    actions=[
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    resources=[f"{source_arn}/{prefix}*" for prefix in prefix_patterns],
                ),
                iam.PolicyStatement(
                    sid="DecryptThroughS3",
                    actions=["kms:Decrypt"],
                    resources=[source_key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}},
                ),
                iam.PolicyStatement(
                    sid="ReplicateIntoDev",
                    actions=REPLICATE,
                    resources=[f"{destination_arn}/{prefix}*" for prefix in prefix_patterns],
                ),
                iam.PolicyStatement(
                    sid="EncryptWithDevsDataKeyThroughS3",
                    actions=["kms:Encrypt"],
                    resources=[f"arn:{stack.partition}:kms:{destination.region}:{dev_account}:key/*"],
                    conditions={"StringEquals": {"kms:ViaService": f"s3.{destination.region}.amazonaws.com"}},
                ),
            ],
        )
        acknowledge_scoped_wildcards(
            policy,
            "The capture and label prefixes of the monitoring bucket and of dev's feedback bucket; dev's "
            "key is named only by alias across accounts, and dev's key policy admits this role alone.",
        )
        cfn_bucket = source.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        # The bucket is SecureBucket's: its replication is this construct's, set on its L1 resource.
        cfn_bucket.add_property_override(
            "ReplicationConfiguration",
            {
                "Role": role.role_arn,
                "Rules": [
                    {
                        "Id": f"feedback-{number}",
                        "Priority": number,
                        "Status": "Enabled",
                        "Filter": {"Prefix": prefix},
                        "DeleteMarkerReplication": {"Status": "Disabled"},
                        "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                        "Destination": {
                            "Bucket": destination_arn,
                            "EncryptionConfiguration": {"ReplicaKmsKeyID": destination.key_alias_arn},
                        },
                    }
                    for number, prefix in enumerate(prefixes, start=1)
                ],
            },
        )
        # Replication starts with the configuration: its role's permissions come first.
        cfn_bucket.node.add_dependency(policy)
