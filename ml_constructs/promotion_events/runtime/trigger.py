"""Starts a project's promotion pipeline when a compliance officer approves a model package version.

Target of an EventBridge rule on "SageMaker Model Package State Change". Only a change of a known
project's version to Approved starts anything (`registry_events`, shared with the audit trail);
everything else, including metadata-only updates of an Approved version, is ignored with one log
line and a result saying why; malformed input never raises. AWS failures do raise, so that Lambda's
asynchronous retries run, and the retries are safe (see `promote`).

Settings (read once, at cold start; a bad value stops the function with a message naming it): the
projects, from `projects.json` beside the handler (`projects.py`), and from the environment:
    IDEMPOTENCY_TABLE  DynamoDB table for Powertools idempotency (partition key `id`, string;
                       TTL attribute `expiration`)
"""

from __future__ import annotations

import os
import uuid
from typing import Any, TypedDict

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from projects import ConfigurationError, load_projects
from registry_events import Malformed, NotADecision, read_decision

APPROVED = "Approved"
PIPELINE_VARIABLE = "ModelPackageArn"
# EventBridge retries a delivery for up to 24 hours; keep the record of an approval for twice that.
IDEMPOTENCY_EXPIRY_SECONDS = 48 * 60 * 60

logger = Logger(service="promotion-trigger")


class Result(TypedDict):
    """What the invocation did, for the Lambda's own record and for tests."""

    status: str  # "started" or "ignored"
    reason: str
    execution_id: str | None


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} must be set to the name of a DynamoDB table; it is empty or unset")
    return value


# Model package group -> its project's promotion pipeline.
PROJECTS = {project.group: project.pipeline for project in load_projects()}
IDEMPOTENCY = IdempotencyConfig(
    event_key_jmespath="[model_package_arn, approved_at]",
    expires_after_seconds=IDEMPOTENCY_EXPIRY_SECONDS,
)
PERSISTENCE = DynamoDBPersistenceLayer(table_name=_required("IDEMPOTENCY_TABLE"))
SAGEMAKER = boto3.client("sagemaker")
CODEPIPELINE = boto3.client("codepipeline")


def _ignored(reason: str, **context: Any) -> Result:
    logger.info(f"nothing started: {reason}", extra=context)
    return {"status": "ignored", "reason": reason, "execution_id": None}


def _request_token(approval: dict[str, str]) -> str:
    """CodePipeline's own retry guard: the same approval always yields the same token."""
    identity = f"{approval['model_package_arn']}#{approval['approved_at']}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity))


@idempotent_function(
    data_keyword_argument="approval",
    persistence_store=PERSISTENCE,
    config=IDEMPOTENCY,
    key_prefix="promotion-trigger.approval",
)
def promote(approval: dict[str, str]) -> Result:
    """Re-check the package, then start its promotion pipeline: at most once per approval.

    The idempotency key is the package ARN plus the package's LastModifiedTime from the event, not
    the event id. An event id identifies one delivery envelope; SageMaker documents that it may send
    several events for one state change, each with its own id, and all of them describe the same
    approval (same ARN, same modification time). Keying on what the officer did collapses both
    EventBridge redeliveries and such duplicates into one execution, while a later re-approval of the
    same version (a new modification time) deploys again, as it should. Only when an event carries
    no LastModifiedTime does `approved_at` fall back to the event id, which still absorbs redeliveries.
    """
    arn = approval["model_package_arn"]
    try:
        package = SAGEMAKER.describe_model_package(ModelPackageName=arn)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ValidationException", "ResourceNotFound"):
            return _ignored("the model package no longer exists", model_package_arn=arn)
        raise
    status = package.get("ModelApprovalStatus")
    if status != APPROVED:
        return _ignored(f"the package is {status} now; the approval event is stale", model_package_arn=arn)
    containers = package.get("InferenceSpecification", {}).get("Containers", [])
    if not containers or not containers[0].get("Image") or not containers[0].get("ModelDataUrl"):
        return _ignored("the package has no inference image and model data to deploy", model_package_arn=arn)
    facts = {
        "model_package_arn": arn,
        "model_package_version": package.get("ModelPackageVersion"),
        "image": containers[0]["Image"],
        "model_data_url": containers[0]["ModelDataUrl"],
        "model_metrics": package.get("ModelMetrics", {}),
        "drift_check_baselines": package.get("DriftCheckBaselines", {}),
    }
    if not facts["drift_check_baselines"]:
        logger.warning("the package registers no drift-check baselines; monitoring in prod will lack them")
    execution_id = CODEPIPELINE.start_pipeline_execution(
        name=approval["pipeline"],
        variables=[{"name": PIPELINE_VARIABLE, "value": arn}],
        clientRequestToken=_request_token(approval),
    )["pipelineExecutionId"]
    facts |= {"pipeline": approval["pipeline"], "execution_id": execution_id}
    logger.info("promotion started", extra=facts)
    return {"status": "started", "reason": f"{arn} is Approved", "execution_id": execution_id}


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> Result:
    try:
        decision = read_decision(event, PROJECTS)
    except Malformed as error:
        logger.warning(f"malformed event, nothing started: {error}")
        return {"status": "ignored", "reason": f"malformed event: {error}", "execution_id": None}
    except NotADecision as error:
        return _ignored(str(error))
    if decision.status != APPROVED:
        reason = f"status is {decision.status}; only Approved deploys"
        return _ignored(reason, model_package_arn=decision.package_arn)
    IDEMPOTENCY.register_lambda_context(context)
    approval = {
        "model_package_arn": decision.package_arn,
        "approved_at": decision.modified_at or f"event:{decision.event_id}",
        "pipeline": PROJECTS[decision.group],
    }
    try:
        return promote(approval=approval)
    except IdempotencyAlreadyInProgressError:
        return _ignored("the same approval is being handled by another invocation", **approval)
