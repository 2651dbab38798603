"""Ground-truth labels: the CSV people write, the JSON Lines Model Monitor reads, and `mlp-labels upload`
under moto, on labels made from the project's own sample data (pipelines/data/generate_sample.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from labels import cli
from labels import format as labels
from pipelines.data import generate_sample
from tests.cli_fakes import assert_one_line_error, fresh_session, isolated_aws_environment
from tests.conftest import EXAMPLE_CONFIG as EXAMPLE

PROD, REGION = "333333333333", "eu-west-1"
BUCKET = f"mlplatform-model-monitor-{PROD}"
PREFIX = "ground-truth/mlplatform-churn-prod"
COLLECTED = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)


def sample_labels(rows: int = 40) -> str:
    """A labels CSV for requests sent with InferenceId `churn-<row>`: the sample data's true churn."""
    data = csv.DictReader(io.StringIO(generate_sample.render(rows=rows)))
    lines = ["inference_id,label", *(f"churn-{i},{row['churned']}" for i, row in enumerate(data))]
    return "\n".join(lines) + "\n"


def test_sample_labels_become_model_monitors_ground_truth_records():
    parsed = labels.parse_csv(sample_labels())
    assert len(parsed) == 40 and {label.label for label in parsed} == {"0", "1"}
    first = json.loads(labels.to_jsonl(parsed).splitlines()[0])
    # The record of model-monitor-model-quality-merge.html, keyed by the request's InferenceId.
    assert first == {
        "groundTruthData": {"data": parsed[0].label, "encoding": "CSV"},
        "eventMetadata": {"eventId": "churn-0"},
        "eventVersion": "0",
    }


def test_labels_land_under_the_hour_they_were_collected_and_a_retry_adds_nothing():
    body = labels.to_jsonl(labels.parse_csv(sample_labels()))
    key = labels.object_key(PREFIX, COLLECTED, body)
    assert key.startswith(f"{PREFIX}/2026/12/01/14/labels-") and key.endswith(".jsonl")
    assert labels.object_key(PREFIX, COLLECTED, body) == key
    assert labels.object_key(PREFIX, COLLECTED, body + body) != key


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id,label\na,1\n", "line 1 must be the header"),
        ("inference_id,label\n", "no labels"),
        ("inference_id,label\na,1\na,0\n", "labelled already on line 2"),
        ("inference_id,label\na,yes\n", "label 'yes' is not 0 or 1"),
        ("inference_id,label\na,1,2\n", "has 3 values"),
        (f"inference_id,label\n{'x' * 65},1\n", "is not an InferenceId"),
        ("inference_id,label\n,1\n", "is not an InferenceId"),
    ],
)
def test_a_bad_labels_file_is_refused_naming_the_line_and_the_fix(text, problem):
    with pytest.raises(labels.LabelError, match=problem) as refused:
        labels.parse_csv(text)
    assert "; fix: " in str(refused.value)


@pytest.fixture
def prod_s3(monkeypatch, tmp_path):
    isolated_aws_environment(monkeypatch, tmp_path, MOTO_ACCOUNT_ID=PROD)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield s3


def upload(tmp_path: Path, text: str, *extra: str, config: str = str(EXAMPLE)) -> int:
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return cli.main(
        ["--config", config, *extra, "upload", "churn", str(path)],
        session_factory=fresh_session,
        now=lambda: COLLECTED,
    )


def test_upload_puts_the_validated_labels_where_the_model_quality_monitor_reads(prod_s3, tmp_path, capsys):
    assert upload(tmp_path, sample_labels()) == 0
    (stored,) = prod_s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/2026/12/01/14/")["Contents"]
    body = prod_s3.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read().decode()
    assert body == labels.to_jsonl(labels.parse_csv(sample_labels()))
    assert f"uploaded 40 label(s) to s3://{BUCKET}/{stored['Key']}" in capsys.readouterr().out


def test_a_dry_run_prints_the_put_and_uploads_nothing(prod_s3, tmp_path, capsys):
    assert upload(tmp_path, sample_labels(3), "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("dry run, nothing changed: would call s3 PutObject in eu-west-1")
    assert f'"Key": "{PREFIX}/2026/12/01/14/labels-' in out
    assert "Contents" not in prod_s3.list_objects_v2(Bucket=BUCKET)


def test_an_invalid_file_uploads_nothing_and_says_which_line(prod_s3, tmp_path, capsys):
    assert upload(tmp_path, "inference_id,label\nchurn-0,2\n") == 2
    assert_one_line_error(capsys.readouterr().err, "labels.csv: line 2", "fix: write the true class")
    assert "Contents" not in prod_s3.list_objects_v2(Bucket=BUCKET)


def test_credentials_of_another_account_are_refused(monkeypatch, tmp_path, capsys):
    isolated_aws_environment(monkeypatch, tmp_path, MOTO_ACCOUNT_ID="111111111111")
    with mock_aws():
        assert upload(tmp_path, sample_labels(3)) == 1
    assert_one_line_error(capsys.readouterr().err, "account 111111111111", "--profile")


def test_a_project_without_labels_configured_is_told_how_to_turn_them_on(prod_s3, tmp_path, capsys):
    config = tmp_path / "no-labels.toml"
    config.write_text(
        EXAMPLE.read_text().replace("ground_truth_labels = true", "ground_truth_labels = false")
    )
    assert upload(tmp_path, sample_labels(3), config=str(config)) == 2
    assert_one_line_error(capsys.readouterr().err, "takes no labels", "ground_truth_labels = true")
