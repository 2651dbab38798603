"""`mlp-promote champion` against moto: the audit trail's prod-gate approvals, each checked against
its promotion pipeline execution (moto's CodePipeline; statuses set on its backend)."""

from __future__ import annotations

import json

import boto3
from moto.codepipeline.models import codepipeline_backends

from tests import test_promotion_cli as cli_tests
from tests.test_promotion_cli import ACCOUNT, AUDIT, BUCKET, GROUP, PIPELINE, REGION, register

# The CLI tests' fixtures: the dev account under moto with the promotion pipeline, and the runner.
aws, credentials, pipeline, cli = cli_tests.aws, cli_tests.credentials, cli_tests.pipeline, cli_tests.cli

COMPARISON = "auc: challenger version 1 0.9100 vs champion version 0 0.9000 in prod (tolerance 0.01): better"


def execution(status: str) -> str:
    """A promotion pipeline execution that ended (or is) `status`."""
    started = boto3.client("codepipeline", region_name=REGION).start_pipeline_execution(name=PIPELINE)
    execution_id = started["pipelineExecutionId"]
    codepipeline_backends[ACCOUNT][REGION].pipelines[PIPELINE].executions[execution_id].status = status
    return execution_id


def gate_item(when: str, arn: str, decision: str, execution_id: str, **extra: str) -> None:
    """A prod-gate answer as the audit-trail Lambda records it."""
    boto3.resource("dynamodb", region_name=REGION).Table(AUDIT).put_item(
        Item={
            "project": "churn",
            "recorded_at": f"{when}#evt-{when}",
            "kind": "promotion-gate",
            "model_package_arn": arn,
            "model_package_version": int(arn.rsplit("/", 1)[1]),
            "decision": decision,
            "decided_by": f"arn:aws:sts::{ACCOUNT}:assumed-role/mlplatform-compliance-officer/jane",
            "comment": "ok",
            "event_id": f"evt-{when}",
            "pipeline_execution_id": execution_id,
            **extra,
        }
    )


def registered_with_auc(auc: float) -> str:
    key = f"churn/eval-{auc}/evaluation.json"
    document = {"binary_classification_metrics": {"auc": {"value": auc, "standard_deviation": 0.01}}}
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=key, Body=json.dumps(document))
    return register("Approved", metrics_key=key)


def test_the_champion_is_the_newest_gate_approval_whose_promotion_succeeded(pipeline, cli):
    first, second, third = (registered_with_auc(a) for a in (0.91, 0.93, 0.95))
    gate_item(
        "2026-11-20T10:00:00Z", first, "Approved", execution("Succeeded"), champion_comparison=COMPARISON
    )
    gate_item("2026-11-21T10:00:00Z", second, "Approved", execution("Failed"))  # rolled back: never served
    gate_item("2026-11-22T10:00:00Z", third, "Approved", execution("InProgress"))

    code, out, err = cli("champion", "churn")

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "on its way to prod: version 3, approved at the gate 2026-11-22T10:00:00Z UTC",
        f"champion of churn in prod: {GROUP} version 1, promoted 2026-11-20T10:00:00Z UTC, gate approved by "
        "assumed-role/mlplatform-compliance-officer/jane",
        "  metrics: auc=0.91 (meets 0.75)",
        f"  at its gate: {COMPARISON}",
        "  a new version must reach auc within 0.01 of it to be promoted",
    ]


def test_negative_control_rejected_gates_and_registry_approvals_are_no_champion(pipeline, cli):
    arn = registered_with_auc(0.9)
    gate_item("2026-11-20T10:00:00Z", arn, "Rejected", execution("Succeeded"))
    boto3.resource("dynamodb", region_name=REGION).Table(AUDIT).put_item(
        Item={
            "project": "churn",
            "recorded_at": "2026-11-19T10:00:00Z#evt",
            "kind": "registry-decision",
            "model_package_arn": arn,
            "model_package_version": 1,
            "decision": "Approved",
        }
    )
    code, out, _ = cli("champion", "churn")
    assert code == 0
    assert out == "no version of churn has reached prod yet: a first promotion has no champion to beat\n"


def test_an_approval_past_codepipelines_history_still_counts_and_says_so(pipeline, cli):
    arn = registered_with_auc(0.9)
    gate_item("2025-10-01T10:00:00Z", arn, "Approved", "0b1e0000-0000-4000-8000-000000000000")
    code, out, _ = cli("champion", "churn")
    assert code == 0
    assert "version 1, promoted 2025-10-01T10:00:00Z UTC" in out
    assert "its execution is past CodePipeline's history" in out
