"""The promotion trigger under moto: one approval starts one pipeline execution, nothing else starts any."""

from __future__ import annotations

import copy
import json
from types import ModuleType

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from ml_constructs.promotion_pipeline.steps import set_stage
from tests.events import GATE, gate_event, lifecycle_event, registry_event
from tests.fakes import (
    ACCOUNT,
    BAD_PROJECTS_FILES,
    REGION,
    assert_bad_projects_file_refused,
    assert_cold_start_refuses,
    fake_aws_environment,
    lambda_context,
    load_lambda,
    pipeline_executions,
    projects_file,
)
from tooling.synth import ROOT

HANDLER = ROOT / "ml_constructs" / "promotion_events" / "runtime" / "trigger.py"
EVENT = registry_event("approved")
GROUP, PIPELINE, TABLE = "mlplatform-churn", "mlplatform-churn-promotion", "mlplatform-promotion-idempotency"
CONTEXT = lambda_context("promotion-trigger", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")


def load_handler() -> ModuleType:
    return load_lambda(HANDLER, "promotion_trigger_handler")


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """Fake credentials and moto: nothing here can reach AWS."""
    fake_aws_environment(
        monkeypatch,
        AWS_LAMBDA_FUNCTION_NAME="promotion-trigger",
        PROJECTS_FILE=projects_file(tmp_path, {"churn": (GROUP, PIPELINE)}),
        IDEMPOTENCY_TABLE=TABLE,
    )
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        create_promotion_pipeline()
        boto3.client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
        yield


def create_promotion_pipeline() -> None:
    """A minimal V2 promotion pipeline with the `ModelPackageArn` variable, as the construct defines it."""
    role = boto3.client("iam").create_role(
        RoleName="promotion-pipeline",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "codepipeline.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    approval = {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}
    invoke = {"category": "Invoke", "owner": "AWS", "provider": "Lambda", "version": "1"}
    boto3.client("codepipeline").create_pipeline(
        pipeline={
            "name": PIPELINE,
            "roleArn": role,
            "artifactStore": {"type": "S3", "location": "mlplatform-dev-pipeline-artifacts"},
            "pipelineType": "V2",
            "variables": [{"name": "ModelPackageArn", "description": "the approved model package version"}],
            "stages": [
                {
                    "name": "DeployTest",
                    "actions": [
                        {
                            "name": "Deploy",
                            "actionTypeId": invoke,
                            "configuration": {"FunctionName": "deploy"},
                        }
                    ],
                },
                {"name": "ApproveForProd", "actions": [{"name": "ApproveForProd", "actionTypeId": approval}]},
            ],
        }
    )


def register(status: str = "Approved") -> str:
    """A model package version in the group, moved to `status` as an officer would; returns its ARN."""
    sagemaker = boto3.client("sagemaker")
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification=EVENT["detail"]["InferenceSpecification"],
        ModelMetrics=EVENT["detail"]["ModelMetrics"],
        DriftCheckBaselines={
            "ModelQuality": {
                "Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/baseline/statistics.json"}
            }
        },
    )["ModelPackageArn"]
    if status != "PendingManualApproval":
        sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)
    return arn


def event_for(arn: str, kind: str = "approved", **changes) -> dict:
    """The documented event of `kind` about the version `arn`, with `changes` to its detail."""
    event = registry_event(kind)
    event["resources"] = [arn]
    event["detail"].update(
        {"ModelPackageArn": arn, "ModelPackageVersion": int(arn.rsplit("/", 1)[1])} | changes
    )
    return event


def test_approval_starts_one_execution_with_the_package_arn(aws):
    arn = register()
    result = load_handler().handler(event_for(arn), CONTEXT)

    assert result["status"] == "started"
    [execution] = pipeline_executions(PIPELINE)
    assert execution["pipelineExecutionId"] == result["execution_id"]
    assert execution["variables"] == [{"name": "ModelPackageArn", "resolvedValue": arn}]


