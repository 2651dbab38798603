from __future__ import annotations

from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource, refers_to

# The tag AuditLedger puts on its bucket; a CloudTrail trail's destination is an audit bucket too.
AUDIT_TAG = ("record", "audit")


def is_audit_bucket(node: Resource) -> bool:
    if node.tagged(*AUDIT_TAG):
        return True
    name = node.get("BucketName")
    return any(
        refers_to(trail.get("S3BucketName"), node, name)
        for trail in node.stack.of_type("AWS::CloudTrail::Trail")
    )


def audit_bucket_object_locked(node: Resource) -> Compliance:
    """Approval records that an account admin can delete or overwrite prove nothing: an audit bucket
    (tagged record=audit, or a trail's destination) must be versioned, with Object Lock on and a
    default retention in COMPLIANCE mode (GOVERNANCE lets privileged users shorten it)."""
    if not is_audit_bucket(node):
        return Compliance.NOT_APPLICABLE
    versioning = node.get("VersioningConfiguration") or {}
    lock = node.get("ObjectLockConfiguration") or {}
    retention = (lock.get("Rule") or {}).get("DefaultRetention") or {}
    locked = (
        node.get("ObjectLockEnabled") is True
        and lock.get("ObjectLockEnabled") == "Enabled"
        and retention.get("Mode") == "COMPLIANCE"
        and bool(retention.get("Days") or retention.get("Years"))
    )
    if locked and versioning.get("Status") == "Enabled":
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="AuditBucketObjectLocked",
    applies_to="AWS::S3::Bucket",
    check=audit_bucket_object_locked,
    info="The audit bucket is not versioned with Object Lock in compliance mode and a default retention.",
    explanation="Create the bucket with object_lock_enabled=True, object_lock_default_retention="
    "ObjectLockRetention.compliance(Duration.days(N)) and versioned=True (AuditLedger does).",
)
