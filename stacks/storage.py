"""The dev account's data: keys and buckets for raw data, processed data and model artifacts."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ml_constructs.platform_key import platform_key
from ml_constructs.secure_bucket import AccessLogBucket, SecureBucket
from platform_config import PlatformConfig, naming


class StorageStack(Stack):
    """Two customer-managed keys: one for data that never leaves dev, one for the model artifacts that
    test and prod must read, so sharing the second never exposes the first."""

    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig) -> None:
        super().__init__(scope, construct_id, description="Keys and buckets for data and models (dev)")
        name = config.platform.name
        self.data_key = platform_key(
            self,
            "DataKey",
            alias=f"alias/{name}/data",
            description="Encrypts raw and processed data and Studio's EFS",
        )
        self.artifacts_key = platform_key(
            self,
            "ModelArtifactsKey",
            alias=f"alias/{name}/model-artifacts",
            description="Encrypts model artifacts shared with test and prod",
        )
        account_id = config.accounts.dev.account_id
        self.bucket_names = {
            purpose: naming.bucket(name, purpose, account_id)
            for purpose in ("access-logs", "raw-data", "processed-data", "model-artifacts")
        }
        access_logs = AccessLogBucket(self, "AccessLogs", bucket_name=self.bucket_names["access-logs"])

        def data_bucket(construct_id: str, purpose: str, key: kms.IKey):
            return SecureBucket(
                self, construct_id, bucket_name=self.bucket_names[purpose], key=key, access_logs=access_logs
            ).bucket

        self.raw_data = data_bucket("RawData", "raw-data", self.data_key)
        self.processed_data = data_bucket("ProcessedData", "processed-data", self.data_key)
        self.model_artifacts = data_bucket("ModelArtifacts", "model-artifacts", self.artifacts_key)
        self._share_artifacts_with_serving_accounts(config)

    def _share_artifacts_with_serving_accounts(self, config: PlatformConfig) -> None:
        """The test and prod model roles may read served models and their baselines, and nothing else.

        Cross-account reads need both this policy and the reader's own: this one admits the platform's
        model roles of each serving account (by name pattern, so its size is independent of the
        project count), and each role's own policy narrows it to its project's prefix. The roles do
        not exist yet when dev deploys, and S3 and KMS reject policies naming unknown roles, so each
        statement trusts the account and narrows it with `aws:PrincipalArn`.
        """
        platform = config.platform.name
        roles_by_account: dict[str, list[str]] = {}
        for role in ("test", "prod"):
            account_id = getattr(config.accounts, role).account_id
            pattern = naming.model_execution_role(platform, "*", role)
            roles_by_account.setdefault(account_id, []).append(
                f"arn:{self.partition}:iam::{account_id}:role/{pattern}"
            )
        for account_id, role_arns in roles_by_account.items():
            principal = iam.AccountPrincipal(account_id).with_conditions(
                {"ArnLike": {"aws:PrincipalArn": role_arns}}
            )
            self.model_artifacts.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"ServingAccount{account_id}ReadsModels",
                    principals=[principal],
                    actions=["s3:GetObject", "s3:GetObjectVersion"],
                    resources=[
                        self.model_artifacts.arn_for_objects(key) for key in naming.served_artifacts("*")
                    ],
                )
            )
            self.artifacts_key.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[principal],
                    actions=["kms:Decrypt"],
                    resources=["*"],
                    conditions={"StringEquals": {"kms:ViaService": f"s3.{self.region}.amazonaws.com"}},
                )
            )
