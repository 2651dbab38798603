"""The audit trail under moto: one item per registry decision and per prod-gate answer, written once.

moto lacks CodePipeline's ListActionExecutions, so the gate tests stub the CodePipeline client with
botocore's Stubber, expecting exactly the calls the handler must make and answering in the API's shape.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from types import ModuleType

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber
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
    create_audit_table,
    fake_aws_environment,
    lambda_context,
    load_lambda,
    projects_file,
)
from tests.recorded import recorded
from tooling.synth import ROOT

HANDLER = ROOT / "ml_constructs" / "promotion_events" / "runtime" / "audit.py"
REGISTRY_EVENT = registry_event("approved")
GATE_EVENT = gate_event("succeeded")
GROUP, PIPELINE, TABLE = "mlplatform-churn", "mlplatform-churn-promotion", "mlplatform-promotion-audit"
BUCKET = f"mlplatform-audit-records-{ACCOUNT}"
RETENTION_DAYS = 2555
PACKAGE_ARN = REGISTRY_EVENT["detail"]["ModelPackageArn"]
EXECUTION_ID = GATE_EVENT["detail"]["execution-id"]
OFFICER = f"arn:aws:sts::{ACCOUNT}:assumed-role/ComplianceOfficer/jane.doe"
CONTEXT = lambda_context("audit-trail", "8f5a1c2e-7b61-11e6-9a41-93e8deadbeef")


def load_handler() -> ModuleType:
    return load_lambda(HANDLER, "audit_trail_handler")


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """Fake credentials, moto, the audit table and the project's model package group."""
    fake_aws_environment(
        monkeypatch,
        AUDIT_TABLE=TABLE,
        AUDIT_BUCKET=BUCKET,
        PROJECTS_FILE=projects_file(tmp_path, {"churn": (GROUP, PIPELINE)}),
    )
    with mock_aws():
        create_audit_table(TABLE)
        create_ledger(BUCKET)
        boto3.client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
        yield


@pytest.fixture
def audit(aws) -> ModuleType:
    return load_handler()


def register(status: str, comment: str | None = None) -> str:
    sagemaker = boto3.client("sagemaker")
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification=REGISTRY_EVENT["detail"]["InferenceSpecification"],
    )["ModelPackageArn"]
    if status != "PendingManualApproval":
        described = {"ApprovalDescription": comment} if comment else {}
        sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status, **described)
    return arn


def create_ledger(name: str) -> None:
    """The audit-records bucket as AuditLedger deploys it: versioned, Object Lock in compliance mode."""
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    s3.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": RETENTION_DAYS}},
        },
    )


def items() -> list[dict]:
    return boto3.resource("dynamodb").Table(TABLE).scan()["Items"]


def locked_records() -> list[dict]:
    """Every version of every record in the ledger, with its key and Object Lock retention."""
    s3 = boto3.client("s3")
    versions = s3.list_object_versions(Bucket=BUCKET).get("Versions", [])
    records = []
    for version in versions:
        got = s3.get_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
        records.append(
            {
                "key": version["Key"],
                "mode": got.get("ObjectLockMode"),
                "body": json.loads(got["Body"].read()),
            }
        )
    return records


def test_registry_approval_is_recorded_with_who_and_why(audit):
    assert register("Approved", "AUC 0.91 on holdout, bias report reviewed") == PACKAGE_ARN
    result = audit.handler(registry_event("approved"), CONTEXT)

    key = f"2026-11-20T14:03:27Z#{REGISTRY_EVENT['id']}"
    assert result == {"status": "recorded", "project": "churn", "recorded_at": key}
    assert items() == [
        {
            "project": "churn",
            "recorded_at": key,
            "kind": "registry-decision",
            "model_package_arn": PACKAGE_ARN,
            "model_package_version": 1,
            "decision": "Approved",
            # moto's LastModifiedBy names a Studio user profile and no IAM identity
            "decided_by": "fake-user-profile-name",
            "comment": "AUC 0.91 on holdout, bias report reviewed",
            "event_id": REGISTRY_EVENT["id"],
        }
    ]


