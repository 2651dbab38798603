"""Resolve: check that the package the pipeline was started with may be promoted, and say what it is.

Whoever started the pipeline (the approval trigger, or a person with a typo), only an Approved
version of this project's group, carrying the drift-check baselines prod monitoring needs, goes on,
and only once the test and prod stages are deployed (their serving stacks hold the check roles this
step assumes, and the shared network and key stacks the serving templates import): promoting
before that would fail half-way, in DeployTest or DeployProd.

Environment: MODEL_PACKAGE_ARN, MODEL_PACKAGE_GROUP, AWS_REGION, TEST_CHECK_ROLE_ARN, TEST_STACK,
PROD_CHECK_ROLE_ARN, PROD_STACK, CARD_WAIT_SECONDS (default 300; `model_card_check`), and the
champion check's (`champion.py`).
Stdout: MODEL_PACKAGE_VERSION, BASELINE_STATISTICS_URI, BASELINE_CONSTRAINTS_URI, QUALITY_SUMMARY,
CHAMPION_SUMMARY, and the model-quality, bias and explainability baselines (`registered_checks.py`).

    python3 steps/resolve_package.py > resolved.env
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import boto3
from botocore.exceptions import ClientError

try:
    from . import champion, common, model_card_check, registered_checks  # as a package module (tests)
except ImportError:
    import champion  # run as a script: Python puts this folder first on sys.path
    import common
    import model_card_check
    import registered_checks

NO_METRICS = "metrics not available"


def check_arn(arn: str, group: str, region: str) -> None:
    """Refuse before any AWS call when the ARN cannot be a version of this project's group."""
    match = common.PACKAGE_ARN.fullmatch(arn)
    if not match:
        raise common.StepError(
            f"MODEL_PACKAGE_ARN {arn!r} is not a versioned model package ARN "
            "(arn:aws:sagemaker:REGION:ACCOUNT:model-package/GROUP/VERSION); fix: start the pipeline with one"
        )
    if match.group(3).lower() != group.lower():
        raise common.StepError(
            f"{arn} is a version of group {match.group(3)}, not of this project's group {group}; "
            "fix: start this project's pipeline with one of its own packages"
        )
    if match.group(1) != region:
        raise common.StepError(
            f"{arn} is in {match.group(1)}, not in the registry's region {region}; "
            f"fix: start the pipeline with a {region} package"
        )


def describe(sagemaker, arn: str) -> dict:
    try:
        return sagemaker.describe_model_package(ModelPackageName=arn)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ValidationException", "ResourceNotFound"):
            raise common.StepError(
                f"model package {arn} does not exist; fix: start the pipeline with an existing version"
            ) from None
        raise


def check_package(package: dict, group: str) -> tuple[str, str]:
    """The package's (statistics, constraints) baseline URIs, once it is cleared for promotion."""
    arn = package["ModelPackageArn"]
    if package.get("ModelPackageGroupName") != group:
        raise common.StepError(
            f"{arn} belongs to group {package.get('ModelPackageGroupName')}, not {group}; "
            "fix: start this project's pipeline with one of its own packages"
        )
    status = package.get("ModelApprovalStatus")
    if status != "Approved":
        raise common.StepError(
            f"{arn} is {status}, and only Approved packages deploy; "
            "fix: have it approved in the model registry (`mlp-promote approve`)"
        )
    quality = package.get("DriftCheckBaselines", {}).get("ModelDataQuality", {})
    statistics = quality.get("Statistics", {}).get("S3Uri")
    constraints = quality.get("Constraints", {}).get("S3Uri")
    if not (statistics and constraints):
        raise common.StepError(
            f"{arn} has no data-quality drift-check baselines (statistics and constraints), which prod "
            "monitoring needs; fix: register the version from the model-build pipeline, which adds them"
        )
    return statistics, constraints


def check_targets_deployed(sts, environ: Mapping[str, str]) -> None:
    """Each target account's serving stack exists: its check role, which trusts this step, can be assumed."""
    for target in ("TEST", "PROD"):
        role = common.env(environ, f"{target}_CHECK_ROLE_ARN")
        stack = common.env(environ, f"{target}_STACK")
        try:
            sts.assume_role(RoleArn=role, RoleSessionName="resolve-deploy-order")
        except ClientError as error:
            if error.response["Error"]["Code"] != "AccessDenied":
                raise
            raise common.StepError(
                f"{stack} is not deployed in account {role.split(':')[4]} (its check role {role} cannot be "
                "assumed); fix: deploy the test and prod stages before promoting "
                "(make deploy STAGE=test, then STAGE=prod; README, 'Bootstrap, diff, deploy')"
            ) from None


def quality_summary(s3, package: dict) -> str:
    """The registered quality metrics as one short line; never stops the step, the metrics are for people."""
    metrics = common.registered_metrics(s3, package)
    return ", ".join(f"{name} {value:.2f}" for name, value in metrics.items()) or NO_METRICS


def resolve(environ: Mapping[str, str], clock: common.Clock = common.Clock()) -> str:
    arn = common.env(environ, "MODEL_PACKAGE_ARN")
    group = common.env(environ, "MODEL_PACKAGE_GROUP")
    region = common.env(environ, "AWS_REGION")
    check_arn(arn, group, region)
    sagemaker = boto3.client("sagemaker", region_name=region)
    package = describe(sagemaker, arn)
    statistics, constraints = check_package(package, group)
    package = model_card_check.check_card(sagemaker, package, environ, clock)
    check_targets_deployed(boto3.client("sts", region_name=region), environ)
    s3 = boto3.client("s3", region_name=region)
    summary = quality_summary(s3, package)
    common.log(f"{arn}: Approved version {package['ModelPackageVersion']} of {group}; {summary}")
    against_champion = champion.compare(environ, sagemaker, s3, package)
    checks = registered_checks.registered_checks(package)
    if absent := registered_checks.absent(checks):
        common.log(f"not registered, so not monitored in prod: {', '.join(absent)}")
    return common.assignments(
        **checks,
        MODEL_PACKAGE_VERSION=package["ModelPackageVersion"],
        BASELINE_STATISTICS_URI=statistics,
        BASELINE_CONSTRAINTS_URI=constraints,
        QUALITY_SUMMARY=summary,
        CHAMPION_SUMMARY=against_champion,
    )


def main(environ: Mapping[str, str] | None = None, *, clock: common.Clock = common.Clock()) -> int:
    """`clock` is for tests."""
    return common.run("resolve_package", lambda: resolve(os.environ if environ is None else environ, clock))


if __name__ == "__main__":
    sys.exit(main())
