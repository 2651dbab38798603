"""Prod pushes captures and labels to dev (issue 13, item 4): the monitoring bucket's replication into
dev's prod-feedback bucket, both sides' permissions, and that nobody in dev reads prod."""

from __future__ import annotations

import json

import pytest

from compliance.iam.evaluate import Outcome, Request, Resource, evaluate
from platform_config import naming
from tests.templates import named

DEV, PROD, REGION = "111111111111", "333333333333", "eu-west-1"
ROLE = f"arn:aws:iam::{PROD}:role/mlplatform-prod-feedback-replication"
FEEDBACK = f"arn:aws:s3:::mlplatform-prod-feedback-{DEV}"
MONITOR = f"arn:aws:s3:::mlplatform-model-monitor-{PROD}"
CAPTURE = "churn/capture/mlplatform-churn-prod/AllTraffic/2026/01/01/00/capture.jsonl"
LABELS = "ground-truth/mlplatform-churn-prod/2026/01/01/01/labels.jsonl"


@pytest.fixture(scope="module")
def foundation(synthesized) -> dict:
    return synthesized["prod/ServingFoundation"].template


def _monitor_bucket(template: dict) -> dict:
    return named(template, "AWS::S3::Bucket", "BucketName", MONITOR.split(":::")[1])[1]["Properties"]


def test_prod_replicates_exactly_the_capture_and_label_prefixes_encrypted_with_devs_data_key(foundation):
    replication = _monitor_bucket(foundation)["ReplicationConfiguration"]
    assert [r["Filter"]["Prefix"] for r in replication["Rules"]] == [
        "churn/capture/mlplatform-churn-prod/",  # Model Monitor's layout: <destination>/<endpoint>/<variant>/
        "ground-truth/mlplatform-churn-prod/",
    ]
    for rule in replication["Rules"]:
        assert rule["Status"] == "Enabled"
        assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}  # deletes in prod stay in prod
        assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
        assert rule["Destination"] == {
            "Bucket": FEEDBACK,
            "EncryptionConfiguration": {
                "ReplicaKmsKeyID": f"arn:aws:kms:{REGION}:{DEV}:{naming.key_alias('mlplatform', 'data')}"
            },
        }
    assert len({r["Priority"] for r in replication["Rules"]}) == len(replication["Rules"])


def test_the_replica_key_alias_is_devs_data_key(synthesized):
    aliases = [
        r["Properties"]
        for r in synthesized["dev/Storage"].template["Resources"].values()
        if r["Type"] == "AWS::KMS::Alias"
    ]
    (data,) = [a for a in aliases if a["AliasName"] == naming.key_alias("mlplatform", "data")]
    assert "DataKey" in json.dumps(data["TargetKeyId"])


def test_the_dev_feedback_bucket_is_versioned_encrypted_with_the_data_key_and_retained(synthesized):
    _, bucket = named(
        synthesized["dev/Storage"].template, "AWS::S3::Bucket", "BucketName", FEEDBACK.split(":::")[1]
    )
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert "DataKey" in json.dumps(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"])


def test_the_replication_role_is_s3s_alone(iam_model, foundation):
    principal = iam_model.role("mlplatform-prod-feedback-replication", PROD).principal
    assert principal.arn == ROLE  # the evaluator's principal carries the identity policies only
    _, template_role = named(foundation, "AWS::IAM::Role", "RoleName", ROLE.rsplit("/", 1)[1])
    (statement,) = template_role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}


def _decide(iam_model, principal, action: str, arn: str, **context) -> Outcome:
    return iam_model.decide(principal, action, arn, context).outcome


