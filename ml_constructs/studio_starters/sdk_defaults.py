"""The SageMaker Python SDK's defaults file for one persona, as a dict (the SDK reads YAML, and JSON
is YAML): what makes `Processor(...).run()` or `ModelTrainer(...).train()` in Studio land inside the
platform's guardrails with no argument naming a subnet, key or role.

Paths and keys are the pinned SDK's schema (sagemaker 3.27, `sagemaker.core.config.config_schema`).
The SDK applies `SageMaker.<Resource>` defaults to each API request it builds, and ModelTrainer
applies `SageMaker.PythonSDK.Modules.ModelTrainer` (one value per constructor argument left out,
its keys in the argument's own snake_case: it passes them to the argument's class as they are):
its `compute` default is the only way a training job gets the volume key, and its `networking`
default the only way it gets inter-container traffic encryption.
The values may be CDK tokens: the lifecycle configuration renders the file at deploy time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class JobPlacement:
    """Where every job runs: the platform's VPC, isolated, nodes talking encrypted."""

    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str]


@dataclass(frozen=True)
class PersonaDefaults:
    role_arn: str | None  # what jobs run as (the persona's own role); None: the persona runs no jobs
    bucket: str  # where the SDK puts what it uploads (code, job outputs without a path)
    prefix: str
    tags: Mapping[str, str]
    placement: JobPlacement
    volume_key_arn: str  # job volumes hold data: the data key
    output_key_arn: str  # the key of where the persona's job outputs go
    processing: bool = False  # the persona runs processing jobs
    training_instance_type: str | None = None  # the persona trains (ModelTrainer's default compute)
    pipelines: bool = False  # the persona starts pipelines
    endpoints: bool = False  # the persona may create dev models and endpoints
    feature_store: bool = False  # the persona creates feature groups


def _vpc(placement: JobPlacement) -> dict[str, Any]:
    return {"Subnets": list(placement.subnet_ids), "SecurityGroupIds": list(placement.security_group_ids)}


def sdk_defaults(d: PersonaDefaults) -> dict[str, Any]:
    """The defaults file's content for one persona."""
    tags = [{"Key": key, "Value": value} for key, value in d.tags.items()]
    role = {"RoleArn": d.role_arn} if d.role_arn else {}
    modules: dict[str, Any] = {
        # No route out of the VPC: the SDK's telemetry call would only wait for a timeout.
        "TelemetryOptOut": True,
        "Session": {"DefaultS3Bucket": d.bucket, "DefaultS3ObjectKeyPrefix": d.prefix},
    }
    sagemaker: dict[str, Any] = {"PythonSDK": {"Modules": modules}}
    if d.processing:
        sagemaker["ProcessingJob"] = {
            "NetworkConfig": {
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
                "VpcConfig": _vpc(d.placement),
            },
            "ProcessingOutputConfig": {"KmsKeyId": d.output_key_arn},
            "ProcessingResources": {"ClusterConfig": {"VolumeKmsKeyId": d.volume_key_arn}},
            **role,
            "Tags": tags,
        }
    if d.training_instance_type:
        sagemaker["TrainingJob"] = {
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": _vpc(d.placement),
            "OutputDataConfig": {"KmsKeyId": d.output_key_arn},
            "ResourceConfig": {"VolumeKmsKeyId": d.volume_key_arn},
            **role,
            "Tags": tags,
        }
        modules["ModelTrainer"] = {
            "compute": {
                "instance_type": d.training_instance_type,
                "instance_count": 1,
                "volume_kms_key_id": d.volume_key_arn,
            },
            "networking": {
                "subnets": list(d.placement.subnet_ids),
                "security_group_ids": list(d.placement.security_group_ids),
                "enable_network_isolation": True,
                "enable_inter_container_traffic_encryption": True,
            },
            "outputDataConfig": {
                "s3_output_path": f"s3://{d.bucket}/{d.prefix}/training",
                "kms_key_id": d.output_key_arn,
            },
        }
    if d.pipelines:
        sagemaker["Pipeline"] = {"Tags": tags}
    if d.endpoints:
        sagemaker["Model"] = {
            "EnableNetworkIsolation": True,
            "VpcConfig": _vpc(d.placement),
            **({"ExecutionRoleArn": d.role_arn} if d.role_arn else {}),
        }
        sagemaker["EndpointConfig"] = {"KmsKeyId": d.output_key_arn, "Tags": tags}
        sagemaker["Endpoint"] = {"Tags": tags}
    if d.feature_store:
        sagemaker["FeatureGroup"] = {
            "OfflineStoreConfig": {"S3StorageConfig": {"KmsKeyId": d.output_key_arn}},
            "OnlineStoreConfig": {"SecurityConfig": {"KmsKeyId": d.output_key_arn}},
            **role,
        }
    return {"SchemaVersion": SCHEMA_VERSION, "SageMaker": sagemaker}
