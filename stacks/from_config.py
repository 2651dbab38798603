"""The one place the deployment's config becomes the props of stacks and constructs.

Everything below `stacks/` takes small props that name what it needs; only this module reads
`PlatformConfig`. `account_stage.py` calls these to build each account's stacks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from aws_cdk import Environment, Stage

from ml_constructs.audit_ledger import LedgerProps
from ml_constructs.billing_guardrails import GuardrailProps, SpendLimits
from ml_constructs.endpoint_alarms import AlarmThresholds, IdleAlarm
from ml_constructs.feedback_replication import FeedbackDestination, FeedbackFlow
from ml_constructs.model_build_pipeline import ModelBuildProps, ModelCardFacts
from ml_constructs.model_execution_role import MonitoringData, ServedArtifacts
from ml_constructs.model_monitor import BiasWatch, Facet, MonitorProps, QualityBar
from ml_constructs.platform_storage import DataStore, ServingReaders, StorageProps
from ml_constructs.platform_vpc import NetworkPlacement, VpcProps
from ml_constructs.promotion_events import PromotedProject, PromotionProjects
from ml_constructs.promotion_pipeline import PromotionProps, Target, assemble_source
from ml_constructs.promotion_pipeline.source import template_file
from ml_constructs.retraining_loop import DriftResponse, RetrainingProps
from ml_constructs.serving_endpoint import (
    Autoscaling,
    Canary,
    DataCapture,
    EndpointProps,
    Instances,
    Serverless,
)
from ml_constructs.studio_domain import Notebooks
from ml_constructs.studio_starters import StarterProps
from pipelines.definition import container_images
from platform_config import AccountRole, PlatformConfig, Project, naming
from platform_config.commit import CONTEXT_KEY as COMMIT_CONTEXT
from platform_config.commit import code_version
from platform_config.names import MONITORING_KINDS
from platform_config.prices import PriceTable
from stacks.billing import BillingStack
from stacks.model_build import ModelBuildStack
from stacks.network import NetworkStack
from stacks.promotion import PromotionPipelineStack, PromotionStack
from stacks.registry import RegistryGroup, RegistryStack
from stacks.retraining_loop import RetrainingLoopStack
from stacks.serving import Monitored, ServingProps, ServingStack
from stacks.serving_foundation import ServingFoundationStack
from stacks.storage import StorageStack
from stacks.studio import StudioProps, StudioStack

DATA_PURPOSES = ("access-logs", "raw-data", "processed-data", "model-artifacts", "prod-feedback")
# The test endpoint's alarms: a serverless acceptance endpoint, not prod's bar.
TEST_ALARMS = AlarmThresholds(latency_ms=1000, error_rate_percent=5.0)


def _role_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{name}"


# --- every account -------------------------------------------------------------------------------


def billing_stack(stage: Stage, config: PlatformConfig, role: AccountRole) -> BillingStack:
    account = getattr(config.accounts, role)
    budget = account.budget
    return BillingStack(
        stage,
        "Billing",
        env=Environment(account=account.account_id, region=config.billing.home_region),
        props=GuardrailProps(
            name=f"{config.platform.name}-{role}",
            account_label=role,
            limits=SpendLimits(
                monthly_usd=budget.monthly_limit_usd,
                daily_usd=budget.daily_limit_usd,
                actual_alert_percents=budget.actual_alert_percents,
                forecast_alert_percent=budget.forecast_alert_percent,
                anomaly_alert_usd=budget.anomaly_alert_usd,
            ),
            emails=config.billing.notification_emails,
            cost_tag=("project", config.platform.name),
        ),
    )


def network_stack(stage: Stage, config: PlatformConfig, role: AccountRole) -> NetworkStack | None:
    """The account's VPC, or None where nothing needs one (a test account serving serverless only)."""
    if not config.needs_vpc(role):
        return None
    serving = role != "dev"
    return NetworkStack(
        stage,
        "Network",
        description=f"VPC for SageMaker endpoints and monitoring ({role})"
        if serving
        else "VPC for Studio and SageMaker jobs (dev)",
        props=VpcProps(
            cidr=config.network.cidr,
            zones=getattr(config.accounts, role).availability_zones,
            with_nat=config.network.of(role).egress == "nat-gateway",
            interface_endpoints=config.interface_endpoints(role),
            endpoint_zones=config.network.of(role).endpoint_zones,
        ),
    )


