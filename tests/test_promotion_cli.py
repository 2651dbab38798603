"""The promotion CLI against moto (registry, S3, audit table, pipeline) and Stubber (the prod gate).

moto has no CodePipeline GetPipelineState or PutApprovalResult, so `gate` runs against a stubbed
CodePipeline client that expects exactly the calls the command must make, answering in the API's shape.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from promotion_cli import export, gate
from promotion_cli.cli import main
from tests.cli_fakes import assert_one_line_error, fresh_session, isolated_aws_environment
from tests.fakes import create_audit_table, pipeline_executions
from tests.recorded import recorded
from tests.test_promotion_trigger import create_promotion_pipeline
from tooling.synth import ROOT

CONFIG = ROOT / "config" / "example.toml"
REGION, ACCOUNT = "eu-west-1", "111111111111"
GROUP, PIPELINE, AUDIT = "mlplatform-churn", "mlplatform-churn-promotion", "mlplatform-promotion-audit"
BUCKET = "mlplatform-dev-artifacts"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"


@pytest.fixture
def credentials(monkeypatch, tmp_path):
    """Fake credentials for the example's dev account; no profile or AWS config of this machine leaks in."""
    isolated_aws_environment(monkeypatch, tmp_path, MOTO_ACCOUNT_ID=ACCOUNT)


@pytest.fixture
def aws(credentials, monkeypatch):
    """The dev account under moto: the project's model package group, metrics bucket and audit table."""
    with mock_aws():
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)  # for the tests' own clients only
        boto3.client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
        location = {"LocationConstraint": REGION}
        boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration=location)
        create_audit_table(AUDIT)
        monkeypatch.delenv("AWS_DEFAULT_REGION")  # the CLI must take its region from the config
        yield


