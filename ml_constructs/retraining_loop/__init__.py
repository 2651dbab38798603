"""The dev end of the feedback loop: prod's Model Monitor violations arrive on a dev event bus, and
each project's rule notifies people and, for projects that retrain on drift, starts the project's
model-build pipeline through a function that allows one run per window (`runtime/retrain.py`)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from ml_constructs.event_dead_letters import (
    MAX_EVENT_AGE,
    RETRY_ATTEMPTS,
    DeadLetterQueue,
    allow_event_dead_letters,
)
from ml_constructs.model_monitor import VIOLATIONS
from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.platform_function import PlatformFunction
from ml_constructs.platform_key import platform_key
from platform_config import PlatformConfig, Project, naming

RUNTIME = Path(__file__).parent / "runtime"


class RetrainingLoop(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        platform = config.platform.name
        prod = config.accounts.prod
        self.bus = events.EventBus(self, "Bus", event_bus_name=naming.monitoring_bus(platform))
        # Only the prod account may put findings here, and only Model Monitor's processing-job events.
        self.bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ProdModelMonitorFindings",
                principals=[iam.AccountPrincipal(prod.account_id)],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                conditions={"StringEquals": {"events:source": "aws.sagemaker"}},
            )
        )
        self.alerts = NotificationTopic(
            self,
            "Alerts",
            display_name=f"{platform} model drift",
            emails=config.platform.alert_emails,
            publishing_services=("events.amazonaws.com",),
        )
        key = platform_key(
            self, "Key", description="Encrypts the retraining loop's dead letters, windows and function"
        )
        allow_event_dead_letters(key)
        dead_letters = DeadLetterQueue(
            self, "DeadLetters", key=key, holds="drift notifications EventBridge could not deliver"
        ).queue
        notify = targets.SnsTopic(
            self.alerts.topic,
            dead_letter_queue=dead_letters,
            retry_attempts=RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )
        retrained = [p for p in config.projects if p.monitoring.retrain_on_drift]
        retrainer = self._retrainer(platform, key) if retrained else None
        for project in config.projects:
            rule_targets: list[events.IRuleTarget] = [notify]
            if retrainer is not None and project.monitoring.retrain_on_drift:
                rule_targets.append(retrainer.event_target(self._retrain_input(platform, project)))
            events.Rule(
                self,
                f"{project.name.title().replace('-', '')}Drift",
                description=f"Prod drift of {project.name}: "
                + (
                    "notify, and retrain at most once a window"
                    if project.monitoring.retrain_on_drift
                    else "notify"
                ),
                event_bus=self.bus,
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=["SageMaker Processing Job State Change"],
                    detail={
                        "MonitoringScheduleArn": self._schedule_arns(config, project, stack.partition),
                        **VIOLATIONS,
                    },
                ),
                targets=rule_targets,
            )

    @staticmethod
    def _schedule_arns(config: PlatformConfig, project: Project, partition: str) -> list[str]:
        prod = config.accounts.prod
        return [
            f"arn:{partition}:sagemaker:{prod.region}:{prod.account_id}:monitoring-schedule/"
            + naming.monitoring_schedule(config.platform.name, project.name, kind)
            for kind in ("data-quality", "model-quality")
        ]

    @staticmethod
    def _retrain_input(platform: str, project: Project) -> events.RuleTargetInput:
        return events.RuleTargetInput.from_object(
            {
                "project": project.name,
                "pipeline": naming.model_build_pipeline(platform, project.name),
                "window_hours": project.monitoring.retrain_at_most_every_hours,
                "event_id": events.EventField.event_id,
            }
        )

    def _retrainer(self, platform: str, key) -> PlatformFunction:
        """One function for every project that retrains; its input names the project and window."""
        stack = Stack.of(self)
        windows = dynamodb.TableV2(
            self,
            "Windows",
            partition_key=dynamodb.Attribute(name="project", type=dynamodb.AttributeType.STRING),
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=RemovalPolicy.DESTROY,  # one item per project: when it last retrained
        )
        Validations.of(windows).acknowledge(
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-DynamoDBInBackupPlan",
                reason="Holds only when each project last retrained; point-in-time recovery covers it.",
            )
        )
        return PlatformFunction(
            self,
            "Retrain",
            code=RUNTIME,
            handler="retrain.handler",
            description="Starts a project's model-build pipeline on prod drift, at most once per window",
            environment={"WINDOWS_TABLE": windows.table_name, "PIPELINE_PREFIX": f"{platform}-"},
            key=key,
            statements=[
                iam.PolicyStatement(
                    sid="StartModelBuildPipelines",
                    actions=["sagemaker:StartPipelineExecution"],
                    resources=[
                        stack.format_arn(
                            service="sagemaker",
                            resource="pipeline",
                            resource_name=naming.model_build_pipeline(platform, "*"),
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="RetrainingWindows",
                    actions=["dynamodb:PutItem", "dynamodb:DeleteItem"],
                    resources=[windows.table_arn],
                ),
            ],
            wildcard_reason="The platform's model-build pipelines only, by their name pattern.",
        )