def test_same_event_delivered_twice_starts_one_execution(aws):
    arn = register()
    handler = load_handler().handler
    first = handler(event_for(arn), CONTEXT)
    second = handler(event_for(arn), CONTEXT)

    assert len(pipeline_executions(PIPELINE)) == 1
    assert second == first


def test_duplicate_emission_with_a_new_event_id_starts_one_execution(aws):
    """SageMaker may send several events, each with its own id, for one state change."""
    arn = register()
    handler = load_handler().handler
    handler(event_for(arn), CONTEXT)
    duplicate = event_for(arn) | {"id": "1d3c2b4a-0000-4000-8000-000000000002"}
    handler(duplicate, CONTEXT)

    assert len(pipeline_executions(PIPELINE)) == 1


def test_a_later_re_approval_of_the_same_version_deploys_again(aws):
    arn = register()
    handler = load_handler().handler
    handler(event_for(arn), CONTEXT)
    handler(event_for(arn, LastModifiedTime="2026-11-22T10:00:00Z") | {"id": "another-event"}, CONTEXT)

    assert len(pipeline_executions(PIPELINE)) == 2


def test_a_retry_after_a_lost_idempotency_record_reuses_the_client_request_token(aws):
    """Lambda's retries and CodePipeline's own token dedupe agree: the token derives from the approval."""
    arn = register()
    tokens = []
    for _ in range(2):  # two cold starts; the idempotency record is gone before the second
        module = load_handler()
        module.CODEPIPELINE.meta.events.register(
            "provide-client-params.codepipeline.StartPipelineExecution",
            lambda params, **_: tokens.append(params["clientRequestToken"]),
        )
        module.handler(event_for(arn), CONTEXT)
        table = boto3.resource("dynamodb").Table(TABLE)
        for item in table.scan()["Items"]:
            table.delete_item(Key={"id": item["id"]})

    assert len(tokens) == 2
    assert tokens[0] == tokens[1]
    assert len(tokens[0]) <= 128 and tokens[0].replace("-", "").isalnum()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("registered", "status is PendingManualApproval; only Approved or Rejected is a decision"),
        ("rejected", "status is Rejected; only Approved deploys"),
        ("approval_revoked", "status is Rejected; only Approved deploys"),
        ("lifecycle_updated", "ModelApprovalStatus did not change (updated: ModelLifeCycle)"),
    ],
)
def test_no_documented_registry_event_but_an_approval_starts_anything(aws, kind, reason):
    """The version is Approved in the registry, so only the event itself can stop a promotion."""
    arn = register("Approved")
    result = load_handler().handler(event_for(arn, kind), CONTEXT)

    assert result == {"status": "ignored", "reason": reason, "execution_id": None}
    assert pipeline_executions(PIPELINE) == []


@pytest.mark.parametrize("updated", [["ApprovalDescription"], ["CustomerMetadataProperties"], []])
def test_other_metadata_only_updates_of_an_approved_version_start_nothing(aws, updated):
    arn = register("Approved")
    result = load_handler().handler(
        event_for(arn, "lifecycle_updated", UpdatedModelPackageFields=updated), CONTEXT
    )

    assert result["status"] == "ignored" and "ModelApprovalStatus did not change" in result["reason"]
    assert pipeline_executions(PIPELINE) == []


@pytest.mark.parametrize("stage", set_stage.STAGES)
def test_no_lifecycle_stage_the_promotion_sets_starts_another_promotion(aws, stage):
    """Each stage update of steps/set_stage.py emits this documented event; a Production update
    starting a promotion would loop."""
    arn = register("Approved")
    event = lifecycle_event(set_stage.life_cycle(stage, "by the promotion"))
    event["resources"] = [arn]
    event["detail"] |= {"ModelPackageArn": arn, "ModelPackageVersion": int(arn.rsplit("/", 1)[1])}

    result = load_handler().handler(event, CONTEXT)

    assert result["status"] == "ignored" and "ModelApprovalStatus did not change" in result["reason"]
    assert pipeline_executions(PIPELINE) == []


