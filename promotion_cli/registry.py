"""The project's model package group in the dev account: finding versions and changing their approval.

Allowed transitions, and why:
    approve  PendingManualApproval -> Approved   the normal path
             Rejected -> Approved                a reconsidered rejection; the comment records why
    reject   PendingManualApproval -> Rejected   the normal path
             Approved -> Rejected                withdraw an approval found wrong later; this stops
                                                 further promotions of it but does not undeploy it
Anything else (approving the Approved, rejecting the Rejected, a registration that did not complete)
is refused, so that every registry event records a real decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from operator_cli.aws import Aws
from operator_cli.errors import CliError

PENDING = "PendingManualApproval"
APPROVED = "Approved"
REJECTED = "Rejected"
ALLOWED_FROM = {APPROVED: (PENDING, REJECTED), REJECTED: (PENDING, APPROVED)}
VERB = {APPROVED: "approve", REJECTED: "reject"}


@dataclass(frozen=True)
class Package:
    """One model package version, as DescribeModelPackage reports it."""

    arn: str
    group: str
    version: int
    approval: str
    registration: str
    created: datetime
    metrics_uri: str | None

    @classmethod
    def from_description(cls, described: dict) -> Package:
        statistics = described.get("ModelMetrics", {}).get("ModelQuality", {}).get("Statistics", {})
        return cls(
            arn=described["ModelPackageArn"],
            group=described["ModelPackageGroupName"],
            version=described["ModelPackageVersion"],
            approval=described.get("ModelApprovalStatus", PENDING),
            registration=described["ModelPackageStatus"],
            created=described["CreationTime"],
            metrics_uri=statistics.get("S3Uri"),
        )


def get(aws: Aws, group: str, version: int) -> Package:
    """The version of the group, or a one-line refusal if the registry has no such version."""
    identity = aws.identity
    arn = f"arn:{aws.partition}:sagemaker:{aws.region}:{identity['Account']}:model-package/{group}/{version}"
    try:
        return Package.from_description(aws.client("sagemaker").describe_model_package(ModelPackageName=arn))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        raise CliError(
            f"model package group {group} has no version {version} in {aws.region}",
            "check the version number (`pending` lists versions awaiting approval)",
        ) from None


def pending(aws: Aws, group: str) -> list[Package]:
    """Versions awaiting a decision, newest first."""
    sagemaker = aws.client("sagemaker")
    pages = sagemaker.get_paginator("list_model_packages").paginate(
        ModelPackageGroupName=group,
        ModelApprovalStatus=PENDING,
        SortBy="CreationTime",
        SortOrder="Descending",
    )
    arns = [summary["ModelPackageArn"] for page in pages for summary in page["ModelPackageSummaryList"]]
    return [Package.from_description(sagemaker.describe_model_package(ModelPackageName=arn)) for arn in arns]


def decide(aws: Aws, package: Package, decision: str, comment: str) -> None:
    """Set the approval status with the officer's comment, if the transition is allowed."""
    name = f"{package.group} version {package.version}"
    if package.registration != "Completed":
        raise CliError(
            f"{name} is {package.registration}, not a completed registration",
            "wait until its registration completes, or register the model again",
        )
    if package.approval not in ALLOWED_FROM[decision]:
        raise CliError(
            f"cannot {VERB[decision]} {name}: it is {package.approval}",
            f"pick a version that is {' or '.join(ALLOWED_FROM[decision])} (see `pending`)",
        )
    aws.change(
        "sagemaker",
        "update_model_package",
        ModelPackageArn=package.arn,
        ModelApprovalStatus=decision,
        ApprovalDescription=comment,
    )
