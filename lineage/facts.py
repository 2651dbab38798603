"""What each description says: a `Describe*` response in, its `Link` out; no AWS calls here.

Also the readers of what a description names next (the variant's model, the model's package, the
package's model data), since each link is found from the one before it.
"""

from __future__ import annotations

import json
from typing import Any

from lineage.link import DEV, EXECUTION_ARN, PROD, Link, Unfollowable, facts, number, when, who

# prod: endpoint, endpoint config, model


def endpoint_link(endpoint: dict[str, Any]) -> Link:
    shown = facts(
        status=endpoint.get("EndpointStatus"),
        created=when(endpoint.get("CreationTime")),
        last_modified=when(endpoint.get("LastModifiedTime")),
        failure_reason=endpoint.get("FailureReason"),
        arn=endpoint.get("EndpointArn"),
    )
    return Link("endpoint", PROD, endpoint["EndpointName"], shown, "DescribeEndpoint")


def followed_variant(config: dict[str, Any]) -> dict[str, Any]:
    """The variant whose model the chain follows: the one taking most traffic (the first on a tie)."""
    variants = config.get("ProductionVariants", [])
    if not variants:
        raise Unfollowable(f"endpoint config {config.get('EndpointConfigName')} has no production variants")
    return max(variants, key=lambda v: v.get("InitialVariantWeight", 1.0))


def variant(described: dict[str, Any]) -> str:
    """A production variant on one line: its model, its size, its traffic weight."""
    serverless = described.get("ServerlessConfig")
    if serverless:
        memory, concurrency = serverless.get("MemorySizeInMB"), serverless.get("MaxConcurrency")
        size = f"serverless {memory} MB, max concurrency {concurrency}"
    else:
        size = f"{described.get('InitialInstanceCount', '?')} x {described.get('InstanceType', '?')}"
    weight = described.get("InitialVariantWeight")
    share = "" if weight is None else f", weight {number(weight)}"
    return f"{described.get('VariantName')}: model {described.get('ModelName')}, {size}{share}"


def capture(config: dict[str, Any] | None) -> str:
    """Data capture on one line: off, or on with its sampling, modes and destination."""
    if not config or not config.get("EnableCapture"):
        return "off"
    options = config.get("CaptureOptions", [])
    modes = " and ".join(option.get("CaptureMode", "").lower() for option in options)
    percent = config.get("InitialSamplingPercentage")
    parts = [
        f"{percent}% of requests" if percent is not None else "",
        modes,
        f"to {config['DestinationS3Uri']}" if config.get("DestinationS3Uri") else "",
    ]
    return "on (" + ", ".join(part for part in parts if part) + ")"


def endpoint_config_link(config: dict[str, Any]) -> Link:
    variants = config.get("ProductionVariants", [])
    shown = facts(
        variants=[variant(described) for described in variants],
        followed_variant=followed_variant(config).get("VariantName") if len(variants) > 1 else None,
        data_capture=capture(config.get("DataCaptureConfig")),
        created=when(config.get("CreationTime")),
    )
    return Link("endpoint-config", PROD, config["EndpointConfigName"], shown, "DescribeEndpointConfig")


def _containers(model: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in [model.get("PrimaryContainer"), *model.get("Containers", [])] if c]


def package_of(model: dict[str, Any]) -> str:
    """The model package the model was created from (an ARN when it is in another account)."""
    for container in _containers(model):
        if container.get("ModelPackageName"):
            return container["ModelPackageName"]
    images = ", ".join(c.get("Image", "?") for c in _containers(model)) or "no container"
    raise Unfollowable(
        f"model {model.get('ModelName')} was not created from a model package (it runs {images})"
    )


def model_link(model: dict[str, Any]) -> Link:
    packages = [c["ModelPackageName"] for c in _containers(model) if c.get("ModelPackageName")]
    shown = facts(
        execution_role=model.get("ExecutionRoleArn"),
        model_package=packages[0] if packages else None,
        image=None if packages else ", ".join(c.get("Image", "") for c in _containers(model)),
        network_isolation=model.get("EnableNetworkIsolation"),
        created=when(model.get("CreationTime")),
    )
    return Link("model", PROD, model["ModelName"], shown, "DescribeModel")


# dev: model package, pipeline execution, training job, training data


def model_data_url(package: dict[str, Any]) -> str | None:
    """Where the package's model artifacts are: the first container's that says."""
    for container in package.get("InferenceSpecification", {}).get("Containers", []):
        source = container.get("ModelDataSource", {}).get("S3DataSource", {})
        url = container.get("ModelDataUrl") or source.get("S3Uri")
        if url:
            return url
    return None