def test_negative_control_the_metadata_only_event_is_refused_only_for_its_updated_fields(aws):
    """The same event, claiming the status changed, does start a promotion: the guard is what stops it."""
    arn = register("Approved")
    claimed = event_for(
        arn, "lifecycle_updated", UpdatedModelPackageFields=["ModelLifeCycle", "ModelApprovalStatus"]
    )

    assert load_handler().handler(claimed, CONTEXT)["status"] == "started"
    assert len(pipeline_executions(PIPELINE)) == 1


@pytest.mark.parametrize("state", GATE)
def test_gate_events_start_nothing(aws, state):
    register("Approved")
    result = load_handler().handler(gate_event(state), CONTEXT)

    assert result["status"] == "ignored" and result["reason"].startswith("malformed event:")
    assert pipeline_executions(PIPELINE) == []


def _foreign(
    arn_account: str = ACCOUNT, arn_region: str = REGION, group: str = GROUP, version: str = "1"
) -> str:
    return f"arn:aws:sagemaker:{arn_region}:{arn_account}:model-package/{group}/{version}"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"ModelPackageArn": _foreign(group="fraud-models")}, "is not a version of group mlplatform-churn"),
        ({"ModelPackageArn": _foreign(arn_account="999999999999")}, "is not a version of group"),
        ({"ModelPackageArn": _foreign(arn_region="us-east-1")}, "is not a version of group"),
        (
            {"ModelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}"},
            "is not a version",
        ),
        ({"ModelPackageVersion": 2}, "ModelPackageVersion 2 is not the version in"),
        ({"ModelPackageVersion": "1"}, "ModelPackageVersion '1' is not the version in"),
        ({"ModelApprovalStatus": "approved"}, "ModelApprovalStatus 'approved' is not one of"),
        ({"ModelApprovalStatus": "APPROVED"}, "ModelApprovalStatus 'APPROVED' is not one of"),
        ({"UpdatedModelPackageFields": "ModelApprovalStatus"}, "UpdatedModelPackageFields is not a list"),
        ({"UpdatedModelPackageFields": [["ModelApprovalStatus"]]}, "UpdatedModelPackageFields is not a list"),
        ({"LastModifiedTime": {"at": "noon"}}, "LastModifiedTime is neither"),
    ],
)
def test_malformed_or_foreign_approvals_start_nothing(aws, changes, reason):
    """Each variant differs from a valid approval of an Approved version in one field only."""
    arn = register("Approved")
    result = load_handler().handler(event_for(arn, **changes), CONTEXT)

    assert result["status"] == "ignored"
    assert result["reason"].startswith("malformed event:") and reason in result["reason"]
    assert pipeline_executions(PIPELINE) == []


@pytest.mark.parametrize(
    "envelope",
    [
        {"source": "aws.codepipeline"},
        {"account": "999999999999"},
        {"region": "us-east-1"},
        {"account": "1111"},
    ],
)
def test_an_envelope_that_contradicts_the_arn_starts_nothing(aws, envelope):
    arn = register("Approved")
    result = load_handler().handler(event_for(arn) | envelope, CONTEXT)

    assert result["status"] == "ignored" and result["reason"].startswith("malformed event:")
    assert pipeline_executions(PIPELINE) == []


def test_a_metadata_only_event_without_updated_fields_starts_nothing(aws):
    arn = register("Approved")
    event = event_for(arn)
    del event["detail"]["UpdatedModelPackageFields"]
    result = load_handler().handler(event, CONTEXT)

    assert result["reason"] == "ModelApprovalStatus did not change (updated: nothing listed)"
    assert pipeline_executions(PIPELINE) == []


def test_unknown_group_starts_nothing(aws):
    arn = _foreign(group="fraud-models", version="4")
    result = load_handler().handler(event_for(arn, ModelPackageGroupName="fraud-models"), CONTEXT)

    assert result == {
        "status": "ignored",
        "reason": "group fraud-models belongs to no project",
        "execution_id": None,
    }
    assert pipeline_executions(PIPELINE) == []


