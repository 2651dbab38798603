"""Records every registry decision and every promotion-gate answer in the audit table, and the same
record as a JSON object in the Object Lock bucket that nobody can rewrite; and, apart from the
decisions (kind `lifecycle-stage`), every lifecycle stage the promotion sets: the stage history.

Target of two EventBridge rules: "SageMaker Model Package State Change" (a registry decision: a
version's approval status changed to Approved or Rejected, as `registry_events` decides for the
trigger too) and "CodePipeline Action Execution State Change" for the manual approval action (the
gate before prod). One item per event, keyed so that a redelivered event rewrites nothing: the sort
key is the event's own time and id, and the put is conditional on that key being new. Malformed or
foreign events, metadata-only updates and answers for executions CodePipeline does not know are
logged and skipped, never raised; other AWS failures raise so that Lambda's retries run.

The locked copy is written first, with `If-None-Match: *` (S3 conditional writes): a redelivery finds
it there (412) and goes on to the table, so a failure between the two writes is healed by the retry
and neither store ever holds a second version of one decision. S3 requires a checksum header on
writes to an Object Lock bucket; boto3 sends a CRC32 checksum by default.

Settings (read once, at cold start; a bad value stops the function with a message naming it): the
projects, from `projects.json` beside the handler (`projects.py`), and from the environment:
    AUDIT_TABLE   the audit DynamoDB table (partition key `project`, sort key `recorded_at`, strings)
    AUDIT_BUCKET  the Object Lock bucket; records go to decisions/<project>/<time>_<event id>.json
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from model_cards import with_decision
from projects import ConfigurationError, load_projects
from registry_events import DETAIL_TYPE as REGISTRY_EVENT
from registry_events import NotADecision, Refused, read_decision, read_stage_change

GATE_EVENT = "CodePipeline Action Execution State Change"
# A manual approval action ends SUCCEEDED when approved and FAILED when rejected (or timed out).
GATE_DECISIONS = {"SUCCEEDED": "Approved", "FAILED": "Rejected"}
# What CodePipeline answers for a pipeline or execution it does not know: a retry cannot help.
UNKNOWN_EXECUTION = ("PipelineNotFoundException", "PipelineExecutionNotFoundException")
UNKNOWN = "unknown"
# The promotion pipeline's Resolve stage and action, and its output variable comparing with prod.
RESOLVE, CHAMPION = "Resolve", "CHAMPION_SUMMARY"
DECISIONS_PREFIX = "decisions"  # the recorder may write only under it (ml_constructs/audit_ledger.py)

logger = Logger(service="audit-trail")


class Skipped(Refused):
    """The event is malformed or not an answer this trail records (registry events: `read_decision`)."""


def _setting(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} must be set to {what}; it is empty or unset")
    return value


_PROJECTS = load_projects()
GROUPS = {project.group: project.name for project in _PROJECTS}
PIPELINES = {project.pipeline: project.name for project in _PROJECTS}
TABLE = boto3.resource("dynamodb").Table(_setting("AUDIT_TABLE", "the audit table's name"))
BUCKET = _setting("AUDIT_BUCKET", "the audit-records bucket's name")
S3 = boto3.client("s3")
SAGEMAKER = boto3.client("sagemaker")
CODEPIPELINE = boto3.client("codepipeline")


def _field(mapping: Any, key: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value:
        raise Skipped(f"{key} is missing or not a non-empty string")
    return value


def _recorded_at(event: dict[str, Any]) -> str:
    """The event's time in UTC ISO-8601, then its id: sorts by time, unique, stable across retries."""
    try:
        moment = datetime.fromisoformat(_field(event, "time").replace("Z", "+00:00"))
    except ValueError:
        raise Skipped("time is not an ISO-8601 timestamp") from None
    if moment.tzinfo is None:
        raise Skipped("time has no time zone")
    utc = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{utc}#{_field(event, 'id')}"


def _version(arn: str) -> int:
    tail = arn.rsplit("/", 1)[-1]
    if ":model-package/" not in arn or not tail.isdigit():
        raise Skipped(f"{arn!r} is not a versioned model package ARN")
    return int(tail)


