"""What each persona may do, as IAM statements: the seeds' table, least privilege, scoped by ARN.

| persona            | may                                                                          |
| ------------------ | ---------------------------------------------------------------------------- |
| data engineer      | processing jobs (Data Wrangler exports too), Feature Store (when on), raw +  |
|                    | processed data                                                               |
| data scientist     | processing + training jobs, experiments, register versions (pending only),   |
|                    | read the registry, processed data, its projects' artifacts                   |
| MLOps engineer     | SageMaker Pipelines and their executions, dev endpoints, read the registry   |
| compliance officer | read the registry, metrics and lineage; approve or reject model versions     |

Every persona also gets the Studio basics (its own apps and spaces, logs, images, and what SageMaker
needs of an execution role in a VPC). Everyone but the compliance officer is also denied any
approval change by `ApprovalGuard` and by the model package groups' own policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from ml_constructs.sagemaker_job_permissions import key_statements, vpc_job_statements
from platform_config import naming
from platform_config.schema import PersonaName

PERSONAS: tuple[PersonaName, ...] = (
    "data-engineer",
    "data-scientist",
    "mlops-engineer",
    "compliance-officer",
)


@dataclass(frozen=True)
class PersonaScope:
    """The resources persona policies are scoped to."""

    stack: Stack  # the stack of the policies: ARNs in its account and region
    platform: str
    feature_store: bool  # SageMaker Feature Store is on (studio.feature_store)
    domain_id: str
    # Bucket names, not constructs: ARNs built from names are plain strings in this stack, with no
    # cross-stack reference.
    raw_data: str
    processed_data: str
    model_artifacts: str
    data_key: kms.IKey
    artifacts_key: kms.IKey
    model_build_role_arns: list[str]
    vpc_arn: str  # where Studio apps and jobs create their network interfaces
    audit_records: str  # the Object Lock bucket model cards are exported to (ml_constructs/audit_ledger.py)

    def sagemaker(self, resource: str, name: str = "*") -> str:
        return self.stack.format_arn(
            service="sagemaker",
            resource=resource,
            resource_name=name,
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )

    def named(self, resource: str) -> str:
        """Resources people create by name must carry the platform's prefix."""
        return self.sagemaker(resource, f"{self.platform}-*")

    @property
    def promotion_pipelines(self) -> list[str]:
        pattern = naming.promotion_pipeline(self.platform, "*")
        return [self.stack.format_arn(service="codepipeline", resource=pattern)]

    @property
    def promotion_gates(self) -> list[str]:
        """The ApproveForProd action of every promotion pipeline: only the compliance officer answers it."""
        return [f"{pipeline}/ApproveForProd/ApproveForProd" for pipeline in self.promotion_pipelines]

    @property
    def audit_table(self) -> str:
        return self.stack.format_arn(
            service="dynamodb", resource="table", resource_name=naming.audit_table(self.platform)
        )

    @property
    def package_groups(self) -> list[str]:
        """Every project's group: they all carry the platform's prefix (config enforces it)."""
        return [self.named("model-package-group")]

    @property
    def packages(self) -> list[str]:
        return [self.sagemaker("model-package", f"{self.platform}-*/*")]

    def bucket(self, name: str) -> str:
        return f"arn:{self.stack.partition}:s3:::{name}"

    @property
    def project_artifacts(self) -> list[str]:
        """The artifacts bucket holds only project prefixes; personas work across all projects."""
        return [f"{self.bucket(self.model_artifacts)}/*"]


def _allow(sid: str, actions: list[str], resources: list[str], **conditions) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid=sid, actions=actions, resources=resources, conditions=conditions or None)


_READ = ["s3:GetObject"]
_READ_WRITE = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]


def _objects(
    sid: str, bucket_arn: str, actions: list[str], objects: list[str] | None = None
) -> list[iam.PolicyStatement]:
    """List the bucket, and act on its objects (all of them, or the given object ARNs)."""
    return [
        _allow(f"{sid}List", ["s3:ListBucket", "s3:GetBucketLocation"], [bucket_arn]),
        _allow(f"{sid}Objects", actions, objects or [f"{bucket_arn}/*"]),
    ]


def _use_keys(*keys: kms.IKey) -> list[iam.PolicyStatement]:
    return key_statements("UseDataKeys", [k.key_arn for k in keys])