# --- dev -----------------------------------------------------------------------------------------


def storage_stack(stage: Stage, config: PlatformConfig) -> StorageStack:
    platform, dev = config.platform.name, config.accounts.dev.account_id
    readers: dict[str, list[str]] = {}
    for role in ("test", "prod"):
        account_id = getattr(config.accounts, role).account_id
        readers.setdefault(account_id, []).append(
            _role_arn(account_id, naming.model_execution_role(platform, "*", role))
        )
    return StorageStack(
        stage,
        "Storage",
        props=StorageProps(
            platform=platform,
            bucket_names={purpose: naming.bucket(platform, purpose, dev) for purpose in DATA_PURPOSES},
            served_artifact_keys=naming.served_artifacts("*"),
            readers=[ServingReaders(account_id, patterns) for account_id, patterns in readers.items()],
            feedback_source_role_arn=_feedback_role_arn(config),
        ),
    )


def _feedback_role_arn(config: PlatformConfig) -> str:
    return _role_arn(config.accounts.prod.account_id, naming.feedback_replication_role(config.platform.name))


def feedback_destination(config: PlatformConfig) -> FeedbackDestination:
    """Dev's prod-feedback bucket and data key, as prod's replication names them."""
    dev, platform = config.accounts.dev, config.platform.name
    return FeedbackDestination(
        bucket_name=naming.bucket(platform, "prod-feedback", dev.account_id),
        key_alias_arn=f"arn:aws:kms:{dev.region}:{dev.account_id}:{naming.key_alias(platform, 'data')}",
        region=dev.region,
        source_role_arn=_feedback_role_arn(config),
    )


def registry_stack(stage: Stage, config: PlatformConfig) -> RegistryStack:
    dev = config.accounts.dev
    return RegistryStack(
        stage,
        "Registry",
        groups=[
            RegistryGroup(
                p.name,
                p.package_group_name,
                _role_arn(dev.account_id, naming.promotion_steps_role(config.platform.name, p.name)),
            )
            for p in config.projects
        ],
        serving_accounts=[config.accounts.test.account_id, config.accounts.prod.account_id],
        approver_arns=config.approver_arns(),
        card_writer_arn=_role_arn(dev.account_id, naming.audit_recorder_role(config.platform.name)),
        deployer_arn=_role_arn(
            dev.account_id, naming.cdk_bootstrap_role("cfn-exec-role", dev.account_id, dev.region)
        ),
    )


def cost_tags(config: PlatformConfig, role: AccountRole) -> dict[str, str]:
    """The tags on everything an account's stage deploys, for cost allocation."""
    return {"project": config.platform.name, "account-role": role, "cost-centre": config.platform.cost_centre}


def studio_stack(
    stage: Stage, config: PlatformConfig, placement: NetworkPlacement, store: DataStore
) -> StudioStack:
    studio = config.studio
    return StudioStack(
        stage,
        "Studio",
        props=StudioProps(
            platform=config.platform.name,
            feature_store=studio.feature_store,
            notebooks=Notebooks(studio.default_instance_type, studio.idle_timeout_minutes),
            people=[(person.name, person.persona) for person in config.people],
            starters=StarterProps(config.platform.name, _starter_context(config)),
            tags=cost_tags(config, "dev"),
            training_instance_type=config.projects[0].training_instance_type,
        ),
        placement=placement,
        store=store,
    )


