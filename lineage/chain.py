"""The walk from a prod endpoint back to the code that built its model: boto3 clients in, `Link`s out.

Nothing here prints. Each link records which account it lives in and which API calls it came from:

    link                account  API
    endpoint            prod     DescribeEndpoint
    endpoint config     prod     DescribeEndpointConfig
    model               prod     DescribeModel (its container names the model package by ARN)
    model package       dev      DescribeModelPackage (approval: LastModifiedBy/-Time, ApprovalDescription)
    pipeline execution  dev      the package's MetadataProperties.GeneratedBy, or else SageMaker lineage:
                                 ListArtifacts(SourceUri=package ARN) -> QueryLineage (ascendants: the
                                 training job's trial component) -> DescribeTrialComponent (its Source is
                                 the training job) -> ListTags(training job): its tag
                                 sagemaker:pipeline-execution-arn; then DescribePipelineExecution
    training job        dev      ListPipelineExecutionSteps (the training step's job), or the lineage
                                 above; then DescribeTrainingJob
    training data       dev      the training job's InputDataConfig
    code version        dev      see `code_version` for the lookup order

A link that cannot be followed (permission, deleted resource, an API not available) becomes a `Link`
with `unknown` set to a one-line reason, and the walk goes on with whatever it still knows. Only the
endpoint itself is required: `describe_endpoint` raises `EndpointNotFound` when prod has no such one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

PROD, DEV = "prod", "dev"
KINDS = (
    "endpoint",
    "endpoint-config",
    "model",
    "model-package",
    "pipeline-execution",
    "training-job",
    "training-data",
    "code-version",
)
# SageMaker tags every job a pipeline runs with the execution that ran it.
PIPELINE_EXECUTION_TAG = "sagemaker:pipeline-execution-arn"
# Pipeline tags read as the code version, in this order.
CODE_VERSION_TAGS = ("code-version", "git-commit")
NOT_RECORDED = "not recorded"
_EXECUTION_ARN = re.compile(r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline/([^/]+)/execution/[^/]+")
_DESCRIPTION_VERSION = re.compile(r"\b(?:code-version|git-commit)\s*[=:]\s*([\w./+-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """One link of the chain. `facts` hold JSON values only, in the order they are shown."""

    kind: str  # one of KINDS
    account: str  # PROD or DEV: where the resource lives
    id: str | None = None  # its name or ARN, when known
    facts: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the API call(s) the link came from
    unknown: str | None = None  # why the link could not be followed; None when it was


class EndpointNotFound(Exception):
    """The prod account has no endpoint of that name: there is no chain to walk."""


class Unfollowable(Exception):
    """A link that cannot be followed; the message is the one-line reason."""


def reason(error: BaseException) -> str:
    """Any failure as one line: the refused call, AWS's code and message; or the exception itself."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Unknown"), details.get("Message", "")
        text = f"{error.operation_name} refused: {code}: {message}"
    elif isinstance(error, Unfollowable):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split()).rstrip(". :")


def _attempt(call: Callable[[], Any]) -> tuple[Any, str | None]:
    """(result, None), or (None, reason): a link the walk cannot follow must never end the walk."""
    try:
        return call(), None
    except Exception as error:
        return None, reason(error)


def when(value: Any) -> str | None:
    """A timestamp as ISO 8601 UTC (the API's datetimes, or strings passed through)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None if value is None else str(value)


def who(user: dict[str, Any] | None) -> str:
    """A UserContext: the IAM identity's ARN, else the Studio user profile."""
    user = user or {}
    if user.get("IamIdentity", {}).get("Arn"):
        return user["IamIdentity"]["Arn"]
    if user.get("UserProfileName"):
        domain = f" (domain {user['DomainId']})" if user.get("DomainId") else ""
        return f"Studio user profile {user['UserProfileName']}{domain}"
    return user.get("UserProfileArn") or NOT_RECORDED


def _facts(**facts: Any) -> dict[str, Any]:
    return {key: value for key, value in facts.items() if value not in (None, "", [])}


def _gap(kind: str, account: str, why: str, *, id: str | None = None, source: str = "") -> Link:
    return Link(kind, account, id, source=source, unknown=why)


# prod: endpoint, endpoint config, model


