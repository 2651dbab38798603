"""A project's model-build SageMaker Pipeline in dev (defined with the SageMaker SDK in
`pipelines/model_build.py`, rendered for the project here), the role it and its jobs run as, and
the upload of its scripts and sample data on deploy, so that the pipeline can run at once."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.approval_guard import ApprovalGuard
from ml_constructs.platform_storage import DataStore
from ml_constructs.platform_vpc import NetworkPlacement
from ml_constructs.sagemaker_job_permissions import key_statements, vpc_job_statements
from ml_constructs.upload_on_deploy import Upload, UploadOnDeploy
from pipelines.definition import BIAS_STEP, SAMPLE_DATA, SCRIPTS, code_version, container_images, render
from platform_config import naming


@dataclass(frozen=True)
class ModelCardFacts:
    """What each version's model card says of its use (the schema's intended_uses section)."""

    intended_use: str
    risk_rating: str
    risk_explanation: str

    def intended_uses(self) -> str:
        """The section as JSON text, for the pipeline's ModelCardIntendedUses parameter."""
        section = {"intended_uses": self.intended_use, "risk_rating": self.risk_rating}
        if self.risk_explanation:
            section["explanations_for_risk_rating"] = self.risk_explanation
        return json.dumps(section, sort_keys=True)


@dataclass(frozen=True)
class ModelBuildProps:
    platform: str
    project: str
    package_group: str
    pii_columns: tuple[str, ...]
    quality_metric: str
    quality_minimum: float
    processing_instance_type: str
    training_instance_type: str
    inference_instance_type: str
    label_column: str
    sensitive_attributes: tuple[tuple[str, float], ...]  # (column, value): SageMaker Clarify's facets
    feedback_prefixes: tuple[str, ...]  # the project's captures and labels in the prod-feedback bucket
    model_card: ModelCardFacts
    commit: str  # the commit synthesized (platform_config/commit.py), the CodeVersion parameter


