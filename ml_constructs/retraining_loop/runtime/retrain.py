"""Starts a project's model-build pipeline on a drift finding from prod, at most once per window,
on the data prod has captured and labelled since the last run.

Target of the project's drift rule on the dev monitoring bus, with an input the rule builds: which
project, its model-build pipeline, its window (from config, at synth), where its captures and labels
arrive in dev's prod-feedback bucket, and the finding's event id. Hourly monitoring reports the same
drift every hour; without a window each report would start a full pipeline run and register one
more Pending version.

The window is one DynamoDB item per project: a conditional put claims it (two findings at once
start one run), and a start that fails puts the previous item back before raising, so that the
retry (Lambda's, then EventBridge's, then the dead-letter queue) can claim it again. The finding's
event id is the pipeline's ClientRequestToken, so a retried start starts nothing twice.

Fresh data, and the watermark. The same item keeps the hour up to which the last run's captures
went (`fresh_until`, an hourly partition `yyyy/mm/dd/hh`, exclusive). A run takes the captures of the
hours from there to the current hour, and every label file uploaded since (a label comes after its
request), lists them in a manifest (SageMaker's ManifestFile format, under `manifests/<project>/`),
and passes it as the pipeline's FeedbackManifestUri; preprocessing joins them by inference id. The
function only lists keys: however large the captures, the join runs in the pipeline's processing
job, in the VPC, with the data key. No new captures, or no labels, start nothing: a run on the same
data as the last would learn nothing new. A capture whose label arrives after its run is not used.

Environment (read once, at cold start; a bad value stops the function with a message naming it):
    WINDOWS_TABLE    DynamoDB table (partition key `project`, string)
    PIPELINE_PREFIX  the platform's prefix: only `<prefix><project>-model-build` pipelines start
    FEEDBACK_BUCKET  dev's prod-feedback bucket: prod's captures and labels, and the manifests
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from typing import Any, TypedDict

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

logger = Logger(service="retraining-loop")
# StartPipelineExecution takes a ClientRequestToken of 32 to 128 characters; event ids are UUIDs.
_TOKEN = re.compile(r"[A-Za-z0-9-]{32,128}")
MAX_WINDOW_HOURS = 24 * 30
# Model Monitor's hourly partitions: `.../yyyy/mm/dd/hh/<file>`.
_PARTITION = re.compile(r"/(\d{4}/\d{2}/\d{2}/\d{2})/[^/]+\.jsonl$")
MANIFEST_PARAMETER = "FeedbackManifestUri"


class ConfigurationError(Exception):
    """The function is deployed with a bad environment: a deployment bug, so it fails loudly."""


class Malformed(Exception):
    """The input is not what the project's drift rule sends."""


class Result(TypedDict):
    status: str  # "started" or "skipped"
    reason: str
    execution_arn: str | None


@dataclass(frozen=True)
class Finding:
    project: str
    pipeline: str
    window_seconds: int
    event_id: str
    capture_prefix: str  # `<project>/capture/<endpoint>/` in the feedback bucket
    labels_prefix: str  # `ground-truth/<endpoint>/`


@dataclass(frozen=True)
class FreshData:
    """The files of one run: captures of the hours [since, until), labels from `since` on."""

    since: str | None  # None: everything captured so far (the first run)
    until: str
    captures: list[str]
    labels: list[str]


def _environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} must be set (see the module docstring); it is empty or unset")
    return value


TABLE = boto3.resource("dynamodb").Table(_environment("WINDOWS_TABLE"))
PIPELINE_PREFIX = _environment("PIPELINE_PREFIX")
FEEDBACK_BUCKET = _environment("FEEDBACK_BUCKET")
SAGEMAKER = boto3.client("sagemaker")
S3 = boto3.client("s3")