def _described(status: str, comment: str) -> dict:
    """DescribeModelPackage's answer for the sample version, last changed by the officer."""
    return {
        "ModelPackageName": GROUP,
        "ModelPackageArn": PACKAGE_ARN,
        "CreationTime": datetime(2026, 11, 20, 9, 41, tzinfo=UTC),
        "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
        "ModelApprovalStatus": status,
        "ApprovalDescription": comment,
        "LastModifiedBy": {
            "UserProfileName": "jane-studio",
            "IamIdentity": {"Arn": OFFICER, "PrincipalId": "AROAEXAMPLE:jane.doe"},
        },
    }


def _with_card(described: dict, status: str = "PendingReview", **details: str) -> dict:
    """`described` carrying the model card of the recorded version, before any decision."""
    card = recorded("registry", "describe_model_package")["ModelCard"]
    content = json.loads(card["ModelCardContent"])
    kept = {
        k: v for k, v in content["additional_information"]["custom_details"].items() if "decision" not in k
    }
    content["additional_information"]["custom_details"] = {**kept, **details}
    return described | {"ModelCard": {"ModelCardContent": json.dumps(content), "ModelCardStatus": status}}


@pytest.mark.parametrize(("status", "card_status"), [("Approved", "Approved"), ("Rejected", "Draft")])
def test_the_decision_is_written_into_the_model_card_and_moves_its_status(audit, status, card_status):
    """Whoever decided (console or CLI), the card says who, when and why; moto keeps no card, so the
    registry is stubbed with the recorded version."""
    kind = "approved" if status == "Approved" else "rejected"
    described = _with_card(_described(status, "AUC 0.91, bias review OK"))
    with Stubber(audit.SAGEMAKER) as sagemaker:
        sagemaker.add_response("describe_model_package", described, {"ModelPackageName": PACKAGE_ARN})
        expected = {
            "ModelPackageArn": PACKAGE_ARN,
            "ModelCard": {"ModelCardContent": ANY, "ModelCardStatus": card_status},
        }
        sagemaker.add_response("update_model_package", {"ModelPackageArn": PACKAGE_ARN}, expected)
        assert audit.handler(registry_event(kind), CONTEXT)["status"] == "recorded"
        sagemaker.assert_no_pending_responses()


def test_the_card_update_carries_exactly_the_decision(audit, monkeypatch):
    described = _with_card(_described("Approved", "AUC 0.91, bias review OK"))
    monkeypatch.setattr(audit.SAGEMAKER, "describe_model_package", lambda **_: described)
    updates = []
    monkeypatch.setattr(audit.SAGEMAKER, "update_model_package", lambda **kw: updates.append(kw))

    audit.handler(registry_event("approved"), CONTEXT)

    [update] = updates
    assert set(update) == {"ModelPackageArn", "ModelCard"}  # no status, no stage: what IAM lets it do
    assert update["ModelCard"]["ModelCardStatus"] == "Approved"
    details = json.loads(update["ModelCard"]["ModelCardContent"])["additional_information"]["custom_details"]
    assert details["decision"] == "Approved" and details["decided_by"] == OFFICER
    assert details["decided_at"] == "2026-11-20T14:03:27Z"
    assert details["decision_comment"] == "AUC 0.91, bias review OK"
    assert details["code_version"] == "0123456789abcdef0123456789abcdef01234567"  # the rest is kept


@pytest.mark.parametrize(
    "card",
    [
        {"status": "Archived"},
        {
            "status": "Approved",
            "decision": "Approved",
            "decided_by": OFFICER,
            "decided_at": "2026-11-20T14:03:27Z",
            "decision_comment": "AUC 0.91, bias review OK",
        },
    ],
    ids=["archived", "written-already"],
)
def test_a_card_that_is_archived_or_records_the_decision_already_is_left_alone(audit, monkeypatch, card):
    described = _with_card(_described("Approved", "AUC 0.91, bias review OK"), card.pop("status"), **card)
    monkeypatch.setattr(audit.SAGEMAKER, "describe_model_package", lambda **_: described)
    updates = []
    monkeypatch.setattr(audit.SAGEMAKER, "update_model_package", lambda **kw: updates.append(kw))

    assert audit.handler(registry_event("approved"), CONTEXT)["status"] == "recorded"
    assert updates == []