@pytest.fixture
def pipeline(aws, monkeypatch):
    """The project's promotion pipeline (apart, because moto's IAM makes it the slowest to create)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    create_promotion_pipeline()
    monkeypatch.delenv("AWS_DEFAULT_REGION")


@pytest.fixture
def cli(capsys):
    """Runs the tool; gives (exit code, stdout, stderr)."""

    def run(*args: str, session_factory=fresh_session) -> tuple[int, str, str]:
        code = main(["--config", str(CONFIG), *args], session_factory=session_factory)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def register(status: str = "PendingManualApproval", metrics_key: str | None = None) -> str:
    """A model package version; `metrics_key` is where its model-quality JSON is said to be."""
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    extra = {}
    if metrics_key:
        statistics = {"ContentType": "application/json", "S3Uri": f"s3://{BUCKET}/{metrics_key}"}
        extra["ModelMetrics"] = {"ModelQuality": {"Statistics": statistics}}
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://{BUCKET}/churn/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        **extra,
    )["ModelPackageArn"]
    if status != "PendingManualApproval":
        sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)
    return arn


def package(arn: str) -> dict:
    return boto3.client("sagemaker", region_name=REGION).describe_model_package(ModelPackageName=arn)


# pending


def test_pending_lists_waiting_versions_newest_first_with_key_metrics(aws, cli):
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=BUCKET,
        Key="churn/1/evaluation.json",
        Body=json.dumps(
            {
                "binary_classification_metrics": {
                    "auc": {"value": 0.912, "standard_deviation": 0.01},
                    "accuracy": {"value": 0.87, "standard_deviation": 0.02},
                    "confusion_matrix": {"0": {"0": 180, "1": 20}},
                }
            }
        ),
    )
    register(metrics_key="churn/1/evaluation.json")
    register()
    register(metrics_key="churn/3/missing.json")
    register("Approved")

    code, out, err = cli("pending", "churn")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["VERSION", "CREATED", "KEY", "METRICS"]
    assert [line.split()[0] for line in lines[1:]] == ["3", "2", "1"]
    assert lines[1].endswith("metrics unreadable (NoSuchKey)")
    assert lines[2].endswith("no metrics registered")
    assert lines[3].endswith("auc=0.912 (meets 0.75), accuracy=0.87")
    assert " UTC " in lines[3]


def test_pending_says_so_when_nothing_waits(aws, cli):
    register("Approved")
    assert cli("pending", "churn") == (0, "no version of mlplatform-churn awaits approval\n", "")


# approve / reject


def test_approve_sets_approved_with_the_comment(aws, cli):
    arn = register()
    code, out, err = cli("approve", "churn", "1", "--comment", "AUC 0.91, bias report reviewed")

    assert (code, err) == (0, "")
    assert out.startswith(f"approved {GROUP} version 1 ({arn})")
    assert "writes this decision into its model card (`card churn show 1`)" in out
    described = package(arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "AUC 0.91, bias report reviewed"


def test_approve_a_rejected_version_is_a_reconsideration(aws, cli):
    arn = register("Rejected")
    assert cli("approve", "churn", "1", "--comment", "retested; the gap was a data bug")[0] == 0
    assert package(arn)["ModelApprovalStatus"] == "Approved"


def test_reject_withdraws_an_approval_and_says_it_stays_deployed(aws, cli):
    arn = register("Approved")
    code, out, _ = cli("reject", "churn", "1", "--comment", "leaks a PII feature")

    assert code == 0
    assert package(arn)["ModelApprovalStatus"] == "Rejected"
    assert "stays deployed" in out and "rollback" in out


@pytest.mark.parametrize(("command", "status"), [("approve", "Approved"), ("reject", "Rejected")])
def test_deciding_what_is_already_decided_is_refused(aws, cli, command, status):
    arn = register(status)
    code, out, err = cli(command, "churn", "1", "--comment", "again")

    assert (code, out) == (1, "")
    assert_one_line_error(err, f"cannot {command} {GROUP} version 1: it is {status}")
    assert package(arn)["ModelApprovalStatus"] == status


def test_unknown_version_is_refused(aws, cli):
    register()
    code, _, err = cli("approve", "churn", "9", "--comment", "ok")

    assert code == 1
    assert_one_line_error(err, f"model package group {GROUP} has no version 9 in {REGION}")


# dry runs: no credentials at all, so any AWS call (a read too) would fail


PACKAGE_1 = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/1"
GATE_CALL = {"pipelineName": PIPELINE, "stageName": "ApproveForProd", "actionName": "ApproveForProd"}


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    isolated_aws_environment(monkeypatch, tmp_path, credentials=False)


@pytest.mark.parametrize(
    ("args", "operation", "params"),
    [
        (
            ("approve", "churn", "1", "--comment", "looks good"),
            "sagemaker UpdateModelPackage",
            {
                "ModelPackageArn": PACKAGE_1,
                "ModelApprovalStatus": "Approved",
                "ApprovalDescription": "looks good",
            },
        ),
        (
            ("reject", "churn", "1", "--comment", "no"),
            "sagemaker UpdateModelPackage",
            {"ModelPackageArn": PACKAGE_1, "ModelApprovalStatus": "Rejected", "ApprovalDescription": "no"},
        ),
        (
            ("gate", "churn", "approve", "--comment", "ok"),
            "codepipeline PutApprovalResult",
            {**GATE_CALL, "result": {"summary": "ok", "status": "Approved"}, "token": gate.UNREAD_TOKEN},
        ),
        (
            ("gate", "churn", "reject", "--comment", "slow"),
            "codepipeline PutApprovalResult",
            {**GATE_CALL, "result": {"summary": "slow", "status": "Rejected"}, "token": gate.UNREAD_TOKEN},
        ),
        (
            ("rollback", "churn", "1"),
            "codepipeline StartPipelineExecution",
            {
                "name": PIPELINE,
                "variables": [
                    {"name": "ModelPackageArn", "value": PACKAGE_1},
                    {"name": "ChampionCheck", "value": "rollback"},
                ],
            },
        ),
    ],
    ids=["approve", "reject", "gate-approve", "gate-reject", "rollback"],
)
@pytest.mark.usefixtures("no_credentials")
def test_a_dry_run_needs_no_credentials_and_prints_the_exact_call(cli, args, operation, params):
    assert cli(*args, "--dry-run") == (
        0,
        f"dry run, nothing changed: would call {operation} in {REGION} with {json.dumps(params)}\n",
        "",
    )


@pytest.mark.usefixtures("no_credentials")
def test_without_dry_run_the_same_command_needs_credentials(cli):
    """Negative control: the same environment, for real, fails at the first call."""
    code, out, err = cli("approve", "churn", "1", "--comment", "looks good")
    assert (code, out) == (1, "")
    assert_one_line_error(err, "no AWS credentials found")


@pytest.mark.usefixtures("no_credentials")
def test_the_dry_run_names_the_region_chosen(cli):
    _, out, _ = cli("--region", "us-east-1", "rollback", "churn", "2", "--dry-run")
    assert "in us-east-1 with" in out
    assert "arn:aws:sagemaker:us-east-1:111111111111:model-package/mlplatform-churn/2" in out


# gate


def stubbed_session(client):
    """A session factory whose sessions hand out `client` for its service and moto clients otherwise."""
    service = client.meta.service_model.service_name

    class Session(boto3.Session):
        def client(self, name, *args, **kwargs):
            return client if name == service else super().client(name, *args, **kwargs)

    return lambda **kwargs: fresh_session(Session, **kwargs)


def stub_waiting_gate(stubber: Stubber, status: str = "InProgress") -> None:
    """GetPipelineState with the gate in `status`, then (if waiting) the waiting execution's variables."""
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    gate_execution = {"status": status, "lastStatusChange": now}
    if status == "InProgress":
        gate_execution["token"] = "0f3b1c9e-approval-token"
    stubber.add_response(
        "get_pipeline_state",
        {
            "pipelineName": PIPELINE,
            "pipelineVersion": 1,
            "stageStates": [
                {
                    "stageName": "DeployTest",
                    "latestExecution": {"pipelineExecutionId": "exec-1", "status": "Succeeded"},
                    "actionStates": [{"actionName": "Deploy", "latestExecution": {"status": "Succeeded"}}],
                },
                {
                    "stageName": "ApproveForProd",
                    "latestExecution": {"pipelineExecutionId": "exec-1", "status": status},
                    "actionStates": [{"actionName": "ApproveForProd", "latestExecution": gate_execution}],
                },
            ],
        },
        {"name": PIPELINE},
    )
    if status == "InProgress":
        stubber.add_response(
            "get_pipeline_execution",
            {
                "pipelineExecution": {
                    "pipelineName": PIPELINE,
                    "pipelineExecutionId": "exec-1",
                    "status": "InProgress",
                    "variables": [{"name": "ModelPackageArn", "resolvedValue": f"{GROUP}-arn-v3"}],
                }
            },
            {"pipelineName": PIPELINE, "pipelineExecutionId": "exec-1"},
        )


