"""Model Monitor for a prod endpoint: scheduled data-quality and explainability checks (and, with
ground-truth labels, model-quality and bias checks) against the baselines registered with the model
package, alarms, and the feedback loop.

A version registered before a kind of baseline existed lacks it: that kind's job, schedule and
alarms are behind a condition (the baseline parameter is `none`), so promoting it works and
monitors what it can.

Findings leave prod as events: a monitoring execution that completes with violations is forwarded
to the dev account's monitoring bus, where the project's retraining rule decides what happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, CfnCondition, CfnResource, Duration, Fn, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ml_constructs.event_dead_letters import MAX_EVENT_AGE, RETRY_ATTEMPTS, DeadLetterQueue
from ml_constructs.platform_vpc import NetworkPlacement

_INPUT = "/opt/ml/processing/input/endpoint"
_OUTPUT = "/opt/ml/processing/output"


@dataclass(frozen=True)
class QualityBar:
    """The model-quality metric Model Monitor publishes that must stay at or above `minimum`."""

    metric: str  # as evaluate.py and Model Monitor name it: auc, accuracy, precision, recall, f1
    minimum: float


@dataclass(frozen=True)
class Facet:
    """A sensitive attribute's group, as SageMaker Clarify names it in its bias metrics."""

    column: str
    value: float


@dataclass(frozen=True)
class BiasWatch:
    """What the bias alarms watch: the label, the facets, and the |DPPL| that is too much."""

    label: str
    facets: tuple[Facet, ...]
    threshold: float


@dataclass(frozen=True)
class MonitorProps:
    """What is monitored, how often, on what, and which alarms."""

    endpoint_name: str
    schedule_names: dict[str, str]  # by kind: data-quality, model-quality, model-bias, attribution
    schedule: str  # SageMaker's schedule expression, e.g. cron(0 * ? * * *)
    instance_type: str
    alarm_features: tuple[str, ...]
    drift_alarm_threshold: float
    ground_truth_uri: str | None  # labels for served predictions: enables model-quality (and bias) monitoring
    reports_uri: str
    findings_bus_arn: str  # dev's monitoring bus, which decides what a violation means
    quality_bar: QualityBar
    bias: BiasWatch | None  # None: the project names no sensitive attribute


@dataclass(frozen=True)
class RegisteredCheck:
    """A check's baseline registered with the package (absent from older versions): the analysis
    configuration (Clarify checks only), its constraints, and whether the served version has them."""

    constraints_uri: str
    present: CfnCondition
    config_uri: str = ""


@dataclass(frozen=True)
class Baselines:
    """S3 URIs of the baselines registered with the model package."""

    statistics_uri: str
    constraints_uri: str
    model_quality: RegisteredCheck
    bias: RegisteredCheck
    explainability: RegisteredCheck


def monitoring_events(schedule_arns: list[str], **detail) -> events.EventPattern:
    """Processing-job events of the given monitoring schedules' executions."""
    return events.EventPattern(
        source=["aws.sagemaker"],
        detail_type=["SageMaker Processing Job State Change"],
        detail={"MonitoringScheduleArn": schedule_arns, **detail},
    )


def job_definition_name(job: CfnResource) -> str:
    """The name CloudFormation generated for a monitoring job definition, from its ARN (`.../NAME`).

    Every property of a job definition is create-only, and a promotion changes its baselines and
    tags: CloudFormation must replace it, which it refuses for a custom name. So job definitions
    take generated names, and the schedule (whose config is updatable) follows the new one.
    """
    return Fn.select(1, Fn.split("/", job.get_att("JobDefinitionArn").to_string()))


VIOLATIONS = {"ProcessingJobStatus": ["Completed"], "ExitMessage": [{"prefix": "CompletedWithViolations"}]}


