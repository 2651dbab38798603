"""What the tests of runtime code (Lambda handlers, CLIs) share: a fake AWS environment for moto,
Lambda modules loaded as a cold start, a Lambda context, the audit table's schema, the promotion
functions' projects file, and what a CodePipeline under moto has run."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import boto3
import pytest

REGION, ACCOUNT = "eu-west-1", "111111111111"


def fake_aws_environment(monkeypatch, **variables: str) -> None:
    """Fake credentials in the dev account (nothing can reach AWS), plus the given variables."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_ACCOUNT_ID": ACCOUNT,
        **variables,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def load_lambda(handler: Path, module_name: str) -> ModuleType:
    """A fresh copy of a Lambda module, imported as Lambda does: a cold start reading the environment,
    with its own folder (the function's asset) first on the import path and its sibling modules fresh."""
    folder = str(handler.parent)
    for sibling in handler.parent.glob("*.py"):
        sys.modules.pop(sibling.stem, None)
    spec = importlib.util.spec_from_file_location(module_name, handler)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module


def lambda_context(function_name: str, request_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        function_name=function_name,
        memory_limit_in_mb=256,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}",
        aws_request_id=request_id,
        get_remaining_time_in_millis=lambda: 30_000,
    )


def create_audit_table(name: str) -> None:
    """The audit trail's table, keyed as the AuditTrail construct deploys it."""
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "project", "KeyType": "HASH"},
            {"AttributeName": "recorded_at", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "project", "AttributeType": "S"},
            {"AttributeName": "recorded_at", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def assert_cold_start_refuses(monkeypatch, load, variable: str, value: str | None) -> None:
    """A handler loaded with `variable` unset (None) or bad stops its cold start naming it."""
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(Exception, match=variable) as raised:
        load()
    assert type(raised.value).__name__ == "ConfigurationError"


def pipeline_executions(pipeline: str) -> list[dict]:
    """Every execution moto's CodePipeline holds for `pipeline`, in full (its variables included)."""
    codepipeline = boto3.client("codepipeline", region_name=REGION)
    summaries = codepipeline.list_pipeline_executions(pipelineName=pipeline)["pipelineExecutionSummaries"]
    return [
        codepipeline.get_pipeline_execution(
            pipelineName=pipeline, pipelineExecutionId=s["pipelineExecutionId"]
        )["pipelineExecution"]
        for s in summaries
    ]


def projects_file(folder: Path, projects: dict[str, tuple[str, str]]) -> str:
    """A `projects.json` as the promotion constructs write it (name -> (group, pipeline)); its path."""
    path = folder / "projects.json"
    entries = {n: {"model_package_group": g, "promotion_pipeline": p} for n, (g, p) in projects.items()}
    path.write_text(json.dumps({"projects": entries}), encoding="utf-8")
    return str(path)


# Projects files a promotion function must refuse at cold start (None: no such file).
BAD_PROJECTS_FILES = [
    None,
    "{",
    "[]",
    '{"projects": {}}',
    '{"projects": {"churn": {"model_package_group": "mlplatform-churn"}}}',
    '{"projects": {"churn": {"model_package_group": "", "promotion_pipeline": "p"}}}',
]


def assert_bad_projects_file_refused(monkeypatch, folder: Path, load, content: str | None) -> None:
    path = folder / "bad-projects.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert_cold_start_refuses(monkeypatch, load, "PROJECTS_FILE", str(path))