@pytest.fixture
def codepipeline(aws):
    return boto3.client("codepipeline", region_name=REGION)


@pytest.mark.parametrize(("answer", "status"), [("approve", "Approved"), ("reject", "Rejected")])
def test_gate_answers_the_waiting_approval(codepipeline, cli, answer, status):
    with Stubber(codepipeline) as stubber:
        stub_waiting_gate(stubber)
        stubber.add_response(
            "put_approval_result",
            {"approvedAt": datetime(2026, 11, 21, 8, 5, tzinfo=UTC)},
            {
                "pipelineName": PIPELINE,
                "stageName": "ApproveForProd",
                "actionName": "ApproveForProd",
                "result": {"summary": "tests green", "status": status},
                "token": "0f3b1c9e-approval-token",
            },
        )
        session = stubbed_session(codepipeline)
        code, out, err = cli("gate", "churn", answer, "--comment", "tests green", session_factory=session)
        stubber.assert_no_pending_responses()

    assert (code, err) == (0, "")
    assert f"waits at ApproveForProd to promote {GROUP}-arn-v3 to prod" in out
    assert out.endswith(f"{status.lower()}: execution exec-1\n")


def test_gate_with_nothing_waiting_is_refused(codepipeline, cli):
    with Stubber(codepipeline) as stubber:
        stub_waiting_gate(stubber, status="Succeeded")
        session = stubbed_session(codepipeline)
        code, out, err = cli("gate", "churn", "approve", "--comment", "ok", session_factory=session)

    assert (code, out) == (1, "")
    assert_one_line_error(err, f"no approval is waiting at ApproveForProd in pipeline {PIPELINE}")