@pytest.mark.parametrize("updated", [["ModelCard"], []])
def test_the_event_of_the_card_update_is_no_decision(audit, updated):
    """SageMaker's event for the recorder's own update lists no ModelApprovalStatus."""
    event = registry_event("lifecycle_updated")
    event["detail"]["UpdatedModelPackageFields"] = updated
    assert audit.handler(event, CONTEXT)["status"] == "skipped"
    assert items() == []


@pytest.mark.parametrize("kind", ["rejected", "approval_revoked"])
def test_rejections_are_recorded_with_the_iam_identity_as_their_author(audit, kind):
    with Stubber(audit.SAGEMAKER) as sagemaker:
        described = _described("Rejected", "recall below the bar on the fraud segment")
        sagemaker.add_response("describe_model_package", described, {"ModelPackageName": PACKAGE_ARN})
        result = audit.handler(registry_event(kind), CONTEXT)
        sagemaker.assert_no_pending_responses()

    [item] = items()
    assert result["status"] == "recorded"
    assert (item["decision"], item["decided_by"]) == ("Rejected", OFFICER)
    assert item["comment"] == "recall below the bar on the fraud segment"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("registered", "status is PendingManualApproval; only Approved or Rejected is a decision"),
    ],
)
def test_registry_events_that_are_not_decisions_record_nothing(audit, kind, reason):
    register("Approved", "ok")
    with Stubber(audit.SAGEMAKER) as sagemaker:  # not even a lookup
        result = audit.handler(registry_event(kind), CONTEXT)
        sagemaker.assert_no_pending_responses()

    assert result == {"status": "skipped", "reason": reason}
    assert items() == []


@pytest.mark.parametrize("updated", [["ApprovalDescription"], ["CustomerMetadataProperties"], ["sourceUri"]])
def test_other_metadata_only_updates_record_nothing(audit, updated):
    register("Approved", "ok")
    event = registry_event("lifecycle_updated")
    event["detail"]["UpdatedModelPackageFields"] = updated
    result = audit.handler(event, CONTEXT)

    assert result["status"] == "skipped" and "ModelApprovalStatus did not change" in result["reason"]
    assert items() == []


@pytest.mark.parametrize("stage", set_stage.STAGES)
def test_a_lifecycle_stage_the_promotion_sets_is_stage_history_never_a_decision(audit, monkeypatch, stage):
    """The documented event of each stage update of steps/set_stage.py: kept apart, as kind
    lifecycle-stage with no decision, and attributed to whoever set the stage (the steps role)."""
    life_cycle = set_stage.life_cycle(stage, "by the promotion")
    steps = f"arn:aws:sts::{ACCOUNT}:assumed-role/mlplatform-churn-promotion-steps/AWSCodeBuild-1"
    described = _described("Approved", "ok") | {
        "ModelLifeCycle": life_cycle,
        "LastModifiedBy": {"IamIdentity": {"Arn": steps}},
    }
    monkeypatch.setattr(audit.SAGEMAKER, "describe_model_package", lambda **_: described)

    assert audit.handler(lifecycle_event(life_cycle), CONTEXT)["status"] == "recorded"

    [item] = items()
    assert item["kind"] == "lifecycle-stage" and "decision" not in item
    assert item["stage"] == f"{stage}/{set_stage.STATUS[stage]}"
    assert (item["decided_by"], item["comment"]) == (steps, "by the promotion")
    [record] = locked_records()
    assert record["body"]["kind"] == "lifecycle-stage"


def test_a_stage_changed_again_since_the_event_is_not_attributed(audit):
    register("Approved", "ok")  # moto keeps no ModelLifeCycle: the stage is not the event's any more
    audit.handler(lifecycle_event(set_stage.life_cycle("Production", "x")), CONTEXT)
    [item] = items()
    assert (item["kind"], item["decided_by"]) == ("lifecycle-stage", "unknown")