def _starter_context(config: PlatformConfig) -> dict:
    """The platform's names the starter notebooks read (`context.json` in Studio)."""
    platform, dev = config.platform.name, config.accounts.dev
    return {
        "platform": platform,
        "region": dev.region,
        "buckets": {
            purpose: naming.bucket(platform, purpose, dev.account_id) for purpose in DATA_PURPOSES[1:]
        },
        "feature_store": config.studio.feature_store,
        "images": {"scikit-learn": container_images(dev.region)["ProcessingImageUri"]},
        "projects": [
            {
                "name": p.name,
                "package_group": p.package_group_name,
                "model_build_pipeline": naming.model_build_pipeline(platform, p.name),
                "promotion_pipeline": naming.promotion_pipeline(platform, p.name),
                "pii_columns": list(p.pii_columns),
                "code_prefix": naming.model_build_code(p.name),
                "label": p.label_column,
                "quality_metric": p.quality_threshold.name,
                "processing_instance_type": p.processing_instance_type,
            }
            for p in config.projects
        ],
    }


def model_build_stack(
    stage: Stage,
    config: PlatformConfig,
    project: Project,
    placement: NetworkPlacement,
    store: DataStore,
    studio: StudioStack,
) -> ModelBuildStack:
    return ModelBuildStack(
        stage,
        f"ModelBuild-{project.name}",
        props=ModelBuildProps(
            platform=config.platform.name,
            project=project.name,
            package_group=project.package_group_name,
            pii_columns=project.pii_columns,
            quality_metric=project.quality_threshold.name,
            quality_minimum=project.quality_threshold.minimum,
            processing_instance_type=project.processing_instance_type,
            training_instance_type=project.training_instance_type,
            inference_instance_type=project.inference_instance_type,
            label_column=project.label_column,
            sensitive_attributes=tuple((a.column, a.value) for a in project.sensitive_attributes),
            feedback_prefixes=naming.feedback_prefixes(config.platform.name, project.name),
            model_card=ModelCardFacts(
                intended_use=project.model_card.intended_use,
                risk_rating=project.model_card.risk_rating,
                risk_explanation=project.model_card.risk_explanation,
            ),
            commit=code_version(stage.node.try_get_context(COMMIT_CONTEXT)),
        ),
        store=store,
        placement=placement,
        boundary=studio.boundary,
        approval_guard=studio.approval_guard,
    )


def retraining_stack(stage: Stage, config: PlatformConfig, store: DataStore) -> RetrainingLoopStack:
    prod = config.accounts.prod
    return RetrainingLoopStack(
        stage,
        "RetrainingLoop",
        props=RetrainingProps(
            platform=config.platform.name,
            prod_account_id=prod.account_id,
            prod_region=prod.region,
            alert_emails=config.platform.alert_emails,
            responses=[
                DriftResponse(
                    p.name,
                    p.monitoring.retrain_on_drift,
                    p.monitoring.retrain_at_most_every_hours,
                    *naming.feedback_prefixes(config.platform.name, p.name),
                )
                for p in config.projects
            ],
            feedback_bucket=store.bucket_names["prod-feedback"],
            feedback_key_arn=store.data_key.key_arn,
            feedback_patterns=naming.feedback_prefixes(config.platform.name, "*"),
        ),
    )


def promotion_stack(stage: Stage, config: PlatformConfig) -> PromotionStack:
    platform = config.platform.name
    return PromotionStack(
        stage,
        "Promotion",
        platform=platform,
        gate_emails=config.platform.compliance_officer_emails,
        audit_table=naming.audit_table(platform),
        ledger=LedgerProps(
            bucket_name=naming.bucket(platform, "audit-records", config.accounts.dev.account_id),
            trail_name=naming.approvals_trail(platform),
            retention_days=config.platform.audit_retention_days,
        ),
        projects=PromotionProjects(
            platform,
            tuple(
                PromotedProject(p.name, p.package_group_name, naming.promotion_pipeline(platform, p.name))
                for p in config.projects
            ),
        ),
    )


def _target(config: PlatformConfig, project: Project, role: AccountRole) -> Target:
    account = getattr(config.accounts, role)
    platform = config.platform.name
    return Target(
        role=role,
        account_id=account.account_id,
        region=account.region,
        stack_name=f"{role}-Serving-{project.name}",
        template_file=template_file(role),
        endpoint_name=naming.endpoint(platform, project.name, role),
        check_role_arn=_role_arn(
            account.account_id, naming.promotion_check_role(platform, project.name, role)
        ),
    )


