"""Promotion in dev: what all projects share (key, gate topic, approval trigger, audit trail), and per
project a stack with the pipeline that carries an approved model package to test and prod."""

from __future__ import annotations

import shutil
from pathlib import Path

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.platform_key import platform_key
from ml_constructs.promotion_events import AuditTrail, PromotionTrigger
from ml_constructs.promotion_pipeline import STEPS, PromotionPipeline, Target
from platform_config import PlatformConfig, Project, naming
from stacks.storage import StorageStack


class PromotionStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig) -> None:
        super().__init__(
            scope, construct_id, description="Approval trigger, audit trail and gate notifications (dev)"
        )
        platform = config.platform.name
        self.key = platform_key(
            self,
            "PromotionKey",
            alias=f"alias/{platform}/promotion",
            description="Encrypts promotion artifacts, the audit trail and the promotion functions' data",
        )
        self.gate = NotificationTopic(
            self,
            "GateNotifications",
            display_name=f"{platform} promotion gate",
            emails=config.platform.compliance_officer_emails,
            publishing_services=(),
        )
        self.trigger = PromotionTrigger(
            self,
            "Trigger",
            pipelines_by_group={
                p.package_group_name: naming.promotion_pipeline(platform, p.name) for p in config.projects
            },
            key=self.key,
        )
        self.audit = AuditTrail(
            self,
            "AuditTrail",
            table_name=naming.audit_table(platform),
            projects_by_group={p.package_group_name: p.name for p in config.projects},
            projects_by_pipeline={
                naming.promotion_pipeline(platform, p.name): p.name for p in config.projects
            },
            key=self.key,
        )


class PromotionPipelineStack(Stack):
    """One project's promotion pipeline, fed the serving templates this app synthesized for it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        project: Project,
        storage: StorageStack,
        shared: PromotionStack,
        serving_templates: dict[str, Path],
        workdir: Path,
    ) -> None:
        """`serving_templates`: the project's synthesized "test" and "prod" serving templates."""
        super().__init__(scope, construct_id, description=f"Promotion pipeline of {project.name} (dev)")
        platform = config.platform.name
        source = workdir / f"promotion-source-{project.name}"
        if source.exists():
            shutil.rmtree(source)
        shutil.copytree(
            STEPS, source / "steps", ignore=shutil.ignore_patterns("__pycache__", "__init__.py", "make_*.py")
        )
        targets = {}
        for role in ("test", "prod"):
            account = getattr(config.accounts, role)
            template = f"{role}.template.json"
            shutil.copyfile(serving_templates[role], source / template)
            targets[role] = Target(
                role=role,
                account_id=account.account_id,
                region=account.region,
                stack_name=f"{role}-Serving-{project.name}",
                template_file=template,
                endpoint_name=naming.endpoint(platform, project.name, role),
                check_role_arn=f"arn:{self.partition}:iam::{account.account_id}:role/"
                + naming.promotion_check_role(platform, project.name, role),
            )
        artifacts = storage.bucket_names["model-artifacts"]
        self.promotion = PromotionPipeline(
            self,
            "Promotion",
            pipeline_name=naming.promotion_pipeline(platform, project.name),
            steps_role_name=naming.promotion_steps_role(platform, project.name),
            source_dir=source,
            model_package_group=project.package_group_name,
            package_metrics=f"arn:{self.partition}:s3:::{artifacts}/{project.name}/*",
            metrics_key_arn=storage.artifacts_key.key_arn,
            test=targets["test"],
            prod=targets["prod"],
            max_p95_latency_ms=project.test_serving.max_p95_latency_ms,
            gate_topic=shared.gate.topic,
            key=shared.key,
        )
        role = self.promotion.pipeline.role
        shared.gate.topic.grant_publish(role)
        shared.gate.key.grant(role, "kms:GenerateDataKey*", "kms:Decrypt")
