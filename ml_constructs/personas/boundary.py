"""The permissions boundary of every persona role and of the model-build pipelines' roles."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from constructs import Construct

from ml_constructs.sagemaker_job_permissions import VPC_NETWORK_ACTIONS

# The most a persona may ever do: the persona policies narrow each action to its resources.
CEILING = (
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
)
# After the optional Feature Store actions (kept in this order, so the document reads the same).
CEILING_TAIL = (
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
)
# Feature Store's offline store catalog, when Feature Store is on.
FEATURE_STORE = ("glue:GetTable", "glue:UpdateTable")
# Whatever any policy says: no identity, key or bucket-policy changes, nothing the registry or
# Studio cannot lose.
NEVER = (
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
)
JOBS = (
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateHyperParameterTuningJob",
)


def boundary_statements(*, feature_store: bool) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="CeilingOfPersonaPermissions",
            actions=[*CEILING, *(FEATURE_STORE if feature_store else ()), *CEILING_TAIL],
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
            actions=list(NEVER),
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="JobsRunInTheVpc",
            effect=iam.Effect.DENY,
            actions=list(JOBS),
            resources=["*"],
            conditions={"Null": {"sagemaker:VpcSubnets": "true"}},
        ),
    ]


class PersonaBoundary(Construct):
    """The most any persona (or model-build) role can ever do, whatever policy is attached to it
    later. A role's effective permissions are its policies *and* this: whatever SageMaker needs of
    an execution role (network interfaces in the VPC, grants on volume keys) must be here too."""

    def __init__(self, scope: Construct, construct_id: str, *, feature_store: bool) -> None:
        super().__init__(scope, construct_id)
        self.policy = iam.ManagedPolicy(
            self,
            "Default",  # the policy is this construct's resource: its logical id is the construct's
            description="Permissions boundary of every persona role",
            statements=boundary_statements(feature_store=feature_store),
        )
        ceiling = (
            "A permissions boundary grants nothing by itself; it caps what the persona policies can grant."
        )
        Validations.of(self.policy).acknowledge(
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