def promotion_pipeline_stack(
    stage: Stage,
    config: PlatformConfig,
    project: Project,
    store: DataStore,
    shared: PromotionStack,
    serving_templates: dict[str, Path],
    workdir: Path,
) -> PromotionPipelineStack:
    """`serving_templates`: the project's synthesized "test" and "prod" serving templates."""
    platform = config.platform.name
    source = assemble_source(workdir / f"promotion-source-{project.name}", serving_templates)
    return PromotionPipelineStack(
        stage,
        f"Promotion-{project.name}",
        project=project.name,
        props=PromotionProps(
            project=project.name,
            pipeline_name=naming.promotion_pipeline(platform, project.name),
            steps_role_name=naming.promotion_steps_role(platform, project.name),
            source_dir=source,
            model_package_group=project.package_group_name,
            package_metrics=f"{store.bucket_arn('model-artifacts')}/{project.name}/*",
            metrics_key_arn=store.artifacts_key.key_arn,
            test=_target(config, project, "test"),
            prod=_target(config, project, "prod"),
            max_p95_latency_ms=project.test_serving.max_p95_latency_ms,
            quality_metric=project.quality_threshold.name,
            champion_tolerance=project.champion_tolerance,
        ),
        gate=shared.gate,
        key=shared.key,
    )


# --- test and prod -------------------------------------------------------------------------------


def serving_foundation_stack(
    stage: Stage, config: PlatformConfig, role: AccountRole
) -> ServingFoundationStack:
    platform, account_id = config.platform.name, getattr(config.accounts, role).account_id
    return ServingFoundationStack(
        stage,
        "ServingFoundation",
        platform=platform,
        account_label=role,
        key_alias=naming.key_alias(platform, f"{role}-serving"),
        alert_emails=config.platform.alert_emails,
        monitoring_buckets=(
            naming.bucket(platform, "model-monitor", account_id),
            naming.bucket(platform, "serving-access-logs", account_id),
        )
        if role == "prod"
        else None,
        feedback=FeedbackFlow(
            destination=feedback_destination(config),
            prefixes=tuple(
                prefix
                for project in config.projects
                for prefix in naming.feedback_prefixes(config.platform.name, project.name)
            ),
            prefix_patterns=naming.feedback_prefixes(config.platform.name, "*"),
            role_name=naming.feedback_replication_role(platform),
        )
        if role == "prod"
        else None,
    )


def endpoint_props(config: PlatformConfig, project: Project, role: AccountRole) -> EndpointProps:
    """Test and prod differ only here: test serves serverless (or a few instances) with its own
    alarm bar; prod serves instances, scaled, updated blue/green, capturing requests."""
    name = naming.endpoint(config.platform.name, project.name, role)
    if role == "test":
        test = project.test_serving
        capacity = (
            Serverless(test.memory_mb, test.max_concurrency)
            if test.serverless
            else Instances(test.instance_type, test.instance_count)
        )
        idle = (
            None
            if test.serverless
            else _idle(config, project, role, test.instance_type, test.instance_count, test.idle_alarm_days)
        )
        return EndpointProps(endpoint_name=name, capacity=capacity, alarms=replace(TEST_ALARMS, idle=idle))
    prod = project.prod_serving
    monitor_bucket = naming.bucket(config.platform.name, "model-monitor", config.accounts.prod.account_id)
    return EndpointProps(
        endpoint_name=name,
        capacity=Instances(prod.instance_type, prod.min_instances),
        alarms=AlarmThresholds(
            latency_ms=prod.latency_alarm_ms,
            error_rate_percent=prod.error_rate_alarm_percent,
            idle=_idle(config, project, role, prod.instance_type, prod.min_instances, prod.idle_alarm_days),
        ),
        autoscaling=Autoscaling(prod.min_instances, prod.max_instances, prod.invocations_per_instance),
        canary=Canary(prod.canary_percent, prod.bake_minutes),
        capture=DataCapture(f"s3://{monitor_bucket}/{project.name}/capture", prod.data_capture_percent),
    )


