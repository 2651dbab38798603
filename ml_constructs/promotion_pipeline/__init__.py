"""A project's promotion pipeline: one approved model package, the same one, to test and then prod.

    Source ─► Resolve ─► DeployTest ─► AcceptanceTest ─► ApproveForProd ─► DeployProd ─► VerifyProd

Its source is what this app synthesized (the project's test and prod serving templates, and the
step scripts in steps/), as a CDK asset: no git provider is involved. The package comes in as the
pipeline variable `ModelPackageArn`; Resolve refuses anything not Approved and finds the version and
registered baselines, which the deploy actions pass to the serving templates as parameters.

CodePipeline starts every new pipeline once by itself, with the variable at its default `none`:
each stage after Source has an entry condition that skips it then, so that run succeeds doing
nothing (docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html, VariableCheck).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Acknowledgment, ArnFormat, CfnCapabilities, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.promotion_events import GATE_ACTION
from platform_config import naming

STEPS = Path(__file__).parent / "steps"
# What CDK's CodePipeline grants its roles on the artifact bucket and key.
CDK_ARTIFACT_GRANTS = frozenset(
    {
        "s3:Abort*",
        "s3:DeleteObject*",
        "s3:GetBucket*",
        "s3:GetObject*",
        "s3:List*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    }
)
NO_PACKAGE = "none"  # the variable's default: the pipeline's automatic first run
EXPORTED = [
    "MODEL_PACKAGE_VERSION",
    "BASELINE_STATISTICS_URI",
    "BASELINE_CONSTRAINTS_URI",
    "QUALITY_SUMMARY",
    "ACCEPTANCE_SUMMARY",
]


@dataclass(frozen=True)
class Target:
    """An account the pipeline deploys into, and what it finds there."""

    role: str  # "test" or "prod"
    account_id: str
    region: str
    stack_name: str
    template_file: str  # in the source artifact
    endpoint_name: str
    check_role_arn: str  # assumed by the acceptance test or the final check


class PromotionPipeline(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline_name: str,
        steps_role_name: str,
        source_dir: Path,
        model_package_group: str,
        package_metrics: str,
        metrics_key_arn: str,
        test: Target,
        prod: Target,
        max_p95_latency_ms: int,
        gate_topic: sns.ITopic,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.pipeline_name = pipeline_name
        source = s3_assets.Asset(self, "Source", path=str(source_dir))
        artifacts = s3.Bucket(
            self,
            "Artifacts",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            enforce_ssl=True,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        Validations.of(artifacts).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="Holds only the pipeline's intermediate artifacts (templates it "
                    "synthesized, step outputs); every change is in CloudTrail and the audit table.",
                )
                for rule in (
                    "AwsSolutions::AwsSolutions-S1",
                    "NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled",
                    "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
                )
            )
        )
        self.steps = self._steps_project(
            pipeline_name,
            steps_role_name,
            model_package_group,
            package_metrics,
            metrics_key_arn,
            artifacts,
            [test, prod],
            key,
        )
        self.pipeline = codepipeline.Pipeline(
            self,
            "Pipeline",
            pipeline_name=pipeline_name,
            pipeline_type=codepipeline.PipelineType.V2,
            execution_mode=codepipeline.ExecutionMode.QUEUED,
            artifact_bucket=artifacts,
            cross_account_keys=True,
            restart_execution_on_update=False,
            variables=[
                codepipeline.Variable(
                    variable_name="ModelPackageArn",
                    description="The approved model package version to promote",
                    default_value=NO_PACKAGE,
                )
            ],
        )
        source_output = codepipeline.Artifact("Serving")
        package = "#{variables.ModelPackageArn}"
        self.pipeline.add_stage(
            stage_name="Source",
            actions=[
                actions.S3SourceAction(
                    action_name="SynthesizedTemplates",
                    bucket=source.bucket,
                    bucket_key=source.s3_object_key,
                    output=source_output,
                    trigger=actions.S3Trigger.NONE,
                )
            ],
        )
        self._stage(
            "Resolve",
            self._step(
                "Resolve",
                "resolve_package",
                source_output,
                {
                    "MODEL_PACKAGE_ARN": package,
                    "MODEL_PACKAGE_GROUP": model_package_group,
                    **{
                        f"{t.role.upper()}_{key}": value
                        for t in (test, prod)
                        for key, value in (("CHECK_ROLE_ARN", t.check_role_arn), ("STACK", t.stack_name))
                    },
                },
            ),
        )
        resolved = {
            "ModelPackageArn": package,
            "ModelPackageVersion": "#{Resolve.MODEL_PACKAGE_VERSION}",
        }
        self._stage("DeployTest", self._deploy("DeployTest", test, source_output, resolved))
        self._stage(
            "AcceptanceTest",
            self._step(
                "AcceptanceTest",
                "acceptance_test",
                source_output,
                {
                    "ENDPOINT_NAME": test.endpoint_name,
                    "TARGET_ROLE_ARN": test.check_role_arn,
                    "EXPECTED_MODEL_PACKAGE_ARN": package,
                    "REQUESTS_FILE": "steps/sample_requests.csv",
                    "MAX_P95_LATENCY_MS": str(max_p95_latency_ms),
                },
            ),
        )
        self._stage(
            GATE_ACTION,
            actions.ManualApprovalAction(
                action_name=GATE_ACTION,
                notification_topic=gate_topic,
                additional_information=(
                    f"Promote {package} (version #{{Resolve.MODEL_PACKAGE_VERSION}}) to prod? "
                    "Model quality: #{Resolve.QUALITY_SUMMARY}. "
                    "Acceptance test in test: #{AcceptanceTest.ACCEPTANCE_SUMMARY}."
                ),
                external_entity_link=f"https://{stack.region}.console.aws.amazon.com/sagemaker/home?region={stack.region}#/model-registry",
            ),
        )
        self._stage(
            "DeployProd",
            self._deploy(
                "DeployProd",
                prod,
                source_output,
                {
                    **resolved,
                    "BaselineStatisticsUri": "#{Resolve.BASELINE_STATISTICS_URI}",
                    "BaselineConstraintsUri": "#{Resolve.BASELINE_CONSTRAINTS_URI}",
                },
            ),
        )
        self._stage(
            "VerifyProd",
            self._step(
                "VerifyProd",
                "verify_endpoint",
                source_output,
                {
                    "ENDPOINT_NAME": prod.endpoint_name,
                    "TARGET_ROLE_ARN": prod.check_role_arn,
                    "EXPECTED_MODEL_PACKAGE_ARN": package,
                },
            ),
        )
        self._acknowledge_generated_roles()
        self.gate_arn = stack.format_arn(
            service="codepipeline", resource=pipeline_name, resource_name=f"{GATE_ACTION}/{GATE_ACTION}"
        )
        self.pipeline_arn = self.pipeline.pipeline_arn

    def _stage(self, name: str, action: codepipeline.IAction) -> None:
        """A stage after Source, skipped when there is no package to promote (the automatic first run)."""
        has_package = codepipeline.Rule(
            name=f"{name}HasModelPackage",
            provider="VariableCheck",
            version="1",
            configuration={"Variable": "#{variables.ModelPackageArn}", "Value": NO_PACKAGE, "Operator": "NE"},
        )
        self.pipeline.add_stage(
            stage_name=name,
            actions=[action],
            before_entry=codepipeline.Conditions(
                conditions=[codepipeline.Condition(result=codepipeline.Result.SKIP, rules=[has_package])]
            ),
        )

    def _acknowledge_generated_roles(self) -> None:
        """CDK gives the pipeline and each action a role with an inline policy of its grants: this
        pipeline's artifact bucket and key, and the one resource the action uses."""
        reason = (
            "CDK's own grants on this pipeline's artifact bucket and key, and on the action's one resource."
        )
        for policy in self.pipeline.node.find_all():
            if isinstance(policy, iam.Policy):
                acknowledge_scoped_wildcards(policy, reason, vouched_actions=CDK_ARTIFACT_GRANTS)
                Validations.of(policy).acknowledge(
                    Acknowledgment(id="NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy", reason=reason)
                )

    def _steps_project(
        self,
        pipeline_name: str,
        steps_role_name: str,
        group: str,
        package_metrics: str,
        metrics_key_arn: str,
        artifacts: s3.IBucket,
        targets: list[Target],
        key: kms.IKey,
    ) -> codebuild.PipelineProject:
        """One CodeBuild project runs every scripted step (`STEP` names the script)."""
        stack = Stack.of(self)
        role = iam.Role(
            self,
            "StepsRole",
            role_name=steps_role_name,
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
        )
        project = codebuild.PipelineProject(
            self,
            "Steps",
            description=f"Scripted steps of {pipeline_name}",
            role=role.without_policy_updates(),
            encryption_key=key,
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0, compute_type=codebuild.ComputeType.SMALL
            ),
            timeout=Duration.minutes(60),
            build_spec=codebuild.BuildSpec.from_object(
                {
                    "version": "0.2",
                    "env": {"exported-variables": EXPORTED},
                    "phases": {
                        "build": {
                            "commands": [
                                "python3 steps/${STEP}.py > step.env",
                                "set -a && . ./step.env && set +a",
                            ]
                        }
                    },
                }
            ),
        )
        policy = iam.ManagedPolicy(
            self,
            "StepsPolicy",
            description=f"What the scripted steps of {pipeline_name} may do",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="ReadThePackage",
                    actions=["sagemaker:DescribeModelPackage"],
                    resources=[
                        stack.format_arn(
                            service="sagemaker", resource="model-package", resource_name=f"{group}/*"
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="ReadItsMetrics",
                    actions=["s3:GetObject"],
                    resources=[package_metrics],
                ),
                iam.PolicyStatement(
                    sid="ActInTargetAccounts",
                    actions=["sts:AssumeRole"],
                    resources=[t.check_role_arn for t in targets],
                ),
                iam.PolicyStatement(
                    sid="BuildLogs",
                    actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[
                        stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="/aws/codebuild/*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="PipelineArtifacts",
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=[artifacts.arn_for_objects("*")],
                ),
                iam.PolicyStatement(
                    sid="ArtifactAndMetricsKeys",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn, metrics_key_arn],
                ),
            ],
        )
        acknowledge_scoped_wildcards(
            policy, "Objects of this pipeline and project, and CodeBuild's own log groups."
        )
        return project

    def _step(
        self, name: str, script: str, source: codepipeline.Artifact, env: dict[str, str]
    ) -> actions.CodeBuildAction:
        return actions.CodeBuildAction(
            action_name=name,
            project=self.steps,
            input=source,
            variables_namespace=name,
            environment_variables={
                key: codebuild.BuildEnvironmentVariable(value=value)
                for key, value in {"STEP": script, **env}.items()
            },
        )

    def _deploy(
        self, name: str, target: Target, source: codepipeline.Artifact, parameters: dict
    ) -> actions.Action:
        """Through CDK's bootstrap roles of the target account, which trust this account (`--trust`)."""

        def role_arn(kind: str) -> str:
            name = naming.cdk_bootstrap_role(kind, target.account_id, target.region)
            return f"arn:{Stack.of(self).partition}:iam::{target.account_id}:role/{name}"

        return actions.CloudFormationCreateUpdateStackAction(
            action_name=name,
            stack_name=target.stack_name,
            template_path=source.at_path(target.template_file),
            admin_permissions=False,
            account=target.account_id,
            region=target.region,
            role=iam.Role.from_role_arn(self, f"{name}Role", role_arn("deploy-role"), mutable=False),
            deployment_role=iam.Role.from_role_arn(
                self, f"{name}Execution", role_arn("cfn-exec-role"), mutable=False
            ),
            cfn_capabilities=[CfnCapabilities.NAMED_IAM],
            parameter_overrides=parameters,
            replace_on_failure=False,
        )