def lifecycle_and_card(package: dict[str, Any]) -> dict[str, Any]:
    """The version's lifecycle stage (as the promotion set it) and what its model card says of it."""
    stage = package.get("ModelLifeCycle") or {}
    card = package.get("ModelCard") or {}
    try:
        content = json.loads(card.get("ModelCardContent") or "{}")
    except ValueError:
        content = {}
    details = (
        content.get("additional_information", {}).get("custom_details", {})
        if isinstance(content, dict)
        else {}
    )
    uses = content.get("intended_uses", {}) if isinstance(content, dict) else {}
    return {
        "lifecycle_stage": "/".join(filter(None, (stage.get("Stage"), stage.get("StageStatus")))) or None,
        "lifecycle_note": stage.get("StageDescription"),
        "model_card": card.get("ModelCardStatus"),
        "risk_rating": uses.get("risk_rating"),
        "card_decided_by": details.get("decided_by"),
        "card_decided_at": details.get("decided_at"),
        "pii_columns_dropped": details.get("pii_columns_dropped"),
    }


def model_package_link(package: dict[str, Any]) -> Link:
    """The registry entry. Who approved and when are the package's LastModifiedBy and LastModifiedTime:
    the approver's, as long as the approval was the version's last change (the audit table, which
    `mlp-promote history` reads, records every decision)."""
    status = package.get("ModelApprovalStatus")
    by = "approved" if status == "Approved" else "status_set"
    shown = facts(
        group=package.get("ModelPackageGroupName"),
        version=package.get("ModelPackageVersion"),
        approval_status=status,
        **{
            f"{by}_by": who(package.get("LastModifiedBy")) if package.get("LastModifiedBy") else None,
            f"{by}_at": when(package.get("LastModifiedTime")),
        },
        approval_description=package.get("ApprovalDescription"),
        registered=when(package.get("CreationTime")),
        generated_by=package.get("MetadataProperties", {}).get("GeneratedBy"),
        model_data=model_data_url(package),
        **lifecycle_and_card(package),
    )
    return Link("model-package", DEV, package["ModelPackageArn"], shown, "DescribeModelPackage")


def pipeline_execution_link(execution: dict[str, Any], via: str) -> Link:
    arn = execution["PipelineExecutionArn"]
    match = EXECUTION_ARN.fullmatch(arn)
    shown = facts(
        pipeline=match.group(1) if match else execution.get("PipelineArn"),
        status=execution.get("PipelineExecutionStatus"),
        started=when(execution.get("CreationTime")),
        started_by=who(execution.get("CreatedBy")) if execution.get("CreatedBy") else None,
        display_name=execution.get("PipelineExecutionDisplayName"),
        description=execution.get("PipelineExecutionDescription"),
        failure_reason=execution.get("FailureReason"),
        found_via=via,
    )
    return Link("pipeline-execution", DEV, arn, shown, "DescribePipelineExecution")


def _image(job: dict[str, Any]) -> str | None:
    spec = job.get("AlgorithmSpecification", {})
    if spec.get("TrainingImage"):
        return spec["TrainingImage"]
    return f"algorithm {spec['AlgorithmName']}" if spec.get("AlgorithmName") else None


def _instances(job: dict[str, Any]) -> str | None:
    resources = job.get("ResourceConfig", {})
    if resources.get("InstanceType"):
        return f"{resources.get('InstanceCount', 1)} x {resources['InstanceType']}"
    groups = resources.get("InstanceGroups", [])
    return ", ".join(f"{g.get('InstanceCount')} x {g.get('InstanceType')}" for g in groups) or None


def training_job_link(job: dict[str, Any], via: str, model_data: str | None) -> Link:
    artifacts = job.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    if artifacts is None or model_data is None:
        matches = None
    else:
        matches = "yes" if artifacts == model_data else f"no: the package serves {model_data}"
    shown = facts(
        status=job.get("TrainingJobStatus"),
        algorithm_image=_image(job),
        instances=_instances(job),
        metrics=[
            f"{m.get('MetricName')}={number(m.get('Value'))}" for m in job.get("FinalMetricDataList", [])
        ],
        started=when(job.get("TrainingStartTime")),
        ended=when(job.get("TrainingEndTime")),
        failure_reason=job.get("FailureReason"),
        model_artifacts=artifacts,
        produced_package_model=matches,
        arn=job.get("TrainingJobArn"),
        found_via=via,
    )
    return Link("training-job", DEV, job["TrainingJobName"], shown, "DescribeTrainingJob")


def training_data_link(job: dict[str, Any]) -> Link:
    channels = []
    for channel in job.get("InputDataConfig", []):
        source = channel.get("DataSource", {})
        location = (
            source.get("S3DataSource", {}).get("S3Uri")
            or source.get("FileSystemDataSource", {}).get("DirectoryPath")
            or next(iter(source), "an unknown source")
        )
        channels.append(f"{channel.get('ChannelName')}={location}")
    if not channels:
        raise Unfollowable(f"training job {job.get('TrainingJobName')} has no input channels")
    return Link("training-data", DEV, None, {"channels": channels}, "DescribeTrainingJob InputDataConfig")
