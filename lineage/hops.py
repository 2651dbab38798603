"""One function per hop of the chain: each takes the client of the account its resource lives in and
what the hop before it found (a description, or None when that link could not be followed), and
gives its link and its own description for the next hop.

    endpoint -> endpoint_config -> model -> model_package -> pipeline_execution -> training_job
             -> training_data, code (the code version)

Only `endpoint` may raise (there is no chain without it); every other hop that cannot be followed
gives a link with `unknown` set to the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from lineage import code_version, data_versions, facts, lookups
from lineage.link import DEV, EXECUTION_ARN, PROD, EndpointNotFound, Failed, Link, attempt, gap, name_of

Description = dict[str, Any]
VIA_GENERATED_BY = "model package MetadataProperties.GeneratedBy"
VIA_TAG = f"SageMaker lineage (QueryLineage), then the training job's {lookups.PIPELINE_EXECUTION_TAG} tag"
VIA_LINEAGE = "SageMaker lineage (QueryLineage, DescribeTrialComponent)"
VIA_STEPS = "the pipeline execution's training step (ListPipelineExecutionSteps)"


@dataclass(frozen=True)
class Hop:
    """A hop's link, and the resource's description when it could be read."""

    link: Link
    described: Description | None = None


def follow(
    kind: str,
    account: str,
    source: str,
    *,
    id: str | None,
    missing: str | None,
    describe: Callable[[], Description],
    to_link: Callable[[Description], Link],
) -> Hop:
    """Describe one resource and make its link, or an unknown link with the reason. `missing` says
    why there is nothing to describe (an earlier link could not be followed)."""
    if missing is not None:
        return Hop(gap(kind, account, missing, id=id, source=source))
    described = attempt(describe)
    if isinstance(described, Failed):
        return Hop(gap(kind, account, described.reason, id=id, source=source))
    link = attempt(lambda: to_link(described))
    if isinstance(link, Failed):
        return Hop(gap(kind, account, link.reason, id=id, source=source))
    return Hop(link, described)


def _named(
    described: Description | None, read: Callable[[Description], str], absent: str
) -> tuple[str | None, str | None]:
    """What the description names next, and None; or None and why it names nothing."""
    if described is None:
        return None, absent
    named = attempt(lambda: read(described))
    return (None, named.reason) if isinstance(named, Failed) else (named, None)


# prod: endpoint, endpoint config, model


def endpoint(prod: Any, name: str) -> Hop:
    """The prod endpoint. Raises `EndpointNotFound`, or `ClientError` when it cannot be read."""
    try:
        described = prod.describe_endpoint(EndpointName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ValidationException":
            raise EndpointNotFound(name) from None
        raise
    return Hop(facts.endpoint_link(described), described)


def endpoint_config(prod: Any, endpoint: Description | None) -> Hop:
    name = (endpoint or {}).get("EndpointConfigName")
    return follow(
        "endpoint-config",
        PROD,
        "DescribeEndpointConfig",
        id=name,
        missing=None if name else "the endpoint names no endpoint config",
        describe=lambda: prod.describe_endpoint_config(EndpointConfigName=name),
        to_link=facts.endpoint_config_link,
    )


def model(prod: Any, config: Description | None) -> Hop:
    """The model of the variant taking most traffic."""
    name, missing = _named(
        config, lambda c: facts.followed_variant(c)["ModelName"], "no endpoint config to read it from"
    )
    return follow(
        "model",
        PROD,
        "DescribeModel",
        id=name,
        missing=missing,
        describe=lambda: prod.describe_model(ModelName=name),
        to_link=facts.model_link,
    )


# dev: model package, pipeline execution, training job, training data, code version


def model_package(dev: Any, model: Description | None) -> Hop:
    """The registry's package the prod model was created from (its container names it by ARN)."""
    ref, missing = _named(model, facts.package_of, "no model to read it from")
    return follow(
        "model-package",
        DEV,
        "DescribeModelPackage",
        id=ref,
        missing=missing,
        describe=lambda: dev.describe_model_package(ModelPackageName=ref),
        to_link=facts.model_package_link,
    )


@dataclass(frozen=True)
class Lineage:
    """What SageMaker lineage said of the training jobs upstream of a package, if it was asked."""

    jobs: list[str] | None = None
    why: str | None = None  # why it named none

    @property
    def asked(self) -> bool:
        return self.jobs is not None or self.why is not None


def ask_lineage(dev: Any, package_arn: str) -> Lineage:
    found = attempt(lambda: lookups.training_jobs_from_lineage(dev, package_arn))
    return Lineage(why=found.reason) if isinstance(found, Failed) else Lineage(jobs=found)


@dataclass(frozen=True)
class Execution:
    """Where the pipeline execution was found (`arn`, `via`), or why not (`missing`); and the
    lineage asked on the way, which already names the training job."""

    arn: str | None = None
    via: str = ""
    missing: str | None = None
    lineage: Lineage = field(default_factory=Lineage)