def _pass_role(sid: str, role_arns: list[str]) -> iam.PolicyStatement:
    return _allow(
        sid,
        ["iam:PassRole"],
        role_arns,
        StringEquals={"iam:PassedToService": "sagemaker.amazonaws.com"},
    )


def _read_registry(scope: PersonaScope) -> iam.PolicyStatement:
    return _allow(
        "ReadModelRegistry",
        [
            "sagemaker:DescribeModelPackageGroup",
            "sagemaker:DescribeModelPackage",
            "sagemaker:ListModelPackages",
        ],
        scope.package_groups + scope.packages,
    )


def _jobs(scope: PersonaScope, *kinds: str) -> iam.PolicyStatement:
    """Run and watch jobs of the given kinds; names carry the platform prefix."""
    actions = [
        f"sagemaker:{verb}{kind.title().replace('-', '')}Job"
        for kind in kinds
        for verb in ("Create", "Describe", "Stop")
    ]
    return _allow("RunJobs", [*actions, "sagemaker:AddTags"], [scope.named(f"{kind}-job") for kind in kinds])


def studio_basics(scope: PersonaScope, role_arn: str) -> list[iam.PolicyStatement]:
    """What any Studio user needs: its apps and spaces in this domain (tagged: the domain propagates
    tags, and SageMaker tags what Studio creates), logs, images, listing, and the network interfaces
    of apps and jobs in the domain's VPC."""
    domain = scope.domain_id
    return [
        _allow(
            "OwnStudioAppsAndSpaces",
            [
                "sagemaker:CreateApp",
                "sagemaker:DeleteApp",
                "sagemaker:DescribeApp",
                "sagemaker:CreateSpace",
                "sagemaker:UpdateSpace",
                "sagemaker:DeleteSpace",
                "sagemaker:DescribeSpace",
                "sagemaker:DescribeUserProfile",
                "sagemaker:DescribeDomain",
                "sagemaker:AddTags",
            ],
            [
                scope.sagemaker("app", f"{domain}/*"),
                scope.sagemaker("space", f"{domain}/*"),
                scope.sagemaker("user-profile", f"{domain}/*"),
                scope.sagemaker("domain", domain),
            ],
        ),
        # List and Search actions take no resource ARN in IAM.
        _allow(
            "ListAndSearch", ["sagemaker:List*", "sagemaker:Search", "sagemaker:GetSearchSuggestions"], ["*"]
        ),
        _allow(
            "ReadSageMakerLogs",
            ["logs:DescribeLogStreams", "logs:GetLogEvents"],
            [
                scope.stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name="/aws/sagemaker/*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        ),
        *vpc_job_statements(scope.stack, scope.vpc_arn),
        # The domain's EFS is encrypted with the data key: SageMaker checks these at CreateApp
        # (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createdomain-perms).
        _allow("DescribeTheDomainKey", ["kms:DescribeKey"], [scope.data_key.key_arn]),
        _allow(
            "GrantsOnTheDomainKey",
            ["kms:CreateGrant"],
            [scope.data_key.key_arn],
            Bool={"kms:GrantIsForAWSResource": "true"},
        ),
        _pass_role("PassOwnRoleToSageMaker", [role_arn]),
    ]


def data_engineer(scope: PersonaScope) -> list[iam.PolicyStatement]:
    """Data Wrangler flows export as processing jobs (RunJobs); SageMaker Canvas's own data preparation
    needs AWS's AmazonSageMakerCanvasDataPrepFullAccess, which the platform does not grant."""
    statements = [
        *_objects("RawData", scope.bucket(scope.raw_data), _READ_WRITE),
        *_objects("ProcessedData", scope.bucket(scope.processed_data), _READ_WRITE),
        *_use_keys(scope.data_key),
        _jobs(scope, "processing"),
    ]
    if scope.feature_store:
        statements += _feature_store(scope)
    return statements


# Where feature groups' offline stores live: the processed-data bucket, under the data key.
OFFLINE_STORE_PREFIX = "feature-store"
FEATURE_STORE_DATABASE = "sagemaker_featurestore"  # the Glue database Feature Store creates tables in


def _feature_store(scope: PersonaScope) -> list[iam.PolicyStatement]:
    """Feature groups named with the platform's prefix, their records, and what the offline store
    needs of the role passed to the group (AWS's AmazonSageMakerFeatureStoreAccess, narrowed:
    https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html)."""
    glue = scope.stack.format_arn
    bucket = scope.bucket(scope.processed_data)
    return [
        _allow(
            "FeatureGroups",
            [
                "sagemaker:CreateFeatureGroup",
                "sagemaker:UpdateFeatureGroup",
                "sagemaker:DescribeFeatureGroup",
                "sagemaker:DeleteFeatureGroup",
                "sagemaker:UpdateFeatureMetadata",
                "sagemaker:DescribeFeatureMetadata",
                "sagemaker:PutRecord",
                "sagemaker:GetRecord",
                "sagemaker:BatchGetRecord",
                "sagemaker:DeleteRecord",
                "sagemaker:AddTags",
            ],
            [scope.named("feature-group")],
        ),
        _allow(
            "OfflineStoreCatalog",
            ["glue:GetTable", "glue:UpdateTable"],
            [
                glue(service="glue", resource="catalog"),
                glue(service="glue", resource="database", resource_name=FEATURE_STORE_DATABASE),
                glue(service="glue", resource="table", resource_name=f"{FEATURE_STORE_DATABASE}/*"),
            ],
        ),
        _allow("OfflineStoreBucket", ["s3:GetBucketAcl"], [bucket]),
        _allow("OfflineStoreObjects", ["s3:PutObjectAcl"], [f"{bucket}/{OFFLINE_STORE_PREFIX}/*"]),
    ]


def data_scientist(scope: PersonaScope) -> list[iam.PolicyStatement]:
    return [
        *_objects("ProcessedData", scope.bucket(scope.processed_data), _READ),
        *_objects(
            "ProjectArtifacts", scope.bucket(scope.model_artifacts), _READ_WRITE, scope.project_artifacts
        ),
        *_use_keys(scope.data_key, scope.artifacts_key),
        _jobs(scope, "processing", "training", "hyper-parameter-tuning"),
        _allow(
            "Experiments",
            [
                "sagemaker:CreateExperiment",
                "sagemaker:UpdateExperiment",
                "sagemaker:DescribeExperiment",
                "sagemaker:CreateTrial",
                "sagemaker:UpdateTrial",
                "sagemaker:DescribeTrial",
                "sagemaker:CreateTrialComponent",
                "sagemaker:UpdateTrialComponent",
                "sagemaker:DescribeTrialComponent",
                "sagemaker:AssociateTrialComponent",
                "sagemaker:DisassociateTrialComponent",
                "sagemaker:BatchPutMetrics",
                "sagemaker:AddTags",
            ],
            [
                scope.sagemaker("experiment"),
                scope.sagemaker("experiment-trial"),
                scope.sagemaker("experiment-trial-component"),
            ],
        ),
        _read_registry(scope),
        _allow(
            "RegisterModelVersionsPendingApproval",
            ["sagemaker:CreateModelPackage"],
            scope.packages + scope.package_groups,
            StringEqualsIfExists={"sagemaker:ModelApprovalStatus": "PendingManualApproval"},
        ),
    ]


def mlops_engineer(scope: PersonaScope) -> list[iam.PolicyStatement]:
    return [
        *_objects("ProcessedData", scope.bucket(scope.processed_data), _READ),
        *_objects(
            "ProjectArtifacts", scope.bucket(scope.model_artifacts), _READ_WRITE, scope.project_artifacts
        ),
        *_use_keys(scope.data_key, scope.artifacts_key),
        _allow(
            "Pipelines",
            [
                "sagemaker:CreatePipeline",
                "sagemaker:UpdatePipeline",
                "sagemaker:DescribePipeline",
                "sagemaker:DescribePipelineDefinitionForExecution",
                "sagemaker:StartPipelineExecution",
                "sagemaker:StopPipelineExecution",
                "sagemaker:RetryPipelineExecution",
                "sagemaker:DescribePipelineExecution",
                "sagemaker:AddTags",
            ],
            [
                scope.named("pipeline"),
                scope.sagemaker("pipeline", f"{scope.platform}-*/execution/*"),
            ],
        ),
        _allow(
            "DevEndpoints",
            [
                "sagemaker:CreateModel",
                "sagemaker:DescribeModel",
                "sagemaker:DeleteModel",
                "sagemaker:CreateEndpointConfig",
                "sagemaker:DescribeEndpointConfig",
                "sagemaker:DeleteEndpointConfig",
                "sagemaker:CreateEndpoint",
                "sagemaker:UpdateEndpoint",
                "sagemaker:DescribeEndpoint",
                "sagemaker:DeleteEndpoint",
                "sagemaker:InvokeEndpoint",
                "sagemaker:AddTags",
            ],
            [scope.named("model"), scope.named("endpoint-config"), scope.named("endpoint")],
        ),
        _read_registry(scope),
        _pass_role("PassModelBuildRoles", scope.model_build_role_arns),
        *_watch_promotions(scope),
        # Roll back: start a promotion with an earlier approved version; the same checks run.
        _allow("StartPromotions", ["codepipeline:StartPipelineExecution"], scope.promotion_pipelines),
    ]


def _watch_promotions(scope: PersonaScope) -> list[iam.PolicyStatement]:
    return [
        _allow(
            "WatchPromotions",
            [
                "codepipeline:GetPipeline",
                "codepipeline:GetPipelineState",
                "codepipeline:GetPipelineExecution",
                "codepipeline:ListPipelineExecutions",
                "codepipeline:ListActionExecutions",
            ],
            scope.promotion_pipelines,
        ),
        _allow("ReadAuditTrail", ["dynamodb:Query", "dynamodb:DescribeTable"], [scope.audit_table]),
    ]


def compliance_officer(scope: PersonaScope) -> list[iam.PolicyStatement]:
    return [
        _read_registry(scope),
        *_watch_promotions(scope),
        _allow("AnswerTheProdGate", ["codepipeline:PutApprovalResult"], scope.promotion_gates),
        _allow(
            "ApproveOrRejectModelVersions",
            ["sagemaker:UpdateModelPackage"],
            scope.packages,
            StringEquals={"sagemaker:ModelApprovalStatus": ["Approved", "Rejected"]},
        ),
        *_objects("ModelMetrics", scope.bucket(scope.model_artifacts), _READ, scope.project_artifacts),
        _allow("ReadModelMetricsKey", ["kms:Decrypt"], [scope.artifacts_key.key_arn]),
        # `mlp-promote card export`: add a card to the audit records (Object Lock: never replace one),
        # encrypted by S3 with the bucket's key, whose ARN this stack does not know.
        _allow("ExportModelCards", ["s3:PutObject"], [f"{scope.bucket(scope.audit_records)}/model-cards/*"]),
        _allow(
            "EncryptExportedModelCards",
            ["kms:GenerateDataKey"],
            [scope.stack.format_arn(service="kms", resource="key", resource_name="*")],
            StringEquals={"kms:ViaService": f"s3.{scope.stack.region}.amazonaws.com"},
            StringLike={"kms:EncryptionContext:aws:s3:arn": f"{scope.bucket(scope.audit_records)}*"},
        ),
        # `mlp-lineage`'s data versions: which object versions trained a model (their names and version
        # ids; never the data itself, which stays the data engineers' and data scientists' to read).
        _allow(
            "ListDataVersions",
            ["s3:ListBucketVersions"],
            [scope.bucket(scope.processed_data), scope.bucket(scope.raw_data)],
        ),
        # QueryLineage has no resource type in IAM: it matches only `Resource: "*"`.
        _allow("QueryLineage", ["sagemaker:QueryLineage"], ["*"]),
        _allow(
            "ReadLineage",
            [
                "sagemaker:DescribeArtifact",
                "sagemaker:DescribeAction",
                "sagemaker:DescribeContext",
                "sagemaker:DescribeTrainingJob",
                "sagemaker:DescribeProcessingJob",
                "sagemaker:DescribeTrialComponent",
                "sagemaker:DescribePipeline",
                "sagemaker:DescribePipelineExecution",
                "sagemaker:ListPipelineParametersForExecution",
            ],
            [
                scope.sagemaker("artifact"),
                scope.sagemaker("action"),
                scope.sagemaker("context"),
                scope.sagemaker("experiment-trial-component"),
                scope.sagemaker("training-job"),
                scope.sagemaker("processing-job"),
                scope.named("pipeline"),
                scope.sagemaker("pipeline", f"{scope.platform}-*/execution/*"),
            ],
        ),
    ]


POLICIES = {
    "data-engineer": data_engineer,
    "data-scientist": data_scientist,
    "mlops-engineer": mlops_engineer,
    "compliance-officer": compliance_officer,
}