def describe_endpoint(prod: Any, name: str) -> dict[str, Any]:
    try:
        return prod.describe_endpoint(EndpointName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ValidationException":
            raise EndpointNotFound(name) from None
        raise


def endpoint_link(endpoint: dict[str, Any]) -> Link:
    facts = _facts(
        status=endpoint.get("EndpointStatus"),
        created=when(endpoint.get("CreationTime")),
        last_modified=when(endpoint.get("LastModifiedTime")),
        failure_reason=endpoint.get("FailureReason"),
        arn=endpoint.get("EndpointArn"),
    )
    return Link("endpoint", PROD, endpoint["EndpointName"], facts, "DescribeEndpoint")


def followed_variant(config: dict[str, Any]) -> dict[str, Any]:
    """The variant whose model the chain follows: the one taking most traffic (the first on a tie)."""
    variants = config.get("ProductionVariants", [])
    if not variants:
        raise Unfollowable(f"endpoint config {config.get('EndpointConfigName')} has no production variants")
    return max(variants, key=lambda v: v.get("InitialVariantWeight", 1.0))


def _variant(variant: dict[str, Any]) -> str:
    serverless = variant.get("ServerlessConfig")
    if serverless:
        memory, concurrency = serverless.get("MemorySizeInMB"), serverless.get("MaxConcurrency")
        size = f"serverless {memory} MB, max concurrency {concurrency}"
    else:
        size = f"{variant.get('InitialInstanceCount', '?')} x {variant.get('InstanceType', '?')}"
    weight = variant.get("InitialVariantWeight")
    share = "" if weight is None else f", weight {_number(weight)}"
    return f"{variant.get('VariantName')}: model {variant.get('ModelName')}, {size}{share}"


def _capture(capture: dict[str, Any] | None) -> str:
    if not capture or not capture.get("EnableCapture"):
        return "off"
    options = capture.get("CaptureOptions", [])
    modes = " and ".join(option.get("CaptureMode", "").lower() for option in options)
    percent = capture.get("InitialSamplingPercentage")
    parts = [
        f"{percent}% of requests" if percent is not None else "",
        modes,
        f"to {capture['DestinationS3Uri']}" if capture.get("DestinationS3Uri") else "",
    ]
    return "on (" + ", ".join(part for part in parts if part) + ")"


def endpoint_config_link(config: dict[str, Any]) -> Link:
    variants = config.get("ProductionVariants", [])
    facts = _facts(
        variants=[_variant(variant) for variant in variants],
        followed_variant=followed_variant(config).get("VariantName") if len(variants) > 1 else None,
        data_capture=_capture(config.get("DataCaptureConfig")),
        created=when(config.get("CreationTime")),
    )
    return Link("endpoint-config", PROD, config["EndpointConfigName"], facts, "DescribeEndpointConfig")


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
    facts = _facts(
        execution_role=model.get("ExecutionRoleArn"),
        model_package=packages[0] if packages else None,
        image=None if packages else ", ".join(c.get("Image", "") for c in _containers(model)),
        network_isolation=model.get("EnableNetworkIsolation"),
        created=when(model.get("CreationTime")),
    )
    return Link("model", PROD, model["ModelName"], facts, "DescribeModel")


# dev: model package, pipeline execution, training job, data, code


def model_data_url(package: dict[str, Any]) -> str | None:
    for container in package.get("InferenceSpecification", {}).get("Containers", []):
        source = container.get("ModelDataSource", {}).get("S3DataSource", {})
        url = container.get("ModelDataUrl") or source.get("S3Uri")
        if url:
            return url
    return None


def model_package_link(package: dict[str, Any]) -> Link:
    """The registry entry. Who approved and when are the package's LastModifiedBy and LastModifiedTime:
    the approver's, as long as the approval was the version's last change (the audit table, which
    `python -m promotion_cli history` reads, records every decision)."""
    status = package.get("ModelApprovalStatus")
    by = "approved" if status == "Approved" else "status_set"
    facts = _facts(
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
    )
    return Link("model-package", DEV, package["ModelPackageArn"], facts, "DescribeModelPackage")


def _pages(call: Callable[..., dict[str, Any]], key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = call(**params)
        items += page.get(key, [])
        if not page.get("NextToken"):
            return items
        params["NextToken"] = page["NextToken"]


def training_jobs_from_steps(dev: Any, execution_arn: str) -> list[str]:
    """The training jobs an execution ran, from its steps' metadata."""
    steps = _pages(
        dev.list_pipeline_execution_steps, "PipelineExecutionSteps", PipelineExecutionArn=execution_arn
    )
    arns = [step.get("Metadata", {}).get("TrainingJob", {}).get("Arn") for step in steps]
    if not any(arns):
        raise Unfollowable(f"pipeline execution {execution_arn} ran no training step")
    return [arn for arn in arns if arn]


def training_jobs_from_lineage(dev: Any, package_arn: str) -> list[str]:
    """The training jobs upstream of the package in SageMaker's lineage graph."""
    artifacts = dev.list_artifacts(SourceUri=package_arn).get("ArtifactSummaries", [])
    if not artifacts:
        raise Unfollowable(f"SageMaker lineage has no artifact for {package_arn}")
    vertices = _pages(
        dev.query_lineage,
        "Vertices",
        StartArns=[artifacts[0]["ArtifactArn"]],
        Direction="Ascendants",
        IncludeEdges=False,
        Filters={"LineageTypes": ["TrialComponent"], "Types": ["TrainingJob"]},
        MaxDepth=10,
    )
    arns = []
    for vertex in vertices:
        if vertex.get("LineageType") != "TrialComponent":
            continue
        component = dev.describe_trial_component(TrialComponentName=vertex["Arn"].rsplit("/", 1)[-1])
        source = component.get("Source", {}).get("SourceArn", "")
        if ":training-job/" in source:
            arns.append(source)
    if not arns:
        raise Unfollowable(f"SageMaker lineage shows no training job upstream of {package_arn}")
    return arns


def execution_from_tags(dev: Any, training_job_arn: str) -> str:
    tags = dev.list_tags(ResourceArn=training_job_arn).get("Tags", [])
    for tag in tags:
        if tag.get("Key") == PIPELINE_EXECUTION_TAG:
            return tag["Value"]
    raise Unfollowable(
        f"training job {training_job_arn} has no {PIPELINE_EXECUTION_TAG} tag: no pipeline ran it"
    )


def pipeline_execution_link(execution: dict[str, Any], via: str) -> Link:
    arn = execution["PipelineExecutionArn"]
    match = _EXECUTION_ARN.fullmatch(arn)
    facts = _facts(
        pipeline=match.group(1) if match else execution.get("PipelineArn"),
        status=execution.get("PipelineExecutionStatus"),
        started=when(execution.get("CreationTime")),
        started_by=who(execution.get("CreatedBy")) if execution.get("CreatedBy") else None,
        display_name=execution.get("PipelineExecutionDisplayName"),
        description=execution.get("PipelineExecutionDescription"),
        failure_reason=execution.get("FailureReason"),
        found_via=via,
    )
    return Link("pipeline-execution", DEV, arn, facts, "DescribePipelineExecution")


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def pick_training_job(dev: Any, arns: list[str], model_data: str | None) -> dict[str, Any]:
    """Describe the job that trained the package's model: the only one, or the one whose artifacts
    the package serves. A job that cannot be described raises, naming it."""
    if len(arns) == 1:
        return dev.describe_training_job(TrainingJobName=_name(arns[0]))
    described = [
        _attempt(lambda arn=arn: dev.describe_training_job(TrainingJobName=_name(arn)))[0] for arn in arns
    ]
    for job in filter(None, described):
        if job.get("ModelArtifacts", {}).get("S3ModelArtifacts") == model_data:
            return job
    raise Unfollowable(
        f"{len(arns)} training jobs ({', '.join(map(_name, arns))}); "
        f"none readable produced the package's {model_data}"
    )


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


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
    facts = _facts(
        status=job.get("TrainingJobStatus"),
        algorithm_image=_image(job),
        instances=_instances(job),
        metrics=[
            f"{m.get('MetricName')}={_number(m.get('Value'))}" for m in job.get("FinalMetricDataList", [])
        ],
        started=when(job.get("TrainingStartTime")),
        ended=when(job.get("TrainingEndTime")),
        failure_reason=job.get("FailureReason"),
        model_artifacts=artifacts,
        produced_package_model=matches,
        arn=job.get("TrainingJobArn"),
        found_via=via,
    )
    return Link("training-job", DEV, job["TrainingJobName"], facts, "DescribeTrainingJob")


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


def code_version(dev: Any, package: dict[str, Any] | None, execution: dict[str, Any] | None) -> Link:
    """The code version the model was built from. Looked up in this order; the first found wins:

    1. the model package's `MetadataProperties.CommitId` (with `.Repository` if set);
    2. the pipeline execution's description, written as `git-commit=<sha>` or `code-version=<v>`;
    3. the model-build pipeline's tags `code-version`, then `git-commit`.

    The platform records none of these yet, so today this says "not recorded". **A platform team
    should set the first**: the register step of the model-build pipeline passes
    `MetadataProperties={"CommitId": <sha>, "Repository": <url>}` to CreateModelPackage, the commit
    coming from a pipeline parameter that the deployment (or whoever starts the execution) fills in.
    It is written once per version, cannot change afterwards, and sits in the registry beside the
    approval it justifies. The execution description depends on whoever starts each run, and a
    pipeline tag describes the pipeline as deployed now, not necessarily as it ran: when the pipeline
    changed after the execution started, the link says so.

    "not recorded" is only said when every place could be read; a lookup that failed makes the link
    unknown instead, with the reasons.
    """
    looked_in, failures = [], []
    properties = (package or {}).get("MetadataProperties", {})
    if package is not None:
        looked_in.append("model package MetadataProperties.CommitId")
        if properties.get("CommitId"):
            facts = _facts(
                found_in="model package MetadataProperties.CommitId", repository=properties.get("Repository")
            )
            return Link("code-version", DEV, properties["CommitId"], facts, "DescribeModelPackage")
    if execution is not None:
        looked_in.append("pipeline execution description")
        found = _DESCRIPTION_VERSION.search(execution.get("PipelineExecutionDescription") or "")
        if found:
            facts = {"found_in": "pipeline execution description"}
            return Link("code-version", DEV, found.group(1), facts, "DescribePipelineExecution")
        pipeline_arn = execution.get("PipelineArn")
        looked_in.append(f"pipeline tags {'/'.join(CODE_VERSION_TAGS)}")
        tags, why = _attempt(lambda: dev.list_tags(ResourceArn=pipeline_arn).get("Tags", []))
        if why:
            failures.append(why)
        else:
            values = {tag.get("Key"): tag.get("Value") for tag in tags}
            for key in CODE_VERSION_TAGS:
                if values.get(key):
                    return _from_tag(dev, execution, key, values[key])
    if not looked_in:
        return _gap("code-version", DEV, "neither the model package nor the pipeline execution is known")
    if failures:
        return _gap("code-version", DEV, "; ".join(failures), source="ListTags")
    return Link("code-version", DEV, NOT_RECORDED, {"looked_in": looked_in}, "")


def _from_tag(dev: Any, execution: dict[str, Any], key: str, value: str) -> Link:
    facts: dict[str, Any] = {"found_in": f"pipeline tag {key}"}
    match = _EXECUTION_ARN.fullmatch(execution.get("PipelineExecutionArn", ""))
    pipeline, why = _attempt(lambda: dev.describe_pipeline(PipelineName=match.group(1)) if match else None)
    changed, started = (pipeline or {}).get("LastModifiedTime"), execution.get("CreationTime")
    if why:
        facts["caveat"] = f"the tag is the pipeline's now; when it last changed is unknown ({why})"
    elif isinstance(changed, datetime) and isinstance(started, datetime) and changed > started:
        facts["caveat"] = (
            f"the pipeline changed at {when(changed)}, after this execution started: the tag may postdate it"
        )
    return Link("code-version", DEV, value, facts, "ListTags")


def _follow(
    kind: str,
    account: str,
    id: str | None,
    missing: str | None,
    describe: Callable[[], dict[str, Any]],
    to_link: Callable[[dict[str, Any]], Link],
    source: str = "",
) -> tuple[Link, dict[str, Any] | None]:
    """Describe one resource and make its link: (link, description), or (unknown link, None) with the
    reason. `missing` says why there is nothing to describe (an earlier link could not be followed)."""
    if missing is not None:
        return _gap(kind, account, missing, id=id, source=source), None
    described, why = _attempt(describe)
    if described is None:
        return _gap(kind, account, why, id=id, source=source), None
    link, why = _attempt(lambda: to_link(described))
    return (link, described) if link else (_gap(kind, account, why, id=id, source=source), None)


def walk(prod: Any, dev: Any, endpoint_name: str) -> list[Link]:
    """The chain from the prod endpoint `endpoint_name` to its code version; `prod` and `dev` are
    SageMaker clients in those accounts. Raises `EndpointNotFound`, or `ClientError` when the
    endpoint itself cannot be read; every later link that cannot be followed is an unknown `Link`."""
    endpoint = describe_endpoint(prod, endpoint_name)
    links = [endpoint_link(endpoint)]

    config_name = endpoint.get("EndpointConfigName")
    link, config = _follow(
        "endpoint-config",
        PROD,
        config_name,
        None if config_name else "the endpoint names no endpoint config",
        lambda: prod.describe_endpoint_config(EndpointConfigName=config_name),
        endpoint_config_link,
        "DescribeEndpointConfig",
    )
    links.append(link)

    if config is None:
        model_name, missing = None, "no endpoint config to read it from"
    else:
        model_name, missing = _attempt(lambda: followed_variant(config)["ModelName"])
    link, model = _follow(
        "model",
        PROD,
        model_name,
        missing,
        lambda: prod.describe_model(ModelName=model_name),
        model_link,
        "DescribeModel",
    )
    links.append(link)

    if model is None:
        package_ref, missing = None, "no model to read it from"
    else:
        package_ref, missing = _attempt(lambda: package_of(model))
    link, package = _follow(
        "model-package",
        DEV,
        package_ref,
        missing,
        lambda: dev.describe_model_package(ModelPackageName=package_ref),
        model_package_link,
        "DescribeModelPackage",
    )
    links.append(link)
    package_arn = package.get("ModelPackageArn") if package else None
    model_data = model_data_url(package) if package else None

    # The pipeline execution: from the package's metadata, or else through the lineage graph, which
    # finds the training job first and the execution from the job's tag.
    execution_arn, via, missing = None, "", None
    lineage_jobs, lineage_why = None, None
    generated_by = (package or {}).get("MetadataProperties", {}).get("GeneratedBy") or ""
    if _EXECUTION_ARN.fullmatch(generated_by):
        execution_arn, via = generated_by, "model package MetadataProperties.GeneratedBy"
    elif package_arn:
        lineage_jobs, lineage_why = _attempt(lambda: training_jobs_from_lineage(dev, package_arn))
        if lineage_jobs:
            execution_arn, missing = _attempt(lambda: execution_from_tags(dev, lineage_jobs[0]))
            via = f"SageMaker lineage (QueryLineage), then the training job's {PIPELINE_EXECUTION_TAG} tag"
        else:
            missing = (
                f"the package names no pipeline execution (MetadataProperties.GeneratedBy) and {lineage_why}"
            )
    else:
        missing = "no model package to find it from"
    link, execution = _follow(
        "pipeline-execution",
        DEV,
        execution_arn,
        missing,
        lambda: dev.describe_pipeline_execution(PipelineExecutionArn=execution_arn),
        lambda described: pipeline_execution_link(described, via),
        "DescribePipelineExecution",
    )
    links.append(link)

    # The training job: the one the lineage named, else the execution's training step, else (when
    # the steps cannot be read) the lineage after all.
    job_arns, job_via, reasons = lineage_jobs, "SageMaker lineage (QueryLineage, DescribeTrialComponent)", []
    if not job_arns and execution_arn:
        job_arns, why = _attempt(lambda: training_jobs_from_steps(dev, execution_arn))
        job_via = "the pipeline execution's training step (ListPipelineExecutionSteps)"
        reasons.append(why)
        if not job_arns and package_arn and lineage_why is None:
            job_arns, lineage_why = _attempt(lambda: training_jobs_from_lineage(dev, package_arn))
            job_via = "SageMaker lineage (QueryLineage, DescribeTrialComponent)"
    reasons.append(lineage_why)
    missing = None
    if not job_arns:
        missing = "; ".join(filter(None, reasons)) or "no model package or pipeline execution to find it from"
    link, job = _follow(
        "training-job",
        DEV,
        _name(job_arns[0]) if job_arns and len(job_arns) == 1 else None,
        missing,
        lambda: pick_training_job(dev, job_arns, model_data),
        lambda described: training_job_link(described, job_via, model_data),
        "DescribeTrainingJob",
    )
    links.append(link)

    link, _ = _follow(
        "training-data",
        DEV,
        None,
        None if job else "no training job to read its input channels from",
        lambda: job,
        training_data_link,
        "DescribeTrainingJob",
    )
    links.append(link)

    code, why = _attempt(lambda: code_version(dev, package, execution))
    links.append(code or _gap("code-version", DEV, why))
    return links
