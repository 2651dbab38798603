"""Starts a project's model-build pipeline on a drift finding from prod, at most once per window.

Target of the project's drift rule on the dev monitoring bus, with an input the rule builds: which
project, its model-build pipeline and its window (from config, at synth), and the finding's event
id and time. Hourly monitoring reports the same drift every hour; without a window each report
would start a full pipeline run and register one more Pending version.

The window is one DynamoDB item per project: a conditional put claims it (two findings at once
start one run), and a start that fails gives the claim back before raising, so that the retry
(Lambda's, then EventBridge's, then the dead-letter queue) can claim it again. The finding's event
id is the pipeline's ClientRequestToken, so a retried start starts nothing twice.

Environment (read once, at cold start; a bad value stops the function with a message naming it):
    WINDOWS_TABLE    DynamoDB table (partition key `project`, string)
    PIPELINE_PREFIX  the platform's prefix: only `<prefix><project>-model-build` pipelines start
"""

from __future__ import annotations

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


def _environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} must be set (see the module docstring); it is empty or unset")
    return value


TABLE = boto3.resource("dynamodb").Table(_environment("WINDOWS_TABLE"))
PIPELINE_PREFIX = _environment("PIPELINE_PREFIX")
SAGEMAKER = boto3.client("sagemaker")


def parse(event: Any) -> Finding:
    """The rule's input, checked; raises `Malformed` naming what is wrong."""
    if not isinstance(event, dict):
        raise Malformed(f"the input is a {type(event).__name__}, not a JSON object")
    fields = {}
    for name in ("project", "pipeline", "event_id"):
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
    hours = event.get("window_hours")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_WINDOW_HOURS:
        raise Malformed(f"window_hours {hours!r} is not a whole number of hours from 1 to {MAX_WINDOW_HOURS}")
    return Finding(fields["project"], fields["pipeline"], hours * 3600, fields["event_id"])


def claim(finding: Finding, now: int) -> bool:
    """Take the project's window, unless a run started within it."""
    try:
        TABLE.put_item(
            Item={
                "project": finding.project,
                "window_ends": now + finding.window_seconds,
                "event_id": finding.event_id,
            },
            ConditionExpression="attribute_not_exists(#project) OR window_ends <= :now OR event_id = :event",
            ExpressionAttributeNames={"#project": "project"},
            ExpressionAttributeValues={":now": now, ":event": finding.event_id},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(finding: Finding) -> None:
    """Give the window back after a failed start, if it is still this finding's."""
    try:
        TABLE.delete_item(
            Key={"project": finding.project},
            ConditionExpression="event_id = :event",
            ExpressionAttributeValues={":event": finding.event_id},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def retrain(finding: Finding, now: int) -> Result:
    if not claim(finding, now):
        reason = f"{finding.project} retrained within the last {finding.window_seconds // 3600} h"
        logger.info(f"nothing started: {reason}", extra={"event_id": finding.event_id})
        return {"status": "skipped", "reason": reason, "execution_arn": None}
    try:
        arn = SAGEMAKER.start_pipeline_execution(
            PipelineName=finding.pipeline,
            PipelineExecutionDescription=f"Retraining on a prod drift finding (event {finding.event_id})",
            ClientRequestToken=finding.event_id,
        )["PipelineExecutionArn"]
    except ClientError:
        release(finding)
        raise
    logger.info("retraining started", extra={"pipeline": finding.pipeline, "execution_arn": arn})
    return {"status": "started", "reason": f"drift finding {finding.event_id}", "execution_arn": arn}


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> Result:
    try:
        finding = parse(event)
    except Malformed as error:
        logger.warning(f"malformed input, nothing started: {error}")
        return {"status": "skipped", "reason": f"malformed input: {error}", "execution_arn": None}
    return retrain(finding, int(time.time()))