def test_gate_of_a_pipeline_that_does_not_exist_names_the_aws_error(codepipeline, cli):
    with Stubber(codepipeline) as stubber:
        stubber.add_client_error(
            "get_pipeline_state",
            service_error_code="PipelineNotFoundException",
            service_message=f"Account '{ACCOUNT}' does not have a pipeline with name '{PIPELINE}'",
            http_status_code=400,
            expected_params={"name": PIPELINE},
        )
        session = stubbed_session(codepipeline)
        code, _, err = cli("gate", "churn", "reject", "--comment", "no", session_factory=session)

    assert code == 1
    assert_one_line_error(
        err, f"AWS refused GetPipelineState in {REGION}: PipelineNotFoundException", "platform is deployed"
    )


# history


def record(project: str, when: str, version: int, kind: str, decision: str, by: str, comment: str) -> None:
    """An item as the audit-trail Lambda writes it."""
    boto3.resource("dynamodb", region_name=REGION).Table(AUDIT).put_item(
        Item={
            "project": project,
            "recorded_at": f"{when}#evt-{when}",
            "kind": kind,
            "model_package_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/{version}",
            "model_package_version": version,
            "decision": decision,
            "decided_by": by,
            "comment": comment,
            "event_id": f"evt-{when}",
        }
    )


