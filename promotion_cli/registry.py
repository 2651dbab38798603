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


def arn(aws: Aws, account_id: str, group: str, version: int) -> str:
    """The version's ARN, known without a call: a dry run names it in the call it prints."""
    return f"arn:{aws.partition}:sagemaker:{aws.region}:{account_id}:model-package/{group}/{version}"


def get(aws: Aws, package_arn: str) -> Package:
    """The version, or a one-line refusal if the registry has no such version."""
    try:
        described = aws.client("sagemaker").describe_model_package(ModelPackageName=package_arn)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        group, version = package_arn.rsplit("/", 2)[-2:]
        raise CliError(
            f"model package group {group} has no version {version} in {aws.region}",
            "check the version number (`pending` lists versions awaiting approval)",
        ) from None
    return Package.from_description(described)


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


def check_decision(package: Package, decision: str) -> None:
    """Refuse what is not a real decision on a completed registration (the table above)."""
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


def decide(aws: Aws, package_arn: str, decision: str, comment: str) -> None:
    """Set the approval status, with the officer's comment."""
    aws.change(
        "sagemaker",
        "update_model_package",
        ModelPackageArn=package_arn,
        ModelApprovalStatus=decision,
        ApprovalDescription=comment,
    )
