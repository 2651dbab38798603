"""Promotion in dev: what all projects share (key, gate topic, approval trigger, audit trail), and per
project a stack with the pipeline that carries an approved model package to test and prod."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from ml_constructs.audit_ledger import AuditLedger, LedgerProps
from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.platform_key import platform_key
from ml_constructs.promotion_events import AuditTrail, PromotionProjects, PromotionTrigger
from ml_constructs.promotion_pipeline import PromotionPipeline, PromotionProps
from platform_config import naming


class PromotionStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        gate_emails: Sequence[str],
        audit_table: str,
        ledger: LedgerProps,
        projects: PromotionProjects,
    ) -> None:
        super().__init__(
            scope, construct_id, description="Approval trigger, audit trail and gate notifications (dev)"
        )
        self.key = platform_key(
            self,
            "PromotionKey",
            alias=naming.key_alias(platform, "promotion"),
            description="Encrypts promotion artifacts, the audit trail and the promotion functions' data",
        )
        self.gate = NotificationTopic(
            self,
            "GateNotifications",
            display_name=f"{platform} promotion gate",
            emails=gate_emails,
            publishing_services=(),
        )
        PromotionTrigger(self, "Trigger", projects=projects, key=self.key)
        self.ledger = AuditLedger(self, "AuditLedger", props=ledger, key=self.key)
        AuditTrail(
            self,
            "AuditTrail",
            table_name=audit_table,
            ledger=self.ledger.bucket,
            projects=projects,
            key=self.key,
        )


class PromotionPipelineStack(Stack):
    """One project's promotion pipeline, fed the serving templates this app synthesized for it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        project: str,
        props: PromotionProps,
        gate: NotificationTopic,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id, description=f"Promotion pipeline of {project} (dev)")
        pipeline = PromotionPipeline(self, "Promotion", props=props, gate_topic=gate.topic, key=key).pipeline
        gate.topic.grant_publish(pipeline.role)
        gate.key.grant(pipeline.role, "kms:GenerateDataKey*", "kms:Decrypt")
