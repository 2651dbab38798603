"""A SageMaker endpoint serving one model package version: the same construct in test and prod, which
differ only in the props they give it (capacity, rollout, scaling, capture, alarm thresholds).

The model package ARN is a CloudFormation parameter of the stack, so the promotion pipeline deploys
any approved version without re-synthesizing. Everything here is created only once a package is
given (the stack's `HasModel` condition): before the first promotion the stack costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ml_constructs.endpoint_alarms import ROLLBACK_ALARMS, VARIANT, AlarmThresholds, endpoint_alarms
from ml_constructs.platform_vpc import NetworkPlacement

Variant: TypeAlias = sagemaker.CfnEndpointConfig.ProductionVariantProperty


@dataclass(frozen=True)
class Serverless:
    """Serverless capacity: nothing to pay while idle; no VPC, no network isolation, no volume."""

    memory_mb: int
    max_concurrency: int
    has_instances = False

    def variant(self, model_name: str) -> Variant:
        return Variant(
            variant_name=VARIANT,
            model_name=model_name,
            serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                memory_size_in_mb=self.memory_mb, max_concurrency=self.max_concurrency
            ),
        )


@dataclass(frozen=True)
class Instances:
    """Instance-backed capacity, in the VPC with network isolation and a KMS-encrypted volume."""

    instance_type: str
    initial_count: int
    has_instances = True

    def variant(self, model_name: str) -> Variant:
        return Variant(
            variant_name=VARIANT,
            model_name=model_name,
            instance_type=self.instance_type,
            initial_instance_count=self.initial_count,
            initial_variant_weight=1,
        )


@dataclass(frozen=True)
class Autoscaling:
    min_instances: int
    max_instances: int
    invocations_per_instance: int  # target tracking, per minute


@dataclass(frozen=True)
class Canary:
    """Blue/green updates: `percent` of capacity first, baked for `bake_minutes`, then the rest."""

    percent: int
    bake_minutes: int


@dataclass(frozen=True)
class DataCapture:
    destination_uri: str
    sampling_percent: int


@dataclass(frozen=True)
class EndpointProps:
    endpoint_name: str
    capacity: Serverless | Instances
    alarms: AlarmThresholds
    autoscaling: Autoscaling | None = None
    canary: Canary | None = None
    capture: DataCapture | None = None


class ServingEndpoint(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: EndpointProps,
        model_package_arn: str,
        role: iam.IRole,
        key: kms.IKey,
        placement: NetworkPlacement | None,
        alerts: sns.ITopic,
    ) -> None:
        """`placement`: the VPC, which instance-backed endpoints need (serverless ones take none)."""
        super().__init__(scope, construct_id)
        self.endpoint_name = props.endpoint_name
        in_vpc = props.capacity.has_instances  # serverless endpoints take neither a VPC nor isolation
        if in_vpc and placement is None:
            raise ValueError(f"{self.node.path}: an instance-backed endpoint needs the account's VPC")
        model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            containers=[sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=model_package_arn)],
            enable_network_isolation=True if in_vpc else None,
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                subnets=placement.subnet_ids, security_group_ids=placement.security_group_ids
            )
            if placement and in_vpc
            else None,
        )
        self.config = sagemaker.CfnEndpointConfig(
            self,
            "Config",
            production_variants=[props.capacity.variant(model.attr_model_name)],
            # A volume key is refused for serverless variants, which have no volume.
            kms_key_id=key.key_arn if in_vpc else None,
            data_capture_config=_capture(props.capture, key) if props.capture else None,
        )
        self.alarms = endpoint_alarms(
            self, endpoint=self.endpoint_name, thresholds=props.alarms, alerts=alerts, has_instances=in_vpc
        )
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.config.attr_endpoint_config_name,
            deployment_config=self._blue_green(props.canary) if props.canary else None,
            # A promotion changes the model, not the capacity: keep the instance count autoscaling
            # reached instead of resetting it to the new config's initial count.
            retain_all_variant_properties=props.autoscaling is not None,
        )
        for alarm in self.alarms.values():
            self.endpoint.node.add_dependency(alarm)
        if props.autoscaling:
            self._autoscale(props.autoscaling)
        if not in_vpc:
            Validations.of(self.config).acknowledge(
                Acknowledgment(
                    id="NIST.800.53.R5::NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured",
                    reason="Serverless endpoints have no instance volume to encrypt and SageMaker refuses a "
                    "KmsKeyId for them; this is the test account's acceptance endpoint, which holds no data.",
                )
            )

    def _blue_green(self, canary: Canary) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """A canary of the new model first; any rollback alarm during baking returns all traffic."""
        bake = canary.bake_minutes * 60
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                    type="CANARY",
                    canary_size=sagemaker.CfnEndpoint.CapacitySizeProperty(
                        type="CAPACITY_PERCENT", value=canary.percent
                    ),
                    wait_interval_in_seconds=bake,
                ),
                termination_wait_in_seconds=bake,
                maximum_execution_timeout_in_seconds=max(3600, 4 * bake),
            ),
            auto_rollback_configuration=sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
                alarms=[
                    sagemaker.CfnEndpoint.AlarmProperty(alarm_name=self.alarms[kind].alarm_name)
                    for kind in ROLLBACK_ALARMS
                ]
            ),
        )

    def _autoscale(self, scaling: Autoscaling) -> None:
        target = autoscaling.ScalableTarget(
            self,
            "Scaling",
            service_namespace=autoscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{self.endpoint_name}/variant/{VARIANT}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=scaling.min_instances,
            max_capacity=scaling.max_instances,
        )
        target.node.add_dependency(self.endpoint)
        target.scale_to_track_metric(
            "InvocationsPerInstance",
            target_value=scaling.invocations_per_instance,
            predefined_metric=autoscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
            scale_in_cooldown=Duration.minutes(5),
            scale_out_cooldown=Duration.minutes(1),
        )


def _capture(capture: DataCapture, key: kms.IKey) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty:
    """Requests and responses (CSV), KMS-encrypted, for Model Monitor and incident reviews."""
    return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
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
    )
