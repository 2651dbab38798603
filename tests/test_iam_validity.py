"""The IAM validity guard: every statement of every synthesized policy checked against the service
authorization reference, and each check shown failing on a planted statement."""

from __future__ import annotations

import time

import pytest

from compliance.iam.reference import reference
from compliance.iam.validity import CHECKS, check

KEY = "arn:aws:kms:eu-west-1:111111111111:key/k"
PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlplatform-churn/*"


@pytest.fixture(scope="module")
def findings(iam_model) -> dict[str, list[str]]:
    """Check -> findings over every policy document of the example platform."""
    found = [f for d in iam_model.documents for f in check(d.label, d.document, identity=d.identity)]
    return {name: [str(f) for f in found if f.check == name] for name in CHECKS}


def test_the_guard_reads_every_policy_of_the_platform(iam_model):
    labels = {d.label.split("/")[0] for d in iam_model.documents}
    assert {
        "dev-Studio",
        "dev-ModelBuild-churn",
        "dev-Registry",
        "dev-Storage",
        "prod-Serving-churn",
    } <= labels
    assert any(not d.identity for d in iam_model.documents) and any(d.identity for d in iam_model.documents)


@pytest.mark.parametrize("name", CHECKS)
def test_no_synthesized_policy_has(findings, name):
    """Defect 7 of issue 9 was one of these: sagemaker:QueryLineage scoped to ARNs (resource-star-only),
    kms:CreateGrant without kms:GrantIsForAWSResource (grant-for-aws-resource)."""
    assert findings[name] == []


def allow(action, resource="*", **extra) -> dict:
    return {
        "Statement": [{"Sid": "Planted", "Effect": "Allow", "Action": action, "Resource": resource, **extra}]
    }


@pytest.mark.parametrize(
    ("document", "identity", "expected"),
    [
        (allow("sagemaker:ApproveModelPackage"), True, "unknown-action"),
        (allow("sagemaker:Aprove*"), True, "unknown-action"),
        (
            allow("sagemaker:QueryLineage", "arn:aws:sagemaker:eu-west-1:111111111111:artifact/*"),
            True,
            "resource-star-only",
        ),
        (
            allow(
                "sagemaker:UpdateModelPackage",
                "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/g",
            ),
            True,
            "resource-type",
        ),
        (allow("s3:GetObject", "arn:aws:s3:::bucket"), True, "resource-type"),  # the bucket, not its objects
        (
            allow(
                "s3:GetObject",
                "arn:aws:s3:::bucket/*",
                Condition={"StringEquals": {"sagemaker:ModelApprovalStatus": "x"}},
            ),
            True,
            "condition-key",
        ),
        (allow(["kms:Decrypt", "kms:CreateGrant"], KEY), True, "grant-for-aws-resource"),
        (allow("kms:*", KEY), True, "grant-for-aws-resource"),
    ],
    ids=["action", "pattern", "star-only", "type", "object-type", "key", "grant", "grant-by-wildcard"],
)
def test_each_check_finds_its_planted_statement(document, identity, expected):
    assert [f.check for f in check("planted", document, identity=identity)] == [expected]


@pytest.mark.parametrize(
    "document",
    [
        allow("sagemaker:QueryLineage"),
        allow(
            "sagemaker:UpdateModelPackage",
            PACKAGE,
            Condition={"StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"}},
        ),
        allow(
            "sagemaker:AddTags",
            PACKAGE,
            Condition={"StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": "x"}},
        ),
        allow(
            "kms:Decrypt",
            KEY,
            Condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*"}},
        ),
        allow(
            "s3:*",
            "arn:aws:s3:::bucket/*",
            Condition={"NumericLessThan": {"s3:TlsVersion": 1.2}, "Bool": {"aws:SecureTransport": "true"}},
        ),
        allow("kms:CreateGrant", KEY, Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}),
    ],
    ids=["star", "supported-key", "if-exists", "key-template", "service-key-and-global", "grant-for-aws"],
)
def test_sound_statements_pass(document):
    assert check("sound", document, identity=True) == []


def test_a_key_policy_may_let_its_account_administer_grants():
    """Resource policies are not identity policies: the default key policy's kms:* for the account stays."""
    root = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
    }
    assert check("key", root, identity=False) == []


def test_the_reference_is_read_once_and_fast():
    started = time.perf_counter()
    assert reference() is reference()
    assert reference().actions("sagemaker:CreateTrainingJob")[0].resource_formats == {
        "arn:*:sagemaker:*:*:training-job/*",
        "arn:*:sagemaker:*:*:training-plan/*",
        "arn:*:sagemaker:*:*:reserved-capacity/*",
    }
    assert time.perf_counter() - started < 1.0
