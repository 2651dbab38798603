"""The exact data a model was trained on: each object under the training job's S3 input channels, with
the S3 version id that was current when the job started, and each raw object under the pipeline
execution's `InputDataUri` (ListPipelineParametersForExecution) as it was when the execution started.

The data buckets are versioned and keep every version (README, "Data and keys"), and the jobs run with
network isolation, unable to call S3 themselves: so the versions are read from the bucket, as of the
job's start (`TrainingStartTime`, else `CreationTime`): for each key, the newest version written
before then, unless that is a delete marker. `ListObjectVersions` on each channel's prefix:
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lineage.link import DEV, Link, Unfollowable, when

SOURCE = "ListObjectVersions as of the training job's (and the execution's) start"
RAW_PARAMETER = "InputDataUri"  # pipelines/model_build.py: what Preprocess reads
MOST_SHOWN = 50  # a channel of many files is summed up past this many objects


def _bucket_and_prefix(uri: str) -> tuple[str, str]:
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    return bucket, prefix


def current_at(s3: Any, uri: str, moment: datetime) -> list[str]:
    """`s3://bucket/key?versionId=...` of each object under `uri` as it was at `moment`."""
    bucket, prefix = _bucket_and_prefix(uri)
    latest: dict[str, tuple[datetime, str | None]] = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        entries = [(v, v.get("VersionId")) for v in page.get("Versions", [])]
        entries += [(m, None) for m in page.get("DeleteMarkers", [])]  # None: deleted then
        for entry, version in entries:
            written = entry["LastModified"]
            if written <= moment and (entry["Key"] not in latest or written > latest[entry["Key"]][0]):
                latest[entry["Key"]] = (written, version)
    return [
        f"s3://{bucket}/{key}?versionId={version}" for key, (_, version) in sorted(latest.items()) if version
    ]


def raw_objects(s3: Any, dev: Any, execution: dict[str, Any] | None) -> dict[str, Any]:
    """The execution's raw input as of its start; nothing when the execution is unknown."""
    if not execution or not isinstance(execution.get("CreationTime"), datetime):
        return {}
    pages = dev.get_paginator("list_pipeline_parameters_for_execution").paginate(
        PipelineExecutionArn=execution["PipelineExecutionArn"]
    )
    uri = next(
        (p["Value"] for page in pages for p in page["PipelineParameters"] if p["Name"] == RAW_PARAMETER), None
    )
    if not uri:
        return {}
    started = execution["CreationTime"]
    return {"raw_as_of": when(started), "raw_objects": current_at(s3, uri, started)[:MOST_SHOWN]}


def link(s3: Any, job: dict[str, Any], raw: dict[str, Any] | None = None) -> Link:
    """`raw`: `raw_objects`' facts, shown after the training data's."""
    moment = job.get("TrainingStartTime") or job.get("CreationTime")
    if not isinstance(moment, datetime):
        raise Unfollowable(f"training job {job.get('TrainingJobName')} has no start time to read versions at")
    objects: list[str] = []
    for channel in job.get("InputDataConfig", []):
        uri = channel.get("DataSource", {}).get("S3DataSource", {}).get("S3Uri")
        if uri:
            objects += current_at(s3, uri, moment)
    if not objects:
        raise Unfollowable("no S3 object of the training channels existed when the job started")
    shown = objects if len(objects) <= MOST_SHOWN else [*objects[:MOST_SHOWN], f"... {len(objects)} in all"]
    return Link("data-versions", DEV, None, {"as_of": when(moment), "objects": shown, **(raw or {})}, SOURCE)