def test_history_shows_the_projects_decisions_newest_first(aws, cli):
    record("churn", "2026-11-20T14:03:27Z", 1, "registry-decision", "Approved", "jane", "AUC 0.91")
    record("churn", "2026-11-21T08:15:42Z", 1, "promotion-gate", "Approved", "jane", "tests green")
    record("churn", "2026-11-19T09:00:00Z", 1, "registry-decision", "PendingManualApproval", "pipeline", "")
    record("fraud", "2026-11-22T00:00:00Z", 7, "registry-decision", "Rejected", "bob", "someone else's")

    code, out, err = cli("history", "churn")

    assert (code, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["RECORDED", "(UTC)", "KIND", "VERSION", "DECISION", "BY", "COMMENT"]
    assert [row.split()[:4] for row in rows] == [
        ["2026-11-21T08:15:42Z", "promotion-gate", "1", "Approved"],
        ["2026-11-20T14:03:27Z", "registry-decision", "1", "Approved"],
        ["2026-11-19T09:00:00Z", "registry-decision", "1", "PendingManualApproval"],
    ]
    assert rows[0].split()[4:] == ["jane", "tests", "green"]


def test_history_limit_keeps_the_newest(aws, cli):
    for day in range(10, 20):
        record("churn", f"2026-11-{day}T00:00:00Z", 1, "registry-decision", "Approved", "jane", "ok")

    _, out, _ = cli("history", "churn", "--limit", "2")

    newest = [row.split()[0] for row in out.splitlines()[1:]]
    assert newest == ["2026-11-19T00:00:00Z", "2026-11-18T00:00:00Z"]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_history_export_writes_every_decision_for_an_auditor(aws, cli, tmp_path, suffix):
    for day in range(10, 35):  # more than the default --limit: an export has them all
        record(
            "churn",
            f"2026-11-{day % 30 + 1:02d}T00:00:{day:02d}Z",
            1,
            "registry-decision",
            "Approved",
            "jane",
            'ok, "quoted"',
        )
    record("fraud", "2026-11-22T00:00:00Z", 7, "registry-decision", "Rejected", "bob", "someone else's")
    target = tmp_path / f"churn{suffix}"

    code, out, err = cli("history", "churn", "--export", str(target))

    assert (code, err, out) == (0, "", f"wrote 25 decisions of churn to {target}\n")
    text = target.read_text()
    rows = json.loads(text) if suffix == ".json" else list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 25
    assert list(rows[0]) == list(export.COLUMNS)
    assert {row["comment"] for row in rows} == {'ok, "quoted"'}  # commas and quotes survive
    assert rows[0]["recorded_at"] > rows[-1]["recorded_at"]  # newest first, without the event id
    assert "#" not in rows[0]["recorded_at"]


def test_history_export_refuses_an_unknown_format_before_calling_aws(credentials, cli, tmp_path):
    code, _, err = cli("history", "churn", "--export", str(tmp_path / "churn.xlsx"))
    assert code == 2
    assert_one_line_error(err, "must end in .csv or .json")


def test_history_of_a_project_without_decisions(aws, cli):
    assert cli("history", "churn") == (0, "no decisions recorded for churn yet\n", "")


# card


LEDGER = f"mlplatform-audit-records-{ACCOUNT}"


def with_card(status: str | None = "Approved"):
    """A session factory whose DescribeModelPackage answers carry the recorded version's card (moto
    keeps none); None: no card."""
    card = recorded("registry", "describe_model_package")["ModelCard"]

    def factory(**kwargs):
        session = fresh_session(**kwargs)

        def add_card(parsed, **_):
            if status:
                parsed["ModelCard"] = card | {"ModelCardStatus": status}

        session.events.register("after-call.sagemaker.DescribeModelPackage", add_card)
        return session

    return factory


def test_card_show_prints_what_the_card_says(aws, cli):
    register("Approved")
    code, out, err = cli("card", "churn", "show", "1", session_factory=with_card())

    assert (code, err) == (0, "")
    shown = dict(line.split(": ", 1) for line in out.splitlines())
    assert shown["card status"] == "Approved"
    assert shown["risk rating"] == "Medium"
    assert shown["metrics (test split)"] == "auc 0.9123, accuracy 0.8712"
    assert shown["pii columns dropped"] == "customer_name,email,phone"
    assert shown["code version"] == "0123456789abcdef0123456789abcdef01234567"
    assert shown["decision"] == "Approved"
    assert shown["decided by"].endswith("mlplatform-compliance-officer/cora")
    assert shown["decision comment"] == "AUC 0.91, bias review OK"


def test_card_export_locks_the_card_in_the_audit_records(aws, cli):
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=LEDGER,
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    register("Approved")

    code, out, err = cli("card", "churn", "export", "1", session_factory=with_card())

    assert (code, err) == (0, "")
    [version] = s3.list_object_versions(Bucket=LEDGER)["Versions"]
    assert version["Key"].startswith(f"model-cards/{GROUP}/1/") and version["Key"].endswith("Z.json")
    assert out == f"exported to s3://{LEDGER}/{version['Key']}\n"
    document = json.loads(s3.get_object(Bucket=LEDGER, Key=version["Key"])["Body"].read())
    assert document["model_card_status"] == "Approved"
    assert document["model_card"]["intended_uses"]["risk_rating"] == "Medium"
    assert document["exported_by"].startswith("arn:aws:")


def test_a_version_without_a_card_is_refused_in_one_line(aws, cli):
    register("Approved")
    code, _, err = cli("card", "churn", "show", "1", session_factory=with_card(None))
    assert code == 1
    assert_one_line_error(err, "has no model card")


# rollback


def test_rollback_starts_the_promotion_pipeline_with_that_version(pipeline, cli):
    first = register("Approved")
    register("Approved")
    code, out, err = cli("rollback", "churn", "1")

    assert (code, err) == (0, "")
    [execution] = pipeline_executions(PIPELINE)
    # an earlier version may score below prod's champion: Resolve accepts that for a rollback
    assert execution["variables"] == [
        {"name": "ModelPackageArn", "resolvedValue": first},
        {"name": "ChampionCheck", "resolvedValue": "rollback"},
    ]
    assert f"started {PIPELINE} execution {execution['pipelineExecutionId']} for {GROUP} version 1" in out


@pytest.mark.parametrize("status", ["PendingManualApproval", "Rejected"])
def test_rollback_to_a_version_that_is_not_approved_is_refused(pipeline, cli, status):
    register(status)
    code, _, err = cli("rollback", "churn", "1")

    assert code == 1
    assert_one_line_error(err, f"cannot roll back to {GROUP} version 1: it is {status}")
    assert pipeline_executions(PIPELINE) == []


# errors


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "the following arguments are required: COMMAND"),
        (("promote", "churn"), "invalid choice: 'promote'"),
        (("approve", "churn", "one", "--comment", "ok"), "'one' is not a positive whole number"),
        (("approve", "churn", "0", "--comment", "ok"), "'0' is not a positive whole number"),
        (("approve", "churn", "1"), "the following arguments are required: --comment"),
        (("approve", "churn", "1", "--comment", "  "), "must say why"),
        (("gate", "churn", "maybe", "--comment", "ok"), "invalid choice: 'maybe'"),
        (("gate", "churn", "approve", "--comment", "x" * 513), "in 1 to 512 characters"),
        (("history", "churn", "--limit", "-3"), "'-3' is not a positive whole number"),
    ],
)
def test_usage_mistakes_exit_2_with_one_line(credentials, cli, args, fragment):
    code, out, err = cli(*args)

    assert (code, out) == (2, "")
    assert_one_line_error(err, fragment)


