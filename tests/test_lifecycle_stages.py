"""Lifecycle stages the promotion drives (`steps/set_stage.py`), and the events they cause.

moto 5.2.5 neither stores `ModelLifeCycle` nor returns it, so the step runs against a Stubber that
expects exactly the calls it must make, answering with the recorded DescribeModelPackage
(tests/recorded/registry/). The events are "Model Package State Change" in AWS's documented shape
(tests/events/): each update the pipeline makes must start no promotion and record no decision.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from moto.events.models import EventPattern

from ml_constructs.promotion_pipeline.steps import set_stage
from tests.events import lifecycle_event
from tests.recorded import recorded

REGION = "eu-west-1"
GROUP = "mlplatform-churn"
ARN = f"arn:aws:sagemaker:{REGION}:111111111111:model-package/{GROUP}/{{}}"


def environment(stage: str, version: int = 4) -> dict[str, str]:
    return {
        "STAGE": stage,
        "MODEL_PACKAGE_ARN": ARN.format(version),
        "MODEL_PACKAGE_GROUP": GROUP,
        "AWS_REGION": REGION,
        "PIPELINE_EXECUTION_ID": "exec-1",
    }


def described(version: int, stage: str | None) -> dict:
    package = recorded("registry", "describe_model_package")
    package |= {"ModelPackageVersion": version, "ModelPackageArn": ARN.format(version)}
    if stage is None:
        del package["ModelLifeCycle"]
    else:
        package["ModelLifeCycle"] = set_stage.life_cycle(stage, "earlier")
    return package


@pytest.fixture
def sagemaker(monkeypatch):
    client = boto3.client(
        "sagemaker", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stubber = Stubber(client)
    monkeypatch.setattr(boto3, "client", lambda name, **kw: client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def expect_update(stubber: Stubber, version: int, stage: str, description: str) -> None:
    stubber.add_response(
        "update_model_package",
        {"ModelPackageArn": ARN.format(version)},
        {"ModelPackageArn": ARN.format(version), "ModelLifeCycle": set_stage.life_cycle(stage, description)},
    )


def expect_versions(stubber: Stubber, packages: list[dict]) -> None:
    stubber.add_response(
        "list_model_packages",
        {
            "ModelPackageSummaryList": [
                {
                    "ModelPackageArn": p["ModelPackageArn"],
                    "ModelPackageGroupName": GROUP,
                    "ModelPackageVersion": p["ModelPackageVersion"],
                    "CreationTime": p["CreationTime"],
                    "ModelPackageStatus": "Completed",
                    "ModelApprovalStatus": "Approved",
                }
                for p in packages
            ]
        },
        {"ModelPackageGroupName": GROUP, "ModelApprovalStatus": "Approved"},
    )
    for package in packages:
        stubber.add_response(
            "describe_model_package", package, {"ModelPackageName": package["ModelPackageArn"]}
        )


def test_deployed_to_test_is_staging(sagemaker, capsys):
    expect_update(sagemaker, 4, "Staging", "deployed to test by promotion exec-1")
    assert set_stage.main(environment("Staging")) == 0
    assert capsys.readouterr().out == ""


def test_verified_in_prod_is_production_and_the_version_it_replaced_is_archived(sagemaker):
    expect_update(sagemaker, 4, "Production", "serving in prod, verified by promotion exec-1")
    expect_versions(
        sagemaker, [described(4, "Production"), described(3, "Production"), described(2, "Archived")]
    )
    expect_update(sagemaker, 3, "Archived", "replaced in prod by version 4")
    assert set_stage.main(environment("Production")) == 0


def test_a_rollback_archives_the_newer_version_it_rolled_back_from(sagemaker):
    expect_update(sagemaker, 2, "Production", "serving in prod, verified by promotion exec-1")
    expect_versions(sagemaker, [described(3, "Production"), described(2, "Production"), described(1, None)])
    expect_update(sagemaker, 3, "Archived", "rolled back from in prod by version 2")
    assert set_stage.main(environment("Production", version=2)) == 0


def test_a_stage_the_pipeline_does_not_set_is_refused_before_any_call(sagemaker, capsys):
    assert set_stage.main(environment("Archived")) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "set_stage: STAGE must be one of Staging, Production, got 'Archived'; fix: correct it on the CodeBuild action"
    )


def test_aws_refusing_the_update_fails_the_step_in_one_line(sagemaker, capsys):
    sagemaker.add_client_error("update_model_package", "AccessDeniedException", "explicit deny")
    assert set_stage.main(environment("Staging")) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("set_stage: AWS refused UpdateModelPackage")


# --- the events these updates cause: never a promotion, never a decision -----------------------------


def stage_event(stage: str) -> dict:
    return lifecycle_event(set_stage.life_cycle(stage, "by the promotion"))


@pytest.mark.parametrize("stage", set_stage.STAGES)
def test_no_decision_rule_matches_a_stage_update_and_the_stage_history_rule_does(rules, stage):
    """The trigger's and the audit trail's decision rules stay quiet; only the stage history hears it."""
    event = stage_event(stage)
    assert not matches(rules["Approved versions"], event)
    assert not matches(rules["Approvals and rejections"], event)
    assert matches(rules["Lifecycle stages"], event)


def test_negative_control_the_same_event_reporting_an_approval_matches(rules):
    event = stage_event("Production")
    event["detail"]["UpdatedModelPackageFields"] = ["ModelApprovalStatus"]
    assert matches(rules["Approved versions"], event)
    assert not matches(rules["Lifecycle stages"], event)


def matches(pattern: dict, event: dict) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


@pytest.fixture(scope="module")
def rules(synthesized) -> dict[str, dict]:
    """The SageMaker rules of the trigger and the audit trail, by the start of their descriptions."""
    template = synthesized["dev/Promotion"].template
    found = {
        r["Properties"]["Description"]: r["Properties"]["EventPattern"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Events::Rule" and r["Properties"]["EventPattern"]["source"] == ["aws.sagemaker"]
    }
    named = {
        name: next(p for d, p in found.items() if d.startswith(name))
        for name in ("Approved versions", "Approvals and rejections", "Lifecycle stages")
    }
    assert len(found) == 3
    return named
