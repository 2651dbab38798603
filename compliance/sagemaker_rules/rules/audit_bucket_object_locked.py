from __future__ import annotations

from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_s3 as s3
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import refers_to, rendered_tags, resolved, stack_resources

# The tag AuditLedger puts on its bucket; a CloudTrail trail's destination is an audit bucket too.
AUDIT_TAG = {"key": "record", "value": "audit"}


def is_audit_bucket(node: s3.CfnBucket) -> bool:
    if AUDIT_TAG in (rendered_tags(node) or []):
        return True
    name = resolved(node, "bucket_name")
    return any(
        refers_to(resolved(trail, "s3_bucket_name"), node, name)
        for trail in stack_resources(node, cloudtrail.CfnTrail)
    )


def audit_bucket_object_locked(node: s3.CfnBucket) -> NagRuleCompliance:
    """Approval records that an account admin can delete or overwrite prove nothing: an audit bucket
    (tagged record=audit, or a trail's destination) must be versioned, with Object Lock on and a
    default retention in COMPLIANCE mode (GOVERNANCE lets privileged users shorten it)."""
    if not is_audit_bucket(node):
        return NagRuleCompliance.NOT_APPLICABLE
    versioning = resolved(node, "versioning_configuration") or {}
    lock = resolved(node, "object_lock_configuration") or {}
    retention = (lock.get("rule") or {}).get("defaultRetention") or {}
    locked = (
        resolved(node, "object_lock_enabled") is True
        and lock.get("objectLockEnabled") == "Enabled"
        and retention.get("mode") == "COMPLIANCE"
        and bool(retention.get("days") or retention.get("years"))
    )
    if locked and versioning.get("status") == "Enabled":
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="AuditBucketObjectLocked",
    applies_to=s3.CfnBucket,
    check=audit_bucket_object_locked,
    info="The audit bucket is not versioned with Object Lock in compliance mode and a default retention.",
    explanation="Create the bucket with object_lock_enabled=True, object_lock_default_retention="
    "ObjectLockRetention.compliance(Duration.days(N)) and versioned=True (AuditLedger does).",
)
