"""The retraining loop: drift findings from prod notify people, and for projects that retrain start the
model-build pipeline at most once per window (issue 9, defect 9), losing no event on the way."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template
from moto import mock_aws

from tests.fakes import (
    ACCOUNT,
    REGION,
    assert_cold_start_refuses,
    fake_aws_environment,
    lambda_context,
    load_lambda,
)
from tests.templates import one
from tooling.synth import ROOT

HANDLER = ROOT / "ml_constructs" / "retraining_loop" / "runtime" / "retrain.py"
TABLE, PIPELINE = "retraining-windows", "mlplatform-churn-model-build"
CONTEXT = lambda_context("retraining-loop", "3b1c2d4e-0000-4000-8000-000000000001")
EVENT_ID = "6a7e8feb-b491-4cf7-a9f1-bf3703467718"
FINDING = {"project": "churn", "pipeline": PIPELINE, "window_hours": 24, "event_id": EVENT_ID}


@pytest.fixture
def aws(monkeypatch):
    fake_aws_environment(
        monkeypatch,
        AWS_LAMBDA_FUNCTION_NAME="retraining-loop",
        WINDOWS_TABLE=TABLE,
        PIPELINE_PREFIX="mlplatform-",
    )
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "project", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "project", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        boto3.client("sagemaker").create_pipeline(
            PipelineName=PIPELINE,
            PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}),
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{PIPELINE}",
        )
        yield


@pytest.fixture
def retrain(aws):
    return load_lambda(HANDLER, "retraining_loop_handler")


def executions() -> list[dict]:
    return boto3.client("sagemaker").list_pipeline_executions(PipelineName=PIPELINE)[
        "PipelineExecutionSummaries"
    ]


def test_a_finding_starts_one_run_and_claims_the_window(retrain):
    result = retrain.handler(FINDING, CONTEXT)
    assert result["status"] == "started"
    assert len(executions()) == 1
    item = boto3.resource("dynamodb").Table(TABLE).get_item(Key={"project": "churn"})["Item"]
    assert item["event_id"] == EVENT_ID


def test_hourly_findings_within_the_window_start_nothing_more(retrain, monkeypatch):
    clock = [1_800_000_000]
    monkeypatch.setattr(retrain.time, "time", lambda: clock[0])
    assert retrain.handler(FINDING, CONTEXT)["status"] == "started"
    for hour in range(1, 24):
        clock[0] += 3600
        later = FINDING | {"event_id": f"6a7e8feb-b491-4cf7-a9f1-{hour:012d}"}
        result = retrain.handler(later, CONTEXT)
        assert result == {
            "status": "skipped",
            "reason": "churn retrained within the last 24 h",
            "execution_arn": None,
        }
    assert len(executions()) == 1
    clock[0] += 3600  # the window has passed
    assert (
        retrain.handler(FINDING | {"event_id": "6a7e8feb-b491-4cf7-a9f1-000000000099"}, CONTEXT)["status"]
        == "started"
    )
    assert len(executions()) == 2


def test_a_redelivered_finding_may_reclaim_its_own_window(retrain):
    """Lambda and EventBridge retry: the same finding passes the claim; its token dedupes the start."""
    assert retrain.handler(FINDING, CONTEXT)["status"] == "started"
    assert retrain.handler(FINDING, CONTEXT)["status"] == "started"


def test_a_failed_start_gives_the_window_back_and_raises_for_the_retry(retrain):
    missing = FINDING | {"project": "gone", "pipeline": "mlplatform-gone-model-build"}
    with pytest.raises(Exception, match="StartPipelineExecution"):
        retrain.handler(missing, CONTEXT)
    assert "Item" not in boto3.resource("dynamodb").Table(TABLE).get_item(Key={"project": "gone"})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"pipeline": "mlplatform-fraud-model-build"}, "is not the project's model-build pipeline"),
        ({"pipeline": "someone-elses-pipeline"}, "is not the project's model-build pipeline"),
        ({"window_hours": 0}, "window_hours 0 is not a whole number of hours"),
        ({"window_hours": "24"}, "window_hours '24' is not a whole number of hours"),
        ({"window_hours": True}, "window_hours True is not a whole number of hours"),
        ({"event_id": "short"}, "is not an EventBridge event id"),
        ({"project": ""}, "project is missing"),
    ],
)
def test_malformed_input_starts_nothing(retrain, change, reason):
    result = retrain.handler(FINDING | change, CONTEXT)
    assert result["status"] == "skipped" and reason in result["reason"]
    assert executions() == []


def test_input_that_is_not_an_object_starts_nothing(retrain):
    assert (
        retrain.handler(["churn"], CONTEXT)["reason"]
        == "malformed input: the input is a list, not a JSON object"
    )
    assert executions() == []


@pytest.mark.parametrize("variable", ["WINDOWS_TABLE", "PIPELINE_PREFIX"])
def test_a_bad_environment_stops_the_cold_start(aws, monkeypatch, variable):
    assert_cold_start_refuses(
        monkeypatch, lambda: load_lambda(HANDLER, "retraining_loop_handler"), variable, None
    )


# --- the construct --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retraining_template(tmp_path_factory) -> dict:
    """The loop with the churn project retraining on drift, at most once a day."""
    from ml_constructs.retraining_loop import DriftResponse, RetrainingLoop, RetrainingProps

    stack = Stack(
        App(outdir=str(tmp_path_factory.mktemp("cdk.out"))),
        "Loop",
        env={"account": ACCOUNT, "region": REGION},
    )
    props = RetrainingProps(
        platform="mlplatform",
        prod_account_id="333333333333",
        prod_region=REGION,
        alert_emails=["ml-oncall@example.com"],
        responses=[DriftResponse("churn", retrain=True, window_hours=24)],
    )
    RetrainingLoop(stack, "RetrainingLoop", props=props)
    return Template.from_stack(stack).to_json()


def _drift_rule(template: dict) -> dict:
    rule = one(template, "AWS::Events::Rule")
    return rule["Properties"]


def test_the_drift_rule_notifies_and_retrains_each_through_a_dead_letter_queue(retraining_template):
    targets = _drift_rule(retraining_template)["Targets"]
    assert len(targets) == 2
    assert all("DeadLetterConfig" in t and t["RetryPolicy"]["MaximumRetryAttempts"] == 185 for t in targets)
    assert not [
        r
        for r in retraining_template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and "events" in json.dumps(r)
    ]


def test_what_the_rule_sends_is_what_the_function_accepts(retraining_template, retrain):
    """The input transformer, applied to a finding as EventBridge sends it, parses in the handler."""
    (retrainer,) = [t for t in _drift_rule(retraining_template)["Targets"] if "InputTransformer" in t]
    transformer = retrainer["InputTransformer"]
    event = {"id": EVENT_ID, "detail": {}}
    paths = dict(transformer["InputPathsMap"])
    assert paths == {"id": "$.id"}
    sent = re.sub(
        r"<(\w+)>",
        lambda m: json.dumps(event[paths[m.group(1)].removeprefix("$.")]),
        transformer["InputTemplate"],
    )
    assert retrain.parse(json.loads(sent)) == retrain.Finding("churn", PIPELINE, 24 * 3600, EVENT_ID)


def test_the_function_may_start_only_the_platforms_model_build_pipelines(retraining_template):
    policies = [
        r for r in retraining_template["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy"
    ]
    start = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Action") == "sagemaker:StartPipelineExecution"
    ]
    (statement,) = start
    assert json.dumps(statement["Resource"]).endswith(':pipeline/mlplatform-*-model-build"]]}')
