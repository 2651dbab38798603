"""MarkStaging and MarkProduction: the promoted version's lifecycle stage in the registry follows it.

    Staging     after DeployTest: deployed to test; the acceptance test and the prod gate are ahead
    Production  after VerifyProd: prod serves it, verified
    Archived    at the same time, for every other version of the group that was in Production:
                replaced by a newer version, or rolled back from (a rollback promotes an older one)

`UpdateModelPackage` with only `ModelLifeCycle` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelPackage.html,
https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-staging-construct-update-boto3.html):
the registry's policy lets this role set exactly these stages and never an approval, and only this
role set Production (`ml_constructs/model_package_group.py`). Each update emits a "Model Package
State Change" event listing only `ModelLifeCycle` in `UpdatedModelPackageFields`, which neither
starts a promotion nor is recorded as a decision (`promotion_events/runtime/registry_events.py`).

Environment: STAGE (Staging or Production), MODEL_PACKAGE_ARN, MODEL_PACKAGE_GROUP, AWS_REGION,
and for the description PIPELINE_EXECUTION_ID (the action passes `#{codepipeline.PipelineExecutionId}`).
Stdout: nothing.

    python3 steps/set_stage.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import boto3

try:
    from . import common  # imported as a package module (tests)
except ImportError:
    import common  # run as a script: Python puts this folder first on sys.path

# Stage -> its status: free text to SageMaker (1-63 of [a-zA-Z0-9-]); AWS's examples use these words.
STAGING, PRODUCTION, ARCHIVED = "Staging", "Production", "Archived"
STATUS = {STAGING: "InProgress", PRODUCTION: "Approved", ARCHIVED: "Retired"}
STAGES = tuple(STATUS)  # every stage this step sets: the IAM policies allow exactly these
SET_BY_PIPELINE = (STAGING, PRODUCTION)  # what STAGE may say; Archived follows from Production


def life_cycle(stage: str, description: str) -> dict[str, str]:
    # StageDescription: at most 1024 characters.
    return {"Stage": stage, "StageStatus": STATUS[stage], "StageDescription": description[:1024]}


def set_stage(sagemaker, arn: str, stage: str, description: str) -> None:
    sagemaker.update_model_package(ModelPackageArn=arn, ModelLifeCycle=life_cycle(stage, description))
    common.log(f"{arn}: {stage} ({description})")


def in_production(sagemaker, group: str) -> list[dict]:
    """Approved versions of the group whose stage is Production (only Approved ones ever deploy)."""
    pages = sagemaker.get_paginator("list_model_packages").paginate(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved"
    )
    arns = [summary["ModelPackageArn"] for page in pages for summary in page["ModelPackageSummaryList"]]
    described = [sagemaker.describe_model_package(ModelPackageName=arn) for arn in arns]
    return [p for p in described if p.get("ModelLifeCycle", {}).get("Stage") == PRODUCTION]


def retire_others(sagemaker, group: str, current: str) -> list[str]:
    """Archive every other Production version; says which, for the log."""
    version = int(common.version_of(current) or 0)
    archived = []
    for package in in_production(sagemaker, group):
        arn = package["ModelPackageArn"]
        if arn == current:
            continue
        why = "rolled back from" if package["ModelPackageVersion"] > version else "replaced"
        set_stage(sagemaker, arn, ARCHIVED, f"{why} in prod by version {version}")
        archived.append(arn)
    return archived


def mark(environ: Mapping[str, str]) -> str:
    stage = common.env(environ, "STAGE")
    if stage not in SET_BY_PIPELINE:
        raise common.StepError(
            f"STAGE must be one of {', '.join(SET_BY_PIPELINE)}, got {stage!r}; fix: correct it on the CodeBuild action"
        )
    arn = common.env(environ, "MODEL_PACKAGE_ARN")
    group = common.env(environ, "MODEL_PACKAGE_GROUP")
    region = common.env(environ, "AWS_REGION")
    execution = common.env(environ, "PIPELINE_EXECUTION_ID", "unknown")
    sagemaker = boto3.client("sagemaker", region_name=region)
    if stage == STAGING:
        set_stage(sagemaker, arn, STAGING, f"deployed to test by promotion {execution}")
    else:
        set_stage(sagemaker, arn, PRODUCTION, f"serving in prod, verified by promotion {execution}")
        retire_others(sagemaker, group, arn)
    return ""


def main(environ: Mapping[str, str] | None = None) -> int:
    return common.run("set_stage", lambda: mark(os.environ if environ is None else environ))


if __name__ == "__main__":
    sys.exit(main())