def test_negative_control_the_metadata_only_event_is_refused_only_for_its_updated_fields(audit):
    register("Approved", "ok")
    event = registry_event("lifecycle_updated")
    event["detail"]["UpdatedModelPackageFields"] = ["ModelLifeCycle", "ModelApprovalStatus"]

    assert audit.handler(event, CONTEXT)["status"] == "recorded"
    assert [item["decision"] for item in items()] == ["Approved"]


def test_redelivered_event_is_recorded_once(audit):
    register("Approved", "ok")
    first = audit.handler(registry_event("approved"), CONTEXT)
    second = audit.handler(registry_event("approved"), CONTEXT)

    assert len(items()) == 1
    assert len(locked_records()) == 1
    assert second == first | {"status": "duplicate"}


def test_every_decision_is_written_to_the_table_and_locked_in_the_ledger(audit):
    """Both records, the same content: the table for queries, the Object Lock bucket for auditors."""
    register("Approved", "AUC 0.91")
    audit.handler(registry_event("approved"), CONTEXT)

    [item] = items()
    [record] = locked_records()
    assert record["body"] == {
        key: (int(v) if key == "model_package_version" else v) for key, v in item.items()
    }
    assert record["key"] == f"decisions/churn/2026-11-20T14:03:27Z_{REGISTRY_EVENT['id']}.json"
    assert record["mode"] == "COMPLIANCE"  # the bucket's default retention applied to the record


def test_the_locked_write_carries_a_checksum_whatever_the_sdks_default(aws, monkeypatch):
    """S3 (and moto, as S3 does) refuses PutObject into a bucket with default Object Lock retention
    without Content-MD5 or a checksum. The Lambda runtime's SDK may predate default checksums: with
    them off (`when_required`, as older SDKs behave), the record is still locked."""
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    audit = load_handler()
    register("Approved", "AUC 0.91")
    audit.handler(registry_event("approved"), CONTEXT)
    assert len(locked_records()) == 1


def test_negative_control_a_write_without_a_checksum_is_refused(aws, monkeypatch):
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    with pytest.raises(ClientError, match="MissingUploadObjectWithObjectLockHeaders"):
        boto3.client("s3").put_object(Bucket=BUCKET, Key="decisions/plain.json", Body=b"{}")


def test_a_locked_record_cannot_be_deleted(audit):
    """Negative control for the ledger fixture: compliance mode refuses deleting the version."""
    register("Approved", "ok")
    audit.handler(registry_event("approved"), CONTEXT)
    s3 = boto3.client("s3")
    [version] = s3.list_object_versions(Bucket=BUCKET)["Versions"]

    with pytest.raises(ClientError):
        s3.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])


def test_a_redelivery_after_a_failed_table_write_completes_the_table_and_locks_nothing_twice(
    audit, monkeypatch
):
    register("Approved", "ok")
    real = audit.TABLE.put_item

    def fail(**_):
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "x"}}, "PutItem")

    monkeypatch.setattr(audit.TABLE, "put_item", fail)
    with pytest.raises(ClientError):
        audit.handler(registry_event("approved"), CONTEXT)
    monkeypatch.setattr(audit.TABLE, "put_item", real)

    assert audit.handler(registry_event("approved"), CONTEXT)["status"] == "recorded"
    assert len(items()) == 1
    assert len(locked_records()) == 1


def test_the_recorder_may_write_only_where_the_construct_lets_it(audit):
    """The runtime's prefix is the construct's: otherwise every locked write would be denied."""
    from ml_constructs.audit_ledger import DECISIONS_PREFIX

    assert audit.DECISIONS_PREFIX == DECISIONS_PREFIX


def test_decision_changed_since_the_event_is_not_attributed_to_the_later_author(audit):
    register("Rejected", "changed my mind")
    audit.handler(registry_event("approved"), CONTEXT)

    [item] = items()
    assert (item["decision"], item["decided_by"], item["comment"]) == ("Approved", "unknown", "")


def test_decision_on_a_deleted_package_is_still_recorded(audit):
    audit.handler(registry_event("approved"), CONTEXT)

    [item] = items()
    assert (item["model_package_arn"], item["decided_by"]) == (PACKAGE_ARN, "unknown")


