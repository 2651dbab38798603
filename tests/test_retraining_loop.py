"""The retraining loop: drift findings from prod notify people, and for projects that retrain start the
model-build pipeline at most once per window (issue 9, defect 9), losing no event on the way."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

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
from tests.feedback_samples import (
    CAPTURE_PREFIX,
    LABELS_PREFIX,
    VARIANT_PREFIX,
    capture,
    encoded_rows,
    hour_path,
    jsonl,
    label,
)
from tests.templates import one
from tooling.synth import ROOT

HANDLER = ROOT / "ml_constructs" / "retraining_loop" / "runtime" / "retrain.py"
TABLE, PIPELINE = "retraining-windows", "mlplatform-churn-model-build"
CONTEXT = lambda_context("retraining-loop", "3b1c2d4e-0000-4000-8000-000000000001")
EVENT_ID = "6a7e8feb-b491-4cf7-a9f1-bf3703467718"
FEEDBACK = "mlplatform-prod-feedback-111111111111"
FINDING = {
    "project": "churn",
    "pipeline": PIPELINE,
    "window_hours": 24,
    "event_id": EVENT_ID,
    "capture_prefix": CAPTURE_PREFIX,
    "labels_prefix": LABELS_PREFIX,
}


@pytest.fixture
def aws(monkeypatch):
    fake_aws_environment(
        monkeypatch,
        AWS_LAMBDA_FUNCTION_NAME="retraining-loop",
        WINDOWS_TABLE=TABLE,
        PIPELINE_PREFIX="mlplatform-",
        FEEDBACK_BUCKET=FEEDBACK,
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
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=FEEDBACK, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield


@pytest.fixture
def retrain(aws):
    return load_lambda(HANDLER, "retraining_loop_handler")


def executions() -> list[dict]:
    return boto3.client("sagemaker").list_pipeline_executions(PipelineName=PIPELINE)[
        "PipelineExecutionSummaries"
    ]


NOW = 1_800_000_000  # 2027-01-15 08:00 UTC
HOUR = 3600


def partition(at: int) -> str:
    return time.strftime("%Y/%m/%d/%H", time.gmtime(at))


def put(key: str, records: list[dict]) -> str:
    boto3.client("s3").put_object(Bucket=FEEDBACK, Key=key, Body=jsonl(records).encode())
    return key


def feed(at: int, name: str) -> tuple[str, str]:
    """A capture file in the hour of `at` and, an hour later, the labels of its requests."""
    ((y, request),) = encoded_rows(1)
    when = datetime.fromtimestamp(at, UTC)
    captured = put(hour_path(VARIANT_PREFIX, when, f"{name}.jsonl"), [capture(name, request, when)])
    labelled = put(hour_path(LABELS_PREFIX, when + timedelta(hours=1), f"{name}.jsonl"), [label(name, y)])
    return captured, labelled


def manifest_of(execution_arn: str) -> list:
    parameters = boto3.client("sagemaker").list_pipeline_parameters_for_execution(
        PipelineExecutionArn=execution_arn
    )["PipelineParameters"]
    (uri,) = [p["Value"] for p in parameters if p["Name"] == "FeedbackManifestUri"]
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return json.loads(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def window() -> dict:
    return boto3.resource("dynamodb").Table(TABLE).get_item(Key={"project": "churn"}).get("Item", {})


@pytest.fixture
def clock(retrain, monkeypatch):
    now = [NOW]
    monkeypatch.setattr(retrain.time, "time", lambda: now[0])
    return now


def test_a_finding_starts_one_run_on_the_fresh_data_and_claims_the_window(retrain, clock):
    first = feed(NOW - 3 * HOUR, "a")
    second = feed(NOW - 2 * HOUR, "b")
    put(
        hour_path(VARIANT_PREFIX, datetime.fromtimestamp(NOW, UTC), "now.txt"), []
    )  # not a .jsonl: not listed

    result = retrain.handler(FINDING, CONTEXT)

    assert result["status"] == "started"
    assert len(executions()) == 1
    assert manifest_of(result["execution_arn"]) == [
        {"prefix": f"s3://{FEEDBACK}/"},
        first[0],
        second[0],
        first[1],
        second[1],
    ]
    assert window()["event_id"] == EVENT_ID and window()["fresh_until"] == partition(NOW)
    assert "fresh_since" not in window()  # the first run takes everything captured so far


def test_the_next_run_takes_only_data_newer_than_the_last(retrain, clock):
    old = feed(NOW - 3 * HOUR, "old")
    assert retrain.handler(FINDING, CONTEXT)["status"] == "started"
    clock[0] += 25 * HOUR  # the window has passed
    new = feed(NOW + 2 * HOUR, "new")
    later = FINDING | {"event_id": "6a7e8feb-b491-4cf7-a9f1-000000000099"}

    result = retrain.handler(later, CONTEXT)

    assert result["status"] == "started"
    assert manifest_of(result["execution_arn"]) == [{"prefix": f"s3://{FEEDBACK}/"}, new[0], new[1]]
    assert old[0] not in json.dumps(manifest_of(result["execution_arn"]))
    assert (window()["fresh_since"], window()["fresh_until"]) == (partition(NOW), partition(clock[0]))


def test_no_new_captures_since_the_last_run_start_nothing_and_keep_the_watermark(retrain, clock):
    feed(NOW - 3 * HOUR, "old")
    retrain.handler(FINDING, CONTEXT)
    claimed = window()
    clock[0] += 25 * HOUR
    result = retrain.handler(FINDING | {"event_id": "6a7e8feb-b491-4cf7-a9f1-000000000099"}, CONTEXT)
    assert result["status"] == "skipped"
    assert result["reason"] == f"no captured requests in prod's feedback since {partition(NOW)}"
    assert len(executions()) == 1 and window() == claimed  # the watermark stays where the last run left it


def test_captures_without_any_labels_start_nothing(retrain, clock):
    ((_, request),) = encoded_rows(1)
    put(
        hour_path(VARIANT_PREFIX, datetime.fromtimestamp(NOW - HOUR, UTC), "c.jsonl"),
        [capture("c", request, datetime.now(UTC))],
    )
    result = retrain.handler(FINDING, CONTEXT)
    assert result["reason"] == "no labels in prod's feedback since the start"
    assert executions() == [] and window() == {}


def test_hourly_findings_within_the_window_start_nothing_more(retrain, clock):
    feed(NOW - 3 * HOUR, "a")
    assert retrain.handler(FINDING, CONTEXT)["status"] == "started"
    for hour in range(1, 24):
        clock[0] += HOUR
        feed(clock[0] - HOUR, f"h{hour}")
        later = FINDING | {"event_id": f"6a7e8feb-b491-4cf7-a9f1-{hour:012d}"}
        result = retrain.handler(later, CONTEXT)
        assert result == {
            "status": "skipped",
            "reason": "churn retrained within the last 24 h",
            "execution_arn": None,
        }
    assert len(executions()) == 1
    clock[0] += HOUR  # the window has passed
    assert (
        retrain.handler(FINDING | {"event_id": "6a7e8feb-b491-4cf7-a9f1-000000000099"}, CONTEXT)["status"]
        == "started"
    )
    assert len(executions()) == 2


def test_a_manifest_write_meeting_a_concurrent_one_gives_the_window_back_and_raises(
    retrain, clock, monkeypatch
):
    """409 ConditionalRequestConflict is not 'written already' (S3: retry it; the other write may fail):
    the retry of the raise either writes the manifest or finds it (412)."""
    from botocore.exceptions import ClientError

    feed(NOW - 3 * HOUR, "a")
    conflict = {"Error": {"Code": "ConditionalRequestConflict", "Message": "retry"}}

    def put_object(**_):
        raise ClientError(conflict, "PutObject")

    monkeypatch.setattr(retrain.S3, "put_object", put_object)
    with pytest.raises(ClientError, match="ConditionalRequestConflict"):
        retrain.handler(FINDING, CONTEXT)
    assert executions() == [] and window() == {}  # no claim left: the retry may take it


def test_a_redelivered_finding_may_reclaim_its_own_window_with_the_same_data(retrain, clock):
    """Lambda and EventBridge retry: the same finding passes the claim; its token dedupes the start."""
    feed(NOW - 3 * HOUR, "a")
    first = retrain.handler(FINDING, CONTEXT)
    clock[0] += 2 * HOUR
    feed(NOW + HOUR, "b")  # newer than the first delivery's window: not in its manifest
    late = put(hour_path(LABELS_PREFIX, datetime.fromtimestamp(NOW, UTC), "late.jsonl"), [label("a", 1)])
    again = retrain.handler(FINDING, CONTEXT)
    assert late not in json.dumps(manifest_of(again["execution_arn"]))  # the first list is kept
    assert again["status"] == "started"
    assert manifest_of(again["execution_arn"]) == manifest_of(first["execution_arn"])
    assert window()["fresh_until"] == partition(NOW)


def test_a_failed_start_gives_the_window_and_watermark_back_and_raises_for_the_retry(retrain, clock):
    previous = {
        "project": "gone",
        "window_ends": NOW - HOUR,
        "event_id": "earlier",
        "fresh_until": "2026/12/01/00",
    }
    boto3.resource("dynamodb").Table(TABLE).put_item(Item=previous)
    gone = {"project": "gone", "pipeline": "mlplatform-gone-model-build"}
    missing = (
        FINDING
        | gone
        | {
            "capture_prefix": "gone/capture/mlplatform-gone-prod/",
            "labels_prefix": "ground-truth/mlplatform-gone-prod/",
        }
    )
    put("gone/capture/mlplatform-gone-prod/AllTraffic/2026/12/02/00/c.jsonl", [{"captureData": {}}])
    put("ground-truth/mlplatform-gone-prod/2026/12/02/01/l.jsonl", [label("x", 1)])
    with pytest.raises(Exception, match="StartPipelineExecution"):
        retrain.handler(missing, CONTEXT)
    item = boto3.resource("dynamodb").Table(TABLE).get_item(Key={"project": "gone"})["Item"]
    assert item == previous  # window and watermark as they were


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
        (
            {"capture_prefix": "fraud/capture/x/"},
            "capture_prefix 'fraud/capture/x/' is not under churn/capture/",
        ),
        ({"labels_prefix": "churn/"}, "labels_prefix 'churn/' is not under ground-truth/"),
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


@pytest.mark.parametrize("variable", ["WINDOWS_TABLE", "PIPELINE_PREFIX", "FEEDBACK_BUCKET"])
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
        responses=[DriftResponse("churn", True, 24, CAPTURE_PREFIX, LABELS_PREFIX)],
        feedback_bucket=FEEDBACK,
        feedback_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        feedback_patterns=("*/capture/mlplatform-*-prod/", "ground-truth/mlplatform-*-prod/"),
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
    assert retrain.parse(json.loads(sent)) == retrain.Finding(
        "churn", PIPELINE, 24 * 3600, EVENT_ID, CAPTURE_PREFIX, LABELS_PREFIX
    )


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
