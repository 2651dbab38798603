"""The audit record nobody can rewrite, as synthesized: the Object Lock bucket, the trail into it,
the policies CloudTrail documents, and the recorder's right to append there and nowhere else."""

from __future__ import annotations

import pytest

from tests.templates import named, one, principal_services

BUCKET = "mlplatform-audit-records-111111111111"
TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/mlplatform-approvals"


@pytest.fixture(scope="module")
def shared(synthesized) -> dict:
    return synthesized["dev/Promotion"].template


def _bucket(template: dict) -> tuple[str, dict]:
    return named(template, "AWS::S3::Bucket", "BucketName", BUCKET)


def test_the_bucket_locks_every_record_in_compliance_mode_for_the_configured_days(shared, example_config):
    _, bucket = _bucket(shared)
    properties = bucket["Properties"]
    assert properties["ObjectLockEnabled"] is True
    retention = properties["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert retention == {"Mode": "COMPLIANCE", "Days": example_config.platform.audit_retention_days}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    [encryption] = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert bucket["DeletionPolicy"] == "Retain"


def test_the_trail_records_management_writes_into_the_bucket_with_signed_digests(shared):
    logical_id, _ = _bucket(shared)
    trail = one(shared, "AWS::CloudTrail::Trail")["Properties"]
    assert trail["S3BucketName"] == {"Ref": logical_id}
    assert trail["TrailName"] == "mlplatform-approvals"
    assert trail["EnableLogFileValidation"] is True and trail["IsLogging"] is True
    assert "KMSKeyId" in trail
    [selector] = trail["AdvancedEventSelectors"]
    assert sorted(selector["FieldSelectors"], key=lambda f: f["Field"]) == [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["false"]},  # UpdateModelPackage, PutApprovalResult are writes
    ]


def test_only_this_trail_may_write_into_the_bucket_as_cloudtrail_documents(shared):
    logical_id, _ = _bucket(shared)
    [policy] = [
        r["Properties"]
        for r in shared["Resources"].values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    by_sid = {s.get("Sid"): s for s in policy["PolicyDocument"]["Statement"]}
    for sid, action in (("AWSCloudTrailAclCheck", "s3:GetBucketAcl"), ("AWSCloudTrailWrite", "s3:PutObject")):
        statement = by_sid[sid]
        assert principal_services(statement) == ["cloudtrail.amazonaws.com"]
        assert statement["Action"] == action
        assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN
    write = by_sid["AWSCloudTrailWrite"]
    assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert write["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [logical_id, "Arn"]}, "/cloudtrail/AWSLogs/111111111111/*"]]
    }


def test_cloudtrail_may_encrypt_only_for_this_trail(shared):
    key = next(
        r
        for r in shared["Resources"].values()
        if r["Type"] == "AWS::KMS::Key" and "CloudTrail" in str(r["Properties"]["KeyPolicy"])
    )
    by_sid = {s.get("Sid"): s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    encrypt = by_sid["CloudTrailEncryptsTheApprovalsTrail"]
    assert encrypt["Action"] == "kms:GenerateDataKey*"
    assert "aws:SourceArn" in encrypt["Condition"]["StringEquals"]
    assert "kms:EncryptionContext:aws:cloudtrail:arn" in encrypt["Condition"]["StringLike"]


def test_the_recorder_may_only_add_records_under_decisions(shared):
    logical_id, _ = _bucket(shared)
    statements = [
        s
        for r in shared["Resources"].values()
        if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "LockedRecords"
    ]
    [statement] = statements
    assert statement["Action"] == "s3:PutObject"
    assert statement["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [logical_id, "Arn"]}, "/decisions/*"]]}