def _action_run(stage: str, action: str, status: str, updated: datetime, by: str | None, **result) -> dict:
    """One ActionExecutionDetail as ListActionExecutions returns it."""
    approval = action == "ApproveForProd"
    return {
        "pipelineExecutionId": EXECUTION_ID,
        "actionExecutionId": f"{action}-{updated:%d%H%M}",
        "pipelineVersion": 1,
        "stageName": stage,
        "actionName": action,
        "startTime": updated.replace(minute=0),
        "lastUpdateTime": updated,
        "status": status,
        "input": {
            "actionTypeId": {
                "category": "Approval" if approval else "Invoke",
                "owner": "AWS",
                "provider": "Manual" if approval else "Lambda",
                "version": "1",
            },
            "configuration": {},
            "region": REGION,
            "inputArtifacts": [],
        },
        "output": {"outputArtifacts": [], "executionResult": result, "outputVariables": {}},
    } | ({"updatedBy": by} if by else {})


def stub_gate(
    audit: ModuleType, status: str, by: str | None, resolved: dict | None = None, **result
) -> Stubber:
    """CodePipeline answering exactly the two calls the handler must make for this event; `resolved`:
    the output variables of the execution's Resolve run (none: the stage has not reported any)."""
    stubber = Stubber(audit.CODEPIPELINE)
    stubber.add_response(
        "get_pipeline_execution",
        {
            "pipelineExecution": {
                "pipelineName": PIPELINE,
                "pipelineVersion": 1,
                "pipelineExecutionId": EXECUTION_ID,
                "status": "InProgress",
                "variables": [{"name": "ModelPackageArn", "resolvedValue": PACKAGE_ARN}],
            }
        },
        {"pipelineName": PIPELINE, "pipelineExecutionId": EXECUTION_ID},
    )
    latest = datetime(2026, 11, 21, 8, 15, tzinfo=UTC)
    stubber.add_response(
        "list_action_executions",
        {
            "actionExecutionDetails": [
                *(
                    [
                        _action_run("Resolve", "Resolve", "Succeeded", latest.replace(hour=6), None)
                        | {
                            "output": {
                                "outputArtifacts": [],
                                "executionResult": {},
                                "outputVariables": resolved,
                            }
                        }
                    ]
                    if resolved is not None
                    else []
                ),
                _action_run("DeployTest", "Deploy", "Succeeded", latest.replace(hour=7), None),
                # an earlier run of the gate in the same execution (its stage was retried): not this decision
                _action_run(
                    "ApproveForProd",
                    "ApproveForProd",
                    "Failed",
                    latest.replace(day=14),
                    f"arn:aws:iam::{ACCOUNT}:user/someone-earlier",
                    externalExecutionSummary="too early",
                ),
                _action_run("ApproveForProd", "ApproveForProd", status, latest, by, **result),
            ]
        },
        {"pipelineName": PIPELINE, "filter": {"pipelineExecutionId": EXECUTION_ID}},
    )
    return stubber


def test_gate_approval_is_recorded_with_who_and_why(audit):
    with stub_gate(audit, "Succeeded", OFFICER, externalExecutionSummary="acceptance tests green") as stubber:
        result = audit.handler(gate_event("succeeded"), CONTEXT)
        stubber.assert_no_pending_responses()

    key = f"2026-11-21T08:15:42Z#{GATE_EVENT['id']}"
    assert result == {"status": "recorded", "project": "churn", "recorded_at": key}
    assert items() == [
        {
            "project": "churn",
            "recorded_at": key,
            "kind": "promotion-gate",
            "model_package_arn": PACKAGE_ARN,
            "model_package_version": 1,
            "decision": "Approved",
            "decided_by": OFFICER,
            "comment": "acceptance tests green",
            "event_id": GATE_EVENT["id"],
            "pipeline_execution_id": EXECUTION_ID,
        }
    ]