def find_execution(dev: Any, package: Description | None) -> Execution:
    """From the package's metadata, or else through the lineage graph, which finds the training job
    first and the execution from the job's tag."""
    generated_by = (package or {}).get("MetadataProperties", {}).get("GeneratedBy") or ""
    package_arn = (package or {}).get("ModelPackageArn")
    if EXECUTION_ARN.fullmatch(generated_by):
        return Execution(generated_by, VIA_GENERATED_BY)
    if not package_arn:
        return Execution(missing="no model package to find it from")
    lineage = ask_lineage(dev, package_arn)
    if not lineage.jobs:
        why = f"the package names no pipeline execution (MetadataProperties.GeneratedBy) and {lineage.why}"
        return Execution(missing=why, lineage=lineage)
    first_job = lineage.jobs[0]
    arn = attempt(lambda: lookups.execution_from_tags(dev, first_job))
    if isinstance(arn, Failed):
        return Execution(via=VIA_TAG, missing=arn.reason, lineage=lineage)
    return Execution(arn, VIA_TAG, lineage=lineage)


@dataclass(frozen=True)
class ExecutionHop(Hop):
    """The pipeline execution's hop, with where it was found: the training job's hop needs that."""

    found: Execution = field(default_factory=Execution)


def pipeline_execution(dev: Any, package: Description | None) -> ExecutionHop:
    found = find_execution(dev, package)
    hop = follow(
        "pipeline-execution",
        DEV,
        "DescribePipelineExecution",
        id=found.arn,
        missing=found.missing,
        describe=lambda: dev.describe_pipeline_execution(PipelineExecutionArn=found.arn),
        to_link=lambda described: facts.pipeline_execution_link(described, found.via),
    )
    return ExecutionHop(hop.link, hop.described, found)


@dataclass(frozen=True)
class TrainingJobs:
    """The training jobs found (`arns`, `via`), or why none were (`missing`)."""

    arns: list[str] = field(default_factory=list)
    via: str = ""
    missing: str | None = None


def find_training_jobs(dev: Any, package_arn: str | None, execution: Execution) -> TrainingJobs:
    """The one the lineage named, else the execution's training step, else (when the steps cannot
    be read) the lineage after all."""
    lineage, reasons = execution.lineage, list[str | None]()
    if lineage.jobs:
        return TrainingJobs(lineage.jobs, VIA_LINEAGE)
    if execution.arn:
        execution_arn = execution.arn
        steps = attempt(lambda: lookups.training_jobs_from_steps(dev, execution_arn))
        if not isinstance(steps, Failed):
            return TrainingJobs(steps, VIA_STEPS)
        reasons.append(steps.reason)
        if package_arn and not lineage.asked:
            lineage = ask_lineage(dev, package_arn)
            if lineage.jobs:
                return TrainingJobs(lineage.jobs, VIA_LINEAGE)
    reasons.append(lineage.why)
    why = "; ".join(filter(None, reasons)) or "no model package or pipeline execution to find it from"
    return TrainingJobs(missing=why)


def training_job(dev: Any, package: Description | None, execution: ExecutionHop) -> Hop:
    """The job that trained the package's model; its artifacts should be what the package serves."""
    model_data = facts.model_data_url(package) if package else None
    jobs = find_training_jobs(dev, (package or {}).get("ModelPackageArn"), execution.found)
    return follow(
        "training-job",
        DEV,
        "DescribeTrainingJob",
        id=name_of(jobs.arns[0]) if len(jobs.arns) == 1 else None,
        missing=jobs.missing,
        describe=lambda: lookups.pick_training_job(dev, jobs.arns, model_data),
        to_link=lambda described: facts.training_job_link(described, jobs.via, model_data),
    )


def training_data(job: Description | None) -> Link:
    """The training job's input channels."""
    if job is None:
        why = "no training job to read its input channels from"
        return gap("training-data", DEV, why, source="DescribeTrainingJob")
    link = attempt(lambda: facts.training_data_link(job))
    return (
        gap("training-data", DEV, link.reason, source="DescribeTrainingJob")
        if isinstance(link, Failed)
        else link
    )


def data(s3: Any, dev: Any, job: Description | None, execution: Description | None) -> Link:
    """The training channels' objects, and the execution's raw input, with their S3 version ids
    (`lineage/data_versions.py`)."""
    if job is None:
        return gap(
            "data-versions",
            DEV,
            "no training job to read its input channels from",
            source=data_versions.SOURCE,
        )
    raw = attempt(lambda: data_versions.raw_objects(s3, dev, execution))
    raw_facts = {"raw_objects_unknown": raw.reason} if isinstance(raw, Failed) else raw
    link = attempt(lambda: data_versions.link(s3, job, raw_facts))
    return (
        gap("data-versions", DEV, link.reason, source=data_versions.SOURCE)
        if isinstance(link, Failed)
        else link
    )


def code(dev: Any, package: Description | None, execution: Description | None) -> Link:
    """The code version, from the package and the execution (see `lineage.code_version`)."""
    link = attempt(lambda: code_version.find(dev, package, execution))
    return gap("code-version", DEV, link.reason) if isinstance(link, Failed) else link
