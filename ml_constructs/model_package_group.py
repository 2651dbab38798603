"""A project's model package group in the dev registry, readable by test and prod, whose own policy is
where "only the compliance officer approves" holds for every principal of the account.

IAM evaluates an explicit Deny in a resource-based policy for every request to that resource, same
account included, whatever the caller's own policies allow
(docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html):
so account admins, the CDK deployment roles and a person's own SSO role are all held by it.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

# What the serving accounts may do with a project's packages: look, and build a model from one.
# Never UpdateModelPackage: approval stays with dev's compliance officer.
SERVING_ACCOUNT_ACTIONS = (
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
    "sagemaker:CreateModel",
)
# What erases the registry's evidence: nobody does it, not even a deployment (the groups are retained).
DESTRUCTIVE_ACTIONS = ("sagemaker:DeleteModelPackage", "sagemaker:DeleteModelPackageGroup")
# Who may change the group policy itself: only CloudFormation, deploying this stack.
POLICY_ACTIONS = ("sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy")


class ModelPackageGroup(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        group_name: str,
        project: str,
        serving_accounts: Sequence[str],
        approver_arns: Sequence[str],
        stage_setter_arn: str,
        card_writer_arn: str,
        deployer_arn: str,
    ) -> None:
        """`approver_arns`: who may change a version (approve, reject); `stage_setter_arn`: the
        promotion pipeline's steps role, the only one that sets Production and may otherwise change
        only lifecycle stages; `card_writer_arn`: the audit recorder, which writes each decision
        into the version's model card and changes nothing else it can be kept from; `deployer_arn`:
        the role that deploys the registry, the only one that may change this policy."""
        super().__init__(scope, construct_id)
        self.group = sagemaker.CfnModelPackageGroup(
            self,
            "Default",  # the group is this construct's resource: its logical id is the construct's
            model_package_group_name=group_name,
            model_package_group_description=f"Model versions of the {project} project",
            model_package_group_policy=group_policy(
                Stack.of(self),
                group_name,
                serving_accounts,
                approver_arns,
                deployer_arn,
                stage_setter=stage_setter_arn,
                card_writer=card_writer_arn,
            ),
            tags=[{"key": "ml-project", "value": project}],
        )
        # Versions, their approvals and their lineage live in the group: never delete it with the stack.
        self.group.apply_removal_policy(RemovalPolicy.RETAIN)


def group_policy(
    stack: Stack,
    group_name: str,
    serving_accounts: Sequence[str],
    approvers: Sequence[str],
    deployer: str,
    *,
    stage_setter: str,
    card_writer: str,
) -> dict:
    """Serving accounts read and build models; for every principal, the denies that keep approval
    with compliance officers, the Production stage with the promotion pipeline, and the registry's
    evidence intact.

    Condition keys of UpdateModelPackage (IAM service authorization reference, SageMaker):
    `sagemaker:ModelApprovalStatus`, `sagemaker:ModelLifeCycle:Stage`,
    `sagemaker:ModelLifeCycle:StageStatus`, `sagemaker:CustomerMetadataProperties/${MetadataKey}`;
    none covers ApprovalDescription or ModelCard (README, "What is enforced").
    `stage_setter`: the promotion steps role (lifecycle stages); `card_writer`: the audit recorder
    (model cards)."""
    # Set semantics: in a single-account trial the same account must appear once.
    principals = [iam.AccountPrincipal(account).arn for account in sorted(set(serving_accounts))]
    group_arn = stack.format_arn(
        service="sagemaker", resource="model-package-group", resource_name=group_name
    )
    packages_arn = stack.format_arn(
        service="sagemaker", resource="model-package", resource_name=f"{group_name}/*"
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServingAccountsDescribeGroup",
                "Effect": "Allow",
                "Principal": {"AWS": principals},
                "Action": "sagemaker:DescribeModelPackageGroup",
                "Resource": group_arn,
            },
            {
                "Sid": "ServingAccountsReadPackagesAndCreateModels",
                "Effect": "Allow",
                "Principal": {"AWS": principals},
                "Action": list(SERVING_ACCOUNT_ACTIONS),
                "Resource": packages_arn,
            },
            {
                "Sid": "OnlyComplianceOfficersAndThePromotionChangeVersions",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:UpdateModelPackage",
                "Resource": packages_arn,
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": [*approvers, stage_setter, card_writer]}},
            },
            {
                "Sid": "OnlyComplianceOfficersSetAnApprovalStatus",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:UpdateModelPackage",
                "Resource": packages_arn,
                "Condition": {
                    "Null": {"sagemaker:ModelApprovalStatus": "false"},
                    "ArnNotLike": {"aws:PrincipalArn": list(approvers)},
                },
            },
            {
                "Sid": "OnlyThePromotionSetsProduction",
                "Effect": "Deny",
                "Principal": "*",
                # Registering a version straight into Production would be setting it too.
                "Action": ["sagemaker:UpdateModelPackage", "sagemaker:CreateModelPackage"],
                "Resource": [group_arn, packages_arn],
                "Condition": {
                    "StringEqualsIgnoreCase": {"sagemaker:ModelLifeCycle:Stage": "Production"},
                    "ArnNotEquals": {"aws:PrincipalArn": stage_setter},
                },
            },
            {
                "Sid": "TheAuditRecorderSetsNoStage",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:UpdateModelPackage",
                "Resource": packages_arn,
                "Condition": {
                    "Null": {"sagemaker:ModelLifeCycle:Stage": "false"},
                    "ArnEquals": {"aws:PrincipalArn": card_writer},
                },
            },
            {
                "Sid": "ThePromotionChangesOnlyLifecycleStages",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:UpdateModelPackage",
                "Resource": packages_arn,
                "Condition": {
                    "Null": {"sagemaker:ModelLifeCycle:Stage": "true"},
                    "ArnEquals": {"aws:PrincipalArn": stage_setter},
                },
            },
            {
                "Sid": "VersionsAreRegisteredPendingApproval",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:CreateModelPackage",
                "Resource": [group_arn, packages_arn],
                "Condition": {
                    "StringNotEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
                },
            },
            {
                "Sid": "NobodyErasesVersions",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(DESTRUCTIVE_ACTIONS),
                "Resource": [group_arn, packages_arn],
            },
            {
                "Sid": "OnlyDeploymentsChangeThisPolicy",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(POLICY_ACTIONS),
                "Resource": group_arn,
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": deployer}},
            },
        ],
    }