class ModelMonitor(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: MonitorProps,
        image_uri: str,
        role: iam.IRole,
        key: kms.IKey,
        placement: NetworkPlacement,
        baselines: Baselines,
        alerts: sns.ITopic,
        clarify_image_uri: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.props, self._role, self._key, self._placement = props, role, key, placement
        # Resources behind a condition of their own (their check's baseline is registered), with it.
        self.conditioned: list[tuple[CfnResource, CfnCondition]] = []
        # What EventBridge could not deliver (to dev's bus, to the alert topic). `key` must let
        # EventBridge use it (`allow_event_dead_letters`, done once per account by its owner).
        self.dead_letters = DeadLetterQueue(
            self,
            "DeadLetters",
            key=key,
            holds=f"{props.endpoint_name}'s monitoring events EventBridge could not deliver",
        ).queue
        self._clarify_image_uri = clarify_image_uri
        jobs: dict[str, tuple[CfnResource, str, CfnCondition | None]] = {
            "data-quality": (self._data_quality(image_uri, baselines), "DataQuality", None),
            "attribution": (
                self._explainability(baselines.explainability),
                "ModelExplainability",
                baselines.explainability.present,
            ),
        }
        if props.ground_truth_uri:
            jobs["model-quality"] = (
                self._model_quality(image_uri, props.ground_truth_uri, baselines.model_quality),
                "ModelQuality",
                baselines.model_quality.present,
            )
            if props.bias:
                jobs["model-bias"] = (
                    self._bias(props.ground_truth_uri, baselines.bias),
                    "ModelBias",
                    baselines.bias.present,
                )
        self.schedules = {}
        for kind, (job, monitoring_type, present) in jobs.items():
            schedule = self._schedule(kind, job, monitoring_type)
            for resource in (job, schedule):
                if present is not None:
                    self._condition(resource, present)
            self.schedules[kind] = schedule
        stack = Stack.of(self)
        schedule_arns = [
            stack.format_arn(service="sagemaker", resource="monitoring-schedule", resource_name=name)
            for name in (props.schedule_names[kind] for kind in self.schedules)
        ]
        self.alarms = self._drift_alarms(alerts)
        if "model-quality" in self.schedules:
            self.alarms.append(self._quality_alarm(alerts, baselines.model_quality.present))
        if "model-bias" in self.schedules:
            self.alarms += self._bias_alarms(alerts, baselines.bias.present)
        self._explainability_heard(self.schedules["attribution"])
        self._notify_failures(schedule_arns, alerts)
        self._forward_violations(schedule_arns)

    def _common(self, job: Any) -> dict:
        """Settings every job kind shares, built from that kind's own property classes."""
        return dict(
            role_arn=self._role.role_arn,
            job_resources=job.MonitoringResourcesProperty(
                cluster_config=job.ClusterConfigProperty(
                    instance_count=1,
                    instance_type=self.props.instance_type,
                    volume_size_in_gb=20,
                    volume_kms_key_id=self._key.key_arn,
                )
            ),
            network_config=job.NetworkConfigProperty(
                enable_network_isolation=True,
                enable_inter_container_traffic_encryption=True,
                vpc_config=job.VpcConfigProperty(
                    subnets=self._placement.subnet_ids, security_group_ids=self._placement.security_group_ids
                ),
            ),
            stopping_condition=job.StoppingConditionProperty(max_runtime_in_seconds=3600),
        )

    def _output(self, job: Any, kind: str) -> Any:
        return job.MonitoringOutputConfigProperty(
            kms_key_id=self._key.key_arn,
            monitoring_outputs=[
                job.MonitoringOutputProperty(
                    s3_output=job.S3OutputProperty(
                        local_path=_OUTPUT,
                        s3_uri=f"{self.props.reports_uri}/{kind}",
                        s3_upload_mode="EndOfJob",
                    )
                )
            ],
        )

    def _data_quality(self, image_uri: str, baselines: Baselines) -> sagemaker.CfnDataQualityJobDefinition:
        job = sagemaker.CfnDataQualityJobDefinition
        return job(
            self,
            "DataQualityJob",
            data_quality_app_specification=job.DataQualityAppSpecificationProperty(
                image_uri=image_uri, environment={"publish_cloudwatch_metrics": "Enabled"}
            ),
            data_quality_baseline_config=job.DataQualityBaselineConfigProperty(
                constraints_resource=job.ConstraintsResourceProperty(s3_uri=baselines.constraints_uri),
                statistics_resource=job.StatisticsResourceProperty(s3_uri=baselines.statistics_uri),
            ),
            data_quality_job_input=job.DataQualityJobInputProperty(endpoint_input=self._endpoint_input(job)),
            data_quality_job_output_config=self._output(job, "data-quality"),
            **self._common(job),
        )

    def _model_quality(
        self, image_uri: str, ground_truth_uri: str, baseline: RegisteredCheck
    ) -> sagemaker.CfnModelQualityJobDefinition:
        """The served predictions scored against their labels, checked against the build's evaluation."""
        job = sagemaker.CfnModelQualityJobDefinition
        return job(
            self,
            "ModelQualityJob",
            model_quality_app_specification=job.ModelQualityAppSpecificationProperty(
                image_uri=image_uri, problem_type="BinaryClassification"
            ),
            model_quality_baseline_config=job.ModelQualityBaselineConfigProperty(
                constraints_resource=job.ConstraintsResourceProperty(s3_uri=baseline.constraints_uri)
            ),
            model_quality_job_input=job.ModelQualityJobInputProperty(
                endpoint_input=self._endpoint_input(job, scored=True),
                ground_truth_s3_input=job.MonitoringGroundTruthS3InputProperty(s3_uri=ground_truth_uri),
            ),
            model_quality_job_output_config=self._output(job, "model-quality"),
            **self._common(job),
        )

    def _bias(self, ground_truth_uri: str, baseline: RegisteredCheck) -> sagemaker.CfnModelBiasJobDefinition:
        """Post-training bias of the served predictions (with their labels), against the build's Clarify
        baseline and with its analysis configuration (facets, label) registered with the package."""
        job = sagemaker.CfnModelBiasJobDefinition
        return job(
            self,
            "ModelBiasJob",
            model_bias_app_specification=job.ModelBiasAppSpecificationProperty(
                config_uri=baseline.config_uri,
                image_uri=self._clarify_image_uri,
                environment={"publish_cloudwatch_metrics": "Enabled"},
            ),
            model_bias_baseline_config=job.ModelBiasBaselineConfigProperty(
                constraints_resource=job.ConstraintsResourceProperty(s3_uri=baseline.constraints_uri)
            ),
            model_bias_job_input=job.ModelBiasJobInputProperty(
                endpoint_input=self._endpoint_input(job, scored=True),
                ground_truth_s3_input=job.MonitoringGroundTruthS3InputProperty(s3_uri=ground_truth_uri),
            ),
            model_bias_job_output_config=self._output(job, "model-bias"),
            **self._common(job),
        )

    def _explainability(self, baseline: RegisteredCheck) -> sagemaker.CfnModelExplainabilityJobDefinition:
        """Feature attributions (SHAP) of the served requests, against the build's Clarify baseline."""
        job = sagemaker.CfnModelExplainabilityJobDefinition
        return job(
            self,
            "ModelExplainabilityJob",
            model_explainability_app_specification=job.ModelExplainabilityAppSpecificationProperty(
                config_uri=baseline.config_uri,
                image_uri=self._clarify_image_uri,
                environment={"publish_cloudwatch_metrics": "Enabled"},
            ),
            model_explainability_baseline_config=job.ModelExplainabilityBaselineConfigProperty(
                constraints_resource=job.ConstraintsResourceProperty(s3_uri=baseline.constraints_uri)
            ),
            model_explainability_job_input=job.ModelExplainabilityJobInputProperty(
                endpoint_input=self._endpoint_input(job)
            ),
            model_explainability_job_output_config=self._output(job, "attribution"),
            **self._common(job),
        )

    def _endpoint_input(self, job: Any, *, scored: bool = False) -> Any:
        """The prod endpoint's captured traffic; `scored`: read as predictions to compare with labels
        (the positive class's probability is output column 0, positive above 0.5)."""
        scoring = {"probability_attribute": "0", "probability_threshold_attribute": 0.5} if scored else {}
        return job.EndpointInputProperty(endpoint_name=self.props.endpoint_name, local_path=_INPUT, **scoring)

    def _condition(self, resource: CfnResource, present: CfnCondition) -> None:
        resource.cfn_options.condition = present
        self.conditioned.append((resource, present))

    def _schedule(self, kind: str, job: CfnResource, monitoring_type: str) -> sagemaker.CfnMonitoringSchedule:
        return sagemaker.CfnMonitoringSchedule(
            self,
            f"{monitoring_type}Schedule",
            monitoring_schedule_name=self.props.schedule_names[kind],
            monitoring_schedule_config=sagemaker.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(
                monitoring_job_definition_name=job_definition_name(job),
                monitoring_type=monitoring_type,
                schedule_config=sagemaker.CfnMonitoringSchedule.ScheduleConfigProperty(
                    schedule_expression=self.props.schedule
                ),
            ),
        )

    def _drift_alarms(self, alerts: sns.ITopic) -> list[cloudwatch.Alarm]:
        """One alarm per configured feature on its baseline drift, as Model Monitor publishes it."""
        endpoint_name, schedule_name = self.props.endpoint_name, self.props.schedule_names["data-quality"]
        return [
            self._alarm(
                f"Drift{feature.title().replace('_', '')}",
                alerts,
                alarm_name=f"{schedule_name}-drift-{feature}",
                alarm_description=f"{endpoint_name}: '{feature}' drifted from its training baseline",
                metric=cloudwatch.Metric(
                    namespace="aws/sagemaker/Endpoints/data-metrics",
                    metric_name=f"feature_baseline_drift_{feature}",
                    dimensions_map={"Endpoint": endpoint_name, "MonitoringSchedule": schedule_name},
                    statistic="Maximum",
                    period=Duration.hours(1),
                ),
                threshold=self.props.drift_alarm_threshold,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )
            for feature in self.props.alarm_features
        ]

    def _alarm(
        self, construct_id: str, alerts: sns.ITopic, present: CfnCondition | None = None, **props
    ) -> cloudwatch.Alarm:
        """An alarm notifying the alert topic; with `present`, one that exists only when its check does."""
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            **props,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
        if present is not None:
            self._condition(alarm.node.default_child, present)
        return alarm

    def _quality_alarm(self, alerts: sns.ITopic, present: CfnCondition) -> cloudwatch.Alarm:
        """The project's quality metric on real labels below the bar the build had to pass."""
        bar, schedule_name = self.props.quality_bar, self.props.schedule_names["model-quality"]
        return self._alarm(
            "ModelQualityBelowBar",
            alerts,
            present,
            alarm_name=f"{schedule_name}-{bar.metric}",
            alarm_description=f"{self.props.endpoint_name}: {bar.metric} on labelled traffic is below "
            f"{bar.minimum:g}, the minimum the model had to reach to be registered",
            # Model Monitor's model-quality metrics (model-monitor-model-quality-cw.html).
            metric=cloudwatch.Metric(
                namespace="aws/sagemaker/Endpoints/model-metrics",
                metric_name=bar.metric,
                dimensions_map={"Endpoint": self.props.endpoint_name, "MonitoringSchedule": schedule_name},
                statistic="Minimum",
                period=Duration.hours(1),
            ),
            threshold=bar.minimum,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        )

    def _bias_alarms(self, alerts: sns.ITopic, present: CfnCondition) -> list[cloudwatch.Alarm]:
        """Per facet: |DPPL| of the served predictions above the configured threshold. Metric and
        dimensions as Clarify publishes them (clarify-model-monitor-bias-drift-cw.html)."""
        bias, schedule_name = self.props.bias, self.props.schedule_names["model-bias"]
        assert bias is not None
        alarms = []
        for facet in bias.facets:
            dppl = cloudwatch.Metric(
                namespace="aws/sagemaker/Endpoints/bias-metrics",
                metric_name="bias_metric_DPPL",
                dimensions_map={
                    "Endpoint": self.props.endpoint_name,
                    "MonitoringSchedule": schedule_name,
                    "BiasStage": "Post-Training",  # as the page spells it
                    "Label": bias.label,
                    "LabelValue": "1",
                    "Facet": facet.column,
                    "FacetValue": f"{facet.value:g}",
                },
                statistic="Maximum",
                period=Duration.hours(1),
            )
            alarms.append(
                self._alarm(
                    f"Bias{facet.column.title().replace('_', '')}",
                    alerts,
                    present,
                    alarm_name=f"{schedule_name}-{facet.column}",
                    alarm_description=f"{self.props.endpoint_name}: predictions for {facet.column} = "
                    f"{facet.value:g} differ from the rest by more than {bias.threshold:g} (|DPPL|)",
                    metric=cloudwatch.MathExpression(
                        expression="ABS(dppl)", using_metrics={"dppl": dppl}, period=Duration.hours(1)
                    ),
                    threshold=bias.threshold,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                )
            )
        return alarms

    @staticmethod
    def _explainability_heard(schedule: sagemaker.CfnMonitoringSchedule) -> None:
        """Clarify publishes only each feature's SHAP value, no drift score a threshold could judge: its
        findings (NDCG of the attributions below the baseline's) are heard as violations, which reach dev's
        monitoring bus and its notification like every other schedule's."""
        Validations.of(schedule).acknowledge(
            Acknowledgment(
                id="SageMaker::SageMaker-MonitoringScheduleAlarmed",
                reason="Feature attribution drift has no alarmable metric; its violations are forwarded to "
                "the dev account's monitoring bus, which notifies people and may retrain (README, Feedback loop).",
            )
        )

    def _forward_violations(self, schedule_arns: list[str]) -> None:
        """The feedback loop: violations go to dev, where retraining (or a notification) is decided."""
        bus_arn = self.props.findings_bus_arn
        forwarder = iam.Role(self, "ForwardRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "ForwardPolicy",
            description="Put this endpoint's monitoring findings on the dev account's monitoring bus",
            statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus_arn])],
            roles=[forwarder],
        )
        events.Rule(
            self,
            "ForwardViolations",
            description=f"Model Monitor violations of {self.props.endpoint_name}, to the dev account's monitoring bus",
            event_pattern=monitoring_events(schedule_arns, **VIOLATIONS),
            targets=[
                targets.EventBus(
                    events.EventBus.from_event_bus_arn(self, "FindingsBus", bus_arn),
                    role=forwarder.without_policy_updates(),
                    dead_letter_queue=self.dead_letters,
                )
            ],
        )

    def _notify_failures(self, schedule_arns: list[str], alerts: sns.ITopic) -> None:
        """A failed monitoring execution goes to the alert topic as it happens. (An alarm on the rule's
        TriggeredRules metric would be no signal: AWS/Events publishes it only for rules with targets.)"""
        endpoint_name = self.props.endpoint_name
        detail = events.EventField.from_path
        events.Rule(
            self,
            "FailedExecutions",
            description=f"Failed Model Monitor executions of {endpoint_name}, to the alert topic",
            event_pattern=monitoring_events(schedule_arns, ProcessingJobStatus=["Failed"]),
            targets=[
                targets.SnsTopic(
                    alerts,
                    dead_letter_queue=self.dead_letters,
                    retry_attempts=RETRY_ATTEMPTS,
                    max_event_age=MAX_EVENT_AGE,
                    message=events.RuleTargetInput.from_text(
                        f"{endpoint_name}: Model Monitor execution {detail('$.detail.ProcessingJobName')} failed: "
                        f"{detail('$.detail.ExitMessage')} ({detail('$.detail.FailureReason')})"
                    ),
                )
            ],
        )
