"""SageMaker Studio in dev: a VpcOnly domain, a role per persona, a user profile per person."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnOutput, Stack, Tags, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.approval_guard import ApprovalGuard
from ml_constructs.sagemaker_job_permissions import VPC_NETWORK_ACTIONS
from platform_config import PlatformConfig, naming
from stacks.network import NetworkStack
from stacks.personas import PERSONAS, POLICIES, PersonaScope, studio_basics
from stacks.storage import StorageStack


class StudioStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        network: NetworkStack,
        storage: StorageStack,
    ) -> None:
        super().__init__(
            scope, construct_id, description="SageMaker Studio: domain, persona roles, user profiles (dev)"
        )
        platform = config.platform.name
        self.boundary = boundary = self._permissions_boundary(feature_store=config.studio.feature_store)
        self.approval_guard = guard = ApprovalGuard(self, "ApprovalGuard")
        self.persona_roles = {
            persona: iam.Role(
                self,
                f"{persona.title().replace('-', '')}Role",
                role_name=naming.persona_role(platform, persona),
                description=f"Studio execution role of the {persona} persona",
                assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                permissions_boundary=boundary,
            )
            for persona in PERSONAS
        }
        for persona, role in self.persona_roles.items():
            Tags.of(role).add("persona", persona)  # how checks tell the compliance officer's role apart
        # Shared spaces and any profile without a persona run as this: Studio itself, nothing more.
        self.default_role = iam.Role(
            self,
            "StudioDefaultRole",
            role_name=f"{platform}-studio-default",
            description="Studio execution role of shared spaces: Studio basics only",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            permissions_boundary=boundary,
        )
        guard.guard(self.default_role)

        security_groups = [network.jobs_security_group.security_group_id]
        self.domain = sagemaker.CfnDomain(
            self,
            "Domain",
            domain_name=platform,
            auth_mode="IAM",
            app_network_access_type="VpcOnly",
            vpc_id=network.vpc.vpc_id,
            subnet_ids=network.job_subnets.subnet_ids,
            kms_key_id=storage.data_key.key_arn,
            tag_propagation="ENABLED",
            default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
                # Every profile names its persona's role; the default grants Studio basics only.
                execution_role=self.default_role.role_arn,
                security_groups=security_groups,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=sagemaker.CfnDomain.JupyterLabAppSettingsProperty(
                    default_resource_spec=sagemaker.CfnDomain.ResourceSpecProperty(
                        instance_type=config.studio.default_instance_type
                    ),
                    app_lifecycle_management=sagemaker.CfnDomain.AppLifecycleManagementProperty(
                        idle_settings=sagemaker.CfnDomain.IdleSettingsProperty(
                            lifecycle_management="ENABLED",
                            idle_timeout_in_minutes=config.studio.idle_timeout_minutes,
                            min_idle_timeout_in_minutes=60,
                            max_idle_timeout_in_minutes=config.studio.idle_timeout_minutes,
                        )
                    ),
                ),
            ),
            default_space_settings=sagemaker.CfnDomain.DefaultSpaceSettingsProperty(
                execution_role=self.default_role.role_arn,
                security_groups=security_groups,
            ),
        )

        scope_ = PersonaScope(
            stack=self,
            config=config,
            domain_id=self.domain.attr_domain_id,
            raw_data=storage.bucket_names["raw-data"],
            processed_data=storage.bucket_names["processed-data"],
            model_artifacts=storage.bucket_names["model-artifacts"],
            data_key=storage.data_key,
            artifacts_key=storage.artifacts_key,
            model_build_role_arns=[
                self.format_arn(
                    service="iam",
                    region="",
                    resource="role",
                    resource_name=naming.model_build_role(platform, "*"),
                )
            ],
            vpc_arn=network.vpc.vpc_arn,
        )
        for persona, role in self.persona_roles.items():
            policy = iam.ManagedPolicy(
                self,
                f"{persona.title().replace('-', '')}Policy",
                description=f"What the {persona} persona may do",
                statements=[*studio_basics(scope_, role.role_arn), *POLICIES[persona](scope_)],
                roles=[role],
            )
            acknowledge_scoped_wildcards(
                policy,
                "Each wildcard is scoped to this account's platform-prefixed resources, a child path of a "
                "named resource, a read-only action family, or an action IAM cannot scope to a resource.",
            )
            if persona != "compliance-officer":
                guard.guard(role)

        basics = iam.ManagedPolicy(
            self,
            "StudioDefaultPolicy",
            description="Studio basics for shared spaces",
            statements=studio_basics(scope_, self.default_role.role_arn),
            roles=[self.default_role],
        )
        acknowledge_scoped_wildcards(
            basics, "Studio's own apps and spaces in this domain, logs, images, listing."
        )
        CfnOutput(
            self, "DomainId", value=self.domain.attr_domain_id, description="Studio domain id, for sign-in"
        )
        for person in config.people:
            sagemaker.CfnUserProfile(
                self,
                f"Profile{person.name.title().replace('-', '')}",
                domain_id=self.domain.attr_domain_id,
                user_profile_name=person.name,
                user_settings=sagemaker.CfnUserProfile.UserSettingsProperty(
                    execution_role=self.persona_roles[person.persona].role_arn,
                    security_groups=security_groups,
                ),
                tags=[{"key": "persona", "value": person.persona}],
            )

    def _permissions_boundary(self, *, feature_store: bool) -> iam.ManagedPolicy:
        """The most any persona (or model-build) role can ever do, whatever policy is attached to it
        later. A role's effective permissions are its policies *and* this: whatever SageMaker needs
        of an execution role (network interfaces in the VPC, grants on volume keys) must be here too."""
        boundary = iam.ManagedPolicy(
            self,
            "PersonaBoundary",
            description="Permissions boundary of every persona role",
            statements=[
                iam.PolicyStatement(
                    sid="CeilingOfPersonaPermissions",
                    actions=[
                        "sagemaker:*",
                        "s3:*",
                        "kms:Decrypt",
                        "kms:Encrypt",
                        "kms:GenerateDataKey",
                        "kms:DescribeKey",
                        "logs:*",
                        "ecr:*",
                        # Network interfaces of Studio apps and jobs in the VPC (the policies scope them to it).
                        *VPC_NETWORK_ACTIONS,
                        # Feature Store's offline store catalog, when Feature Store is on.
                        *(["glue:GetTable", "glue:UpdateTable"] if feature_store else []),
                        "cloudwatch:PutMetricData",
                        "iam:PassRole",
                        # Watching and answering promotions, and reading their audit trail.
                        "codepipeline:GetPipeline",
                        "codepipeline:GetPipelineState",
                        "codepipeline:GetPipelineExecution",
                        "codepipeline:ListPipelineExecutions",
                        "codepipeline:ListActionExecutions",
                        "codepipeline:PutApprovalResult",
                        "codepipeline:StartPipelineExecution",
                        "dynamodb:Query",
                        "dynamodb:DescribeTable",
                    ],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="GrantsOnKeysOnlyForAwsResources",
                    actions=["kms:CreateGrant"],
                    resources=["*"],
                    conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                ),
                iam.PolicyStatement(
                    sid="NeverChangeIdentitiesKeysOrBucketPolicies",
                    effect=iam.Effect.DENY,
                    actions=[
                        "iam:Create*",
                        "iam:Delete*",
                        "iam:Put*",
                        "iam:Attach*",
                        "iam:Detach*",
                        "iam:Update*",
                        "kms:ScheduleKeyDeletion",
                        "kms:DisableKey",
                        "kms:PutKeyPolicy",
                        "s3:PutBucketPolicy",
                        "s3:DeleteBucketPolicy",
                        "s3:PutBucketPublicAccessBlock",
                        "s3:DeleteBucket",
                        "sagemaker:DeleteModelPackageGroup",
                        "sagemaker:DeleteDomain",
                        "sagemaker:DeleteUserProfile",
                    ],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="JobsRunInTheVpc",
                    effect=iam.Effect.DENY,
                    actions=[
                        "sagemaker:CreateProcessingJob",
                        "sagemaker:CreateTrainingJob",
                        "sagemaker:CreateHyperParameterTuningJob",
                    ],
                    resources=["*"],
                    conditions={"Null": {"sagemaker:VpcSubnets": "true"}},
                ),
            ],
        )
        ceiling = (
            "A permissions boundary grants nothing by itself; it caps what the persona policies can grant."
        )
        Validations.of(boundary).acknowledge(
            *(
                Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[{finding}]", reason=ceiling)
                for finding in (
                    "Action::sagemaker:*",
                    "Action::s3:*",
                    "Action::logs:*",
                    "Action::ecr:*",
                    "Resource::*",
                )
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess", reason=ceiling
            ),
        )
        return boundary
