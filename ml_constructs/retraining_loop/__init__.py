"""The dev end of the feedback loop: prod's Model Monitor violations arrive on a dev event bus, and
each project's rule notifies people and, for projects that retrain on drift, starts the project's
model-build pipeline through a function that allows one run per window and hands it the captures
and labels prod has replicated into dev since the last run (`runtime/retrain.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
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
from ml_constructs.state_table import state_table
from platform_config import naming
from platform_config.names import MONITORING_KINDS

RUNTIME = Path(__file__).parent / "runtime"


@dataclass(frozen=True)
class DriftResponse:
    """What a project's prod drift findings do in dev: notify (always), and retrain at most once a window."""

    project: str
    retrain: bool
    window_hours: int
    capture_prefix: str  # the project's captured requests in the feedback bucket
    labels_prefix: str  # its ground-truth labels there


@dataclass(frozen=True)
class RetrainingProps:
    platform: str
    prod_account_id: str  # the only account that may put findings on the bus
    prod_region: str
    alert_emails: Sequence[str]
    responses: Sequence[DriftResponse]  # one per project
    feedback_bucket: str  # dev's prod-feedback bucket (its name; prod replicates into it)
    feedback_key_arn: str  # the key it is encrypted with (dev's data key)
    # Every project's capture and label prefixes, as patterns: a list per project would not fit a
    # managed policy at 50 projects.
    feedback_patterns: tuple[str, ...]


class RetrainingLoop(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: RetrainingProps) -> None:
        super().__init__(scope, construct_id)
        platform, prod_account_id, prod_region = props.platform, props.prod_account_id, props.prod_region
        alert_emails, responses = props.alert_emails, props.responses
        self.platform, self._prod = platform, (prod_account_id, prod_region)
        self.bus = events.EventBus(self, "Bus", event_bus_name=naming.monitoring_bus(platform))
        # Only the prod account may put findings here, and only Model Monitor's processing-job events.
        self.bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ProdModelMonitorFindings",
                principals=[iam.AccountPrincipal(prod_account_id)],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                conditions={"StringEquals": {"events:source": "aws.sagemaker"}},
            )
        )
        self.alerts = NotificationTopic(
            self,
            "Alerts",
            display_name=f"{platform} model drift",
            emails=alert_emails,
            publishing_services=("events.amazonaws.com",),
        )
        key = platform_key(
            self, "Key", description="Encrypts the retraining loop's dead letters, windows and function"
        )
        allow_event_dead_letters(key)
        dead_letters = DeadLetterQueue(
            self, "DeadLetters", key=key, holds="drift notifications EventBridge could not deliver"
        ).for_rules_on(self.bus)
        notify = targets.SnsTopic(
            self.alerts.topic,
            dead_letter_queue=dead_letters,
            retry_attempts=RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )
        retrainer = self._retrainer(platform, key, props) if any(r.retrain for r in responses) else None
        for response in responses:
            rule_targets: list[events.IRuleTarget] = [notify]
            if retrainer is not None and response.retrain:
                rule_targets.append(retrainer.event_target(self._retrain_input(response), bus=self.bus))
            self._drift_rule(response, rule_targets)

    def _drift_rule(self, response: DriftResponse, rule_targets: list[events.IRuleTarget]) -> None:
        """The project's violations from prod's schedules, on this bus, to the given targets."""
        account_id, region = self._prod
        partition = Stack.of(self).partition
        schedules = [
            f"arn:{partition}:sagemaker:{region}:{account_id}:monitoring-schedule/"
            + naming.monitoring_schedule(self.platform, response.project, kind)
            for kind in MONITORING_KINDS  # every prod schedule's violations come back here
        ]
        events.Rule(
            self,
            f"{response.project.title().replace('-', '')}Drift",
            description=f"Prod drift of {response.project}: "
            + ("notify, and retrain at most once a window" if response.retrain else "notify"),
            event_bus=self.bus,
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=["SageMaker Processing Job State Change"],
                detail={"MonitoringScheduleArn": schedules, **VIOLATIONS},
            ),
            targets=rule_targets,
        )

    def _retrain_input(self, response: DriftResponse) -> events.RuleTargetInput:
        return events.RuleTargetInput.from_object(
            {
                "project": response.project,
                "pipeline": naming.model_build_pipeline(self.platform, response.project),
                "window_hours": response.window_hours,
                "capture_prefix": response.capture_prefix,
                "labels_prefix": response.labels_prefix,
                "event_id": events.EventField.event_id,
            }
        )

    def _retrainer(self, platform: str, key: kms.IKey, props: RetrainingProps) -> PlatformFunction:
        """One function for every project that retrains; its input names the project, window and data."""
        stack = Stack.of(self)
        bucket, bucket_key = props.feedback_bucket, props.feedback_key_arn
        bucket_arn = f"arn:{stack.partition}:s3:::{bucket}"
        windows = state_table(
            self, "Windows", key=key, partition_key="project", holds="when each project last retrained"
        )
        return PlatformFunction(
            self,
            "Retrain",
            code=RUNTIME,
            handler="retrain.handler",
            description="Starts a project's model-build pipeline on prod drift, at most once per window",
            environment={
                "WINDOWS_TABLE": windows.table_name,
                "PIPELINE_PREFIX": f"{platform}-",
                "FEEDBACK_BUCKET": bucket,
            },
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
                    actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                    resources=[windows.table_arn],
                ),
                # Only keys are listed; the captures themselves are read by the pipeline's job.
                iam.PolicyStatement(
                    sid="ListFreshCapturesAndLabels",
                    actions=["s3:ListBucket"],
                    resources=[bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{p}*" for p in props.feedback_patterns]}},
                ),
                iam.PolicyStatement(
                    sid="WriteRunManifests",
                    actions=["s3:PutObject"],
                    resources=[f"{bucket_arn}/{naming.feedback_manifests('*')}/*"],
                ),
                iam.PolicyStatement(
                    sid="EncryptManifests",
                    actions=["kms:GenerateDataKey"],
                    resources=[bucket_key],
                    conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}},
                ),
            ],
            wildcard_reason="The platform's model-build pipelines by their name pattern, and each retraining "
            "project's capture, label and manifest prefixes of the feedback bucket.",
        )
