"""What each documented workflow of the platform asks of IAM: per persona and per platform role, the
calls AWS makes with that role's credentials, each with the AWS page that says the call is needed.

A call names the action, every resource it is authorized on (all must be allowed) and the request's
condition keys. Names and ARNs come from the config and the synthesized assembly (`Platform`), so the
table follows the templates; identifiers CloudFormation generates are the resolver's stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from compliance.iam.assembly import IamModel
from platform_config import PlatformConfig, naming

# Where AWS documents what each call needs.
SAGEMAKER_ROLES = "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"
PROCESSING = f"{SAGEMAKER_ROLES}#sagemaker-roles-createprocessingjob-perms"
TRAINING = f"{SAGEMAKER_ROLES}#sagemaker-roles-createtrainingjob-perms"
CREATE_MODEL = f"{SAGEMAKER_ROLES}#sagemaker-roles-createmodel-perms"
DOMAIN_KEY = f"{SAGEMAKER_ROLES}#sagemaker-roles-createdomain-perms"  # "enforced during the CreateApp API call"
PASS_ROLE = f"{SAGEMAKER_ROLES}#sagemaker-roles-pass-role"
SAGEMAKER_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"
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
PIPELINES = "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html"
LINEAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/querying-lineage-entities.html"
CROSS_ACCOUNT_PACKAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy-xaccount.html"
HOST_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html"
DATA_CAPTURE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html"
MONITOR = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"
APPROVAL_ACTIONS = "https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html"
CODEPIPELINE_ACTIONS = "https://docs.aws.amazon.com/codepipeline/latest/userguide/permissions-reference.html"
CODEBUILD_ROLE = "https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html"
ASSUME_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html"
DYNAMODB_QUERY = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html"
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


@dataclass(frozen=True)
class Workflow:
    """Who runs a workflow (a role's name, and which account's), and the calls it makes."""

    role: Callable[[Platform], str]
    account: str  # dev, test or prod
    calls: Callable[[Platform], list[Call]]
    needs_feature_store: bool = False  # only with `studio.feature_store` on


def call(action: str, *resources: str, source: str, outside_policy: dict | None = None, **context: Any) -> Call:
    """A call; condition keys as keyword arguments with `__` for `:` (`kms__ViaService`)."""
    return Call(action, resources, source, {k.replace("__", ":"): v for k, v in context.items()}, outside_policy)


EXECUTION = "a1b2c3d4e5f6"  # a model-build pipeline execution's id


class Platform:
    """The names and ARNs the workflows act on, from the config and the synthesized assembly."""

    def __init__(self, config: PlatformConfig, model: IamModel) -> None:
        self.config, self.model = config, model
        self.name = config.platform.name
        self.region = config.accounts.dev.region
        self.accounts = {role: getattr(config.accounts, role).account_id for role in ("dev", "test", "prod")}
        self.dev = self.accounts["dev"]
        self.project = config.projects[0].name

    def profile(self, persona: str) -> str:
        """The Studio user profile of the first person with this persona."""
        return next(person.name for person in self.config.people if person.persona == persona)

    def sagemaker(self, resource: str, account: str | None = None) -> str:
        return f"arn:aws:sagemaker:{self.region}:{account or self.dev}:{resource}"

    def bucket(self, purpose: str, account: str | None = None) -> str:
        return f"arn:aws:s3:::{naming.bucket(self.name, purpose, account or self.dev)}"

    def key(self, stack: str, prefix: str) -> str:
        (arn,) = self.model.arns(stack, "AWS::KMS::Key", prefix)
        return arn

    def role_arn(self, name: str, account: str | None = None) -> str:
        return f"arn:aws:iam::{account or self.dev}:role/{name}"

    def network(self, role: str) -> tuple[str, list[str], list[str]]:
        """The VPC's ARN, the job subnets and the jobs' security group of an account's network."""
        stack, account = f"{role}-Network", self.accounts[role]
        (vpc,) = self.model.physical_names(stack, "AWS::EC2::VPC")
        subnets = self.model.physical_names(stack, "AWS::EC2::Subnet", "VpcJobs")
        groups = self.model.physical_names(stack, "AWS::EC2::SecurityGroup", "Jobs")
        return f"arn:aws:ec2:{self.region}:{account}:vpc/{vpc}", subnets, groups

    @cached_property
    def domain_id(self) -> str:
        (domain,) = self.model.physical_names("dev-Studio", "AWS::SageMaker::Domain")
        return domain

    @cached_property
    def data_key(self) -> str:
        return self.key("dev-Storage", "DataKey")

    @cached_property
    def artifacts_key(self) -> str:
        return self.key("dev-Storage", "ModelArtifactsKey")

    def run(self, purpose: str, path: str) -> str:
        """An object a model-build execution writes: under `<project>/model-build/<execution id>/` of
        the processed-data bucket (splits) or the model-artifacts bucket (model, metrics, baseline)."""
        return f"{self.bucket(purpose)}/{self.project}/model-build/{EXECUTION}/{path}"

    @property
    def package(self) -> str:
        return self.sagemaker(f"model-package/{self.group_name}/3")

    @property
    def group_name(self) -> str:
        return self.config.projects[0].model_package_group

    @property
    def promotion_pipeline(self) -> str:
        return f"arn:aws:codepipeline:{self.region}:{self.dev}:{naming.promotion_pipeline(self.name, self.project)}"

    @property
    def audit_table(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.dev}:table/{naming.audit_table(self.name)}"


