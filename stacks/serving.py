"""One project's serving in the test or prod account, deployed by the promotion pipeline.

The model package to serve (and, in prod, its registered baselines) are CloudFormation parameters:
the pipeline deploys any approved version with parameter overrides, never re-synthesizing. With no
package given (a plain `cdk deploy`), only the role exists and nothing costs money.
"""

from __future__ import annotations

import jsii
from aws_cdk import (
    Aspects,
    CfnCondition,
    CfnParameter,
    CfnResource,
    DefaultStackSynthesizer,
    Fn,
    IAspect,
    Stack,
    Tags,
)
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.model_monitor import Baselines, ModelMonitor
from ml_constructs.sagemaker_job_permissions import key_statements, vpc_job_statements
from ml_constructs.serving_endpoint import DataCapture, Placement, ServingEndpoint
from pipelines.definition import container_images
from platform_config import AccountRole, PlatformConfig, Project, naming
from stacks.network import NetworkStack
from stacks.serving_foundation import ServingFoundationStack


@jsii.implements(IAspect)
class _OnlyWithModel:
    """Puts every CloudFormation resource under the given scope behind the `HasModel` condition."""

    def __init__(self, condition: CfnCondition) -> None:
        self.condition = condition

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, CfnResource):
            node.cfn_options.condition = self.condition


class ServingStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        project: Project,
        role: AccountRole,
        network: NetworkStack,
        foundation: ServingFoundationStack,
    ) -> None:
        # No bootstrap-version rule: the promotion pipeline deploys this template on its own.
        super().__init__(
            scope,
            construct_id,
            description=f"Serving of the {project.name} model ({role})",
            synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
        )
        platform = config.platform.name
        package_arn = CfnParameter(
            self,
            "ModelPackageArn",
            description="The approved model package version to serve; empty for none",
            default="",
            allowed_pattern=r"^$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[A-Za-z0-9-]+/\d+$",
        )
        package_version = CfnParameter(
            self,
            "ModelPackageVersion",
            description="Its version number, for tags",
            default="none",
            allowed_pattern=r"^(none|\d+)$",
        )
        has_model = CfnCondition(
            self,
            "HasModel",
            expression=Fn.condition_not(Fn.condition_equals(package_arn.value_as_string, "")),
        )

        dev = config.accounts.dev
        self.model_role = self._model_role(config, project, role, foundation, network)
        placement = Placement(
            subnet_ids=network.job_subnets.subnet_ids,
            security_group_ids=[network.jobs_security_group.security_group_id],
        )
        endpoint_name = naming.endpoint(platform, project.name, role)
        capture = None
        if role == "prod":
            capture = DataCapture(
                destination_uri=f"s3://{foundation.monitoring_bucket_name}/{project.name}/capture",
                sampling_percent=project.prod_serving.data_capture_percent,
            )
        self.endpoint = ServingEndpoint(
            self,
            "Serving",
            endpoint_name=endpoint_name,
            model_package_arn=package_arn.value_as_string,
            role=self.model_role,
            key=foundation.key,
            placement=placement,
            settings=project.prod_serving if role == "prod" else project.test_serving,
            alerts=foundation.alerts.topic,
            capture=capture,
        )
        guarded: list[Construct] = [self.endpoint]
        if role == "prod":
            # Set by the promotion pipeline from the package's drift-check baselines. The defaults
            # name files that do not exist: monitoring without them fails loudly (an alarm).
            unset = f"s3://{foundation.monitoring_bucket_name}/{project.name}/baselines/unset"
            baselines = Baselines(
                statistics_uri=CfnParameter(
                    self,
                    "BaselineStatisticsUri",
                    description="The package's registered data-quality statistics",
                    default=f"{unset}/statistics.json",
                ).value_as_string,
                constraints_uri=CfnParameter(
                    self,
                    "BaselineConstraintsUri",
                    description="The package's registered data-quality constraints",
                    default=f"{unset}/constraints.json",
                ).value_as_string,
            )
            self.monitor = ModelMonitor(
                self,
                "Monitoring",
                endpoint_name=endpoint_name,
                schedule_names={
                    kind: naming.monitoring_schedule(platform, project.name, kind)
                    for kind in ("data-quality", "model-quality")
                },
                settings=project.monitoring,
                image_uri=container_images(self.region)["MonitorImageUri"],
                role=self.model_role,
                key=foundation.key,
                placement=placement,
                reports_uri=f"s3://{foundation.monitoring_bucket_name}/{project.name}/reports",
                baselines=baselines,
                alerts=foundation.alerts.topic,
                findings_bus_arn=f"arn:{self.partition}:events:{dev.region}:{dev.account_id}:event-bus/{naming.monitoring_bus(platform)}",
            )
            self.monitor.node.add_dependency(self.endpoint.endpoint)
            guarded.append(self.monitor)
        for construct in guarded:
            Aspects.of(construct).add(_OnlyWithModel(has_model))
            Tags.of(construct).add("model-package-arn", package_arn.value_as_string)
            Tags.of(construct).add("model-package-version", package_version.value_as_string)
        Tags.of(self).add("ml-project", project.name)
        self._promotion_check_role(config, project, role, endpoint_name)

    def _promotion_check_role(
        self, config: PlatformConfig, project: Project, role: AccountRole, endpoint_name: str
    ) -> None:
        """Assumed from dev by the promotion pipeline's checks: see the endpoint (and in test, call it)."""
        platform = config.platform.name
        dev = config.accounts.dev
        steps_role_name = naming.promotion_steps_role(platform, project.name)
        steps_role = f"arn:{self.partition}:iam::{dev.account_id}:role/{steps_role_name}"
        description = f"The {project.name} promotion pipeline's checks of the {role} endpoint"
        check = iam.Role(
            self,
            "PromotionCheckRole",
            role_name=naming.promotion_check_role(platform, project.name, role),
            description=description,
            assumed_by=iam.AccountPrincipal(dev.account_id).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": steps_role}}
            ),
        )
        endpoint_arn = self.format_arn(service="sagemaker", resource="endpoint", resource_name=endpoint_name)
        statements = [
            iam.PolicyStatement(
                sid="SeeTheEndpoint",
                actions=[
                    "sagemaker:DescribeEndpoint",
                    "sagemaker:DescribeEndpointConfig",
                    "sagemaker:DescribeModel",
                ],
                resources=[
                    endpoint_arn,
                    self.format_arn(service="sagemaker", resource="endpoint-config", resource_name="*"),
                    self.format_arn(service="sagemaker", resource="model", resource_name="*"),
                ],
            )
        ]
        if role == "test":
            statements.append(
                iam.PolicyStatement(
                    sid="CallTheEndpoint", actions=["sagemaker:InvokeEndpoint"], resources=[endpoint_arn]
                )
            )
        policy = iam.ManagedPolicy(
            self, "PromotionCheckPolicy", description=description, statements=statements, roles=[check]
        )
        acknowledge_scoped_wildcards(
            policy,
            "Read-only describes of this account's endpoint configs and models, whose generated names the "
            "check follows from the endpoint.",
        )

    def _model_role(
        self, config: PlatformConfig, project: Project, role: AccountRole, foundation, network: NetworkStack
    ) -> iam.Role:
        """What the endpoint's model and the monitoring jobs run as: read this project's artifacts in
        dev (dev's bucket and key policies trust this role by name), write monitoring output here."""
        platform = config.platform.name
        dev = config.accounts.dev
        model_role = iam.Role(
            self,
            "ModelRole",
            role_name=naming.model_execution_role(platform, project.name, role),
            description=f"Runs the {project.name} model and its monitoring in {role}",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
        )
        artifacts = naming.bucket(platform, "model-artifacts", dev.account_id)
        statements = [
            iam.PolicyStatement(
                sid="ReadServedArtifactsInDev",
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[
                    f"arn:{self.partition}:s3:::{artifacts}/{key}"
                    for key in naming.served_artifacts(project.name)
                ],
            ),
            iam.PolicyStatement(
                sid="DecryptArtifactsThroughS3",
                actions=["kms:Decrypt"],
                resources=[f"arn:{self.partition}:kms:{dev.region}:{dev.account_id}:key/*"],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{dev.region}.amazonaws.com"}},
            ),
            *key_statements("UseServingKey", [foundation.key.key_arn]),
            *vpc_job_statements(self, network.vpc.vpc_arn),
            iam.PolicyStatement(
                sid="PublishMonitoringMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringLike": {"cloudwatch:namespace": "aws/sagemaker/*"}},
            ),
        ]
        if foundation.monitoring_bucket_name:
            bucket = f"arn:{self.partition}:s3:::{foundation.monitoring_bucket_name}"
            statements += [
                iam.PolicyStatement(
                    sid="CaptureAndMonitoringData",
                    actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                    resources=[f"{bucket}/{project.name}/*"],
                ),
                iam.PolicyStatement(
                    sid="ListCaptures",
                    actions=["s3:ListBucket"],
                    resources=[bucket],
                    conditions={"StringLike": {"s3:prefix": [f"{project.name}/*"]}},
                ),
            ]
        policy = iam.ManagedPolicy(
            self,
            "ModelPolicy",
            description=f"What the {project.name} model role may do",
            statements=statements,
            roles=[model_role],
        )
        acknowledge_scoped_wildcards(
            policy,
            "Scoped to this project's prefixes, the dev account's keys used through S3, this account's "
            "network resources for VPC placement, and actions IAM cannot scope.",
        )
        return model_role