def test_gate_item_records_the_champion_comparison_the_officer_was_shown(audit):
    shown = "auc: challenger version 2 0.9100 vs champion version 1 0.9000 in prod (tolerance 0.01): better"
    with stub_gate(
        audit, "Succeeded", OFFICER, resolved={"CHAMPION_SUMMARY": shown, "QUALITY_SUMMARY": "auc 0.91"}
    ):
        audit.handler(gate_event("succeeded"), CONTEXT)
    [item] = items()
    assert item["champion_comparison"] == shown


def test_negative_control_no_resolve_output_records_no_comparison(audit):
    with stub_gate(audit, "Succeeded", OFFICER, resolved={"QUALITY_SUMMARY": "auc 0.91"}):
        audit.handler(gate_event("succeeded"), CONTEXT)
    [item] = items()
    assert "champion_comparison" not in item


def test_gate_rejection_is_recorded_as_rejected(audit):
    with stub_gate(audit, "Failed", OFFICER, externalExecutionSummary="latency p99 too high in test"):
        audit.handler(gate_event("failed"), CONTEXT)

    [item] = items()
    assert (item["decision"], item["comment"], item["decided_by"]) == (
        "Rejected",
        "latency p99 too high in test",
        OFFICER,
    )


def test_gate_that_expired_unanswered_is_recorded_without_an_author(audit):
    with stub_gate(audit, "Failed", None, errorDetails={"code": "Timeout", "message": "Approval timed out"}):
        audit.handler(gate_event("failed"), CONTEXT)

    [item] = items()
    assert (item["decision"], item["decided_by"]) == ("Rejected", "unknown")
    assert item["comment"] == "Approval timed out"


@pytest.mark.parametrize("state", sorted(set(GATE) - {"succeeded", "failed"}))
def test_gate_states_that_are_not_answers_record_nothing(audit, state):
    with Stubber(audit.CODEPIPELINE) as stubber:  # any AWS call would fail: none is expected
        result = audit.handler(gate_event(state), CONTEXT)
        stubber.assert_no_pending_responses()

    assert result == {"status": "skipped", "reason": f"state {state.upper()} is not an approval decision"}
    assert items() == []


@pytest.mark.parametrize("failing_call", ["get_pipeline_execution", "list_action_executions"])
@pytest.mark.parametrize("code", ["PipelineExecutionNotFoundException", "PipelineNotFoundException"])
def test_an_answer_for_an_execution_codepipeline_does_not_know_is_logged_and_skipped(
    audit, caplog, failing_call, code
):
    """Raising would make Lambda retry an answer that can never be attributed."""
    with Stubber(audit.CODEPIPELINE) as stubber:
        if failing_call == "list_action_executions":
            stubber.add_response(
                "get_pipeline_execution", {"pipelineExecution": {"pipelineExecutionId": EXECUTION_ID}}
            )
        stubber.add_client_error(failing_call, service_error_code=code, http_status_code=400)
        result = audit.handler(gate_event("succeeded"), CONTEXT)
        stubber.assert_no_pending_responses()

    reason = f"CodePipeline does not know execution {EXECUTION_ID} of {PIPELINE}"
    assert result == {"status": "skipped", "reason": reason}
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "audit-trail"] == [
        ("WARNING", f"nothing recorded: {reason}")
    ]
    assert items() == []


def test_other_codepipeline_failures_raise_for_lambda_to_retry(audit):
    with Stubber(audit.CODEPIPELINE) as stubber:
        stubber.add_client_error(
            "get_pipeline_execution", service_error_code="ThrottlingException", http_status_code=400
        )
        with pytest.raises(ClientError, match="ThrottlingException"):
            audit.handler(gate_event("succeeded"), CONTEXT)
    assert items() == []


def _event(base: dict, *path_and_value) -> dict:
    event = copy.deepcopy(base)
    *path, key, value = path_and_value
    target = event
    for step in path:
        target = target[step]
    target[key] = value
    return event