def test_the_role_replicates_into_dev_and_reads_nothing_back(iam_model):
    role = iam_model.role("mlplatform-prod-feedback-replication", PROD).principal
    assert _decide(iam_model, role, "s3:ReplicateObject", f"{FEEDBACK}/{CAPTURE}") is Outcome.ALLOW
    # negative controls: no read of dev's data, no other dev bucket, no other prefix of prod's bucket
    assert _decide(iam_model, role, "s3:GetObject", f"{FEEDBACK}/{CAPTURE}") is not Outcome.ALLOW
    assert _decide(iam_model, role, "s3:ReplicateDelete", f"{FEEDBACK}/{CAPTURE}") is not Outcome.ALLOW
    raw = f"arn:aws:s3:::mlplatform-raw-data-{DEV}/churn/input/churn.csv"
    assert _decide(iam_model, role, "s3:ReplicateObject", raw) is not Outcome.ALLOW
    reports = f"{MONITOR}/churn/reports/2026/01/01/00/constraint_violations.json"
    assert _decide(iam_model, role, "s3:GetObjectVersionForReplication", reports) is not Outcome.ALLOW


def test_negative_control_without_devs_bucket_policy_the_cross_account_write_is_refused(iam_model):
    """Cross-account, the role's own policy is not enough: dev's bucket policy must admit it."""
    role = iam_model.role("mlplatform-prod-feedback-replication", PROD).principal
    unshared = Resource(f"{FEEDBACK}/{CAPTURE}", DEV)
    assert evaluate(role, Request("s3:ReplicateObject", unshared)).outcome is not Outcome.ALLOW


def test_devs_data_key_admits_the_role_to_encrypt_only_through_s3(iam_model, platform):
    role = iam_model.role("mlplatform-prod-feedback-replication", PROD).principal
    via_s3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    assert _decide(iam_model, role, "kms:Encrypt", platform.data_key, **via_s3) is Outcome.ALLOW
    assert _decide(iam_model, role, "kms:Encrypt", platform.data_key) is not Outcome.ALLOW
    assert _decide(iam_model, role, "kms:Decrypt", platform.data_key, **via_s3) is not Outcome.ALLOW


@pytest.mark.parametrize(
    "persona", ["data-engineer", "data-scientist", "mlops-engineer", "compliance-officer"]
)
def test_nobody_in_dev_reads_prods_monitoring_bucket(iam_model, persona):
    role = iam_model.role(naming.persona_role("mlplatform", persona), DEV).principal
    for key in (CAPTURE, LABELS):
        assert _decide(iam_model, role, "s3:GetObject", f"{MONITOR}/{key}") is not Outcome.ALLOW


def test_the_model_build_role_reads_the_fresh_data_but_not_other_projects(iam_model):
    role = iam_model.role(naming.model_build_role("mlplatform", "churn"), DEV).principal
    assert _decide(iam_model, role, "s3:GetObject", f"{FEEDBACK}/{CAPTURE}") is Outcome.ALLOW
    assert _decide(iam_model, role, "s3:GetObject", f"{FEEDBACK}/{LABELS}") is Outcome.ALLOW
    other = "fraud/capture/mlplatform-fraud-prod/AllTraffic/2026/01/01/00/capture.jsonl"
    assert _decide(iam_model, role, "s3:GetObject", f"{FEEDBACK}/{other}") is not Outcome.ALLOW


def test_the_retraining_function_lists_keys_but_reads_no_capture(iam_model, platform):
    name = iam_model.physical_names("dev-RetrainingLoop", "AWS::IAM::Role", "RetrainRole")[0]
    role = iam_model.role(name, DEV).principal
    listing = {"s3:prefix": "churn/capture/mlplatform-churn-prod/"}
    assert _decide(iam_model, role, "s3:ListBucket", FEEDBACK, **listing) is Outcome.ALLOW
    assert _decide(iam_model, role, "s3:GetObject", f"{FEEDBACK}/{CAPTURE}") is not Outcome.ALLOW
    assert (
        _decide(iam_model, role, "s3:ListBucket", FEEDBACK, **{"s3:prefix": "manifests/"})
        is not Outcome.ALLOW
    )