def test_package_no_longer_approved_starts_nothing(aws):
    arn = register("Approved")
    boto3.client("sagemaker").update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Rejected")
    result = load_handler().handler(event_for(arn), CONTEXT)

    assert result["status"] == "ignored"
    assert "Rejected now" in result["reason"] and "stale" in result["reason"]
    assert pipeline_executions(PIPELINE) == []


def test_package_that_no_longer_exists_starts_nothing(aws):
    arn = _foreign(version="9")
    result = load_handler().handler(event_for(arn), CONTEXT)

    reason = "the model package no longer exists"
    assert result == {"status": "ignored", "reason": reason, "execution_id": None}
    assert pipeline_executions(PIPELINE) == []


def test_malformed_event_logs_one_warning_line(aws, caplog):
    module = load_handler()
    result = module.handler(EVENT | {"detail": "garbage"}, CONTEXT)

    assert result["status"] == "ignored" and result["reason"].startswith("malformed event:")
    records = [r for r in caplog.records if r.name == "promotion-trigger"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert "detail is missing or not a JSON object" in records[0].getMessage()


def test_an_ignored_event_logs_one_info_line(aws, caplog):
    arn = register("Approved")
    load_handler().handler(event_for(arn, "lifecycle_updated"), CONTEXT)

    records = [r for r in caplog.records if r.name == "promotion-trigger"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("INFO", "nothing started: ModelApprovalStatus did not change (updated: ModelLifeCycle)")
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("IDEMPOTENCY_TABLE", None),
        ("IDEMPOTENCY_TABLE", " "),
    ],
)
def test_bad_environment_fails_the_cold_start_naming_the_variable(aws, monkeypatch, variable, value):
    assert_cold_start_refuses(monkeypatch, load_handler, variable, value)


@pytest.mark.parametrize("content", BAD_PROJECTS_FILES)
def test_a_bad_projects_file_fails_the_cold_start_naming_it(aws, monkeypatch, tmp_path, content):
    assert_bad_projects_file_refused(monkeypatch, tmp_path, load_handler, content)


# Values of any JSON type except a non-empty string: each one makes a required field invalid.
_NOT_TEXT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.just(""),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
_REQUIRED = [("id",), ("source",), ("detail-type",), ("account",), ("region",), ("detail",)] + [
    ("detail", key)
    for key in (
        "ModelPackageGroupName",
        "ModelPackageArn",
        "ModelPackageVersion",
        "ModelApprovalStatus",
        "UpdatedModelPackageFields",
    )
]


@st.composite
def broken_approvals(draw) -> dict:
    """A real approval event with one required field removed or replaced by a wrong-typed value."""
    event = copy.deepcopy(EVENT)
    path = draw(st.sampled_from(_REQUIRED))
    parent = event["detail"] if len(path) == 2 else event
    if draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(_NOT_TEXT)
    return event


@pytest.fixture
def trigger_with_sample_approved(aws) -> ModuleType:
    """The handler, with the sample event's package registered and Approved: the intact event starts."""
    assert register() == EVENT["detail"]["ModelPackageArn"]
    return load_handler()


def test_the_unbroken_sample_event_starts_an_execution(trigger_with_sample_approved):
    assert trigger_with_sample_approved.handler(copy.deepcopy(EVENT), CONTEXT)["status"] == "started"
    assert len(pipeline_executions(PIPELINE)) == 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=st.one_of(broken_approvals(), _JSON, st.dictionaries(st.sampled_from(list(EVENT)), _JSON)))
def test_malformed_events_never_raise_and_never_start_anything(trigger_with_sample_approved, event):
    result = trigger_with_sample_approved.handler(event, CONTEXT)

    assert result["status"] == "ignored"
    assert result["execution_id"] is None
    assert pipeline_executions(PIPELINE) == []