# --- building blocks --------------------------------------------------------------------------------


def _s3_read(bucket: str, key: str, prefix: str, kms_key: str, region: str) -> list[Call]:
    return [
        call("s3:ListBucket", bucket, source=PROCESSING, s3__prefix=prefix),
        call("s3:GetObject", f"{bucket}/{key}", source=PROCESSING),
        call("kms:Decrypt", kms_key, source=S3_KMS, kms__ViaService=f"s3.{region}.amazonaws.com"),
    ]


def _s3_write(bucket: str, key: str, kms_key: str, region: str) -> list[Call]:
    return [
        call("s3:PutObject", f"{bucket}/{key}", source=PROCESSING),
        call("kms:GenerateDataKey", kms_key, source=S3_KMS, kms__ViaService=f"s3.{region}.amazonaws.com"),
    ]


def _images(region: str, repository: str) -> list[Call]:
    return [
        call("ecr:GetAuthorizationToken", "*", source=PROCESSING),
        *(
            call(action, f"arn:aws:ecr:{region}:{repository}", source=PROCESSING, outside_policy=AWS_IMAGE_REPOSITORIES)
            for action in ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
        ),
    ]


def _logs(region: str, account: str, group: str, stream: str, source: str) -> list[Call]:
    arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    return [
        call("logs:CreateLogGroup", arn, source=source),
        call("logs:CreateLogStream", f"{arn}:log-stream:{stream}", source=source),
        call("logs:PutLogEvents", f"{arn}:log-stream:{stream}", source=source),
    ]


def _network_interfaces(region: str, account: str, vpc: str, subnets: list[str], groups: list[str], source: str) -> list[Call]:
    """What SageMaker does with the execution role to put a job or endpoint in a VPC."""
    ec2 = f"arn:aws:ec2:{region}:{account}"
    interface = f"{ec2}:network-interface/*"
    attached = [f"{ec2}:subnet/{subnets[0]}", *(f"{ec2}:security-group/{g}" for g in groups)]
    return [
        call("ec2:CreateNetworkInterface", interface, *attached, source=source, ec2__Vpc=vpc),
        *(
            call(action, interface, source=source, ec2__Vpc=vpc)
            for action in ("ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission")
        ),
        *(
            call(action, "*", source=source)
            for action in ("ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups")
        ),
    ]


