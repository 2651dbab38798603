"""The dev account's calls that find what the registry does not name: the training jobs of a pipeline
execution or of a package's lineage, the execution that ran a job, the job that made a package's model.

Each raises (`Unfollowable`, or AWS's `ClientError`) when it finds nothing; the hops turn that into
an unknown link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lineage.link import Failed, Unfollowable, attempt, name_of

# SageMaker tags every job a pipeline runs with the execution that ran it.
PIPELINE_EXECUTION_TAG = "sagemaker:pipeline-execution-arn"


def pages(call: Callable[..., dict[str, Any]], key: str, **params: Any) -> list[dict[str, Any]]:
    """Every page's `key` items of a NextToken-paginated call."""
    items: list[dict[str, Any]] = []
    while True:
        page = call(**params)
        items += page.get(key, [])
        if not page.get("NextToken"):
            return items
        params["NextToken"] = page["NextToken"]


def training_jobs_from_steps(dev: Any, execution_arn: str) -> list[str]:
    """The training jobs an execution ran, from its steps' metadata."""
    steps = pages(
        dev.list_pipeline_execution_steps, "PipelineExecutionSteps", PipelineExecutionArn=execution_arn
    )
    arns = [step.get("Metadata", {}).get("TrainingJob", {}).get("Arn") for step in steps]
    if not any(arns):
        raise Unfollowable(f"pipeline execution {execution_arn} ran no training step")
    return [arn for arn in arns if arn]


def _upstream_trial_components(dev: Any, package_arn: str) -> list[str]:
    """The training jobs' trial components upstream of the package's artifact in SageMaker lineage."""
    artifacts = dev.list_artifacts(SourceUri=package_arn).get("ArtifactSummaries", [])
    if not artifacts:
        raise Unfollowable(f"SageMaker lineage has no artifact for {package_arn}")
    vertices = pages(
        dev.query_lineage,
        "Vertices",
        StartArns=[artifacts[0]["ArtifactArn"]],
        Direction="Ascendants",
        IncludeEdges=False,
        Filters={"LineageTypes": ["TrialComponent"], "Types": ["TrainingJob"]},
        MaxDepth=10,
    )
    return [vertex["Arn"] for vertex in vertices if vertex.get("LineageType") == "TrialComponent"]


def training_jobs_from_lineage(dev: Any, package_arn: str) -> list[str]:
    """The training jobs upstream of the package in SageMaker's lineage graph (a trial component's
    Source is its training job)."""
    arns = []
    for component_arn in _upstream_trial_components(dev, package_arn):
        component = dev.describe_trial_component(TrialComponentName=name_of(component_arn))
        source = component.get("Source", {}).get("SourceArn", "")
        if ":training-job/" in source:
            arns.append(source)
    if not arns:
        raise Unfollowable(f"SageMaker lineage shows no training job upstream of {package_arn}")
    return arns


def execution_from_tags(dev: Any, training_job_arn: str) -> str:
    """The pipeline execution that ran the training job, from the tag SageMaker gave the job."""
    tags = dev.list_tags(ResourceArn=training_job_arn).get("Tags", [])
    for tag in tags:
        if tag.get("Key") == PIPELINE_EXECUTION_TAG:
            return tag["Value"]
    raise Unfollowable(
        f"training job {training_job_arn} has no {PIPELINE_EXECUTION_TAG} tag: no pipeline ran it"
    )


def pick_training_job(dev: Any, arns: list[str], model_data: str | None) -> dict[str, Any]:
    """Describe the job that trained the package's model: the only one, or the one whose artifacts
    the package serves. A job that cannot be described raises, naming it."""
    if len(arns) == 1:
        return dev.describe_training_job(TrainingJobName=name_of(arns[0]))

    def described(arn: str) -> dict[str, Any] | Failed:
        return attempt(lambda: dev.describe_training_job(TrainingJobName=name_of(arn)))

    for job in map(described, arns):
        if (
            not isinstance(job, Failed)
            and job.get("ModelArtifacts", {}).get("S3ModelArtifacts") == model_data
        ):
            return job
    raise Unfollowable(
        f"{len(arns)} training jobs ({', '.join(map(name_of, arns))}); "
        f"none readable produced the package's {model_data}"
    )
