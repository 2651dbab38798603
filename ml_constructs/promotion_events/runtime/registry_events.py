"""Which "SageMaker Model Package State Change" events are registry decisions anyone may act on.

The promotion trigger and the audit trail both deploy this folder and read registry events only
through `read_decision`, so they cannot disagree: what one refuses, the other refuses too. A
decision is a change of a version's approval status to Approved or Rejected. SageMaker also emits
this event when only metadata of a version changes (ModelLifeCycle, ApprovalDescription,
CustomerMetadataProperties, ...); `UpdatedModelPackageFields` then lacks "ModelApprovalStatus".
A change of only the lifecycle stage (the promotion's own updates) is never a decision; the audit
trail records it apart, as stage history (`read_stage_change`).
Event shape: https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

SOURCE = "aws.sagemaker"
DETAIL_TYPE = "SageMaker Model Package State Change"
STATUS_FIELD = "ModelApprovalStatus"
LIFECYCLE_FIELD = "ModelLifeCycle"
STATUSES = ("Approved", "Rejected", "PendingManualApproval")  # exactly as the API spells them
DECISIONS = ("Approved", "Rejected")
_ACCOUNT = re.compile(r"\d{12}")
_PACKAGE_ARN = re.compile(r"arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package/([^/]+)/(\d+)")


class Refused(Exception):
    """Nothing may act on this event; the message says why, in one line."""


class Malformed(Refused):
    """The event does not have the documented shape, or contradicts itself."""


class NotADecision(Refused):
    """A well-formed event that is not an approval-status change of a project's version."""


@dataclass(frozen=True)
class Decision:
    event_id: str
    group: str
    package_arn: str
    version: int
    status: str  # one of DECISIONS
    modified_at: str | None  # the package's LastModifiedTime, as the event gives it


def _text(mapping: dict[str, Any], key: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value:
        raise Malformed(f"{key} is missing or not a non-empty string")
    return value


def _updated_fields(detail: dict[str, Any]) -> list[str]:
    fields = detail.get("UpdatedModelPackageFields", [])
    if not isinstance(fields, list) or not all(isinstance(field, str) for field in fields):
        raise Malformed("UpdatedModelPackageFields is not a list of field names")
    return fields


def _modified_at(detail: dict[str, Any]) -> str | None:
    value = detail.get("LastModifiedTime")
    if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
        raise Malformed("LastModifiedTime is neither a timestamp string nor a number")
    return None if value is None else str(value)


@dataclass(frozen=True)
class StageChange:
    """A version's lifecycle stage set (only ModelLifeCycle updated): a record, never a decision."""

    event_id: str
    group: str
    package_arn: str
    version: int
    stage: str
    stage_status: str
    description: str


def _package_event(
    event: Any, groups: Container[str]
) -> tuple[dict[str, Any], str, str, int, str, list[str]]:
    """The validated detail, event id, package ARN, version, approval status and updated fields."""
    if not isinstance(event, dict):
        raise Malformed(f"the event is a {type(event).__name__}, not a JSON object")
    if event.get("source") != SOURCE or event.get("detail-type") != DETAIL_TYPE:
        raise Malformed(f"not a {DETAIL_TYPE!r} event from {SOURCE}")
    event_id, region, account = _text(event, "id"), _text(event, "region"), _text(event, "account")
    if not _ACCOUNT.fullmatch(account):
        raise Malformed(f"account {account!r} is not a 12-digit account id")
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise Malformed("detail is missing or not a JSON object")
    group, arn = _text(detail, "ModelPackageGroupName"), _text(detail, "ModelPackageArn")
    match = _PACKAGE_ARN.fullmatch(arn)
    if not match or match.groups()[:3] != (region, account, group):
        raise Malformed(f"ModelPackageArn {arn!r} is not a version of group {group} in {account}/{region}")
    version, claimed = int(match.group(4)), detail.get("ModelPackageVersion")
    if type(claimed) is not int or claimed != version:
        raise Malformed(f"ModelPackageVersion {claimed!r} is not the version in {arn}")
    status = _text(detail, STATUS_FIELD)
    if status not in STATUSES:
        raise Malformed(f"{STATUS_FIELD} {status!r} is not one of {', '.join(STATUSES)}")
    updated = _updated_fields(detail)
    if group not in groups:
        raise NotADecision(f"group {group} belongs to no project")
    return detail, event_id, arn, version, status, updated


def read_decision(event: Any, groups: Container[str]) -> Decision:
    """The decision this event records on a version of one of `groups`; raises `Refused` otherwise."""
    detail, event_id, arn, version, status, updated = _package_event(event, groups)
    modified_at = _modified_at(detail)
    if status not in DECISIONS:
        raise NotADecision(f"status is {status}; only Approved or Rejected is a decision")
    if STATUS_FIELD not in updated:
        changed = ", ".join(updated) or "nothing listed"
        raise NotADecision(f"{STATUS_FIELD} did not change (updated: {changed})")
    return Decision(event_id, detail["ModelPackageGroupName"], arn, version, status, modified_at)


def read_stage_change(event: Any, groups: Container[str]) -> StageChange:
    """The lifecycle stage this event records, when ModelLifeCycle and not the approval changed."""
    detail, event_id, arn, version, _, updated = _package_event(event, groups)
    if LIFECYCLE_FIELD not in updated or STATUS_FIELD in updated:
        raise NotADecision(
            f"not a change of only the lifecycle stage (updated: {', '.join(updated) or 'nothing'})"
        )
    life_cycle = detail.get(LIFECYCLE_FIELD)
    if not isinstance(life_cycle, dict):
        raise Malformed(f"{LIFECYCLE_FIELD} is missing or not a JSON object")
    stage, stage_status = _text(life_cycle, "Stage"), _text(life_cycle, "StageStatus")
    description = life_cycle.get("StageDescription") or ""
    return StageChange(
        event_id, detail["ModelPackageGroupName"], arn, version, stage, stage_status, str(description)
    )
