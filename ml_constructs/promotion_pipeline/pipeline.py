"""The promotion pipeline construct (see the package docstring for its stages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Acknowledgment, CfnCapabilities, RemovalPolicy, Stack, Validations
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
from ml_constructs.promotion_pipeline.steps.registered_checks import PARAMETERS as REGISTERED_CHECKS
from ml_constructs.promotion_pipeline.steps_project import steps_project
from ml_constructs.promotion_pipeline.target import Target
from platform_config import naming

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
PACKAGE = "#{variables.ModelPackageArn}"
# Resolve's champion check: `enforce` unless `mlp-promote rollback` starts the run (steps/champion.py).
CHAMPION_CHECK = "ChampionCheck"
EXECUTION_ID = "#{codepipeline.PipelineExecutionId}"


@dataclass(frozen=True)
class PromotionProps:
    project: str  # the operator commands' name for it
    pipeline_name: str
    steps_role_name: str
    source_dir: Path  # `assemble_source`'s folder
    model_package_group: str
    package_metrics: str  # S3 object ARN pattern of the packages' registered metrics
    metrics_key_arn: str
    test: Target
    prod: Target
    max_p95_latency_ms: int  # the acceptance test's bound for the test endpoint
    quality_metric: str  # what the champion check compares: the project's build gate metric
    champion_tolerance: float  # how far below the champion's value a candidate may be


class PromotionPipeline(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: PromotionProps,
        gate_topic: sns.ITopic,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        source = s3_assets.Asset(self, "Source", path=str(props.source_dir))
        artifacts = self._artifact_bucket(key)
        self.steps = steps_project(
            self,
            pipeline_name=props.pipeline_name,
            steps_role_name=props.steps_role_name,
            group=props.model_package_group,
            package_metrics=props.package_metrics,
            metrics_key_arn=props.metrics_key_arn,
            artifacts=artifacts,
            targets=[props.test, props.prod],
            key=key,
        )
        self.pipeline = codepipeline.Pipeline(
            self,
            "Pipeline",
            pipeline_name=props.pipeline_name,
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
                ),
                codepipeline.Variable(
                    variable_name=CHAMPION_CHECK,
                    description="enforce: no regression against prod's champion; rollback: accept one",
                    default_value="enforce",
                ),
            ],
        )
        # The pipeline's CodeBuild actions all start the steps project, so they share one role with
        # just that grant, where CDK would give each action a role (and policy) of its own.
        self._steps_action_role = iam.Role(
            self.pipeline,
            "StepsActionRole",
            assumed_by=iam.ArnPrincipal(self.pipeline.role.role_arn),
            description="The promotion pipeline's CodeBuild actions: start the steps project",
        )
        templates = codepipeline.Artifact("Serving")
        self.pipeline.add_stage(
            stage_name="Source",
            actions=[
                actions.S3SourceAction(
                    action_name="SynthesizedTemplates",
                    bucket=source.bucket,
                    bucket_key=source.s3_object_key,
                    output=templates,
                    trigger=actions.S3Trigger.NONE,
                )
            ],
        )
        self._add_stages(templates, gate_topic)
        self._acknowledge_generated_roles()

    def _artifact_bucket(self, key: kms.IKey) -> s3.Bucket:
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
        return artifacts

    def _add_stages(self, templates: codepipeline.Artifact, gate_topic: sns.ITopic) -> None:
        test, prod = self.props.test, self.props.prod
        self._stage("Resolve", self._step("Resolve", "resolve_package", templates, self._resolve_env()))
        resolved = {"ModelPackageArn": PACKAGE, "ModelPackageVersion": "#{Resolve.MODEL_PACKAGE_VERSION}"}
        self._stage(
            "DeployTest",
            self._deploy("DeployTest", test, templates, resolved),
            self._mark("MarkStaging", naming.STAGING_STAGE, templates),
        )
        acceptance = {
            "ENDPOINT_NAME": test.endpoint_name,
            "TARGET_ROLE_ARN": test.check_role_arn,
            "EXPECTED_MODEL_PACKAGE_ARN": PACKAGE,
            "REQUESTS_FILE": "steps/sample_requests.csv",
            "MAX_P95_LATENCY_MS": str(self.props.max_p95_latency_ms),
        }
        self._stage("AcceptanceTest", self._step("AcceptanceTest", "acceptance_test", templates, acceptance))
        self._stage(GATE_ACTION, self._gate(gate_topic))
        baselines = {
            "BaselineStatisticsUri": "#{Resolve.BASELINE_STATISTICS_URI}",
            "BaselineConstraintsUri": "#{Resolve.BASELINE_CONSTRAINTS_URI}",
            **{parameter: f"#{{Resolve.{output}}}" for parameter, output in REGISTERED_CHECKS.items()},
        }
        self._stage("DeployProd", self._deploy("DeployProd", prod, templates, {**resolved, **baselines}))
        verify = {
            "ENDPOINT_NAME": prod.endpoint_name,
            "TARGET_ROLE_ARN": prod.check_role_arn,
            "EXPECTED_MODEL_PACKAGE_ARN": PACKAGE,
        }
        self._stage(
            "VerifyProd",
            self._step("VerifyProd", "verify_endpoint", templates, verify),
            self._mark("MarkProduction", naming.PRODUCTION_STAGE, templates),
        )

    def _mark(self, name: str, stage: str, templates: codepipeline.Artifact) -> actions.CodeBuildAction:
        """The version's lifecycle stage, after the stage's first action succeeded (`steps/set_stage.py`)."""
        env = {
            "STAGE": stage,
            "MODEL_PACKAGE_ARN": PACKAGE,
            "MODEL_PACKAGE_GROUP": self.props.model_package_group,
            "PIPELINE_EXECUTION_ID": EXECUTION_ID,
        }
        return self._step(name, "set_stage", templates, env, run_order=2)

    def _resolve_env(self) -> dict[str, str]:
        """What Resolve checks: the package, its group, that both serving stacks are deployed, and that
        the package does not regress against the version prod serves."""
        targets = {
            f"{t.role.upper()}_{key}": value
            for t in (self.props.test, self.props.prod)
            for key, value in (("CHECK_ROLE_ARN", t.check_role_arn), ("STACK", t.stack_name))
        }
        return {
            "MODEL_PACKAGE_ARN": PACKAGE,
            "MODEL_PACKAGE_GROUP": self.props.model_package_group,
            **targets,
            "PROD_ENDPOINT_NAME": self.props.prod.endpoint_name,
            "QUALITY_METRIC": self.props.quality_metric,
            "CHAMPION_TOLERANCE": f"{self.props.champion_tolerance:g}",
            "CHAMPION_CHECK": f"#{{variables.{CHAMPION_CHECK}}}",
        }

    def _gate(self, topic: sns.ITopic) -> actions.ManualApprovalAction:
        region = Stack.of(self).region
        return actions.ManualApprovalAction(
            action_name=GATE_ACTION,
            notification_topic=topic,
            additional_information=(
                f"Promote {PACKAGE} (version #{{Resolve.MODEL_PACKAGE_VERSION}}) to prod? "
                "Model quality: #{Resolve.QUALITY_SUMMARY}. "
                "Against prod's champion: #{Resolve.CHAMPION_SUMMARY}. "
                "Acceptance test in test: #{AcceptanceTest.ACCEPTANCE_SUMMARY}. "
                f"Answer with Review, or `mlp-promote gate {self.props.project} approve|reject --comment WHY`."
            ),
            external_entity_link=f"https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/model-registry",
        )

    def _stage(self, name: str, *stage_actions: codepipeline.IAction) -> None:
        """A stage after Source, skipped when there is no package to promote (the automatic first run)."""
        has_package = codepipeline.Rule(
            name=f"{name}HasModelPackage",
            provider="VariableCheck",
            version="1",
            configuration={"Variable": PACKAGE, "Value": NO_PACKAGE, "Operator": "NE"},
        )
        self.pipeline.add_stage(
            stage_name=name,
            actions=list(stage_actions),
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

    def _step(
        self, name: str, script: str, source: codepipeline.Artifact, env: dict[str, str], run_order: int = 1
    ) -> actions.CodeBuildAction:
        return actions.CodeBuildAction(
            action_name=name,
            project=self.steps,
            input=source,
            run_order=run_order,
            variables_namespace=name,
            role=self._steps_action_role,
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
            role = naming.cdk_bootstrap_role(kind, target.account_id, target.region)
            return f"arn:{Stack.of(self).partition}:iam::{target.account_id}:role/{role}"

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
