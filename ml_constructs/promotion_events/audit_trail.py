"""The audit trail: every registry decision (a version Approved or Rejected) and every promotion gate
answer, who, when, which version and why, in an encrypted DynamoDB table that outlives the stack
(queried by the CLI), and the same record as an object in the Object Lock bucket (`AuditLedger`)
that nobody can rewrite. The function is `runtime/audit.py`."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ml_constructs.audit_ledger import DECISIONS_PREFIX
from ml_constructs.platform_function import PlatformFunction
from ml_constructs.promotion_events.patterns import gate_answers, registry_decisions, stage_changes
from ml_constructs.promotion_events.projects import PromotionProjects
from ml_constructs.registry_access import read_model_packages
from platform_config import naming

RUNTIME = Path(__file__).parent / "runtime"


class AuditTrail(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_name: str,
        ledger: s3.IBucket,
        projects: PromotionProjects,
        key: kms.IKey,
    ) -> None:
        """`ledger`: the Object Lock bucket (`AuditLedger`) that gets a copy of every record."""
        super().__init__(scope, construct_id)
        self.table = self._table(table_name, key)
        recorder = self._recorder(table_name, ledger, projects, key)
        target = recorder.event_target()  # one dead-letter queue for the three rules: no decision is lost
        events.Rule(
            self,
            "RegistryDecisions",
            description="Approvals and rejections of the platform's model package versions",
            event_pattern=registry_decisions(projects.prefix, statuses=["Approved", "Rejected"]),
            targets=[target],
        )
        events.Rule(
            self,
            "StageChanges",
            description="Lifecycle stages of the platform's model package versions (stage history, no decision)",
            event_pattern=stage_changes(projects.prefix),
            targets=[target],
        )
        events.Rule(
            self,
            "GateAnswers",
            description="Answers at the promotion pipelines' ApproveForProd gate",
            event_pattern=gate_answers(projects.prefix),
            targets=[target],
        )

    def _table(self, table_name: str, key: kms.IKey) -> dynamodb.TableV2:
        table = dynamodb.TableV2(
            self,
            "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name="project", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="recorded_at", type=dynamodb.AttributeType.STRING),
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        Validations.of(table).acknowledge(
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-DynamoDBInBackupPlan",
                reason="Point-in-time recovery (35 days), deletion protection and retention on stack deletion "
                "protect the audit records; an AWS Backup plan is each organisation's own choice.",
            )
        )
        return table

    def _recorder(
        self, table_name: str, ledger: s3.IBucket, projects: PromotionProjects, key: kms.IKey
    ) -> PlatformFunction:
        stack = Stack.of(self)
        return PlatformFunction(
            self,
            "Recorder",
            code=RUNTIME,
            handler="audit.handler",
            description="Records model package decisions and promotion gate answers",
            environment={"AUDIT_TABLE": table_name, "AUDIT_BUCKET": ledger.bucket_name},
            role_name=naming.audit_recorder_role(projects.platform),
            data=projects.function_data(),
            key=key,
            statements=[
                read_model_packages(stack, [f"{projects.prefix}*"]),
                iam.PolicyStatement(
                    sid="ReadGateAnswers",
                    actions=["codepipeline:GetPipelineExecution", "codepipeline:ListActionExecutions"],
                    resources=[
                        stack.format_arn(
                            service="codepipeline", resource=naming.promotion_pipeline(projects.platform, "*")
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="AppendRecords", actions=["dynamodb:PutItem"], resources=[self.table.table_arn]
                ),
                # The decision into the version's model card: neither an approval nor a stage (their
                # keys absent); the registry's policy denies the recorder the same.
                iam.PolicyStatement(
                    sid="RecordDecisionsInModelCards",
                    actions=["sagemaker:UpdateModelPackage"],
                    resources=[
                        stack.format_arn(
                            service="sagemaker", resource="model-package", resource_name=f"{projects.prefix}*"
                        )
                    ],
                    conditions={
                        "Null": {
                            "sagemaker:ModelApprovalStatus": "true",
                            "sagemaker:ModelLifeCycle:Stage": "true",
                        }
                    },
                ),
                iam.PolicyStatement(
                    sid="LockedRecords",
                    actions=["s3:PutObject"],
                    resources=[ledger.arn_for_objects(f"{DECISIONS_PREFIX}/*")],
                ),
            ],
            wildcard_reason="Versions of the platform's model package groups, and its promotion pipelines, "
            "by their name patterns.",
        )
