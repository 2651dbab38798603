"""A SageMaker endpoint serving one model package version: the same construct in test and prod.

The model package ARN is a CloudFormation parameter of the stack, so the promotion pipeline deploys
any approved version without re-synthesizing. Everything here is created only once a package is
given (the stack's `HasModel` condition): before the first promotion the stack costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from platform_config.schema import ProdServing, TestServing

VARIANT = "AllTraffic"


@dataclass(frozen=True)
class Placement:
    """Where instance-backed endpoints run: the account's VPC, no network for the container."""

    subnet_ids: list[str]
    security_group_ids: list[str]


@dataclass(frozen=True)
class DataCapture:
    destination_uri: str
    sampling_percent: int


class ServingEndpoint(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        model_package_arn: str,
        role: iam.IRole,
        key: kms.IKey,
        placement: Placement,
        settings: TestServing | ProdServing,
        alerts: sns.ITopic,
        capture: DataCapture | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.endpoint_name = endpoint_name
        serverless = isinstance(settings, TestServing) and settings.serverless
        # Serverless endpoints take neither a VPC nor network isolation.
        model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            containers=[sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=model_package_arn)],
            enable_network_isolation=None if serverless else True,
            vpc_config=None
            if serverless
            else sagemaker.CfnModel.VpcConfigProperty(
                subnets=placement.subnet_ids, security_group_ids=placement.security_group_ids
            ),
        )
        if serverless:
            variant = sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=VARIANT,
                model_name=model.attr_model_name,
                serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                    memory_size_in_mb=settings.memory_mb, max_concurrency=settings.max_concurrency
                ),
            )
        else:
            count = settings.min_instances if isinstance(settings, ProdServing) else settings.instance_count
            variant = sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=VARIANT,
                model_name=model.attr_model_name,
                instance_type=settings.instance_type,
                initial_instance_count=count,
                initial_variant_weight=1,
            )
        self.config = sagemaker.CfnEndpointConfig(
            self,
            "Config",
            production_variants=[variant],
            # A volume key is refused for serverless variants, which have no volume.
            kms_key_id=None if serverless else key.key_arn,
            data_capture_config=None
            if capture is None
            else sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
                enable_capture=True,
                initial_sampling_percentage=capture.sampling_percent,
                destination_s3_uri=capture.destination_uri,
                kms_key_id=key.key_arn,
                capture_options=[
                    sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input"),
                    sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Output"),
                ],
                capture_content_type_header=sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                    csv_content_types=["text/csv"]
                ),
            ),
        )
        self.alarms = self._alarms(alerts, settings, serverless)
        rollout = settings if isinstance(settings, ProdServing) else None
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=endpoint_name,
            endpoint_config_name=self.config.attr_endpoint_config_name,
            deployment_config=None if rollout is None else self._blue_green(rollout),
            # A promotion changes the model, not the capacity: keep the instance count autoscaling
            # reached instead of resetting it to the new config's initial count (min_instances).
            retain_all_variant_properties=rollout is not None,
        )
        for alarm in self.alarms.values():
            self.endpoint.node.add_dependency(alarm)
        if rollout is not None:
            self._autoscale(rollout)
        if serverless:
            Validations.of(self.config).acknowledge(
                Acknowledgment(
                    id="NIST.800.53.R5::NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured",
                    reason="Serverless endpoints have no instance volume to encrypt and SageMaker refuses a "
                    "KmsKeyId for them; this is the test account's acceptance endpoint, which holds no data.",
                )
            )

    def _metric(
        self, name: str, statistic: str, namespace: str = "AWS/SageMaker", period: int = 1
    ) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=namespace,
            metric_name=name,
            dimensions_map={"EndpointName": self.endpoint_name, "VariantName": VARIANT},
            statistic=statistic,
            period=Duration.minutes(period),
        )

    def _error_rate(self, code: str, *, minutes: int) -> cloudwatch.MathExpression:
        return cloudwatch.MathExpression(
            # Documented metric math: IF(condition, true value, false value); no traffic, no errors.
            expression="IF(invocations > 0, 100 * errors / invocations, 0)",
            using_metrics={
                "errors": self._metric(f"Invocation{code}Errors", "Sum", period=minutes),
                "invocations": self._metric("Invocations", "Sum", period=minutes),
            },
            period=Duration.minutes(minutes),
            label=f"{code} error rate (%)",
        )

    def _alarms(self, alerts: sns.ITopic, settings, serverless: bool) -> dict[str, cloudwatch.Alarm]:
        """Operational alarms, all to the alert topic; the first two also roll prod updates back."""
        latency_ms = settings.latency_alarm_ms if isinstance(settings, ProdServing) else 1000
        error_percent = settings.error_rate_alarm_percent if isinstance(settings, ProdServing) else 5.0
        specs = {
            "5xx": (
                self._error_rate("5XX", minutes=1),
                error_percent,
                "server errors above the allowed rate",
            ),
            "latency": (
                self._metric("ModelLatency", "p99"),
                latency_ms * 1000,  # ModelLatency is in microseconds
                f"p99 model latency above {latency_ms} ms",
            ),
            "4xx": (
                self._error_rate("4XX", minutes=5),
                10.0,
                "client errors above 10% of requests: callers send what the model does not accept",
            ),
        }
        if not serverless:
            specs["cpu"] = (
                self._metric("CPUUtilization", "Average", "/aws/sagemaker/Endpoints", 5),
                80.0,
                "CPU above 80%",
            )
            specs["memory"] = (
                self._metric("MemoryUtilization", "Average", "/aws/sagemaker/Endpoints", 5),
                80.0,
                "memory above 80%",
            )
        alarms = {}
        for kind, (metric, threshold, what) in specs.items():
            alarm = cloudwatch.Alarm(
                self,
                f"{kind.title()}Alarm",
                alarm_name=f"{self.endpoint_name}-{kind}",
                alarm_description=f"{self.endpoint_name}: {what}",
                metric=metric,
                threshold=threshold,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
            alarms[kind] = alarm
        return alarms

    def _blue_green(self, rollout: ProdServing) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """A canary of the new model first; any rollback alarm during baking returns all traffic."""
        bake = rollout.bake_minutes * 60
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                    type="CANARY",
                    canary_size=sagemaker.CfnEndpoint.CapacitySizeProperty(
                        type="CAPACITY_PERCENT", value=rollout.canary_percent
                    ),
                    wait_interval_in_seconds=bake,
                ),
                termination_wait_in_seconds=bake,
                maximum_execution_timeout_in_seconds=max(3600, 4 * bake),
            ),
            auto_rollback_configuration=sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
                alarms=[
                    sagemaker.CfnEndpoint.AlarmProperty(alarm_name=self.alarms[kind].alarm_name)
                    for kind in ("5xx", "latency")
                ]
            ),
        )

    def _autoscale(self, rollout: ProdServing) -> None:
        target = autoscaling.ScalableTarget(
            self,
            "Scaling",
            service_namespace=autoscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{self.endpoint_name}/variant/{VARIANT}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=rollout.min_instances,
            max_capacity=rollout.max_instances,
        )
        target.node.add_dependency(self.endpoint)
        target.scale_to_track_metric(
            "InvocationsPerInstance",
            target_value=rollout.invocations_per_instance,
            predefined_metric=autoscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
            scale_in_cooldown=Duration.minutes(5),
            scale_out_cooldown=Duration.minutes(1),
        )