def _idle(
    config: PlatformConfig, project: Project, role: AccountRole, instance_type: str, count: int, days: int
) -> IdleAlarm:
    """The idle alarm of an instance endpoint, priced at its fewest instances from the price table."""
    region = getattr(config.accounts, role).region
    monthly, priced_as = PriceTable.load().hosting_month(region, instance_type, count)
    remedy = (
        f"if nobody needs it, deploy {role}/Serving-{project.name} with an empty ModelPackageArn, which "
        "removes it (README, 'Retiring an endpoint')"
    )
    return IdleAlarm(days, monthly, priced_as, remedy)


def _ground_truth_uri(bucket: str, endpoint_name: str, project: Project) -> str | None:
    """Where the project's labels arrive: the monitoring bucket's documented prefix, a configured URI, or nowhere."""
    if project.monitoring.ground_truth_labels:
        return f"s3://{bucket}/{naming.ground_truth_prefix(endpoint_name)}"
    return project.monitoring.ground_truth_uri


def _monitored(config: PlatformConfig, project: Project) -> Monitored:
    platform, dev, prod = config.platform.name, config.accounts.dev, config.accounts.prod
    bucket = naming.bucket(platform, "model-monitor", prod.account_id)
    monitoring = project.monitoring
    endpoint_name = naming.endpoint(platform, project.name, "prod")
    ground_truth_uri = _ground_truth_uri(bucket, endpoint_name, project)
    images = container_images(prod.region)
    return Monitored(
        monitor=MonitorProps(
            endpoint_name=endpoint_name,
            schedule_names={
                kind: naming.monitoring_schedule(platform, project.name, kind) for kind in MONITORING_KINDS
            },
            schedule=monitoring.schedule,
            instance_type=monitoring.instance_type,
            alarm_features=monitoring.alarm_features,
            drift_alarm_threshold=monitoring.drift_alarm_threshold,
            ground_truth_uri=ground_truth_uri,
            reports_uri=f"s3://{bucket}/{project.name}/reports",
            findings_bus_arn=f"arn:aws:events:{dev.region}:{dev.account_id}:event-bus/{naming.monitoring_bus(platform)}",
            quality_bar=QualityBar(project.quality_threshold.name, project.quality_threshold.minimum),
            bias=BiasWatch(
                label=project.label_column,
                facets=tuple(Facet(a.column, a.value) for a in project.sensitive_attributes),
                threshold=monitoring.bias_alarm_threshold,
            )
            if project.sensitive_attributes
            else None,
        ),
        image_uri=images["MonitorImageUri"],
        clarify_image_uri=images["ClarifyImageUri"],
        data=MonitoringData(bucket=bucket, prefix=project.name, ground_truth_uri=ground_truth_uri),
        unset_baselines_uri=f"s3://{bucket}/{project.name}/baselines/unset",
    )


def serving_stack(
    stage: Stage,
    config: PlatformConfig,
    project: Project,
    role: AccountRole,
    network: NetworkStack | None,
    foundation: ServingFoundationStack,
) -> ServingStack:
    platform, dev = config.platform.name, config.accounts.dev
    return ServingStack(
        stage,
        f"Serving-{project.name}",
        props=ServingProps(
            project=project.name,
            account_role=role,
            endpoint=endpoint_props(config, project, role),
            model_role_name=naming.model_execution_role(platform, project.name, role),
            artifacts=ServedArtifacts(
                account_id=dev.account_id,
                region=dev.region,
                bucket=naming.bucket(platform, "model-artifacts", dev.account_id),
                keys=naming.served_artifacts(project.name),
            ),
            check_role_name=naming.promotion_check_role(platform, project.name, role),
            steps_role_arn=_role_arn(dev.account_id, naming.promotion_steps_role(platform, project.name)),
            acceptance_tested=role == "test",
            monitored=_monitored(config, project) if role == "prod" else None,
        ),
        placement=network.placement if network else None,
        key=foundation.key,
        alerts=foundation.alerts,
    )
