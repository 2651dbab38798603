"""SageMaker Pipelines in dev: each project's model-build pipeline, its role, its code and sample data."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.sagemaker_job_permissions import key_statements, vpc_job_statements
from ml_constructs.upload_on_deploy import Upload, UploadOnDeploy
from pipelines.definition import container_images, render
from platform_config import PlatformConfig, Project, naming
from stacks.network import NetworkStack
from stacks.storage import StorageStack
from stacks.studio import StudioStack

PIPELINES = Path(__file__).resolve().parent.parent / "pipelines"


def code_version() -> str:
    """The version of what the pipeline runs: a digest of its definition and scripts, recorded as the
    pipeline's `code-version` tag for lineage (synthesis reads no git, so no commit id)."""
    digest = hashlib.sha256()
    for path in [PIPELINES / "model_build.definition.json", *sorted((PIPELINES / "scripts").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"sha256:{digest.hexdigest()[:16]}"


class ModelBuildStack(Stack):
    """One project's model-build pipeline: a stack per project keeps every stack small at any count."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        project: Project,
        network: NetworkStack,
        storage: StorageStack,
        studio: StudioStack,
    ) -> None:
        super().__init__(
            scope, construct_id, description=f"SageMaker model-build pipeline of {project.name} (dev)"
        )
        self.config, self.network, self.storage, self.studio = config, network, storage, studio
        self.pipeline = self._pipeline(project)
        self._upload_code_and_sample_data(project)

    def _s3_uri(self, purpose: str, *parts: str) -> str:
        return "/".join([f"s3://{self.storage.bucket_names[purpose]}", *parts])

    def _pipeline(self, project: Project) -> sagemaker.CfnPipeline:
        platform = self.config.platform.name
        role = iam.Role(
            self,
            "Role",
            role_name=naming.model_build_role(platform, project.name),
            description=f"Runs the {project.name} model-build pipeline and its jobs",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            permissions_boundary=self.studio.boundary,
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"What the {project.name} model-build pipeline may do",
            statements=self._pipeline_permissions(project, role),
            roles=[role],
        )
        acknowledge_scoped_wildcards(
            policy,
            "Scoped to this project's data prefixes and to the jobs SageMaker Pipelines names "
            "'pipelines-*'; network-interface actions for VPC jobs and list actions cannot be scoped further.",
        )
        self.studio.approval_guard.guard(role)

        definition = render(
            parameters={
                "InputDataUri": self._s3_uri("raw-data", project.name, "input"),
                "ProcessedDataUri": self._s3_uri("processed-data", project.name, "model-build"),
                "ArtifactsUri": self._s3_uri("model-artifacts", naming.model_build_outputs(project.name)),
                "CodeUri": self._s3_uri("model-artifacts", project.name, "code"),
                "PiiColumns": ",".join(project.pii_columns),
                "ModelPackageGroupName": project.package_group_name,
                "QualityMetric": project.quality_threshold.name,
                "QualityThreshold": project.quality_threshold.minimum,
                "ProcessingInstanceType": project.processing_instance_type,
                "TrainingInstanceType": project.training_instance_type,
                "InferenceInstanceType": project.inference_instance_type,
                "DataKmsKeyArn": self.storage.data_key.key_arn,
                "ArtifactsKmsKeyArn": self.storage.artifacts_key.key_arn,
                **container_images(self.region),
            },
            placeholders={
                "__RoleArn__": role.role_arn,
                "__SubnetIds__": self.network.job_subnets.subnet_ids,
                "__SecurityGroupIds__": [self.network.jobs_security_group.security_group_id],
            },
        )
        return sagemaker.CfnPipeline(
            self,
            "Pipeline",
            pipeline_name=naming.model_build_pipeline(platform, project.name),
            pipeline_description=f"Builds, evaluates and registers {project.name} model versions for approval",
            role_arn=role.role_arn,
            pipeline_definition={"PipelineDefinitionBody": self.to_json_string(definition)},
            tags=[
                {"key": "ml-project", "value": project.name},
                {"key": "code-version", "value": code_version()},
            ],
        )

    def _pipeline_permissions(self, project: Project, role: iam.Role) -> list[iam.PolicyStatement]:
        buckets = {p: f"arn:{self.partition}:s3:::{n}" for p, n in self.storage.bucket_names.items()}
        group = project.package_group_name

        def sagemaker_arn(resource: str, name: str) -> str:
            return self.format_arn(service="sagemaker", resource=resource, resource_name=name)

        return [
            iam.PolicyStatement(
                sid="RunPipelineJobs",
                actions=[
                    f"sagemaker:{verb}{kind}Job"
                    for kind in ("Processing", "Training")
                    for verb in ("Create", "Describe", "Stop")
                ]
                + ["sagemaker:AddTags"],
                resources=[
                    sagemaker_arn("processing-job", "pipelines-*"),
                    sagemaker_arn("training-job", "pipelines-*"),
                ],
            ),
            iam.PolicyStatement(
                sid="RegisterPendingModelVersions",
                actions=[
                    "sagemaker:CreateModelPackage",
                    "sagemaker:DescribeModelPackage",
                    "sagemaker:AddTags",
                ],
                resources=[
                    sagemaker_arn("model-package-group", group),
                    sagemaker_arn("model-package", f"{group}/*"),
                ],
                conditions={
                    "StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
                },
            ),
            iam.PolicyStatement(
                sid="ListForThePipelineService",
                actions=[
                    "sagemaker:ListProcessingJobs",
                    "sagemaker:ListTrainingJobs",
                    "sagemaker:ListModelPackages",
                ],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="ReadRawInput",
                actions=["s3:GetObject"],
                resources=[f"{buckets['raw-data']}/{project.name}/*"],
            ),
            iam.PolicyStatement(
                sid="ReadCodeWriteOutputs",
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[
                    f"{buckets['model-artifacts']}/{project.name}/*",
                    f"{buckets['processed-data']}/{project.name}/*",
                ],
            ),
            iam.PolicyStatement(
                sid="ListProjectPrefixes",
                actions=["s3:ListBucket"],
                resources=[buckets["raw-data"], buckets["processed-data"], buckets["model-artifacts"]],
                conditions={"StringLike": {"s3:prefix": [f"{project.name}/*"]}},
            ),
            *key_statements(
                "UseDataKeys", [self.storage.data_key.key_arn, self.storage.artifacts_key.key_arn]
            ),
            *vpc_job_statements(self, self.network.vpc.vpc_arn),
            iam.PolicyStatement(
                sid="PassOwnRoleToJobs",
                actions=["iam:PassRole"],
                resources=[role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            ),
        ]

    def _upload_code_and_sample_data(self, project: Project) -> None:
        """Scripts and the synthetic sample go up on deploy, so each pipeline can run at once."""
        code = s3_deployment.Source.asset(str(PIPELINES / "scripts"), exclude=["__init__.py", "__pycache__"])
        sample = s3_deployment.Source.asset(str(PIPELINES / "data"), exclude=["*.py", "__pycache__"])
        storage = self.storage
        UploadOnDeploy(
            self,
            "Uploads",
            uploads=[
                Upload(
                    "Code",
                    code,
                    storage.model_artifacts,
                    storage.bucket_names["model-artifacts"],
                    storage.artifacts_key,
                    f"{project.name}/code",
                ),
                Upload(
                    "SampleData",
                    sample,
                    storage.raw_data,
                    storage.bucket_names["raw-data"],
                    storage.data_key,
                    f"{project.name}/input",
                ),
            ],
        )