def test_unknown_project_exits_2_naming_the_known_ones(aws, cli):
    code, _, err = cli("pending", "fraud")

    assert code == 2
    assert_one_line_error(err, "unknown project 'fraud'", "use one of: churn")


def test_missing_config_file_exits_2(credentials, capsys):
    code = main(["--config", "config/nope.toml", "pending", "churn"])

    assert code == 2
    assert_one_line_error(capsys.readouterr().err, "config/nope.toml: no such config file", "with --config")


def test_region_without_sagemaker_exits_2(aws, cli):
    code, _, err = cli("--region", "mars-east-1", "pending", "churn")

    assert code == 2
    assert_one_line_error(err, "--region 'mars-east-1' is not an AWS region with SageMaker", "eu-west-1")


def test_unknown_profile_exits_2(credentials, cli):
    code, _, err = cli("--profile", "officer", "pending", "churn")

    assert code == 2
    assert_one_line_error(err, "officer", "aws configure list-profiles")


def test_missing_credentials_exit_1(credentials, monkeypatch, cli):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    code, _, err = cli("pending", "churn")

    assert code == 1
    assert_one_line_error(err, "no AWS credentials found", "--profile")


def test_credentials_for_another_account_are_refused(aws, monkeypatch, cli):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")
    code, _, err = cli("pending", "churn")

    assert code == 1
    assert_one_line_error(err, "credentials are for account 999999999999", f"dev account {ACCOUNT}")


def test_aws_access_denied_exits_1_with_the_call_and_the_fix(aws, cli):
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    with Stubber(sagemaker) as stubber:
        stubber.add_client_error(
            "list_model_packages",
            service_error_code="AccessDeniedException",
            service_message="User is not authorized to perform: sagemaker:ListModelPackages",
            http_status_code=400,
        )
        code, _, err = cli("pending", "churn", session_factory=stubbed_session(sagemaker))

    assert code == 1
    assert_one_line_error(
        err, f"AWS refused ListModelPackages in {REGION}: AccessDeniedException", "use credentials allowed"
    )


def test_history_shows_the_stage_history_apart_from_decisions(aws, cli):
    record("churn", "2026-11-20T14:03:27Z", 1, "registry-decision", "Approved", "jane", "AUC 0.91")
    boto3.resource("dynamodb", region_name=REGION).Table(AUDIT).put_item(
        Item={
            "project": "churn",
            "recorded_at": "2026-11-21T08:00:00Z#evt-stage",
            "kind": "lifecycle-stage",
            "model_package_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/1",
            "model_package_version": 1,
            "stage": "Staging/InProgress",
            "decided_by": f"arn:aws:sts::{ACCOUNT}:assumed-role/mlplatform-churn-promotion-steps/build",
            "comment": "deployed to test by promotion e-1",
            "event_id": "evt-stage",
        }
    )

    _, out, _ = cli("history", "churn")

    stage, decision = (row.split()[:5] for row in out.splitlines()[1:])
    assert stage[:4] == ["2026-11-21T08:00:00Z", "lifecycle-stage", "1", "Staging/InProgress"]
    assert stage[4].endswith("mlplatform-churn-promotion-steps/build")
    assert decision[1:4] == ["registry-decision", "1", "Approved"]