def _who(context: dict[str, Any]) -> str:
    """The IAM principal behind a registry change, or the Studio user profile when that is all there is."""
    iam = context.get("IamIdentity") or {}
    return iam.get("Arn") or context.get("UserProfileName") or UNKNOWN


def record_in_card(package: dict[str, Any], item: dict[str, Any], decided_at: str) -> None:
    """Write the decision into the version's model card (`model_cards`), once."""
    card = package.get("ModelCard")
    if not card:
        logger.warning("the version has no model card (registered outside the model-build pipeline?)")
        return
    decision = {
        "decision": item["decision"],
        "decided_by": item["decided_by"],
        "decided_at": decided_at,
        "decision_comment": item["comment"],
    }
    updated = with_decision(card, decision)
    if updated is None:
        logger.info("the model card records this decision already, or is archived")
        return
    SAGEMAKER.update_model_package(ModelPackageArn=item["model_package_arn"], ModelCard=updated)


def _package_or_none(arn: str) -> dict | None:
    """The version as DescribeModelPackage gives it, or None if it is gone (ValidationException)."""
    try:
        return SAGEMAKER.describe_model_package(ModelPackageName=arn)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        return None


def stage_change(event: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle stage set on a version (the promotion's MarkStaging and MarkProduction): stage
    history, kind `lifecycle-stage`, never a decision; attributed when the stage is still the one set."""
    change = read_stage_change(event, GROUPS)
    stage = f"{change.stage}/{change.stage_status}"
    item = {
        "project": GROUPS[change.group],
        "kind": "lifecycle-stage",
        "model_package_arn": change.package_arn,
        "model_package_version": change.version,
        "stage": stage,
        "decided_by": UNKNOWN,
        "comment": change.description,
    }
    package = _package_or_none(change.package_arn)
    if package is None:
        return item
    now = package.get("ModelLifeCycle") or {}
    if (now.get("Stage"), now.get("StageStatus")) == (change.stage, change.stage_status):
        item["decided_by"] = _who(package.get("LastModifiedBy") or {})
    return item


def registry_event(event: dict[str, Any]) -> dict[str, Any]:
    """A decision, or else a stage change; anything else is refused as not a decision."""
    try:
        return registry_decision(event)
    except NotADecision as not_a_decision:
        try:
            return stage_change(event)
        except NotADecision:
            raise not_a_decision from None


def registry_decision(event: dict[str, Any]) -> dict[str, Any]:
    """An approval status set on a model package version, attributed from DescribeModelPackage, and
    written into its model card."""
    decision = read_decision(event, GROUPS)
    item = {
        "project": GROUPS[decision.group],
        "kind": "registry-decision",
        "model_package_arn": decision.package_arn,
        "model_package_version": decision.version,
        "decision": decision.status,
        "decided_by": UNKNOWN,
        "comment": "",
    }
    package = _package_or_none(decision.package_arn)
    if package is None:
        logger.warning("the package no longer exists; recording the decision without its author")
        return item
    # The package may have changed again since this event; its author then is not this decision's.
    if package.get("ModelApprovalStatus") == decision.status:
        item["decided_by"] = _who(package.get("LastModifiedBy") or package.get("CreatedBy") or {})
        item["comment"] = package.get("ApprovalDescription", "")
        record_in_card(package, item, _recorded_at(event).split("#")[0])
    return item


def _action_runs(pipeline: str, execution_id: str) -> list[dict[str, Any]]:
    pages = CODEPIPELINE.get_paginator("list_action_executions").paginate(
        pipelineName=pipeline, filter={"pipelineExecutionId": execution_id}
    )
    return [run for page in pages for run in page["actionExecutionDetails"]]


def _latest(runs: list[dict[str, Any]], stage: str, action: str) -> dict[str, Any]:
    """The latest run of an action in this pipeline execution (a retried stage re-runs it)."""
    return max(
        (run for run in runs if run.get("stageName") == stage and run.get("actionName") == action),
        key=lambda run: str(run.get("lastUpdateTime", "")),
        default={},
    )


def gate_decision(event: dict[str, Any]) -> dict[str, Any]:
    """An answer to the manual approval before prod, attributed from ListActionExecutions."""
    if event.get("source") != "aws.codepipeline":
        raise Skipped("a pipeline action state change not from aws.codepipeline")
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise Skipped("detail is missing or not a JSON object")
    pipeline = _field(detail, "pipeline")
    project = PIPELINES.get(pipeline)
    if project is None:
        raise Skipped(f"pipeline {pipeline} belongs to no project")
    if not isinstance(detail.get("type"), dict) or detail["type"].get("category") != "Approval":
        raise Skipped("the action is not a manual approval")
    decision = GATE_DECISIONS.get(_field(detail, "state"))
    if decision is None:
        raise Skipped(f"state {detail['state']} is not an approval decision")
    execution_id, stage, action = (_field(detail, key) for key in ("execution-id", "stage", "action"))
    try:
        execution = CODEPIPELINE.get_pipeline_execution(
            pipelineName=pipeline, pipelineExecutionId=execution_id
        )
        runs = _action_runs(pipeline, execution_id)
    except ClientError as error:
        if error.response["Error"]["Code"] not in UNKNOWN_EXECUTION:
            raise
        raise Skipped(f"CodePipeline does not know execution {execution_id} of {pipeline}") from None
    run = _latest(runs, stage, action)
    variables = execution["pipelineExecution"].get("variables", [])
    arn = next((v.get("resolvedValue", "") for v in variables if v.get("name") == "ModelPackageArn"), "")
    result = run.get("output", {}).get("executionResult", {})
    # The approver's summary; for an approval that timed out, CodePipeline's reason.
    comment = result.get("externalExecutionSummary") or result.get("errorDetails", {}).get("message", "")
    # Resolve's comparison with prod's champion: what the officer was shown at this gate.
    resolved = _latest(runs, RESOLVE, RESOLVE).get("output", {}).get("outputVariables", {})
    champion = {"champion_comparison": resolved[CHAMPION]} if resolved.get(CHAMPION) else {}
    return champion | {
        "project": project,
        "kind": "promotion-gate",
        "model_package_arn": arn,
        "model_package_version": _version(arn),
        "decision": decision,
        "decided_by": run.get("updatedBy") or UNKNOWN,
        "comment": comment,
        "pipeline_execution_id": execution_id,
    }


READERS = {REGISTRY_EVENT: registry_event, GATE_EVENT: gate_decision}


def ledger_key(item: dict[str, Any]) -> str:
    """decisions/<project>/<UTC time>_<event id>.json: sorted by time, one object per event."""
    moment, event_id = item["recorded_at"].split("#", 1)
    return f"{DECISIONS_PREFIX}/{item['project']}/{moment}_{event_id}.json"


def lock(item: dict[str, Any]) -> None:
    """The record, once, under Object Lock; a copy already there (a redelivery) is left as it is."""
    try:
        S3.put_object(
            Bucket=BUCKET,
            Key=ledger_key(item),
            Body=json.dumps(item, sort_keys=True, default=str).encode(),
            ContentType="application/json",
            IfNoneMatch="*",
            # S3 refuses a PutObject without an integrity checksum into a bucket with default Object
            # Lock retention ("Content-MD5 ... header required"); the runtime's SDK may not add one.
            ChecksumAlgorithm="SHA256",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("PreconditionFailed", "412"):
            raise
        logger.info("the locked copy exists already: a redelivery of the same event")


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> dict[str, str]:
    try:
        if not isinstance(event, dict) or event.get("detail-type") not in READERS:
            raise Skipped("not a model package state change nor a pipeline action state change")
        key = _recorded_at(event)
        item = READERS[event["detail-type"]](event) | {"recorded_at": key, "event_id": event["id"]}
    except Refused as reason:
        logger.warning(f"nothing recorded: {reason}")
        return {"status": "skipped", "reason": str(reason)}
    lock(item)
    try:
        TABLE.put_item(Item=item, ConditionExpression="attribute_not_exists(recorded_at)")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        logger.info("already recorded: a redelivery of the same event", extra={"recorded_at": key})
        return {"status": "duplicate", "project": item["project"], "recorded_at": key}
    logger.info(f"{item['kind']} recorded", extra=item)
    return {"status": "recorded", "project": item["project"], "recorded_at": key}