class ModelBuildPipeline(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: ModelBuildProps,
        store: DataStore,
        placement: NetworkPlacement,
        boundary: iam.IManagedPolicy,
        approval_guard: ApprovalGuard,
    ) -> None:
        """Its role has the personas' `boundary` and the `approval_guard`: it registers, never approves."""
        super().__init__(scope, construct_id)
        self.props, self.store = props, store
        role = iam.Role(
            self,
            "Role",
            role_name=naming.model_build_role(props.platform, props.project),
            description=f"Runs the {props.project} model-build pipeline and its jobs",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            permissions_boundary=boundary,
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"What the {props.project} model-build pipeline may do",
            statements=self._permissions(role, placement),
            roles=[role],
        )
        acknowledge_scoped_wildcards(
            policy,
            "Scoped to this project's data prefixes and to the jobs SageMaker Pipelines names "
            "'pipelines-*'; network-interface actions for VPC jobs and list actions cannot be scoped further.",
        )
        approval_guard.guard(role)
        self.pipeline = sagemaker.CfnPipeline(
            self,
            "Pipeline",
            pipeline_name=naming.model_build_pipeline(props.platform, props.project),
            pipeline_description=f"Builds, evaluates and registers {props.project} model versions for approval",
            role_arn=role.role_arn,
            pipeline_definition={
                "PipelineDefinitionBody": Stack.of(self).to_json_string(self._definition(role, placement))
            },
            tags=[
                {"key": "ml-project", "value": props.project},
                {"key": "code-version", "value": code_version()},
            ],
        )
        self._upload_code_and_sample_data()

    def _s3_uri(self, purpose: str, *parts: str) -> str:
        return "/".join([f"s3://{self.store.bucket_names[purpose]}", *parts])

    def _definition(self, role: iam.IRole, placement: NetworkPlacement) -> dict:
        """The committed definition, with this project's values as the parameters' defaults."""
        props, store, project = self.props, self.store, self.props.project
        return render(
            parameters={
                "InputDataUri": self._s3_uri("raw-data", project, "input"),
                "ProcessedDataUri": self._s3_uri("processed-data", project, "model-build"),
                "ArtifactsUri": self._s3_uri("model-artifacts", naming.model_build_outputs(project)),
                "CodeUri": self._s3_uri("model-artifacts", naming.model_build_code(project)),
                "PiiColumns": ",".join(props.pii_columns),
                "ModelCardPiiColumns": json.dumps(",".join(props.pii_columns)),
                "ModelCardIntendedUses": props.model_card.intended_uses(),
                "CodeVersion": props.commit,
                "ModelPackageGroupName": props.package_group,
                "QualityMetric": props.quality_metric,
                "QualityThreshold": props.quality_minimum,
                "ProcessingInstanceType": props.processing_instance_type,
                "TrainingInstanceType": props.training_instance_type,
                "InferenceInstanceType": props.inference_instance_type,
                "DataKmsKeyArn": store.data_key.key_arn,
                "ArtifactsKmsKeyArn": store.artifacts_key.key_arn,
                "FeedbackManifestUri": self._s3_uri("prod-feedback", *self._no_fresh_data()),
                **container_images(Stack.of(self).region),
                "LabelColumn": props.label_column,
                "SensitiveAttributes": ",".join(
                    f"{column}={value:g}" for column, value in props.sensitive_attributes
                ),
            },
            placeholders={
                "__RoleArn__": role.role_arn,
                "__SubnetIds__": placement.subnet_ids,
                "__SecurityGroupIds__": placement.security_group_ids,
            },
            # No sensitive attribute, no bias check: ClarifyConfig's log says the check is skipped.
            without=() if props.sensitive_attributes else (BIAS_STEP,),
        )

    def _no_fresh_data(self) -> tuple[str, str]:
        """The default manifest (folder, file): it lists only itself, so a run without fresh data
        (any run the retraining loop did not start) trains on the raw data alone."""
        return f"{naming.feedback_manifests(self.props.project)}", "no-fresh-data.manifest"

    def _permissions(self, role: iam.IRole, placement: NetworkPlacement) -> list[iam.PolicyStatement]:
        """Run the pipeline's jobs, register its versions pending approval, in the VPC, as itself."""
        stack, group = Stack.of(self), self.props.package_group

        def sagemaker_arn(resource: str, name: str) -> str:
            return stack.format_arn(service="sagemaker", resource=resource, resource_name=name)

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
            # CreateModel, and the shadow endpoints SageMaker Clarify starts of that model to get
            # predictions (named with Clarify's default prefix, `sagemaker-clarify-endpoint`). The
            # pipeline service names the model (aws/sagemaker-python-sdk#2122): any name, but only
            # network-isolated models.
            iam.PolicyStatement(
                sid="IsolatedModelForClarify",
                actions=["sagemaker:CreateModel"],
                resources=[sagemaker_arn("model", "*")],
                conditions={"Bool": {"sagemaker:NetworkIsolation": "true"}},
            ),
            iam.PolicyStatement(
                sid="DescribeAndTagModels",
                actions=["sagemaker:DescribeModel", "sagemaker:AddTags"],
                resources=[sagemaker_arn("model", "*")],
            ),
            iam.PolicyStatement(
                sid="ClarifyShadowEndpoints",
                actions=[
                    "sagemaker:CreateEndpointConfig",
                    "sagemaker:DescribeEndpointConfig",
                    "sagemaker:DeleteEndpointConfig",
                    "sagemaker:CreateEndpoint",
                    "sagemaker:DescribeEndpoint",
                    "sagemaker:DeleteEndpoint",
                    "sagemaker:InvokeEndpoint",
                    "sagemaker:AddTags",
                ],
                resources=[
                    sagemaker_arn("endpoint-config", "sagemaker-clarify-endpoint*"),
                    sagemaker_arn("endpoint", "sagemaker-clarify-endpoint*"),
                ],
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
            *self._data_permissions(),
            *vpc_job_statements(stack, placement.vpc_arn),
            iam.PolicyStatement(
                sid="PassOwnRoleToJobs",
                actions=["iam:PassRole"],
                resources=[role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            ),
        ]

    def _data_permissions(self) -> list[iam.PolicyStatement]:
        """Read the project's raw input and code, write its splits and artifacts, with both keys."""
        project, store = self.props.project, self.store
        return [
            iam.PolicyStatement(
                sid="ReadRawInput",
                actions=["s3:GetObject"],
                resources=[f"{store.bucket_arn('raw-data')}/{project}/*"],
            ),
            iam.PolicyStatement(
                sid="ReadCodeWriteOutputs",
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[
                    f"{store.bucket_arn('model-artifacts')}/{project}/*",
                    f"{store.bucket_arn('processed-data')}/{project}/*",
                ],
            ),
            iam.PolicyStatement(
                sid="ListProjectPrefixes",
                actions=["s3:ListBucket"],
                resources=[store.bucket_arn(p) for p in ("raw-data", "processed-data", "model-artifacts")],
                conditions={"StringLike": {"s3:prefix": [f"{project}/*"]}},
            ),
            iam.PolicyStatement(
                sid="ReadFreshDataFromProd",
                actions=["s3:GetObject"],
                resources=[
                    f"{store.bucket_arn('prod-feedback')}/{prefix}*"
                    for prefix in (f"{naming.feedback_manifests(project)}/", *self.props.feedback_prefixes)
                ],
            ),
            *key_statements("UseDataKeys", [store.data_key.key_arn, store.artifacts_key.key_arn]),
        ]

    def _no_fresh_data_upload(self) -> Upload:
        folder, name = self._no_fresh_data()
        bucket = self.store.bucket_names["prod-feedback"]
        return Upload(
            "NoFreshData",
            s3_deployment.Source.json_data(name, [{"prefix": f"s3://{bucket}/{folder}/"}, name]),
            self.store.buckets["prod-feedback"],
            bucket,
            self.store.data_key,
            folder,
        )

    def _upload_code_and_sample_data(self) -> None:
        """Scripts and the synthetic sample go up on deploy, so each pipeline can run at once."""
        store, project = self.store, self.props.project
        UploadOnDeploy(
            self,
            "Uploads",
            uploads=[
                Upload(
                    "Code",
                    s3_deployment.Source.asset(str(SCRIPTS), exclude=["__init__.py", "__pycache__"]),
                    store.buckets["model-artifacts"],
                    store.bucket_names["model-artifacts"],
                    store.artifacts_key,
                    naming.model_build_code(project),
                ),
                Upload(
                    "SampleData",
                    s3_deployment.Source.asset(str(SAMPLE_DATA), exclude=["*.py", "__pycache__"]),
                    store.buckets["raw-data"],
                    store.bucket_names["raw-data"],
                    store.data_key,
                    f"{project}/input",
                ),
                self._no_fresh_data_upload(),
            ],
        )