def _volume_key(key: str, region: str, source: str) -> Call:
    return call(
        "kms:CreateGrant", key, source=f"{source} {GRANT_FOR_AWS_RESOURCE}",
        kms__GrantIsForAWSResource=True, kms__ViaService=f"sagemaker.{region}.amazonaws.com",
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


def _job(p: Platform, job: Job) -> list[Call]:
    source = PROCESSING if job.kind == "Processing" else TRAINING
    vpc, subnets, groups = p.network("dev")
    arn = p.sagemaker(f"{job.kind.lower()}-job/{job.name}")
    return [
        call(
            f"sagemaker:Create{job.kind}Job", arn, source=source,
            sagemaker__VpcSubnets=subnets, sagemaker__VpcSecurityGroupIds=groups,
            sagemaker__VolumeKmsKey=job.volume_key, sagemaker__OutputKmsKey=job.volume_key,
        ),
        call("sagemaker:AddTags", arn, source=SAGEMAKER_ACTIONS),  # dependent action of creating with tags
        call(f"sagemaker:Describe{job.kind}Job", arn, source=source),
        call("iam:PassRole", job.role, source=PASS_ROLE, iam__PassedToService="sagemaker.amazonaws.com"),
        *_network_interfaces(p.region, p.dev, vpc, subnets, groups, source),
        _volume_key(job.volume_key, p.region, source),
        *_images(p.region, job.image),
        *_logs(p.region, p.dev, f"/aws/sagemaker/{job.kind}Jobs", f"{job.name}/algo-1-1700000000", source),
        call("cloudwatch:PutMetricData", "*", source=source, cloudwatch__namespace=f"/aws/sagemaker/{job.kind}Jobs"),
        *(c for bucket, key, kms in job.reads for c in _s3_read(bucket, key, key.split("/")[0] + "/", kms, p.region)),
        *(c for bucket, key, kms in job.writes for c in _s3_write(bucket, key, kms, p.region)),
    ]


# SageMaker's images in eu-west-1, the example's region (https://docs.aws.amazon.com/sagemaker/latest/dg-ecr-paths/ecr-eu-west-1.html).
XGBOOST = "141502667606:repository/sagemaker-xgboost"
SCIKIT_LEARN = "141502667606:repository/sagemaker-scikit-learn"
MODEL_MONITOR = "468650794304:repository/sagemaker-model-monitor-analyzer"
DATA_WRANGLER_IMAGE = "245179582081:repository/sagemaker-data-wrangler-container"


def _studio(p: Platform, persona: str) -> list[Call]:
    """A person's private JupyterLab space in the VpcOnly domain, whose EFS is encrypted with the
    data key and whose tags propagate to what Studio creates."""
    profile = p.profile(persona)
    space = p.sagemaker(f"space/{p.domain_id}/{profile}-space")
    app = p.sagemaker(f"app/{p.domain_id}/{profile}-space/jupyterlab/default")
    return [
        call("sagemaker:DescribeDomain", p.sagemaker(f"domain/{p.domain_id}"), source=STUDIO_SPACES),
        call("sagemaker:DescribeUserProfile", p.sagemaker(f"user-profile/{p.domain_id}/{profile}"), source=STUDIO_SPACES),
        call("sagemaker:ListSpaces", "*", source=STUDIO_SPACES),
        call("sagemaker:CreateSpace", space, source=STUDIO_SPACES),
        call("sagemaker:AddTags", space, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        call("sagemaker:DescribeSpace", space, source=STUDIO_SPACES),
        call("sagemaker:CreateApp", app, source=STUDIO_SPACES),
        call("sagemaker:AddTags", app, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        call("sagemaker:DescribeApp", app, source=STUDIO_SPACES),
        call("sagemaker:ListApps", "*", source=STUDIO_SPACES),
        call("kms:DescribeKey", p.data_key, source=DOMAIN_KEY),
        _volume_key(p.data_key, p.region, DOMAIN_KEY),
    ]


# --- personas ---------------------------------------------------------------------------------------


def data_engineer_processing(p: Platform) -> list[Call]:
    role = p.role_arn(f"{p.name}-data-engineer")
    job = Job(
        "Processing", f"{p.name}-clean-{p.project}", role, p.data_key,
        reads=((p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key),),
        writes=((p.bucket("processed-data"), f"{p.project}/clean/part-0.csv", p.data_key),),
        image=SCIKIT_LEARN,
    )
    return _job(p, job)


def data_engineer_feature_store(p: Platform) -> list[Call]:
    """A feature group with an offline store in the processed-data bucket, and its records."""
    group = p.sagemaker(f"feature-group/{p.name}-{p.project}-features")
    bucket = p.bucket("processed-data")
    glue = f"arn:aws:glue:{p.region}:{p.dev}"
    table = f"{glue}:table/sagemaker_featurestore/{p.name}_{p.project}_features_1700000000"
    return [
        call("sagemaker:CreateFeatureGroup", group, source=FEATURE_GROUP_API),
        call("sagemaker:AddTags", group, source=SAGEMAKER_ACTIONS),
        call("iam:PassRole", p.role_arn(f"{p.name}-data-engineer"), source=FEATURE_GROUP_API, iam__PassedToService="sagemaker.amazonaws.com"),
        call("sagemaker:DescribeFeatureGroup", group, source=FEATURE_GROUP_API),
        call("sagemaker:PutRecord", group, source=FEATURE_RECORDS),
        call("sagemaker:GetRecord", group, source=FEATURE_RECORDS),
        # The offline store, as the role passed to the feature group (AmazonSageMakerFeatureStoreAccess).
        call("s3:PutObject", f"{bucket}/feature-store/{p.dev}/sagemaker/{p.region}/offline-store/data/part.parquet", source=FEATURE_STORE),
        call("s3:PutObjectAcl", f"{bucket}/feature-store/{p.dev}/sagemaker/{p.region}/offline-store/data/part.parquet", source=FEATURE_STORE),
        call("s3:GetBucketAcl", bucket, source=FEATURE_STORE),
        call("s3:GetObject", f"{bucket}/feature-store/metadata/manifest.json", source=FEATURE_STORE),
        call("kms:GenerateDataKey", p.data_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        call("glue:GetTable", f"{glue}:catalog", f"{glue}:database/sagemaker_featurestore", table, source=FEATURE_STORE),
        call("glue:UpdateTable", f"{glue}:catalog", f"{glue}:database/sagemaker_featurestore", table, source=FEATURE_STORE),
    ]


def data_engineer_data_wrangler(p: Platform) -> list[Call]:
    """Data Wrangler in Canvas: the Canvas app, reading raw data, and running the flow as a processing
    job with AWS's Data Wrangler image."""
    app = p.sagemaker(f"app/{p.domain_id}/{p.profile('data-engineer')}/canvas/default")
    role = p.role_arn(f"{p.name}-data-engineer")
    job = Job(
        "Processing", f"{p.name}-flow-{p.project}", role, p.data_key,
        reads=((p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key),),
        writes=((p.bucket("processed-data"), f"{p.project}/prepared/part-0.csv", p.data_key),),
        image=DATA_WRANGLER_IMAGE,
    )
    return [
        call("sagemaker:CreateApp", app, source=DATA_WRANGLER),
        call("sagemaker:AddTags", app, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        *_s3_read(p.bucket("raw-data"), f"{p.project}/input/churn.csv", f"{p.project}/", p.data_key, p.region),
        *_job(p, job),
    ]


def data_scientist_training(p: Platform) -> list[Call]:
    role = p.role_arn(f"{p.name}-data-scientist")
    job = Job(
        "Training", f"{p.name}-{p.project}-xgb-1", role, p.artifacts_key,
        reads=((p.bucket("processed-data"), f"{p.project}/train/train.csv", p.data_key),),
        writes=((p.bucket("model-artifacts"), f"{p.project}/models/{p.name}-{p.project}-xgb-1/model.tar.gz", p.artifacts_key),),
        image=XGBOOST,
    )
    return _job(p, job)


def data_scientist_processing(p: Platform) -> list[Call]:
    role = p.role_arn(f"{p.name}-data-scientist")
    job = Job(
        "Processing", f"{p.name}-{p.project}-features-1", role, p.artifacts_key,
        reads=((p.bucket("processed-data"), f"{p.project}/clean/part-0.csv", p.data_key),),
        writes=((p.bucket("model-artifacts"), f"{p.project}/experiments/features.csv", p.artifacts_key),),
        image=SCIKIT_LEARN,
    )
    return _job(p, job)


def data_scientist_experiments(p: Platform) -> list[Call]:
    experiment = p.sagemaker(f"experiment/{p.project}-experiment")
    trial = p.sagemaker(f"experiment-trial/{p.project}-trial-1")
    component = p.sagemaker(f"experiment-trial-component/{p.project}-run-1")
    return [
        call("sagemaker:CreateExperiment", experiment, source=EXPERIMENTS),
        call("sagemaker:CreateTrial", trial, source=EXPERIMENTS),
        call("sagemaker:CreateTrialComponent", component, source=EXPERIMENTS),
        call("sagemaker:AssociateTrialComponent", trial, component, source=EXPERIMENTS),
        call("sagemaker:UpdateTrialComponent", component, source=EXPERIMENTS),
        call("sagemaker:BatchPutMetrics", component, source=EXPERIMENTS),
        call("sagemaker:DescribeTrialComponent", component, source=EXPERIMENTS),
        *(call("sagemaker:AddTags", arn, source=SAGEMAKER_ACTIONS) for arn in (experiment, trial, component)),
    ]


def register_pending(p: Platform) -> list[Call]:
    """A new version of the project's group, registered for approval."""
    group = p.sagemaker(f"model-package-group/{p.group_name}")
    return [
        call("sagemaker:CreateModelPackage", group, p.sagemaker(f"model-package/{p.group_name}/4"), source=REGISTER,
             sagemaker__ModelApprovalStatus="PendingManualApproval"),
    ]


def data_scientist_registry(p: Platform) -> list[Call]:
    """Read the registry, then register."""
    return [
        call("sagemaker:DescribeModelPackageGroup", p.sagemaker(f"model-package-group/{p.group_name}"), source=REGISTER),
        call("sagemaker:ListModelPackages", "*", source=REGISTER),
        call("sagemaker:DescribeModelPackage", p.package, source=REGISTER),
        *register_pending(p),
    ]


def mlops_pipelines(p: Platform) -> list[Call]:
    """Start the model-build pipeline, watch its steps, update it (passing its role)."""
    pipeline = p.sagemaker(f"pipeline/{naming.model_build_pipeline(p.name, p.project)}")
    execution = f"{pipeline}/execution/{EXECUTION}"
    return [
        call("sagemaker:StartPipelineExecution", pipeline, source=PIPELINES),
        call("sagemaker:ListPipelineExecutions", pipeline, source=PIPELINES),
        call("sagemaker:DescribePipelineExecution", execution, source=PIPELINES),
        call("sagemaker:ListPipelineExecutionSteps", execution, source=PIPELINES),
        call("sagemaker:UpdatePipeline", pipeline, source=PIPELINES),
        call("iam:PassRole", p.role_arn(naming.model_build_role(p.name, p.project)), source=PIPELINES,
             iam__PassedToService="sagemaker.amazonaws.com"),
    ]


def cli_rollback(p: Platform) -> list[Call]:
    """promotion_cli rollback: read the version, start the promotion pipeline with it."""
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:StartPipelineExecution", p.promotion_pipeline, source=CODEPIPELINE_ACTIONS),
    ]


def cli_history(p: Platform) -> list[Call]:
    return [call("dynamodb:Query", p.audit_table, source=DYNAMODB_QUERY)]


def watch_promotions(p: Platform) -> list[Call]:
    return [
        call(action, p.promotion_pipeline, source=CODEPIPELINE_ACTIONS)
        for action in ("codepipeline:GetPipelineState", "codepipeline:GetPipelineExecution", "codepipeline:ListPipelineExecutions")
    ]


def cli_pending(p: Platform) -> list[Call]:
    """promotion_cli pending: list the group's versions, describe each, read its metrics report."""
    metrics = p.run("model-artifacts", "evaluation/evaluation.json")
    return [
        call("sagemaker:ListModelPackages", "*", source=APPROVE),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("s3:GetObject", metrics, source=APPROVE),
        call("kms:Decrypt", p.artifacts_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
    ]


def cli_decide(p: Platform) -> list[Call]:
    """promotion_cli approve / reject: describe the version, set its status."""
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("sagemaker:UpdateModelPackage", p.package, source=APPROVE, sagemaker__ModelApprovalStatus="Approved"),
        call("sagemaker:UpdateModelPackage", p.package, source=APPROVE, sagemaker__ModelApprovalStatus="Rejected"),
    ]


def cli_gate(p: Platform) -> list[Call]:
    """promotion_cli gate: find the waiting approval and its package, answer it."""
    return [
        call("codepipeline:GetPipelineState", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("codepipeline:GetPipelineExecution", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("codepipeline:PutApprovalResult", f"{p.promotion_pipeline}/ApproveForProd/ApproveForProd", source=APPROVAL_ACTIONS),
    ]


def lineage(p: Platform) -> list[Call]:
    """`python -m lineage` in dev (`lineage/chain.py`): from the package to its pipeline run, jobs and data."""
    pipeline = p.sagemaker(f"pipeline/{naming.model_build_pipeline(p.name, p.project)}")
    training = p.sagemaker(f"training-job/pipelines-{EXECUTION}-Train-0123456789")
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=LINEAGE),
        call("sagemaker:ListArtifacts", "*", source=LINEAGE),
        call("sagemaker:QueryLineage", "*", source=LINEAGE),
        call("sagemaker:DescribeTrialComponent", p.sagemaker(f"experiment-trial-component/pipelines-{EXECUTION}-Train-0123456789-aws-training-job"), source=LINEAGE),
        call("sagemaker:DescribeTrainingJob", training, source=LINEAGE),
        call("sagemaker:ListTags", training, source=LINEAGE),
        call("sagemaker:ListTags", pipeline, source=LINEAGE),
        call("sagemaker:DescribePipeline", pipeline, source=LINEAGE),
        call("sagemaker:DescribePipelineExecution", f"{pipeline}/execution/{EXECUTION}", source=LINEAGE),
    ]


# --- platform roles ---------------------------------------------------------------------------------


def model_build(p: Platform) -> list[Call]:
    """The pipeline's steps, as its role (`pipelines/model_build.py`): preprocess, train, evaluate,
    baseline, register pending. Volumes use the data key; splits stay in processed data under it."""
    role = p.role_arn(naming.model_build_role(p.name, p.project))
    code = (p.bucket("model-artifacts"), f"{p.project}/code/preprocess.py", p.artifacts_key)
    split = (p.run("processed-data", "train/train.csv"), p.data_key)
    model = (p.run("model-artifacts", "model/train/output/model.tar.gz"), p.artifacts_key)

    def job(kind: str, step: str, reads, writes, image: str) -> Job:
        return Job(kind, f"pipelines-{EXECUTION}-{step}-0123456789", role, p.data_key, reads, writes, image)

    def under(path: str, key: str) -> tuple[str, str, str]:
        bucket, obj = path.removeprefix("arn:aws:s3:::").split("/", 1)
        return f"arn:aws:s3:::{bucket}", obj, key

    steps = [
        job("Processing", "Preprocess", (code, (p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key)),
            (under(*split),), SCIKIT_LEARN),
        job("Training", "Train", (under(*split),), (under(*model),), XGBOOST),
        job("Processing", "Evaluate", (code, under(*model)),
            (under(p.run("model-artifacts", "evaluation/evaluation.json"), p.artifacts_key),), XGBOOST),
        job("Processing", "Baseline", (under(*split),),
            (under(p.run("model-artifacts", "data-quality-baseline/statistics.json"), p.artifacts_key),), MODEL_MONITOR),
    ]
    return [*(c for step in steps for c in _job(p, step)), *register_pending(p)]


def _model_container(p: Platform, role: str) -> list[Call]:
    """The served model, as its role: its image, its artifact from dev's bucket under dev's key."""
    account = p.accounts[role]
    artifact = p.run("model-artifacts", "model/train/output/model.tar.gz")
    endpoint = naming.endpoint(p.name, p.project, role)
    return [
        *_images(p.region, XGBOOST),
        call("s3:GetObject", artifact, source=f"{CREATE_MODEL} {CROSS_ACCOUNT_PACKAGE}"),
        call("kms:Decrypt", p.artifacts_key, source=f"{S3_KMS} {CROSS_ACCOUNT_PACKAGE}", kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        *_logs(p.region, account, f"/aws/sagemaker/Endpoints/{endpoint}", "AllTraffic/i-0123456789abcdef0", CREATE_MODEL),
    ]


def model_in_test(p: Platform) -> list[Call]:
    return _model_container(p, "test")


def model_in_prod(p: Platform) -> list[Call]:
    """Prod also runs in the VPC with a KMS-encrypted volume, captures data, and runs Model Monitor."""
    account = p.accounts["prod"]
    vpc, subnets, groups = p.network("prod")
    serving_key = p.key("prod-ServingFoundation", "ServingKey")
    monitor = p.bucket("model-monitor", account)
    return [
        *_model_container(p, "prod"),
        *_network_interfaces(p.region, account, vpc, subnets, groups, HOST_VPC),
        _volume_key(serving_key, p.region, HOST_VPC),
        call("s3:PutObject", f"{monitor}/{p.project}/capture/AllTraffic/2026/01/01/00/capture.jsonl", source=DATA_CAPTURE),
        call("kms:GenerateDataKey", serving_key, source=DATA_CAPTURE, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        call("s3:ListBucket", monitor, source=MONITOR, s3__prefix=f"{p.project}/capture/"),
        call("s3:GetObject", f"{monitor}/{p.project}/capture/AllTraffic/2026/01/01/00/capture.jsonl", source=MONITOR),
        call("kms:Decrypt", serving_key, source=MONITOR, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        call("s3:PutObject", f"{monitor}/{p.project}/reports/2026/01/01/00/constraint_violations.json", source=MONITOR),
        call("s3:GetObject", p.run("model-artifacts", "data-quality-baseline/statistics.json"), source=MONITOR),
        call("cloudwatch:PutMetricData", "*", source=MONITOR, cloudwatch__namespace="aws/sagemaker/Endpoints/data-metrics"),
        *_images(p.region, MODEL_MONITOR),
    ]


def promotion_steps(p: Platform) -> list[Call]:
    """The promotion pipeline's CodeBuild steps: logs, artifacts, resolving the package, and assuming
    the check roles of test and prod."""
    (project,) = p.model.physical_names(f"dev-Promotion-{p.project}", "AWS::CodeBuild::Project")
    (bucket,) = p.model.physical_names(f"dev-Promotion-{p.project}", "AWS::S3::Bucket", "PromotionArtifacts")
    promotion_key = p.key("dev-Promotion", "PromotionKey")
    artifact = f"arn:aws:s3:::{bucket}/{naming.promotion_pipeline(p.name, p.project)}/Source/templates.zip"
    metrics = p.run("model-artifacts", "evaluation/evaluation.json")
    return [
        *_logs(p.region, p.dev, f"/aws/codebuild/{project}", "0123-4567", CODEBUILD_ROLE),
        call("s3:GetObject", artifact, source=CODEBUILD_ROLE),
        call("s3:PutObject", artifact, source=CODEBUILD_ROLE),
        call("kms:Decrypt", promotion_key, source=CODEBUILD_ROLE),
        call("kms:GenerateDataKey", promotion_key, source=CODEBUILD_ROLE),
        call("sagemaker:DescribeModelPackage", p.package, source=CROSS_ACCOUNT_PACKAGE),
        call("s3:GetObject", metrics, source=APPROVE),
        call("kms:Decrypt", p.artifacts_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        *(
            call("sts:AssumeRole", p.role_arn(naming.promotion_check_role(p.name, p.project, role), p.accounts[role]), source=ASSUME_ROLE)
            for role in ("test", "prod")
        ),
    ]


def _check(p: Platform, role: str) -> list[Call]:
    account = p.accounts[role]
    endpoint = p.sagemaker(f"endpoint/{naming.endpoint(p.name, p.project, role)}", account)
    calls = [
        call("sagemaker:DescribeEndpoint", endpoint, source=CODEBUILD_ROLE),
        call("sagemaker:DescribeEndpointConfig", p.sagemaker("endpoint-config/serving-config-1", account), source=CODEBUILD_ROLE),
        call("sagemaker:DescribeModel", p.sagemaker("model/serving-model-1", account), source=CODEBUILD_ROLE),
    ]
    return [*calls, call("sagemaker:InvokeEndpoint", endpoint, source=CODEBUILD_ROLE)] if role == "test" else calls


def check_in_test(p: Platform) -> list[Call]:
    return _check(p, "test")


def check_in_prod(p: Platform) -> list[Call]:
    return _check(p, "prod")


def _function(p: Platform, prefix: str) -> list[Call]:
    """A promotion function's own log group and dead-letter queue (encrypted with the promotion key)."""
    (group,) = p.model.physical_names("dev-Promotion", "AWS::Logs::LogGroup", f"{prefix}Logs")
    (queue,) = p.model.arns("dev-Promotion", "AWS::SQS::Queue", f"{prefix}DeadLetters")
    log_group = f"arn:aws:logs:{p.region}:{p.dev}:log-group:{group}"
    promotion_key = p.key("dev-Promotion", "PromotionKey")
    return [
        call("logs:CreateLogStream", f"{log_group}:log-stream:2026/01/01/[$LATEST]0123", source=LAMBDA_LOGS),
        call("logs:PutLogEvents", f"{log_group}:log-stream:2026/01/01/[$LATEST]0123", source=LAMBDA_LOGS),
        call("sqs:SendMessage", queue, source=LAMBDA_DLQ),
        call("kms:GenerateDataKey", promotion_key, source=SQS_KMS),
        call("kms:Decrypt", promotion_key, source=SQS_KMS),
    ]


def promotion_trigger(p: Platform) -> list[Call]:
    (table,) = p.model.arns("dev-Promotion", "AWS::DynamoDB::GlobalTable", "TriggerIdempotency")
    return [
        *_function(p, "TriggerHandler"),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:StartPipelineExecution", p.promotion_pipeline, source=CODEPIPELINE_ACTIONS),
        *(call(f"dynamodb:{a}", table, source=IDEMPOTENCY) for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")),
    ]


def audit_trail(p: Platform) -> list[Call]:
    return [
        *_function(p, "AuditTrailRecorder"),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:ListActionExecutions", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("codepipeline:GetPipelineExecution", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("dynamodb:PutItem", p.audit_table, source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html"),
    ]


def _persona(persona: str) -> Callable[[Platform], str]:
    return lambda p: f"{p.name}-{persona}"


def _function_role(prefix: str) -> Callable[[Platform], str]:
    """A promotion function's role, named by CloudFormation."""
    return lambda p: p.model.physical_names("dev-Promotion", "AWS::IAM::Role", f"{prefix}Role")[0]


WORKFLOWS: dict[str, Workflow] = {
    **{
        f"{persona}: Studio JupyterLab space": Workflow(_persona(persona), "dev", lambda p, persona=persona: _studio(p, persona))
        for persona in ("data-engineer", "data-scientist", "mlops-engineer", "compliance-officer")
    },
    "data-engineer: processing job in the VPC": Workflow(_persona("data-engineer"), "dev", data_engineer_processing),
    "data-engineer: Feature Store with an offline store": Workflow(
        _persona("data-engineer"), "dev", data_engineer_feature_store, needs_feature_store=True
    ),
    "data-engineer: Data Wrangler flow": Workflow(_persona("data-engineer"), "dev", data_engineer_data_wrangler),
    "data-scientist: processing job in the VPC": Workflow(_persona("data-scientist"), "dev", data_scientist_processing),
    "data-scientist: training job in the VPC": Workflow(_persona("data-scientist"), "dev", data_scientist_training),
    "data-scientist: experiments": Workflow(_persona("data-scientist"), "dev", data_scientist_experiments),
    "data-scientist: register a version as PendingManualApproval": Workflow(_persona("data-scientist"), "dev", data_scientist_registry),
    "mlops-engineer: start, watch and update pipelines": Workflow(_persona("mlops-engineer"), "dev", mlops_pipelines),
    "mlops-engineer: promotion_cli rollback": Workflow(_persona("mlops-engineer"), "dev", cli_rollback),
    "mlops-engineer: promotion_cli history": Workflow(_persona("mlops-engineer"), "dev", cli_history),
    "mlops-engineer: watch promotions": Workflow(_persona("mlops-engineer"), "dev", watch_promotions),
    "compliance-officer: promotion_cli pending": Workflow(_persona("compliance-officer"), "dev", cli_pending),
    "compliance-officer: promotion_cli approve and reject": Workflow(_persona("compliance-officer"), "dev", cli_decide),
    "compliance-officer: promotion_cli gate": Workflow(_persona("compliance-officer"), "dev", cli_gate),
    "compliance-officer: promotion_cli history": Workflow(_persona("compliance-officer"), "dev", cli_history),
    "compliance-officer: lineage": Workflow(_persona("compliance-officer"), "dev", lineage),
    "model-build pipeline role": Workflow(lambda p: naming.model_build_role(p.name, p.project), "dev", model_build),
    "test model role": Workflow(lambda p: naming.model_execution_role(p.name, p.project, "test"), "test", model_in_test),
    "prod model role": Workflow(lambda p: naming.model_execution_role(p.name, p.project, "prod"), "prod", model_in_prod),
    "promotion steps role": Workflow(lambda p: f"{naming.promotion_pipeline(p.name, p.project)}-steps", "dev", promotion_steps),
    "test check role": Workflow(lambda p: naming.promotion_check_role(p.name, p.project, "test"), "test", check_in_test),
    "prod check role": Workflow(lambda p: naming.promotion_check_role(p.name, p.project, "prod"), "prod", check_in_prod),
    "promotion trigger function": Workflow(_function_role("TriggerHandler"), "dev", promotion_trigger),
    "audit trail function": Workflow(_function_role("AuditTrailRecorder"), "dev", audit_trail),
}
