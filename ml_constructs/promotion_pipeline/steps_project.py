"""The CodeBuild project that runs every scripted step of a promotion pipeline (`STEP` names the
script in steps/), its role and what it may do: read the package and its metrics, assume the check
roles in the target accounts, write its logs and the pipeline's artifacts."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.promotion_pipeline.steps.registered_checks import PARAMETERS as REGISTERED_CHECKS
from ml_constructs.promotion_pipeline.target import Target
from platform_config import naming

EXPORTED = [
    "MODEL_PACKAGE_VERSION",
    "BASELINE_STATISTICS_URI",
    "BASELINE_CONSTRAINTS_URI",
    "QUALITY_SUMMARY",
    "CHAMPION_SUMMARY",
    "ACCEPTANCE_SUMMARY",
    *REGISTERED_CHECKS.values(),
]
BUILD_SPEC = {
    "version": "0.2",
    "env": {"exported-variables": EXPORTED},
    "phases": {
        "build": {"commands": ["python3 steps/${STEP}.py > step.env", "set -a && . ./step.env && set +a"]}
    },
}


def steps_project(
    scope: Construct,
    *,
    pipeline_name: str,
    steps_role_name: str,
    group: str,
    package_metrics: str,
    metrics_key_arn: str,
    artifacts: s3.IBucket,
    targets: list[Target],
    key: kms.IKey,
) -> codebuild.PipelineProject:
    """Created in `scope` (the pipeline construct): `StepsRole`, `Steps`, `StepsPolicy`."""
    stack = Stack.of(scope)
    role = iam.Role(
        scope,
        "StepsRole",
        role_name=steps_role_name,
        assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
    )
    project = codebuild.PipelineProject(
        scope,
        "Steps",
        description=f"Scripted steps of {pipeline_name}",
        role=role.without_policy_updates(),
        encryption_key=key,
        environment=codebuild.BuildEnvironment(
            build_image=codebuild.LinuxBuildImage.STANDARD_7_0, compute_type=codebuild.ComputeType.SMALL
        ),
        timeout=Duration.minutes(60),
        build_spec=codebuild.BuildSpec.from_object(BUILD_SPEC),
    )
    policy = iam.ManagedPolicy(
        scope,
        "StepsPolicy",
        description=f"What the scripted steps of {pipeline_name} may do",
        roles=[role],
        statements=_statements(stack, group, package_metrics, metrics_key_arn, artifacts, targets, key),
    )
    acknowledge_scoped_wildcards(
        policy, "Objects of this pipeline and project, and CodeBuild's own log groups."
    )
    return project


def _statements(
    stack: Stack,
    group: str,
    package_metrics: str,
    metrics_key_arn: str,
    artifacts: s3.IBucket,
    targets: list[Target],
    key: kms.IKey,
) -> list[iam.PolicyStatement]:
    logs = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name="/aws/codebuild/*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    packages = stack.format_arn(service="sagemaker", resource="model-package", resource_name=f"{group}/*")
    return [
        iam.PolicyStatement(
            sid="ReadThePackage", actions=["sagemaker:DescribeModelPackage"], resources=[packages]
        ),
        # A list action: IAM authorizes it on "*" (its model-package resource type is not required).
        iam.PolicyStatement(
            sid="FindTheVersionsInProduction", actions=["sagemaker:ListModelPackages"], resources=["*"]
        ),
        # Only the lifecycle stages the steps set, never an approval status (its key must be absent).
        # The group's policy denies the same to everyone else (ml_constructs/model_package_group.py).
        iam.PolicyStatement(
            sid="SetLifecycleStages",
            actions=["sagemaker:UpdateModelPackage"],
            resources=[packages],
            conditions={
                "StringEquals": {"sagemaker:ModelLifeCycle:Stage": list(naming.LIFECYCLE_STAGES)},
                "Null": {"sagemaker:ModelApprovalStatus": "true"},
            },
        ),
        iam.PolicyStatement(sid="ReadItsMetrics", actions=["s3:GetObject"], resources=[package_metrics]),
        iam.PolicyStatement(
            sid="ActInTargetAccounts",
            actions=["sts:AssumeRole"],
            resources=[t.check_role_arn for t in targets],
        ),
        iam.PolicyStatement(
            sid="BuildLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[logs],
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
    ]
