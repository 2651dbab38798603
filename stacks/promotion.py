"""Promotion in dev: per project, the pipeline that carries an approved model package to test and
prod; the trigger that starts it on approval; the audit trail of every decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from ml_constructs.audit_trail import AuditTrail
from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.promotion_pipeline import STEPS, PromotionPipeline, Target
from ml_constructs.promotion_trigger import PromotionTrigger
from platform_config import PlatformConfig, Project, naming
from stacks.storage import StorageStack


class PromotionStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        storage: StorageStack,
        serving_templates: dict[tuple[str, str], Path],
        workdir: Path,
    ) -> None:
        """`serving_templates`: each (project, "test"|"prod") serving stack's synthesized template."""
        super().__init__(scope, construct_id, description="Promotion of approved model packages to test and prod (dev)")
        platform = config.platform.name
        self.key = kms.Key(
            self,
            "PromotionKey",
            alias=f"alias/{platform}/promotion",
            description="Encrypts promotion artifacts, the audit trail and the promotion functions' data",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        gate = NotificationTopic(
            self,
            "GateNotifications",
            display_name=f"{platform} promotion gate",
            emails=config.platform.compliance_officer_emails,
            publishing_services=(),
        )
        self.pipelines = {
            project.name: self._pipeline(config, project, storage, serving_templates, workdir, gate)
            for project in config.projects
        }
        for pipeline in self.pipelines.values():
            gate.topic.grant_publish(pipeline.pipeline.role)
            gate.key.grant(pipeline.pipeline.role, "kms:GenerateDataKey*", "kms:Decrypt")
        self.trigger = PromotionTrigger(
            self,
            "Trigger",
            pipelines_by_group={p.package_group_name: naming.promotion_pipeline(platform, p.name) for p in config.projects},
            key=self.key,
        )
        self.audit = AuditTrail(
            self,
            "AuditTrail",
            table_name=naming.audit_table(platform),
            projects_by_group={p.package_group_name: p.name for p in config.projects},
            projects_by_pipeline={naming.promotion_pipeline(platform, p.name): p.name for p in config.projects},
            key=self.key,
        )

    def _pipeline(self, config, project: Project, storage, serving_templates, workdir: Path, gate) -> PromotionPipeline:
        platform = config.platform.name
        source = workdir / f"promotion-source-{project.name}"
        if source.exists():
            shutil.rmtree(source)
        shutil.copytree(STEPS, source / "steps", ignore=shutil.ignore_patterns("__pycache__", "__init__.py", "make_*.py"))
        targets = {}
        for role in ("test", "prod"):
            account = getattr(config.accounts, role)
            template = f"{role}.template.json"
            shutil.copyfile(serving_templates[(project.name, role)], source / template)
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
        return PromotionPipeline(
            self,
            f"{project.name.title().replace('-', '')}Promotion",
            pipeline_name=naming.promotion_pipeline(platform, project.name),
            steps_role_name=naming.promotion_steps_role(platform, project.name),
            source_dir=source,
            model_package_group=project.package_group_name,
            package_metrics=f"arn:{self.partition}:s3:::{artifacts}/{project.name}/*",
            metrics_key_arn=storage.artifacts_key.key_arn,
            test=targets["test"],
            prod=targets["prod"],
            max_p95_latency_ms=project.prod_serving.latency_alarm_ms,
            gate_topic=gate.topic,
            key=self.key,
        )