def _arn(account: str = ACCOUNT, region: str = REGION, group: str = GROUP, tail: str = "/1") -> str:
    return f"arn:aws:sagemaker:{region}:{account}:model-package/{group}{tail}"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (None, "not a model package state change"),
        ([REGISTRY_EVENT], "not a model package state change"),
        (_event(REGISTRY_EVENT, "detail-type", "EC2 Instance State-change Notification"), "not a model"),
        (_event(REGISTRY_EVENT, "source", "aws.codepipeline"), "from aws.sagemaker"),
        (_event(REGISTRY_EVENT, "time", "yesterday"), "time is not an ISO-8601 timestamp"),
        (_event(REGISTRY_EVENT, "time", "2026-11-20T14:03:27"), "time has no time zone"),
        (_event(REGISTRY_EVENT, "id", 7), "id is missing"),
        (_event(REGISTRY_EVENT, "account", "999999999999"), "is not a version of group"),
        (_event(REGISTRY_EVENT, "region", "us-east-1"), "is not a version of group"),
        (_event(REGISTRY_EVENT, "detail", "Approved"), "detail is missing or not a JSON object"),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageGroupName", "fraud-models"),
            "is not a version of group",
        ),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageArn", "arn:aws:s3:::b/1"),
            "is not a version of group",
        ),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageArn", _arn(group="fraud-models")),
            "is not a version of",
        ),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageArn", _arn(account="999999999999")),
            "is not a version of",
        ),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageArn", _arn(region="us-east-1")),
            "is not a version of",
        ),
        (_event(REGISTRY_EVENT, "detail", "ModelPackageArn", _arn(tail="")), "is not a version of"),
        (
            _event(REGISTRY_EVENT, "detail", "ModelPackageVersion", 3),
            "ModelPackageVersion 3 is not the version",
        ),
        (_event(REGISTRY_EVENT, "detail", "ModelApprovalStatus", None), "ModelApprovalStatus is missing"),
        (_event(REGISTRY_EVENT, "detail", "ModelApprovalStatus", "approved"), "'approved' is not one of"),
        (_event(REGISTRY_EVENT, "detail", "UpdatedModelPackageFields", None), "is not a list of field names"),
        (_event(GATE_EVENT, "source", "aws.sagemaker"), "not from aws.codepipeline"),
        (_event(GATE_EVENT, "detail", "pipeline", "someone-elses-pipeline"), "belongs to no project"),
        (_event(GATE_EVENT, "detail", "type", "category", "Deploy"), "not a manual approval"),
        (_event(GATE_EVENT, "detail", "state", ["SUCCEEDED"]), "state is missing"),
    ],
)
def test_malformed_or_foreign_events_record_nothing(audit, caplog, event, reason):
    """The sample version is Approved in the registry: only the event's own flaw can stop a record."""
    register("Approved", "ok")
    with Stubber(audit.CODEPIPELINE), Stubber(audit.SAGEMAKER):  # refused before any AWS call
        result = audit.handler(event, CONTEXT)

    assert result["status"] == "skipped" and reason in result["reason"]
    assert [r.levelname for r in caplog.records if r.name == "audit-trail"] == ["WARNING"]
    assert items() == []


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    event=st.one_of(
        _JSON,
        st.builds(lambda detail: REGISTRY_EVENT | {"detail": detail}, _JSON),
        st.builds(lambda detail: GATE_EVENT | {"detail": detail}, _JSON),
    )
)
def test_fuzzed_events_never_raise_and_record_nothing(audit, event):
    with Stubber(audit.CODEPIPELINE), Stubber(audit.SAGEMAKER):  # garbage must not reach AWS
        assert audit.handler(event, CONTEXT)["status"] == "skipped"
    assert items() == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AUDIT_TABLE", None),
        ("AUDIT_TABLE", ""),
        ("AUDIT_BUCKET", None),
        ("AUDIT_BUCKET", ""),
    ],
)
def test_bad_environment_fails_the_cold_start_naming_the_variable(aws, monkeypatch, variable, value):
    assert_cold_start_refuses(monkeypatch, load_handler, variable, value)


@pytest.mark.parametrize("content", BAD_PROJECTS_FILES)
def test_a_bad_projects_file_fails_the_cold_start_naming_it(aws, monkeypatch, tmp_path, content):
    assert_bad_projects_file_refused(monkeypatch, tmp_path, load_handler, content)