def parse(event: Any) -> Finding:
    """The rule's input, checked; raises `Malformed` naming what is wrong."""
    if not isinstance(event, dict):
        raise Malformed(f"the input is a {type(event).__name__}, not a JSON object")
    fields = {}
    for name in ("project", "pipeline", "event_id", "capture_prefix", "labels_prefix"):
        value = event.get(name)
        if not isinstance(value, str) or not value:
            raise Malformed(f"{name} is missing or not a non-empty string")
        fields[name] = value
    expected = f"{PIPELINE_PREFIX}{fields['project']}-model-build"
    if fields["pipeline"] != expected:
        raise Malformed(
            f"pipeline {fields['pipeline']!r} is not the project's model-build pipeline {expected!r}"
        )
    if not _TOKEN.fullmatch(fields["event_id"]):
        raise Malformed(f"event_id {fields['event_id']!r} is not an EventBridge event id")
    project = fields["project"]
    if not fields["capture_prefix"].startswith(f"{project}/capture/") or not fields[
        "capture_prefix"
    ].endswith("/"):
        raise Malformed(f"capture_prefix {fields['capture_prefix']!r} is not under {project}/capture/")
    if not fields["labels_prefix"].startswith("ground-truth/") or not fields["labels_prefix"].endswith("/"):
        raise Malformed(f"labels_prefix {fields['labels_prefix']!r} is not under ground-truth/")
    hours = event.get("window_hours")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_WINDOW_HOURS:
        raise Malformed(f"window_hours {hours!r} is not a whole number of hours from 1 to {MAX_WINDOW_HOURS}")
    return Finding(
        project,
        fields["pipeline"],
        hours * 3600,
        fields["event_id"],
        fields["capture_prefix"],
        fields["labels_prefix"],
    )


def _keys(prefix: str, start_after: str | None = None, delimiter: str | None = None):
    """Keys (or, with a delimiter, common prefixes) under `prefix` in the feedback bucket, in order."""
    options = {"Bucket": FEEDBACK_BUCKET, "Prefix": prefix}
    if start_after:
        options["StartAfter"] = start_after
    if delimiter:
        options["Delimiter"] = delimiter
    for page in S3.get_paginator("list_objects_v2").paginate(**options):
        if delimiter:
            yield from (common["Prefix"] for common in page.get("CommonPrefixes", []))
        else:
            yield from (item["Key"] for item in page.get("Contents", []))


def _partitioned(prefix: str, since: str | None, until: str | None) -> list[str]:
    """`.jsonl` keys under `prefix` whose hourly partition is in [since, until) (open ends: None)."""
    found = []
    for key in _keys(prefix, start_after=f"{prefix}{since}" if since else None):
        match = _PARTITION.search(key)
        if not match:
            continue
        if until and match.group(1) >= until:
            break  # keys list in order, and the partition is the last folder before the file
        if not since or match.group(1) >= since:
            found.append(key)
    return found


def fresh_data(finding: Finding, since: str | None, until: str) -> FreshData:
    """Captures of each variant in [since, until), and every label file from `since` on."""
    captures = [
        key
        for variant in _keys(finding.capture_prefix, delimiter="/")
        for key in _partitioned(variant, since, until)
    ]
    return FreshData(since, until, captures, _partitioned(finding.labels_prefix, since, None))


def write_manifest(finding: Finding, data: FreshData) -> str:
    """The run's manifest in the feedback bucket, named after the finding. Written once: a redelivered
    finding keeps the first delivery's list (a conditional put, S3's If-None-Match), so a run that is
    already reading it never sees it change. A write that meets a concurrent one (409
    ConditionalRequestConflict) raises: S3 says to retry it, and the other may yet fail."""
    key = f"manifests/{finding.project}/{finding.event_id}.manifest"
    entries = [{"prefix": f"s3://{FEEDBACK_BUCKET}/"}, *data.captures, *data.labels]
    try:
        S3.put_object(
            Bucket=FEEDBACK_BUCKET,
            Key=key,
            Body=json.dumps(entries).encode(),
            ContentType="application/json",
            IfNoneMatch="*",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("PreconditionFailed", "412"):
            raise
        logger.info("the manifest of this finding exists already: kept", extra={"manifest": key})
    return f"s3://{FEEDBACK_BUCKET}/{key}"


def _hour(now: int) -> str:
    return time.strftime("%Y/%m/%d/%H", time.gmtime(now))


def previous(finding: Finding) -> dict[str, Any]:
    """The project's window item as it is now (empty before its first run)."""
    return TABLE.get_item(Key={"project": finding.project}, ConsistentRead=True).get("Item", {})


def window_for(finding: Finding, item: dict[str, Any], now: int) -> tuple[str | None, str]:
    """(since, until) of this run: from the last run's `fresh_until` to this hour; a redelivered
    finding keeps the window it claimed, so its retry lists the same files."""
    if item.get("event_id") == finding.event_id and item.get("fresh_until"):
        return item.get("fresh_since"), item["fresh_until"]
    return item.get("fresh_until"), _hour(now)


def claim(finding: Finding, now: int, since: str | None, until: str) -> bool:
    """Take the project's window, with this run's data bounds, unless a run started within it."""
    item = {
        "project": finding.project,
        "window_ends": now + finding.window_seconds,
        "event_id": finding.event_id,
        "fresh_until": until,
    }
    if since:
        item["fresh_since"] = since
    try:
        TABLE.put_item(
            Item=item,
            ConditionExpression="attribute_not_exists(#project) OR window_ends <= :now OR event_id = :event",
            ExpressionAttributeNames={"#project": "project"},
            ExpressionAttributeValues={":now": now, ":event": finding.event_id},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(finding: Finding, before: dict[str, Any]) -> None:
    """Give the window (and the watermark) back as it was, if it is still this finding's."""
    mine = {
        "ConditionExpression": "event_id = :event",
        "ExpressionAttributeValues": {":event": finding.event_id},
    }
    try:
        if before and before.get("event_id") != finding.event_id:
            TABLE.put_item(Item=before, **mine)
        else:
            TABLE.delete_item(Key={"project": finding.project}, **mine)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def _skipped(finding: Finding, reason: str) -> Result:
    logger.info(f"nothing started: {reason}", extra={"event_id": finding.event_id})
    return {"status": "skipped", "reason": reason, "execution_arn": None}


def retrain(finding: Finding, now: int) -> Result:
    before = previous(finding)
    since, until = window_for(finding, before, now)
    if not claim(finding, now, since, until):
        return _skipped(
            finding, f"{finding.project} retrained within the last {finding.window_seconds // 3600} h"
        )
    try:
        data = fresh_data(finding, since, until)
        if not data.captures or not data.labels:
            release(finding, before)
            missing = "captured requests" if not data.captures else "labels"
            return _skipped(finding, f"no {missing} in prod's feedback since {since or 'the start'}")
        manifest = write_manifest(finding, data)
        arn = SAGEMAKER.start_pipeline_execution(
            PipelineName=finding.pipeline,
            PipelineExecutionDescription=f"Retraining on a prod drift finding (event {finding.event_id})",
            PipelineParameters=[{"Name": MANIFEST_PARAMETER, "Value": manifest}],
            ClientRequestToken=finding.event_id,
        )["PipelineExecutionArn"]
    except ClientError:
        release(finding, before)
        raise
    logger.info(
        "retraining started",
        extra={
            "pipeline": finding.pipeline,
            "execution_arn": arn,
            "manifest": manifest,
            "captures": len(data.captures),
            "labels": len(data.labels),
        },
    )
    reason = (
        f"drift finding {finding.event_id}: {len(data.captures)} capture file(s) of the hours "
        f"{since or 'start'}..{until} and {len(data.labels)} label file(s), listed in {manifest}"
    )
    return {"status": "started", "reason": reason, "execution_arn": arn}


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> Result:
    try:
        finding = parse(event)
    except Malformed as error:
        logger.warning(f"malformed input, nothing started: {error}")
        return {"status": "skipped", "reason": f"malformed input: {error}", "execution_arn": None}
    return retrain(finding, int(time.time()))
